package argostest

import (
	"bytes"
	"context"
	"encoding/base64"
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
)

// recApplicant is the applicant the recorded flows submit. Every value is
// distinctive so the scrubbing checks can look for it in the fixtures.
var recApplicant = struct {
	Name, Email, DOB, IDNumber, UserID, Address, IDFileName, SelfieFileName string
}{
	Name:           "Ottilie Vandersloot",
	Email:          "ottilie.vandersloot@example.net",
	DOB:            "1984-07-23",
	IDNumber:       "840723-2345678",
	UserID:         "crm-customer-58213",
	Address:        "17 Rue des Lilas, Lyon, France",
	IDFileName:     "ottilie-vandersloot-id.png",
	SelfieFileName: "ottilie-vandersloot-selfie.jpg",
}

// quickstartDir holds the committed fixture set (see TestRecordFixtures).
var quickstartDir = filepath.Join("..", "testdata", "recorded", "quickstart")

// recOpen opens a sample image from the module's testdata as an argos.File.
func recOpen(t *testing.T, name, sentAs string) *argos.File {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "images", name))
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	return &argos.File{Name: sentAs, Body: f}
}

func recReadImage(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "images", name))
	require.NoError(t, err)
	return b
}

// recFlowResult is what a flow observed, recorded or replayed.
type recFlowResult struct {
	Address                    *argos.AddressCode
	Step1                      *argos.Step1Response
	Step2                      *argos.Step2Response
	Pending, Approved, Deleted *argos.Submission
	List                       *argos.SubmissionList
	Image                      []byte
	ImageType, ImageName       string
	Report                     []byte
	ReportType                 string
	Duplicate                  *argos.APIError
	Delete                     *argos.DeleteResult
}

// recFlowHooks drive the fake server during a recording; replays leave
// them nil.
type recFlowHooks struct {
	beforeStep2 func()
	approve     func(submissionID string)
}

func recNewClient(t *testing.T, baseURL, key string, rt http.RoundTripper) *argos.Client {
	t.Helper()
	c, err := argos.NewClient(key,
		argos.WithBaseURL(baseURL),
		argos.WithHTTPClient(&http.Client{Transport: rt}),
		argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: 0}))
	require.NoError(t, err)
	return c
}

func recDownload(t *testing.T, get func() (*argos.Download, error)) ([]byte, string, string) {
	t.Helper()
	d, err := get()
	require.NoError(t, err)
	defer d.Body.Close()
	b, err := io.ReadAll(d.Body)
	require.NoError(t, err)
	return b, d.ContentType, d.Filename
}

// runFullFlow is the whole KYC flow: address code, Step 1, Step 2 held for
// review, polling until approved, listing by user ID, the ID image, the
// AML report, a refused duplicate Step 1, deletion.
func runFullFlow(t *testing.T, c *argos.Client, hooks recFlowHooks) recFlowResult {
	t.Helper()
	ctx := context.Background()
	var res recFlowResult
	var err error

	res.Address, err = c.AddressCode(ctx, &argos.AddressCodeRequest{Address: recApplicant.Address, Language: "en"})
	require.NoError(t, err)

	res.Step1, err = c.SubmitStep1(ctx, &argos.Step1Request{
		IssuingCountry: "FRA", Email: recApplicant.Email, IDType: "government_id",
		IDImage: recOpen(t, "id_front.png", recApplicant.IDFileName), UserID: recApplicant.UserID,
	})
	require.NoError(t, err)

	if hooks.beforeStep2 != nil {
		hooks.beforeStep2()
	}
	s2 := &argos.Step2Request{
		SubmissionID: res.Step1.SubmissionID, FaceImage: recOpen(t, "selfie.jpg", recApplicant.SelfieFileName),
		Name: recApplicant.Name, DateOfBirth: recApplicant.DOB, Gender: "female", Nationality: "FRA",
		IdentityNumber: recApplicant.IDNumber, AddressInput: recApplicant.Address,
	}
	s2.SetAddress(res.Address)
	res.Step2, err = c.SubmitStep2(ctx, s2)
	require.NoError(t, err)

	res.Pending, err = c.GetSubmission(ctx, res.Step1.SubmissionID)
	require.NoError(t, err)
	if hooks.approve != nil {
		hooks.approve(res.Step1.SubmissionID)
	}
	res.Approved, err = c.GetSubmission(ctx, res.Step1.SubmissionID)
	require.NoError(t, err)

	res.List, err = c.ListSubmissions(ctx, &argos.ListSubmissionsParams{UserID: recApplicant.UserID})
	require.NoError(t, err)

	res.Image, res.ImageType, res.ImageName = recDownload(t, func() (*argos.Download, error) {
		return c.Image(ctx, res.Step1.SubmissionID, argos.ImageID)
	})
	rids := res.Approved.AMLResourceIDs()
	require.NotEmpty(t, rids)
	res.Report, res.ReportType, _ = recDownload(t, func() (*argos.Download, error) {
		return c.AMLReport(ctx, rids[0])
	})

	_, err = c.SubmitStep1(ctx, &argos.Step1Request{
		IssuingCountry: "FRA", Email: recApplicant.Email, IDType: "government_id",
		IDImage: recOpen(t, "id_front.png", recApplicant.IDFileName),
	})
	require.ErrorAs(t, err, &res.Duplicate)

	res.Delete, err = c.DeleteSubmission(ctx, res.Step1.SubmissionID)
	require.NoError(t, err)
	res.Deleted, err = c.GetSubmission(ctx, res.Step1.SubmissionID)
	require.NoError(t, err)
	return res
}

// recordFullFlow runs the full flow against a fresh fake server through a
// Recorder writing to dir.
func recordFullFlow(t *testing.T, dir string, opts ...RecordOption) (recFlowResult, *Server) {
	t.Helper()
	srv := NewServer()
	t.Cleanup(srv.Close)
	rec, err := NewRecorder(dir, srv.HTTPClient().Transport, opts...)
	require.NoError(t, err)
	c := recNewClient(t, srv.BaseURL, srv.APIKey, rec)
	res := runFullFlow(t, c, recFlowHooks{
		beforeStep2: func() { srv.ScriptStep2(OutcomePending) },
		approve: func(id string) {
			require.NoError(t, srv.SetKYCResult(id, argos.KYCApproved))
			require.NoError(t, srv.SetAMLHits(id, 1))
		},
	})
	require.NoError(t, rec.Err())
	return res, srv
}

// recFixtureFiles returns the fixture files of dir, by name.
func recFixtureFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	out := map[string][]byte{}
	for _, e := range entries {
		if fixtureNameRE.MatchString(e.Name()) {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			require.NoError(t, err)
			out[e.Name()] = b
		}
	}
	return out
}

func TestRecordReplay(t *testing.T) {
	dir := t.TempDir()
	recorded, srv := recordFullFlow(t, dir)
	files := recFixtureFiles(t, dir)
	sc := newScrubber(newFixtureConfig(nil))

	t.Run("the recorded flow saw the real data", func(t *testing.T) {
		assert.Equal(t, argos.KYCPending, recorded.Step2.KYCStatus)
		assert.Equal(t, argos.KYCPending, recorded.Pending.KYC.Result)
		assert.Equal(t, argos.KYCApproved, recorded.Approved.KYC.Result)
		assert.Equal(t, recApplicant.Email, recorded.Approved.Email)
		assert.Equal(t, recApplicant.Name, recorded.Approved.Data.Name)
		assert.Equal(t, recReadImage(t, "id_front.png"), recorded.Image, "the recorder must pass the real image through")
		assert.True(t, bytes.HasPrefix(recorded.Report, []byte("%PDF-")))
		assert.Contains(t, recorded.Duplicate.Message, recApplicant.Email)
	})

	t.Run("one file per exchange, numbered in order", func(t *testing.T) {
		names := sortedKeys(files)
		assert.Equal(t, []string{
			"001_POST_v2_address_code.json",
			"002_POST_v2_submission_step1.json",
			"003_POST_v2_submission_step2.json",
			"004_GET_v2_submission.json",
			"005_GET_v2_submission.json",
			"006_GET_v2_submission.json",
			"007_GET_v2_image.json",
			"008_GET_v2_report_aml.json",
			"009_POST_v2_submission_step1.json",
			"010_DELETE_v2_submission.json",
			"011_GET_v2_submission.json",
		}, names)
		info, err := os.Stat(filepath.Join(dir, names[0]))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	})

	t.Run("no fixture holds the API key or the applicant's data", func(t *testing.T) {
		idImage := recReadImage(t, "id_front.png")
		selfie := recReadImage(t, "selfie.jpg")
		secrets := map[string]string{
			"API key":                   srv.APIKey,
			"email":                     recApplicant.Email,
			"email user part":           "ottilie.vandersloot",
			"name":                      recApplicant.Name,
			"first name":                "Ottilie",
			"last name":                 "Vandersloot",
			"birth date":                recApplicant.DOB,
			"ID number":                 recApplicant.IDNumber,
			"ID number prefix":          "840723",
			"user ID":                   recApplicant.UserID,
			"address":                   "Rue des Lilas",
			"OCR name":                  recorded.Step1.ReviewOCRData.Name,
			"OCR birth date":            recorded.Step1.ReviewOCRData.BirthDate,
			"address global code":       recorded.Address.GlobalCode,
			"client IP":                 "127.0.0.",
			"ID image file name":        recApplicant.IDFileName,
			"selfie file name":          recApplicant.SelfieFileName,
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
		pseudoEmail := sc.email(recApplicant.Email)
		pseudoUser := sc.userID(recApplicant.UserID)
		assert.Contains(t, string(files["002_POST_v2_submission_step1.json"]), pseudoEmail)
		assert.Contains(t, string(files["002_POST_v2_submission_step1.json"]), pseudoUser)
		assert.Contains(t, string(files["005_GET_v2_submission.json"]), pseudoEmail)
		assert.Contains(t, string(files["005_GET_v2_submission.json"]), pseudoUser)
		assert.Contains(t, string(files["006_GET_v2_submission.json"]), `"userid": [`+"\n"+`        "`+pseudoUser+`"`)
		assert.Contains(t, string(files["009_POST_v2_submission_step1.json"]), pseudoEmail+" had submitted another KYC")
	})

	t.Run("uploads are recorded as metadata and downloads as placeholders", func(t *testing.T) {
		fx, err := readFixture(filepath.Join(dir, "002_POST_v2_submission_step1.json"))
		require.NoError(t, err)
		assert.Equal(t, FixtureFile{Filename: "idImage.png", ContentType: "image/png", Size: int64(len(recReadImage(t, "id_front.png")))}, fx.Request.Files["idImage"])
		assert.Equal(t, []string{"government_id"}, fx.Request.Form["idType"])
		assert.Equal(t, "multipart/form-data; boundary=BOUNDARY", fx.Request.Headers["Content-Type"])

		fx, err = readFixture(filepath.Join(dir, "003_POST_v2_submission_step2.json"))
		require.NoError(t, err)
		assert.Equal(t, []string{"Test Applicant"}, fx.Request.Form["name"])
		assert.Equal(t, []string{"1990-01-01"}, fx.Request.Form["date_of_birth"])
		assert.Equal(t, []string{"000000-0000000"}, fx.Request.Form["identity_number"])
		assert.Equal(t, "faceImage.jpg", fx.Request.Files["faceImage"].Filename)

		fx, err = readFixture(filepath.Join(dir, "001_POST_v2_address_code.json"))
		require.NoError(t, err)
		assert.Equal(t, []string{"1 Test Street, Testville, Testland"}, fx.Request.Form["address"])

		fx, err = readFixture(filepath.Join(dir, "007_GET_v2_image.json"))
		require.NoError(t, err)
		_, err = png.Decode(bytes.NewReader(fx.Response.BodyBase64))
		require.NoError(t, err, "the image placeholder must be a valid PNG")
		assert.Less(t, len(fx.Response.BodyBase64), 200)
		assert.Equal(t, `attachment; filename=idImage.png`, fx.Response.Headers["Content-Disposition"])

		fx, err = readFixture(filepath.Join(dir, "008_GET_v2_report_aml.json"))
		require.NoError(t, err)
		assert.True(t, bytes.HasPrefix(fx.Response.BodyBase64, []byte("%PDF-1.4")))
		assert.NotContains(t, string(fx.Response.BodyBase64), "resourceId")
	})

	srv.Close() // from here on, nothing may reach a server

	check := func(t *testing.T, replayed recFlowResult) {
		t.Helper()
		assert.Equal(t, recorded.Step1.SubmissionID, replayed.Step1.SubmissionID)
		assert.Equal(t, recorded.Step2.KYCStatus, replayed.Step2.KYCStatus)
		assert.Equal(t, recorded.Step2.FaceSimilarityScore, replayed.Step2.FaceSimilarityScore)
		assert.Equal(t, argos.KYCPending, replayed.Pending.KYC.Result, "polling replays in order")
		assert.Equal(t, argos.KYCApproved, replayed.Approved.KYC.Result)
		assert.Equal(t, recorded.Approved.ApplicantID, replayed.Approved.ApplicantID)
		assert.Equal(t, recorded.Approved.AMLResourceIDs(), replayed.Approved.AMLResourceIDs())
		assert.Equal(t, sc.email(recApplicant.Email), replayed.Approved.Email)
		assert.Equal(t, sc.userID(recApplicant.UserID), replayed.Approved.UserID)
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
		assert.NotContains(t, replayed.Duplicate.Message, recApplicant.Email)
		assert.Equal(t, recorded.Delete, replayed.Delete)
		assert.Equal(t, recorded.Deleted.KYC.Result, replayed.Deleted.KYC.Result)
		assert.Equal(t, recorded.Deleted.Data.Name, replayed.Deleted.Data.Name, "the deleted marker has no personal data to scrub")
	}

	t.Run("the flow replays offline with the Replayer as transport", func(t *testing.T) {
		rep, err := NewReplayer(dir)
		require.NoError(t, err)
		replayed := runFullFlow(t, recNewClient(t, srv.BaseURL, "any-key", rep), recFlowHooks{})
		check(t, replayed)
		assert.Empty(t, rep.Unused())
	})

	t.Run("the flow replays offline through httpmock", func(t *testing.T) {
		rep, err := NewReplayer(dir)
		require.NoError(t, err)
		mt := httpmock.NewMockTransport()
		rep.Register(mt)
		replayed := runFullFlow(t, recNewClient(t, argos.DefaultBaseURL, "any-key", mt), recFlowHooks{})
		check(t, replayed)
		assert.Equal(t, 11, mt.GetTotalCallCount())
	})

	t.Run("a test's own httpmock responder overrides a fixture", func(t *testing.T) {
		rep, err := NewReplayer(dir)
		require.NoError(t, err)
		mt := httpmock.NewMockTransport()
		rep.Register(mt)
		mt.RegisterResponder(http.MethodPost, "/v2/submission/step2",
			httpmock.NewStringResponder(http.StatusOK, `{"kycStatus":"rejected","retryCount":3}`))
		c := recNewClient(t, argos.DefaultBaseURL, "any-key", mt)
		s2, err := c.SubmitStep2(context.Background(), &argos.Step2Request{
			SubmissionID: recorded.Step1.SubmissionID, FaceImage: recOpen(t, "selfie.jpg", ""),
			Name: "A", DateOfBirth: "2000-01-01",
		})
		require.NoError(t, err)
		assert.Equal(t, argos.KYCRejected, s2.KYCStatus)
	})
}

func TestReplayQuickstart(t *testing.T) {
	// No server anywhere: the committed fixtures answer.
	rep, err := NewReplayer(quickstartDir)
	require.NoError(t, err)
	c := recNewClient(t, argos.DefaultBaseURL, "any-key", rep)
	res := runQuickstartFlow(t, c)
	sc := newScrubber(newFixtureConfig(nil))

	t.Run("the replayed flow gets the recorded IDs and statuses", func(t *testing.T) {
		assert.Equal(t, "quickstart000001", res.Step1.SubmissionID)
		assert.Equal(t, argos.KYCApproved, res.Step2.KYCStatus)
		assert.Equal(t, argos.KYCApproved, res.Submission.KYC.Result)
		assert.Equal(t, "quickstart000001", res.Submission.ID)
		require.Len(t, res.List.Items, 1)
		assert.Equal(t, "quickstart000001", res.List.Items[0].ID)
		assert.Equal(t, "success", res.Delete.Message)
	})

	t.Run("the replayed data is scrubbed", func(t *testing.T) {
		assert.Equal(t, sc.email(recApplicant.Email), res.Submission.Email)
		assert.Equal(t, sc.userID(recApplicant.UserID), res.Submission.UserID)
		assert.Equal(t, "Test Applicant", res.Submission.Data.Name)
		assert.Equal(t, "1990-01-01", res.Submission.Data.DateOfBirth)
		assert.Equal(t, "Test Applicant", res.Step1.ReviewOCRData.Name)
		cfg, err := png.DecodeConfig(bytes.NewReader(res.Image))
		require.NoError(t, err)
		assert.Equal(t, 1, cfg.Width)
	})

	t.Run("every fixture was used", func(t *testing.T) {
		assert.Empty(t, rep.Unused())
	})
}

// quickstartResult is what the quickstart flow observed.
type quickstartResult struct {
	Step1      *argos.Step1Response
	Step2      *argos.Step2Response
	Submission *argos.Submission
	List       *argos.SubmissionList
	Image      []byte
	Delete     *argos.DeleteResult
}

// runQuickstartFlow is the flow of the committed fixture set: Step 1,
// Step 2, the submission, the user's submissions, the ID image, deletion.
func runQuickstartFlow(t *testing.T, c *argos.Client) quickstartResult {
	t.Helper()
	ctx := context.Background()
	var res quickstartResult
	var err error
	res.Step1, err = c.SubmitStep1(ctx, &argos.Step1Request{
		IssuingCountry: "FRA", Email: recApplicant.Email, IDType: "government_id",
		IDImage: recOpen(t, "id_front.png", recApplicant.IDFileName), UserID: recApplicant.UserID,
	})
	require.NoError(t, err)
	res.Step2, err = c.SubmitStep2(ctx, &argos.Step2Request{
		SubmissionID: res.Step1.SubmissionID, FaceImage: recOpen(t, "selfie.jpg", recApplicant.SelfieFileName),
		Name: recApplicant.Name, DateOfBirth: recApplicant.DOB, Gender: "female", Nationality: "FRA",
	})
	require.NoError(t, err)
	res.Submission, err = c.GetSubmission(ctx, res.Step1.SubmissionID)
	require.NoError(t, err)
	res.List, err = c.ListSubmissions(ctx, &argos.ListSubmissionsParams{UserID: recApplicant.UserID})
	require.NoError(t, err)
	res.Image, _, _ = recDownload(t, func() (*argos.Download, error) {
		return c.Image(ctx, res.Step1.SubmissionID, argos.ImageID)
	})
	res.Delete, err = c.DeleteSubmission(ctx, res.Step1.SubmissionID)
	require.NoError(t, err)
	return res
}

func TestReplayer(t *testing.T) {
	// writeFixtures writes fixtures by hand, as a user might edit them.
	writeFixtures := func(t *testing.T, fixtures ...Fixture) string {
		t.Helper()
		dir := t.TempDir()
		for i, fx := range fixtures {
			data, err := marshalFixture(&fx)
			require.NoError(t, err)
			name := filepath.Join(dir, fmt.Sprintf("%03d_%s_%s.json", i+1, fx.Request.Method, pathSlug(fx.Request.Path)))
			require.NoError(t, os.WriteFile(name, data, 0o600))
		}
		return dir
	}
	status := func(method, path string, query map[string][]string, code int, body string) Fixture {
		return Fixture{
			Request:  FixtureRequest{Method: method, Path: path, Query: query},
			Response: FixtureResponse{Status: code, Headers: map[string]string{"Content-Type": "application/json"}, Body: []byte(body)},
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
		rep, err := NewReplayer(writeFixtures(t,
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
		sc := newScrubber(newFixtureConfig(nil))
		q := map[string][]string{"userid": {sc.userID("real-user")}, "email": {sc.email("Real@Example.org")}}
		rep, err := NewReplayer(writeFixtures(t, status("GET", "/v2/submission", q, 200, `{"Items":[]}`)))
		require.NoError(t, err)
		for _, query := range []string{
			"email=real%40example.org&userid=real-user",
			"userid=" + sc.userID("real-user") + "&email=" + sc.email("real@example.org"),
		} {
			_, _, err := get(t, rep, "https://h/v2/submission?"+query)
			assert.NoError(t, err, query)
		}
		_, _, err = get(t, rep, "https://h/v2/submission?userid=other-user")
		assert.ErrorIs(t, err, ErrNoFixture)
	})

	t.Run("a different salt does not match", func(t *testing.T) {
		sc := newScrubber(newFixtureConfig([]RecordOption{WithSalt("s3cret")}))
		dir := writeFixtures(t, status("GET", "/v2/submission", map[string][]string{"userid": {sc.userID("u1")}}, 200, `{}`))
		rep, err := NewReplayer(dir)
		require.NoError(t, err)
		_, _, err = get(t, rep, "https://h/v2/submission?userid=u1")
		assert.ErrorIs(t, err, ErrNoFixture)
		rep, err = NewReplayer(dir, WithSalt("s3cret"))
		require.NoError(t, err)
		_, _, err = get(t, rep, "https://h/v2/submission?userid=u1")
		assert.NoError(t, err)
	})

	t.Run("an unmatched request fails naming only the method and path", func(t *testing.T) {
		rep, err := NewReplayer(writeFixtures(t, status("GET", "/v2/submission", nil, 200, `{}`)))
		require.NoError(t, err)
		_, _, err = get(t, rep, "https://h/v2/submission?email=secret.person%40example.org")
		require.ErrorIs(t, err, ErrNoFixture)
		assert.Equal(t, "argostest: no recorded fixture for GET /v2/submission", err.Error())
		_, _, err = get(t, rep, "https://h/v3/submission")
		assert.ErrorIs(t, err, ErrNoFixture, "the version prefix is part of the path")
	})

	t.Run("the SDK reports a missing fixture without retrying forever", func(t *testing.T) {
		rep, err := NewReplayer(writeFixtures(t, status("GET", "/v2/submission", nil, 200, `{}`)))
		require.NoError(t, err)
		c := recNewClient(t, argos.DefaultBaseURL, "k", rep)
		_, err = c.GetSubmission(context.Background(), "nope")
		assert.ErrorIs(t, err, ErrNoFixture)
	})

	t.Run("a request body is read to its end", func(t *testing.T) {
		rep, err := NewReplayer(writeFixtures(t, status("POST", "/v2/address_code", nil, 200, `{}`)))
		require.NoError(t, err)
		body := &recCountingReader{r: strings.NewReader(strings.Repeat("x", 100000))}
		req, err := http.NewRequest(http.MethodPost, "https://h/v2/address_code", body)
		require.NoError(t, err)
		resp, err := rep.RoundTrip(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, 100000, body.n)
	})

	t.Run("a body recorded as incomplete ends with an error", func(t *testing.T) {
		fx := Fixture{
			Request:  FixtureRequest{Method: "GET", Path: "/v2/submission"},
			Response: FixtureResponse{Status: 200, BodyText: `{"Items":[`, Incomplete: true},
		}
		rep, err := NewReplayer(writeFixtures(t, fx))
		require.NoError(t, err)
		req, _ := http.NewRequest(http.MethodGet, "https://h/v2/submission", nil)
		resp, err := rep.RoundTrip(req)
		require.NoError(t, err)
		b, err := io.ReadAll(resp.Body)
		assert.Equal(t, `{"Items":[`, string(b))
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	})

	t.Run("a cancelled request fails", func(t *testing.T) {
		rep, err := NewReplayer(writeFixtures(t, status("GET", "/v2/submission", nil, 200, `{}`)))
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://h/v2/submission", nil)
		_, err = rep.RoundTrip(req)
		assert.ErrorIs(t, err, context.Canceled)
	})

	t.Run("Unused lists the answers not given yet", func(t *testing.T) {
		rep, err := NewReplayer(writeFixtures(t,
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
		_, err := NewReplayer(dir)
		require.NoError(t, err)

		require.NoError(t, os.WriteFile(filepath.Join(dir, "002_GET_broken.json"), []byte("{"), 0o600))
		_, err = NewReplayer(dir)
		assert.ErrorContains(t, err, "002_GET_broken.json")

		_, err = NewReplayer(t.TempDir())
		assert.ErrorContains(t, err, "no fixture files")
		_, err = NewReplayer(filepath.Join(t.TempDir(), "missing"))
		assert.Error(t, err)
	})
}

type recCountingReader struct {
	r io.Reader
	n int
}

func (c *recCountingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// Both are transports.
var (
	_ http.RoundTripper = (*Recorder)(nil)
	_ http.RoundTripper = (*Replayer)(nil)
)
