package argostest_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

func TestRecordReplay(t *testing.T) {
	dir := t.TempDir()
	recorded, srv := recordFullFlow(t, dir)
	files := fixtureFiles(t, dir)

	t.Run("the recorded flow saw the real data", func(t *testing.T) {
		assert.Equal(t, argos.KYCPending, recorded.Step2.Status)
		assert.Equal(t, argos.KYCPending, recorded.Pending.KYC.Status)
		assert.Equal(t, argos.KYCApproved, recorded.Approved.KYC.Status)
		assert.Equal(t, applicant.Email, recorded.Approved.Email)
		assert.Equal(t, applicant.Name, recorded.Approved.Data.Name)
		assert.Equal(t, readImage(t, "id_front.png"), recorded.Image, "the recorder must pass the real image through")
		assert.True(t, bytes.HasPrefix(recorded.Report, []byte("%PDF-")))
		assert.Contains(t, recorded.Duplicate.Message, applicant.Email)
	})

	t.Run("one file per exchange, numbered in order", func(t *testing.T) {
		names := sortedKeys(files)
		assert.Equal(t, []string{
			"001_POST_v3_address_code.json",
			"002_POST_v3_submission_step1.json",
			"003_POST_v3_submission_step2.json",
			"004_GET_v3_submission.json",
			"005_GET_v3_submission.json",
			"006_GET_v3_submission.json",
			"007_GET_v3_image.json",
			"008_GET_v3_report_aml.json",
			"009_POST_v3_submission_step1.json",
			"010_DELETE_v3_submission.json",
			"011_GET_v3_submission.json",
		}, names)
		info, err := os.Stat(filepath.Join(dir, names[0]))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	})

	t.Run("no fixture holds the API key or the applicant's data", func(t *testing.T) {
		idImage := readImage(t, "id_front.png")
		selfie := readImage(t, "selfie.jpg")
		secrets := map[string]string{
			"API key":                   srv.APIKey,
			"email":                     applicant.Email,
			"email user part":           "ottilie.vandersloot",
			"name":                      applicant.Name,
			"first name":                "Ottilie",
			"last name":                 "Vandersloot",
			"birth date":                applicant.DOB,
			"ID number":                 applicant.IDNumber,
			"ID number prefix":          "840723",
			"user ID":                   applicant.UserID,
			"address":                   "Rue des Lilas",
			"OCR name":                  recorded.Step1.ReviewOCRData.Name,
			"OCR birth date":            recorded.Step1.ReviewOCRData.DateOfBirth,
			"address global code":       recorded.Address.GlobalCode,
			"client IP":                 "127.0.0.",
			"ID image file name":        applicant.IDFileName,
			"selfie file name":          applicant.SelfieFileName,
			"ID image bytes (base64)":   base64.StdEncoding.EncodeToString(idImage[100:160]),
			"selfie bytes (base64)":     base64.StdEncoding.EncodeToString(selfie[100:160]),
			"ID image bytes (base64+1)": base64.StdEncoding.EncodeToString(idImage[101:161]),
			"ID image bytes (base64+2)": base64.StdEncoding.EncodeToString(idImage[102:162]),
		}
		for name, data := range files {
			text := string(data)
			for what, secret := range secrets {
				require.NotEmpty(t, secret, what)
				assert.NotContains(t, strings.ToLower(text), strings.ToLower(secret), "%s holds the %s", name, what)
			}
			assert.False(t, bytes.Contains(data, idImage[100:160]), "%s holds ID image bytes", name)
			for _, h := range []string{"x-api-key", "authorization", "cookie", "user-agent"} {
				assert.NotContains(t, strings.ToLower(text), `"`+h+`"`, "%s records the %s header", name, h)
			}
		}
	})

	t.Run("pseudonyms are stable across fixtures", func(t *testing.T) {
		pseudoEmail := argostest.PseudoEmail(applicant.Email)
		pseudoUser := argostest.PseudoUserID(applicant.UserID)
		assert.Contains(t, string(files["002_POST_v3_submission_step1.json"]), pseudoEmail)
		assert.Contains(t, string(files["002_POST_v3_submission_step1.json"]), pseudoUser)
		assert.Contains(t, string(files["005_GET_v3_submission.json"]), pseudoEmail)
		assert.Contains(t, string(files["005_GET_v3_submission.json"]), pseudoUser)
		assert.Contains(t, string(files["006_GET_v3_submission.json"]), `"userid": [`+"\n"+`        "`+pseudoUser+`"`)
		assert.Contains(t, string(files["009_POST_v3_submission_step1.json"]), pseudoEmail+" had submitted another KYC")
	})

	t.Run("uploads are recorded as metadata and downloads as placeholders", func(t *testing.T) {
		fx, err := readFixture(filepath.Join(dir, "002_POST_v3_submission_step1.json"))
		require.NoError(t, err)
		assert.Equal(t, argostest.FixtureFile{Filename: "idImage.png", ContentType: "image/png", Size: int64(len(readImage(t, "id_front.png")))}, fx.Request.Files["idImage"])
		assert.Equal(t, []string{"government_id"}, fx.Request.Form["idType"])
		assert.Equal(t, "multipart/form-data; boundary=BOUNDARY", fx.Request.Headers["Content-Type"])

		fx, err = readFixture(filepath.Join(dir, "003_POST_v3_submission_step2.json"))
		require.NoError(t, err)
		assert.Equal(t, []string{"Test Applicant"}, fx.Request.Form["name"])
		assert.Equal(t, []string{"1990-01-01"}, fx.Request.Form["date_of_birth"])
		assert.Equal(t, []string{"000000-0000000"}, fx.Request.Form["identity_number"])
		assert.Equal(t, "faceImage.jpg", fx.Request.Files["faceImage"].Filename)

		fx, err = readFixture(filepath.Join(dir, "001_POST_v3_address_code.json"))
		require.NoError(t, err)
		assert.Equal(t, []string{"1 Test Street, Testville, Testland"}, fx.Request.Form["address"])

		fx, err = readFixture(filepath.Join(dir, "007_GET_v3_image.json"))
		require.NoError(t, err)
		_, err = png.Decode(bytes.NewReader(fx.Response.BodyBase64))
		require.NoError(t, err, "the image placeholder must be a valid PNG")
		assert.Less(t, len(fx.Response.BodyBase64), 200)
		assert.Equal(t, `attachment; filename=idImage.png`, fx.Response.Headers["Content-Disposition"])

		fx, err = readFixture(filepath.Join(dir, "008_GET_v3_report_aml.json"))
		require.NoError(t, err)
		assert.True(t, bytes.HasPrefix(fx.Response.BodyBase64, []byte("%PDF-1.4")))
		assert.NotContains(t, string(fx.Response.BodyBase64), "resourceId")
	})

	srv.Close() // from here on, nothing may reach a server

	check := func(t *testing.T, replayed flowResult) {
		t.Helper()
		assert.Equal(t, recorded.Step1.SubmissionID, replayed.Step1.SubmissionID)
		assert.Equal(t, recorded.Step2.Status, replayed.Step2.Status)
		assert.Equal(t, recorded.Step2.FaceSimilarityScore, replayed.Step2.FaceSimilarityScore)
		assert.Equal(t, argos.KYCPending, replayed.Pending.KYC.Status, "polling replays in order")
		assert.Equal(t, argos.KYCApproved, replayed.Approved.KYC.Status)
		assert.Equal(t, recorded.Approved.ApplicantID, replayed.Approved.ApplicantID)
		assert.Equal(t, recorded.Approved.AMLResourceIDs(), replayed.Approved.AMLResourceIDs())
		assert.Equal(t, argostest.PseudoEmail(applicant.Email), replayed.Approved.Email)
		assert.Equal(t, argostest.PseudoUserID(applicant.UserID), replayed.Approved.UserID)
		assert.Equal(t, "Test Applicant", replayed.Approved.Data.Name)
		assert.Equal(t, "1990-01-01", replayed.Approved.Data.DateOfBirth)
		require.Len(t, replayed.List.Items, len(recorded.List.Items))
		assert.Equal(t, recorded.List.Items[0].ID, replayed.List.Items[0].ID)
		assert.Equal(t, recorded.ImageType, replayed.ImageType)
		assert.Equal(t, recorded.ImageName, replayed.ImageName)
		cfg, err := png.DecodeConfig(bytes.NewReader(replayed.Image))
		require.NoError(t, err)
		assert.Equal(t, 1, cfg.Width)
		assert.Equal(t, recorded.ReportType, replayed.ReportType)
		assert.True(t, bytes.HasPrefix(replayed.Report, []byte("%PDF-")))
		assert.Equal(t, recorded.Duplicate.StatusCode, replayed.Duplicate.StatusCode)
		assert.Contains(t, replayed.Duplicate.Message, "had submitted another KYC")
		assert.NotContains(t, replayed.Duplicate.Message, applicant.Email)
		assert.Equal(t, recorded.Delete, replayed.Delete)
		assert.Equal(t, recorded.Deleted.KYC.Status, replayed.Deleted.KYC.Status)
		assert.Equal(t, recorded.Deleted.Data.Name, replayed.Deleted.Data.Name, "the deleted marker has no personal data to scrub")
	}

	t.Run("the flow replays offline with the Replayer as transport", func(t *testing.T) {
		rep, err := argostest.NewReplayer(dir)
		require.NoError(t, err)
		replayed := runFullFlow(t, clientVia(t, srv.BaseURL, "any-key", rep), flowHooks{})
		check(t, replayed)
		assert.Empty(t, rep.Unused())
	})

	t.Run("the flow replays offline through httpmock", func(t *testing.T) {
		rep, err := argostest.NewReplayer(dir)
		require.NoError(t, err)
		mt := httpmock.NewMockTransport()
		rep.Register(mt)
		replayed := runFullFlow(t, clientVia(t, argos.DefaultBaseURL, "any-key", mt), flowHooks{})
		check(t, replayed)
		assert.Equal(t, 11, mt.GetTotalCallCount())
	})

	t.Run("a test's own httpmock responder overrides a fixture", func(t *testing.T) {
		rep, err := argostest.NewReplayer(dir)
		require.NoError(t, err)
		mt := httpmock.NewMockTransport()
		rep.Register(mt)
		mt.RegisterResponder(http.MethodPost, "/v3/submission/step2",
			httpmock.NewStringResponder(http.StatusOK, `{"kycStatus":"rejected","retryCount":3}`))
		c := clientVia(t, argos.DefaultBaseURL, "any-key", mt)
		s2, err := c.SubmitStep2(context.Background(), &argos.Step2Request{
			SubmissionID: recorded.Step1.SubmissionID, FaceImage: openImage(t, "selfie.jpg", ""),
			Name: "A", DateOfBirth: "2000-01-01",
		})
		require.NoError(t, err)
		assert.Equal(t, argos.KYCRejected, s2.Status)
	})
}

func TestReplayer(t *testing.T) {
	// writeFixtures writes fixtures by hand, as a user might edit them.
	writeFixtures := func(t *testing.T, fixtures ...argostest.Fixture) string {
		t.Helper()
		dir := t.TempDir()
		for i, fx := range fixtures {
			data, err := json.MarshalIndent(fx, "", "  ")
			require.NoError(t, err)
			slug := strings.ReplaceAll(strings.Trim(fx.Request.Path, "/"), "/", "_")
			name := filepath.Join(dir, fmt.Sprintf("%03d_%s_%s.json", i+1, fx.Request.Method, slug))
			require.NoError(t, os.WriteFile(name, data, 0o600))
		}
		return dir
	}
	status := func(method, path string, query map[string][]string, code int, body string) argostest.Fixture {
		return argostest.Fixture{
			Request:  argostest.FixtureRequest{Method: method, Path: path, Query: query},
			Response: argostest.FixtureResponse{Status: code, Headers: map[string]string{"Content-Type": "application/json"}, Body: []byte(body)},
		}
	}
	get := func(t *testing.T, rt http.RoundTripper, url string) (*http.Response, string, error) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, url, nil)
		require.NoError(t, err)
		resp, err := rt.RoundTrip(req)
		if err != nil {
			return nil, "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, string(b), nil
	}

	t.Run("repeated requests get the recorded answers in order, then the last one again", func(t *testing.T) {
		q := map[string][]string{"submission_id": {"abc"}}
		rep, err := argostest.NewReplayer(writeFixtures(t,
			status("GET", "/v2/submission", q, 200, `{"n":1}`),
			status("GET", "/v2/submission", q, 503, `{"n":2}`),
			status("GET", "/v2/submission", q, 200, `{"n":3}`),
		))
		require.NoError(t, err)
		var got []string
		for range 5 {
			resp, body, err := get(t, rep, "https://any.host/v2/submission?submission_id=abc")
			require.NoError(t, err)
			got = append(got, resp.Status+" "+body)
		}
		assert.Equal(t, []string{"200 OK {\"n\":1}", "503 Service Unavailable {\"n\":2}", "200 OK {\"n\":3}", "200 OK {\"n\":3}", "200 OK {\"n\":3}"}, got)
		rep.Reset()
		_, body, err := get(t, rep, "https://any.host/v2/submission?submission_id=abc")
		require.NoError(t, err)
		assert.Equal(t, `{"n":1}`, body)
	})

	t.Run("a query matches by the real value and by its pseudonym", func(t *testing.T) {
		q := map[string][]string{"userid": {argostest.PseudoUserID("real-user")}, "email": {argostest.PseudoEmail("Real@Example.org")}}
		rep, err := argostest.NewReplayer(writeFixtures(t, status("GET", "/v2/submission", q, 200, `{"Items":[]}`)))
		require.NoError(t, err)
		for _, query := range []string{
			"email=real%40example.org&userid=real-user",
			"userid=" + argostest.PseudoUserID("real-user") + "&email=" + argostest.PseudoEmail("real@example.org"),
		} {
			_, _, err := get(t, rep, "https://h/v2/submission?"+query)
			assert.NoError(t, err, query)
		}
		_, _, err = get(t, rep, "https://h/v2/submission?userid=other-user")
		assert.ErrorIs(t, err, argostest.ErrNoFixture)
	})

	t.Run("a different salt does not match", func(t *testing.T) {
		salted := argostest.PseudoUserID("u1", argostest.WithSalt("s3cret"))
		dir := writeFixtures(t, status("GET", "/v2/submission", map[string][]string{"userid": {salted}}, 200, `{}`))
		rep, err := argostest.NewReplayer(dir)
		require.NoError(t, err)
		_, _, err = get(t, rep, "https://h/v2/submission?userid=u1")
		assert.ErrorIs(t, err, argostest.ErrNoFixture)
		rep, err = argostest.NewReplayer(dir, argostest.WithSalt("s3cret"))
		require.NoError(t, err)
		_, _, err = get(t, rep, "https://h/v2/submission?userid=u1")
		assert.NoError(t, err)
	})

	t.Run("an unmatched request fails naming only the method and path", func(t *testing.T) {
		rep, err := argostest.NewReplayer(writeFixtures(t, status("GET", "/v2/submission", nil, 200, `{}`)))
		require.NoError(t, err)
		_, _, err = get(t, rep, "https://h/v2/submission?email=secret.person%40example.org")
		require.ErrorIs(t, err, argostest.ErrNoFixture)
		assert.Equal(t, "argostest: no recorded fixture for GET /v2/submission", err.Error())
		_, _, err = get(t, rep, "https://h/v3/submission")
		assert.ErrorIs(t, err, argostest.ErrNoFixture, "the version prefix is part of the path")
	})

	t.Run("the SDK reports a missing fixture without retrying forever", func(t *testing.T) {
		rep, err := argostest.NewReplayer(writeFixtures(t, status("GET", "/v2/submission", nil, 200, `{}`)))
		require.NoError(t, err)
		c := clientVia(t, argos.DefaultBaseURL, "k", rep)
		_, err = c.GetSubmission(context.Background(), "nope")
		assert.ErrorIs(t, err, argostest.ErrNoFixture)
	})

	t.Run("a request body is read to its end", func(t *testing.T) {
		rep, err := argostest.NewReplayer(writeFixtures(t, status("POST", "/v2/address_code", nil, 200, `{}`)))
		require.NoError(t, err)
		body := &countingReader{r: strings.NewReader(strings.Repeat("x", 100000))}
		req, err := http.NewRequest(http.MethodPost, "https://h/v2/address_code", body)
		require.NoError(t, err)
		resp, err := rep.RoundTrip(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, 100000, body.n)
	})

	t.Run("a body recorded as incomplete ends with an error", func(t *testing.T) {
		fx := argostest.Fixture{
			Request:  argostest.FixtureRequest{Method: "GET", Path: "/v2/submission"},
			Response: argostest.FixtureResponse{Status: 200, BodyText: `{"Items":[`, Incomplete: true},
		}
		rep, err := argostest.NewReplayer(writeFixtures(t, fx))
		require.NoError(t, err)
		req, _ := http.NewRequest(http.MethodGet, "https://h/v2/submission", nil)
		resp, err := rep.RoundTrip(req)
		require.NoError(t, err)
		b, err := io.ReadAll(resp.Body)
		assert.Equal(t, `{"Items":[`, string(b))
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	})

	t.Run("a cancelled request fails", func(t *testing.T) {
		rep, err := argostest.NewReplayer(writeFixtures(t, status("GET", "/v2/submission", nil, 200, `{}`)))
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://h/v2/submission", nil)
		_, err = rep.RoundTrip(req)
		assert.ErrorIs(t, err, context.Canceled)
	})

	t.Run("Unused lists the answers not given yet", func(t *testing.T) {
		rep, err := argostest.NewReplayer(writeFixtures(t,
			status("GET", "/v2/submission", nil, 200, `{}`),
			status("GET", "/v2/submission", nil, 200, `{}`),
			status("DELETE", "/v2/submission", nil, 200, `{}`),
		))
		require.NoError(t, err)
		assert.Equal(t, []string{"GET /v2/submission", "GET /v2/submission", "DELETE /v2/submission"}, rep.Unused())
		_, _, err = get(t, rep, "https://h/v2/submission")
		require.NoError(t, err)
		assert.Equal(t, []string{"GET /v2/submission", "DELETE /v2/submission"}, rep.Unused())
	})

	t.Run("only fixture files are loaded, and broken ones are reported", func(t *testing.T) {
		dir := writeFixtures(t, status("GET", "/v2/submission", nil, 200, `{}`))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "README.md"), []byte("# notes"), 0o600))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.json"), []byte("not json"), 0o600))
		_, err := argostest.NewReplayer(dir)
		require.NoError(t, err)

		require.NoError(t, os.WriteFile(filepath.Join(dir, "002_GET_broken.json"), []byte("{"), 0o600))
		_, err = argostest.NewReplayer(dir)
		assert.ErrorContains(t, err, "002_GET_broken.json")

		_, err = argostest.NewReplayer(t.TempDir())
		assert.ErrorContains(t, err, "no fixture files")
		_, err = argostest.NewReplayer(filepath.Join(t.TempDir(), "missing"))
		assert.Error(t, err)
	})
}

// Both are transports.
var (
	_ http.RoundTripper = (*argostest.Recorder)(nil)
	_ http.RoundTripper = (*argostest.Replayer)(nil)
)
