package argostest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

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
			before, after := decodePage(t, data), decodePage(t, []byte(scrubbed))
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
				assert.Equal(t, b.KYC.Status, a.KYC.Status, name)
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
		l := decodePage(t, []byte(scrubbed))
		s := l.Items[0]
		assert.Equal(t, "Test Applicant", s.Data.Name)
		assert.Equal(t, "1990-01-01", s.Data.DateOfBirth)
		assert.Equal(t, "2020-01-01", s.Data.DateOfIssue)
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

// decodePage decodes a GET /submission answer as the SDK's client does.
func decodePage(t *testing.T, body []byte) *argos.SubmissionList {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, argos.DefaultBaseURL+"/submission",
		httpmock.NewBytesResponder(http.StatusOK, body).HeaderSet(http.Header{"Content-Type": {"application/json"}}))
	c, err := argos.NewClient("key", argos.WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	l, err := c.ListSubmissions(context.Background(), nil)
	require.NoError(t, err)
	return l
}
