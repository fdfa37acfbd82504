package argostest

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

var updateFixtures = flag.Bool("update", false, "rewrite testdata/recorded/quickstart by recording the quickstart flow against the fake server")

// TestRecordFixtures records the quickstart flow against a deterministic
// fake server and checks the committed set in testdata/recorded/quickstart
// is what it records. With -update it rewrites the committed set:
//
//	go test ./argostest -run TestRecordFixtures -update
func TestRecordFixtures(t *testing.T) {
	dir := t.TempDir()
	if *updateFixtures {
		dir = quickstartDir
	}
	n := 0
	srv := NewServer(
		WithClock(func() time.Time { return time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC) }),
		WithSubmissionIDs(func() string { n++; return fmt.Sprintf("quickstart%06d", n) }),
	)
	defer srv.Close()
	rec, err := NewRecorder(dir, srv.HTTPClient().Transport)
	require.NoError(t, err)
	runQuickstartFlow(t, recNewClient(t, srv.BaseURL, srv.APIKey, rec))
	require.NoError(t, rec.Err())
	if *updateFixtures {
		t.Logf("rewrote %s", quickstartDir)
		return
	}
	got, want := recFixtureFiles(t, dir), recFixtureFiles(t, quickstartDir)
	const hint = "the committed fixtures are stale: run go test ./argostest -run TestRecordFixtures -update"
	require.Equal(t, sortedKeys(want), sortedKeys(got), hint)
	for name, data := range got {
		assert.Equal(t, string(want[name]), string(data), "%s: %s", name, hint)
	}
}

// scrubFile decodes a testdata file and scrubs it.
func scrubFile(t *testing.T, sc *scrubber, name string) (orig any, scrubbed string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", name))
	require.NoError(t, err)
	orig, ok := decodeJSON(data)
	require.True(t, ok, "%s is not JSON", name)
	again, _ := decodeJSON(data)
	return orig, string(sc.jsonBody(again))
}

// personalValues collects, independently of the scrubber's own tables, the
// values of the keys the task lists as personal.
func personalValues(v any, under string, out map[string]string) {
	personal := map[string]bool{
		"name": true, "first_name": true, "last_name": true, "full_name": true, "fullName": true,
		"firstName": true, "lastName": true, "ocr_name": true, "date_of_birth": true, "birthDate": true,
		"ocr_birthDate": true, "dob": true, "email": true, "identityNumber": true, "identity_number": true,
		"documentNumber": true, "document_number": true, "serialNumber": true, "license_number": true,
		"ssnNumber": true, "phoneNumber": true, "ip_address": true, "ipAddress": true,
		"formatted_address": true, "compound_code": true, "global_code": true, "compoundCode": true,
		"globalCode": true, "address_input": true, "address_detail": true, "userid": true,
		"value": true, "text": true,
	}
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			key := under + "." + k
			if s, ok := c.(string); ok && (personal[k] || strings.HasPrefix(k, "address_") && k != "address_country") {
				out[key] = s
			}
			personalValues(c, key, out)
		}
	case []any:
		for i, c := range x {
			personalValues(c, under+"["+strconv.Itoa(i)+"]", out)
		}
	}
}

func TestScrub(t *testing.T) {
	sc := newScrubber(newFixtureConfig(nil))

	samples := []string{
		"submission_single_guide.json", "submission_single_gitbook.json", "submission_single_developers.json",
		"submission_list_guide.json", "submission_list_developers.json", "submission_variants.json",
		"submission_list_page1.json", "step1_guide.json", "step1_retry.json", "address_code.json",
		"applicant.json", "applicant_old.json", "step2_incomplete.json", "delete_hash.json",
	}

	t.Run("no personal value of the documented samples survives", func(t *testing.T) {
		for _, name := range samples {
			orig, scrubbed := scrubFile(t, sc, name)
			values := map[string]string{}
			personalValues(orig, "", values)
			for where, v := range values {
				if strings.IndexFunc(v, func(r rune) bool { return r != '*' && r != '.' && r != ' ' }) < 0 {
					continue // "*.*.*.*": nothing to hide
				}
				if v == "Deleted Submission" || v == "0" {
					continue
				}
				assert.NotContains(t, scrubbed, `"`+jsonEscape(v)+`"`, "%s: %s survived", name, where)
			}
		}
	})

	t.Run("IDs, statuses, scores and timestamps are kept", func(t *testing.T) {
		for _, name := range []string{
			"submission_single_guide.json", "submission_single_developers.json", "submission_variants.json",
			"submission_list_guide.json", "submission_list_page1.json",
		} {
			_, scrubbed := scrubFile(t, sc, name)
			data, err := os.ReadFile(filepath.Join("..", "testdata", name))
			require.NoError(t, err)
			var before, after argos.SubmissionList
			require.NoError(t, json.Unmarshal(data, &before))
			require.NoError(t, json.Unmarshal([]byte(scrubbed), &after))
			require.Len(t, after.Items, len(before.Items), name)
			assert.Equal(t, before.Next, after.Next, name)
			for i := range before.Items {
				b, a := before.Items[i], after.Items[i]
				assert.Equal(t, b.ID, a.ID, name)
				assert.Equal(t, b.ApplicantID, a.ApplicantID, name)
				assert.Equal(t, b.CreatedAt, a.CreatedAt, name)
				assert.Equal(t, b.Data.Gender, a.Data.Gender, name)
				assert.Equal(t, b.Data.Nationality, a.Data.Nationality, name)
				assert.Equal(t, b.Data.IDType, a.Data.IDType, name)
				assert.Equal(t, b.Data.CF1, a.Data.CF1, name)
				assert.Equal(t, b.KYC.Result, a.KYC.Result, name)
				assert.Equal(t, b.KYC.CommentCode, a.KYC.CommentCode, name)
				require.Len(t, a.KYC.Attempts, len(b.KYC.Attempts), name)
				for j := range b.KYC.Attempts {
					assert.Equal(t, b.KYC.Attempts[j].Count, a.KYC.Attempts[j].Count, name)
					assert.Equal(t, b.KYC.Attempts[j].LivenessScore, a.KYC.Attempts[j].LivenessScore, name)
					assert.Equal(t, b.KYC.Attempts[j].FaceSimilarityScore, a.KYC.Attempts[j].FaceSimilarityScore, name)
					assert.Equal(t, b.KYC.Attempts[j].RetryMsg, a.KYC.Attempts[j].RetryMsg, name)
					assert.Equal(t, b.KYC.Attempts[j].VerificationParams.IDType, a.KYC.Attempts[j].VerificationParams.IDType, name)
				}
				assert.Equal(t, b.AMLResourceIDs(), a.AMLResourceIDs(), name)
			}
		}
	})

	t.Run("the guide's sample scrubs to format-preserving fakes", func(t *testing.T) {
		_, scrubbed := scrubFile(t, sc, "submission_single_guide.json")
		var l argos.SubmissionList
		require.NoError(t, json.Unmarshal([]byte(scrubbed), &l))
		s := l.Items[0]
		assert.Equal(t, "Test Applicant", s.Data.Name)
		assert.Equal(t, "1990-01-01", s.Data.DateOfBirth)
		assert.Equal(t, "2020-01-01", s.Data.IssueDate)
		assert.Equal(t, "000000-0******", s.Data.IdentityNumber)
		assert.Equal(t, "*.*.*.*", s.Data.IPAddress)
		assert.Equal(t, sc.email("test@gmail.com"), s.Email)
		assert.Regexp(t, `^applicant-[0-9a-f]{8}@example\.com$`, s.Email)
		assert.Regexp(t, `^user-[0-9a-f]{8}$`, s.UserID)
		assert.Equal(t, "Test Applicant", s.KYC.Attempts[0].VerificationParams.FullName)
		assert.Equal(t, "000000-0******", s.KYC.Attempts[0].VerificationParams.IdentityNumber)
		assert.Equal(t, "gt7rcxx9l1o*****", s.ID)
	})

	t.Run("OCR, OCR_raw, memo and address data are scrubbed", func(t *testing.T) {
		_, scrubbed := scrubFile(t, sc, "submission_single_developers.json")
		for _, gone := range []string{"Ji Sung", "Park", "John Smith", "Elm Street", "Sejongno", "8Q98HXPG+MP", "HXPG+MP", "03172", "memo text", "Seoul"} {
			assert.NotContains(t, scrubbed, gone)
		}
		assert.Contains(t, scrubbed, `"score":96`)
		assert.Contains(t, scrubbed, `"accepted":true`)
		assert.Contains(t, scrubbed, `"option_aml":true`)
		assert.Contains(t, scrubbed, `"idImage":"{idImage from ArgosServer}"`)
		assert.Contains(t, scrubbed, `"address_country":"KOR"`)
	})

	t.Run("scrubbing twice changes nothing", func(t *testing.T) {
		for _, name := range samples {
			_, once := scrubFile(t, sc, name)
			v, ok := decodeJSON([]byte(once))
			require.True(t, ok)
			assert.Equal(t, once, string(sc.jsonBody(v)), name)
		}
	})

	t.Run("each kind of value gets its fake", func(t *testing.T) {
		for _, tc := range []struct{ key, in, want string }{
			{"name", "Ottilie Vandersloot", "Test Applicant"},
			{"first_name", "Ottilie", "Test"},
			{"name", "Deleted Submission", "Deleted Submission"},
			{"lastName", "Vandersloot", "Applicant"},
			{"ocr_name", "홍길동", "Test Applicant"},
			{"ocr_firstName", "Ji Sung", "Test"},
			{"date_of_birth", "1984-07-23", "1990-01-01"},
			{"dob", "19840723", "19900101"},
			{"birthDate", "1984.07.23", "1990.01.01"},
			{"ocr_birthDate", "1984-07-23T00:00:00Z", "1990-01-01T00:00:00Z"},
			{"date_of_expiry", "2031-02-03", "2030-01-01"},
			{"idcard_issueDate", "2016-08-16", "2020-01-01"},
			{"identityNumber", "840723-2345678", "000000-0000000"},
			{"identity_number", "981112-1******", "000000-0******"},
			{"documentNumber", "M1234567", "X0000000"},
			{"license_number", "11-22-333333-44", "00-00-000000-00"},
			{"serial_number", "ab12", "xx00"},
			{"phoneNumber", "+82 10-1234-5678", "+00 00-0000-0000"},
			{"ip_address", "203.0.113.7", "192.0.2.1"},
			{"ipAddress", "127.0.0.*", "192.0.2.*"},
			{"ip_address", "2a00:1450::200e", "2001:db8::1"},
			{"formatted_address", "17 Rue des Lilas, Lyon, France", "1 Test Street, Testville, Testland"},
			{"address", "17 Rue des Lilas", "1 Test Street, Testville, Testland"},
			{"address_city", "Lyon", "Testville"},
			{"address_zipcode", "69001", "00000"},
			{"address_country", "FRA", "FRA"},
			{"address_country", "France", "Testland"},
			{"compound_code", "HXPG+MP Seoul, South Korea", "XXXX+XX Testville, Testland"},
			{"globalCode", "8Q98HXPG+MP", "0X00XXXX+XX"},
			{"email", "Ottilie@Example.net", sc.email("ottilie@example.net")},
			{"userid", "crm-customer-58213", sc.userID("crm-customer-58213")},
			{"reviewer", "system", "system"},
			{"reviewer", "admin@corp.example", sc.email("admin@corp.example")},
			{"admin_name", "Kim Reviewer", "Test Reviewer"},
			{"submission_id", "gt7rcxx9l1oabcde", "gt7rcxx9l1oabcde"},
			{"submissionId", "gt7rcxx9l1oabcde", "gt7rcxx9l1oabcde"},
			{"applicant_id", "app123", "app123"},
			{"resourceId", "aml-1", "aml-1"},
			{"type", "idImage", "idImage"},
			{"idType", "government_id", "government_id"},
			{"cf1", "order-42", "order-42"},
			{"retryMsg", "1. Face compare failed: no matching face", "1. Face compare failed: no matching face"},
			{"message", "ottilie@example.net had submitted another KYC", sc.email("ottilie@example.net") + " had submitted another KYC"},
			{"message", "request from 198.51.100.23 denied", "request from 192.0.2.1 denied"},
			{"content", "RRN 840723-2345678 mismatch", "RRN 000000-0000000 mismatch"},
			{"message", "see https://h/x?userid=crm-1&type=idImage", "see https://h/x?userid=" + sc.userID("crm-1") + "&type=idImage"},
			{"body", "email=ottilie%40example.net", "email=" + url.QueryEscape(sc.email("ottilie@example.net"))},
			{"body", "to ottilie%40example.net", "to " + url.QueryEscape(sc.email("ottilie@example.net"))},
			{"email", "", ""},
		} {
			assert.Equal(t, tc.want, sc.field(tc.key, tc.in), "%s=%q", tc.key, tc.in)
			assert.Equal(t, tc.want, sc.field(tc.key, tc.want), "%s=%q is not stable", tc.key, tc.want)
		}
	})

	t.Run("numbers under personal keys become 0", func(t *testing.T) {
		v, _ := decodeJSON([]byte(`{"identityNumber": 8407232345678, "livenessScore": 91, "data": {"age": 41}}`))
		assert.Equal(t, `{"data":{"age":41},"identityNumber":0,"livenessScore":91}`, string(sc.jsonBody(v)))
	})

	t.Run("unknown fields of personal objects are masked", func(t *testing.T) {
		v, _ := decodeJSON([]byte(`{"data": {"nickname": "Tilly", "gender": "female", "cf2": "x"}, "verificationParams": {"placeOfBirth": "Lyon"}, "other": "Tilly"}`))
		assert.Equal(t, `{"data":{"cf2":"x","gender":"female","nickname":"Xxxxx"},"other":"Tilly","verificationParams":{"placeOfBirth":"Xxxx"}}`, string(sc.jsonBody(v)))
	})

	t.Run("the same value scrubs the same way everywhere, and the salt changes it", func(t *testing.T) {
		q := sc.values(url.Values{"userid": {"u-1"}, "email": {"A@B.example"}})
		v, _ := decodeJSON([]byte(`{"userid":"u-1","email":"a@b.example"}`))
		body := string(sc.jsonBody(v))
		assert.Contains(t, body, q["userid"][0])
		assert.Contains(t, body, q["email"][0])
		other := newScrubber(newFixtureConfig([]RecordOption{WithSalt("s3cret")}))
		assert.NotEqual(t, sc.userID("u-1"), other.userID("u-1"))
		assert.NotEqual(t, sc.email("a@b.example"), other.email("a@b.example"))
	})

	t.Run("WithScrubKeys scrubs more keys", func(t *testing.T) {
		more := newScrubber(newFixtureConfig([]RecordOption{WithScrubKeys("cf1", "Customer-Ref")}))
		assert.Equal(t, "xxxxx-00", more.field("cf1", "order-42"))
		assert.Equal(t, "XX-0", more.field("customer_ref", "AB-1"))
		assert.Equal(t, "order-42", sc.field("cf1", "order-42"))
	})

	t.Run("text that is not JSON is scrubbed by key and by pattern", func(t *testing.T) {
		in := `{ name: '홍길동', "email": "x@y.example", ip_address: "10.1.2.3", cf1: 'keep' } reply to x@y.example`
		out := sc.text(in)
		for _, gone := range []string{"홍길동", "x@y.example", "10.1.2.3"} {
			assert.NotContains(t, out, gone)
		}
		assert.Contains(t, out, `name: 'Test Applicant'`)
		assert.Contains(t, out, `cf1: 'keep'`)
		assert.Contains(t, out, "reply to "+sc.email("x@y.example"))
	})
}

// jsonEscape returns v as it appears inside a JSON string.
func jsonEscape(v string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	s := strings.TrimSpace(b.String())
	return s[1 : len(s)-1]
}

// recServer serves handler over plain HTTP for the recorder's unit tests.
func recServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// recOnly reads the single fixture of dir.
func recOnly(t *testing.T, dir string) (string, *Fixture) {
	t.Helper()
	files := recFixtureFiles(t, dir)
	require.Len(t, files, 1)
	for name := range files {
		fx, err := readFixture(filepath.Join(dir, name))
		require.NoError(t, err)
		return name, fx
	}
	return "", nil
}

func TestRecorder(t *testing.T) {
	personal := `{"submission_id":"s1","email":"ottilie@example.net","data":{"name":"Ottilie V","date_of_birth":"1984-07-23"}}`

	t.Run("the caller gets the real response and the fixture the scrubbed one", func(t *testing.T) {
		srv := recServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Set-Cookie", "session=abc")
			w.Header().Set("Retry-After", "7")
			_, _ = io.WriteString(w, personal)
		})
		dir := t.TempDir()
		rec, err := NewRecorder(dir, srv.Client().Transport)
		require.NoError(t, err)
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v2/submission?submission_id=s1&email=ottilie%40example.net", nil)
		req.Header.Set("x-api-key", "sk_live_do_not_record")
		req.Header.Set("Authorization", "Bearer do-not-record")
		req.Header.Set("Cookie", "session=do-not-record")
		req.Header.Set("Accept", "application/json")
		resp, err := rec.Client().Do(req)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		assert.Equal(t, personal, string(body))
		require.NoError(t, rec.Err())

		name, fx := recOnly(t, dir)
		assert.Equal(t, "001_GET_v2_submission.json", name)
		raw, _ := os.ReadFile(filepath.Join(dir, name))
		for _, secret := range []string{"do_not_record", "do-not-record", "session=", "ottilie", "Ottilie", "1984-07-23"} {
			assert.NotContains(t, string(raw), secret)
		}
		assert.Equal(t, map[string]string{"Accept": "application/json"}, fx.Request.Headers)
		assert.Equal(t, map[string][]string{"submission_id": {"s1"}, "email": {rec.sc.email("ottilie@example.net")}}, fx.Request.Query)
		assert.Equal(t, map[string]string{"Content-Type": "application/json", "Retry-After": "7"}, fx.Response.Headers)
		assert.JSONEq(t, `{"submission_id":"s1","email":"`+rec.sc.email("ottilie@example.net")+`","data":{"name":"Test Applicant","date_of_birth":"1990-01-01"}}`, string(fx.Response.Body))
	})

	t.Run("downloads stream through untouched and are recorded as placeholders", func(t *testing.T) {
		realBytes := bytes.Repeat([]byte("REAL-APPLICANT-BYTES"), 1000)
		for _, tc := range []struct {
			contentType, disposition string
			body                     []byte
			check                    func(t *testing.T, b []byte)
			wantDisposition          string
		}{
			{"image/png", `attachment; filename="idImage.png"`, append([]byte("\x89PNG\r\n\x1a\n"), realBytes...), func(t *testing.T, b []byte) {
				_, err := png.Decode(bytes.NewReader(b))
				assert.NoError(t, err)
			}, "attachment; filename=idImage.png"},
			{"image/jpeg", `attachment; filename="Ottilie Vandersloot selfie.jpg"`, append([]byte{0xFF, 0xD8, 0xFF}, realBytes...), func(t *testing.T, b []byte) {
				_, err := jpeg.Decode(bytes.NewReader(b))
				assert.NoError(t, err)
			}, "attachment; filename=download.jpg"},
			{"application/pdf", `inline; filename=report.pdf`, append([]byte("%PDF-1.7\n"), realBytes...), func(t *testing.T, b []byte) {
				assert.True(t, bytes.HasPrefix(b, []byte("%PDF-1.4\n")))
				assert.True(t, bytes.HasSuffix(b, []byte("%%EOF\n")))
			}, "inline; filename=report.pdf"},
			{"image/gif", "", append([]byte("GIF89a"), realBytes...), func(t *testing.T, b []byte) {
				_, err := gif.Decode(bytes.NewReader(b))
				assert.NoError(t, err)
			}, ""},
			{"application/octet-stream", "", append([]byte("\x89PNG\r\n\x1a\n"), realBytes...), func(t *testing.T, b []byte) {
				_, err := png.Decode(bytes.NewReader(b))
				assert.NoError(t, err, "sniffed as PNG")
			}, ""},
			{"application/zip", "", append([]byte("PK\x03\x04"), realBytes...), func(t *testing.T, b []byte) {
				assert.Empty(t, b, "no placeholder for an unknown type")
			}, ""},
		} {
			srv := recServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.contentType)
				if tc.disposition != "" {
					w.Header().Set("Content-Disposition", tc.disposition)
				}
				_, _ = w.Write(tc.body)
			})
			dir := t.TempDir()
			rec, err := NewRecorder(dir, srv.Client().Transport)
			require.NoError(t, err)
			resp, err := rec.Client().Get(srv.URL + "/v2/image?submission_id=s1&type=idImage")
			require.NoError(t, err)
			got, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			assert.Equal(t, tc.body, got, tc.contentType)
			_, fx := recOnly(t, dir)
			assert.NotContains(t, string(fx.Response.BodyBase64), "REAL-APPLICANT")
			tc.check(t, fx.Response.BodyBase64)
			assert.Equal(t, tc.wantDisposition, fx.Response.Headers["Content-Disposition"], tc.contentType)
			assert.Equal(t, tc.contentType, fx.Response.Headers["Content-Type"])
		}
	})

	t.Run("a multipart upload is parsed as it streams, files counted and never kept", func(t *testing.T) {
		const fileSize = 24 << 20 // three times the buffer bound
		var received int64
		srv := recServer(t, func(w http.ResponseWriter, r *http.Request) {
			received, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"submissionId":"s1","kycStatus":"incomplete"}`)
		})
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			_ = mw.WriteField("email", "ottilie@example.net")
			_ = mw.WriteField("idType", "passport")
			_ = mw.WriteField("name", "Ottilie Vandersloot")
			h := make(map[string][]string)
			h["Content-Disposition"] = []string{`form-data; name="idImage"; filename="C:\Users\ottilie\passport scan.png"`}
			h["Content-Type"] = []string{"image/png"}
			part, _ := mw.CreatePart(h)
			chunk := bytes.Repeat([]byte{0xAB}, 1<<20)
			for range fileSize / len(chunk) {
				_, _ = part.Write(chunk)
			}
			_ = mw.Close()
			_ = pw.Close()
		}()
		dir := t.TempDir()
		rec, err := NewRecorder(dir, srv.Client().Transport)
		require.NoError(t, err)
		resp, err := rec.Client().Post(srv.URL+"/v2/submission/step1", mw.FormDataContentType(), pr)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		assert.Greater(t, received, int64(fileSize))

		name, fx := recOnly(t, dir)
		assert.Equal(t, "001_POST_v2_submission_step1.json", name)
		assert.False(t, fx.Request.Truncated)
		assert.Equal(t, map[string][]string{
			"email": {rec.sc.email("ottilie@example.net")}, "idType": {"passport"}, "name": {"Test Applicant"},
		}, fx.Request.Form)
		assert.Equal(t, map[string]FixtureFile{"idImage": {Filename: "idImage.png", ContentType: "image/png", Size: fileSize}}, fx.Request.Files)
		assert.Equal(t, "multipart/form-data; boundary=BOUNDARY", fx.Request.Headers["Content-Type"])
		info, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.Less(t, info.Size(), int64(4096))
	})

	t.Run("a form-urlencoded body is recorded scrubbed", func(t *testing.T) {
		srv := recServer(t, func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			w.Header().Set("Content-Type", "application/json")
			_, _ = fmt.Fprintf(w, `{"formatted_address":%q,"compound_code":"QJ2R+8G Lyon, France","global_code":"8FQ6QJ2R+8G"}`, r.PostForm.Get("address"))
		})
		dir := t.TempDir()
		rec, err := NewRecorder(dir, srv.Client().Transport)
		require.NoError(t, err)
		resp, err := rec.Client().PostForm(srv.URL+"/v2/address_code", url.Values{"address": {"17 Rue des Lilas, Lyon"}, "language": {"en"}})
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		assert.Contains(t, string(body), "17 Rue des Lilas")
		_, fx := recOnly(t, dir)
		assert.Equal(t, map[string][]string{"address": {"1 Test Street, Testville, Testland"}, "language": {"en"}}, fx.Request.Form)
		assert.JSONEq(t, `{"formatted_address":"1 Test Street, Testville, Testland","compound_code":"XX0X+0X Testville, Testland","global_code":"0XX0XX0X+0X"}`, string(fx.Response.Body))
	})

	t.Run("a JSON request body and a text response are scrubbed", func(t *testing.T) {
		srv := recServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, "ottilie@example.net had submitted another KYC")
		})
		dir := t.TempDir()
		rec, err := NewRecorder(dir, srv.Client().Transport)
		require.NoError(t, err)
		req, _ := http.NewRequest(http.MethodPatch, srv.URL+"/v3/submission", strings.NewReader(`{"submission_id":"s1","data":{"name":"Ottilie"}}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := rec.Client().Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		_, fx := recOnly(t, dir)
		assert.JSONEq(t, `{"submission_id":"s1","data":{"name":"Test Applicant"}}`, string(fx.Request.Body))
		assert.Equal(t, 400, fx.Response.Status)
		assert.Equal(t, rec.sc.email("ottilie@example.net")+" had submitted another KYC", fx.Response.BodyText)
	})

	t.Run("a redirect is recorded with a scrubbed Location and replays", func(t *testing.T) {
		srv := recServer(t, func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/v2/image":
				http.Redirect(w, r, "/files/abc.png?X-Amz-Signature=s3cr3t-sig&email=ottilie%40example.net&v=1", http.StatusFound)
			case "/files/abc.png":
				w.Header().Set("Content-Type", "image/png")
				_, _ = w.Write(append([]byte("\x89PNG\r\n\x1a\n"), "REAL"...))
			}
		})
		dir := t.TempDir()
		rec, err := NewRecorder(dir, srv.Client().Transport)
		require.NoError(t, err)
		resp, err := rec.Client().Get(srv.URL + "/v2/image?submission_id=s1&type=idImage")
		require.NoError(t, err)
		_ = resp.Body.Close()
		files := recFixtureFiles(t, dir)
		require.Len(t, files, 2)
		for name, data := range files {
			assert.NotContains(t, string(data), "s3cr3t", name)
			assert.NotContains(t, string(data), "ottilie", name)
		}
		rep, err := NewReplayer(dir)
		require.NoError(t, err)
		resp, err = rep.Client().Get(srv.URL + "/v2/image?submission_id=s1&type=idImage")
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		assert.Equal(t, "image/png", resp.Header.Get("Content-Type"))
		_, err = png.Decode(bytes.NewReader(b))
		assert.NoError(t, err)
		assert.Empty(t, rep.Unused())
	})

	t.Run("a response cut short reaches the caller with its error and is recorded as incomplete", func(t *testing.T) {
		srv := recServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, `{"Items":[{"email":"ottilie@example.net"`)
			w.(http.Flusher).Flush()
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		})
		dir := t.TempDir()
		rec, err := NewRecorder(dir, srv.Client().Transport)
		require.NoError(t, err)
		resp, err := rec.Client().Get(srv.URL + "/v2/submission")
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		assert.Equal(t, `{"Items":[{"email":"ottilie@example.net"`, string(body))
		_, fx := recOnly(t, dir)
		assert.True(t, fx.Response.Incomplete)
		assert.Equal(t, `{"Items":[{"email":"`+rec.sc.email("ottilie@example.net")+`"`, fx.Response.BodyText)
	})

	t.Run("a transport error is passed on and not recorded", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := l.Addr().String()
		require.NoError(t, l.Close())
		dir := t.TempDir()
		rec, err := NewRecorder(dir, nil)
		require.NoError(t, err)
		_, err = rec.Client().Post("http://"+addr+"/v2/submission/step1", "text/plain", strings.NewReader("x"))
		assert.Error(t, err)
		assert.Empty(t, recFixtureFiles(t, dir))
		assert.NoError(t, rec.Err())
	})

	t.Run("fixtures are numbered in order, private, and replace an older recording", func(t *testing.T) {
		srv := recServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{}`)
		})
		dir := filepath.Join(t.TempDir(), "fixtures", "flow")
		require.NoError(t, os.MkdirAll(dir, 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "007_GET_old.json"), []byte("{}"), 0o600))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "README.md"), []byte("keep me"), 0o600))
		rec, err := NewRecorder(dir, srv.Client().Transport)
		require.NoError(t, err)
		for _, p := range []string{"/v2/submission", "/v2/submission/applicant", "/v2/image"} {
			resp, err := rec.Client().Get(srv.URL + p)
			require.NoError(t, err)
			_ = resp.Body.Close()
		}
		assert.Equal(t, []string{"001_GET_v2_submission.json", "002_GET_v2_submission_applicant.json", "003_GET_v2_image.json"}, sortedKeys(recFixtureFiles(t, dir)))
		_, err = os.Stat(filepath.Join(dir, "README.md"))
		assert.NoError(t, err, "only fixture files are removed")
		info, err := os.Stat(filepath.Join(dir, "001_GET_v2_submission.json"))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

		newDir := filepath.Join(t.TempDir(), "new")
		_, err = NewRecorder(newDir, nil)
		require.NoError(t, err)
		info, err = os.Stat(newDir)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o700), info.Mode().Perm())

		rec, err = NewRecorder(dir, srv.Client().Transport, WithKeepFixtures())
		require.NoError(t, err)
		resp, err := rec.Client().Get(srv.URL + "/v2/submission")
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Contains(t, recFixtureFiles(t, dir), "004_GET_v2_submission.json")
	})

	t.Run("concurrent exchanges each get their own file", func(t *testing.T) {
		srv := recServer(t, func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			_, _ = fmt.Fprintf(w, `{"n":%q}`, r.URL.Query().Get("n"))
		})
		dir := t.TempDir()
		rec, err := NewRecorder(dir, srv.Client().Transport)
		require.NoError(t, err)
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var body bytes.Buffer
				mw := multipart.NewWriter(&body)
				_ = mw.WriteField("name", "Person "+strconv.Itoa(i))
				_ = mw.Close()
				resp, err := rec.Client().Post(srv.URL+"/v2/submission/step2?n="+strconv.Itoa(i), mw.FormDataContentType(), &body)
				if assert.NoError(t, err) {
					_, _ = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
				}
			}()
		}
		wg.Wait()
		require.NoError(t, rec.Err())
		files := recFixtureFiles(t, dir)
		assert.Len(t, files, 20)
		seen := map[string]bool{}
		for name := range files {
			fx, err := readFixture(filepath.Join(dir, name))
			require.NoError(t, err)
			seen[fx.Request.Query["n"][0]] = true
			assert.Equal(t, []string{"Test Applicant"}, fx.Request.Form["name"])
		}
		assert.Len(t, seen, 20)
	})

	t.Run("a fixture that cannot be written is reported by Err, not by the request", func(t *testing.T) {
		srv := recServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") })
		dir := t.TempDir()
		rec, err := NewRecorder(dir, srv.Client().Transport)
		require.NoError(t, err)
		require.NoError(t, os.RemoveAll(dir))
		resp, err := rec.Client().Get(srv.URL + "/v2/submission")
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		assert.Equal(t, "ok", string(b))
		assert.Error(t, rec.Err())
	})

	t.Run("an empty directory name is refused", func(t *testing.T) {
		_, err := NewRecorder("", nil)
		assert.Error(t, err)
	})
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
