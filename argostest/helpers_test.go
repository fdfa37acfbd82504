package argostest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// raw talks to a fake server with plain net/http, for wire-level tests.
type raw struct {
	t   testing.TB
	srv *argostest.Server
	key string
}

func newRaw(t testing.TB, opts ...argostest.ServerOption) *raw {
	t.Helper()
	srv := argostest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return &raw{t: t, srv: srv, key: srv.APIKey}
}

// response is a read response.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic value.
func (r *response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &m), "body: %s", r.Body)
	return m
}

// Message returns the body's "message".
func (r *response) Message(t testing.TB) string {
	t.Helper()
	msg, _ := r.JSON(t)["message"].(string)
	return msg
}

// do sends a request to path (below the base URL, /v3) and reads the whole response.
func (c *raw) do(method, path string, query url.Values, contentType string, body io.Reader) *response {
	c.t.Helper()
	u := c.srv.BaseURL + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequest(method, u, body)
	require.NoError(c.t, err)
	if c.key != "" {
		req.Header.Set("x-api-key", c.key)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.srv.HTTPClient().Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return &response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

func (c *raw) get(path string, query url.Values) *response {
	c.t.Helper()
	return c.do(http.MethodGet, path, query, "", nil)
}

// file is a file field of a multipart form.
type file struct {
	name, contentType string
	data              []byte
}

// pngPart is a PNG file part named name.
func pngPart(name string) file { return file{name, "image/png", argostest.SamplePNG()} }

// jpegPart is a JPEG file part named name.
func jpegPart(name string) file { return file{name, "image/jpeg", argostest.SampleJPEG()} }

// multipartBody builds a multipart/form-data body.
func multipartBody(t testing.TB, fields map[string]string, files map[string]file) (string, io.Reader) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		require.NoError(t, mw.WriteField(k, v))
	}
	for k, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+k+`"; filename="`+f.name+`"`)
		h.Set("Content-Type", f.contentType)
		w, err := mw.CreatePart(h)
		require.NoError(t, err)
		_, err = w.Write(f.data)
		require.NoError(t, err)
	}
	require.NoError(t, mw.Close())
	return mw.FormDataContentType(), &b
}

func (c *raw) postMultipart(path string, fields map[string]string, files map[string]file) *response {
	c.t.Helper()
	ct, body := multipartBody(c.t, fields, files)
	return c.do(http.MethodPost, path, nil, ct, body)
}

func (c *raw) postForm(path string, form url.Values) *response {
	c.t.Helper()
	return c.do(http.MethodPost, path, nil, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

// step1Fields are valid Step 1 text fields.
func step1Fields(email string) map[string]string {
	return map[string]string{"issuingCountry": "USA", "email": email, "idType": "passport", "userid": "user-1", "cf1": "test"}
}

// step1 runs a valid Step 1 and returns the submission ID.
func (c *raw) step1(email string) string {
	c.t.Helper()
	r := c.postMultipart("/submission/step1", step1Fields(email), map[string]file{"idImage": pngPart("front.png")})
	require.Equal(c.t, http.StatusOK, r.Status, "step1: %s", r.Body)
	id, _ := r.JSON(c.t)["submissionId"].(string)
	require.NotEmpty(c.t, id)
	return id
}

// step2Fields are valid Step 2 text fields.
func step2Fields(id string) map[string]string {
	return map[string]string{"submissionId": id, "name": "John Smith", "date_of_birth": "1975-08-25", "gender": "male", "nationality": "USA"}
}

// step2 runs a Step 2 try and returns the decoded body.
func (c *raw) step2(id string) map[string]any {
	c.t.Helper()
	r := c.postMultipart("/submission/step2", step2Fields(id), map[string]file{"faceImage": jpegPart("face.jpg")})
	require.Equal(c.t, http.StatusOK, r.Status, "step2: %s", r.Body)
	return r.JSON(c.t)
}

// item returns the submission as GET /submission?submission_id= shows it.
func (c *raw) item(id string) map[string]any {
	c.t.Helper()
	r := c.get("/submission", url.Values{"submission_id": {id}})
	require.Equal(c.t, http.StatusOK, r.Status)
	items, _ := r.JSON(c.t)["Items"].([]any)
	require.Len(c.t, items, 1)
	return items[0].(map[string]any)
}

// path follows keys into nested JSON objects.
func path(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func readAll(t testing.TB, resp *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return b
}

// fixedClock always says 2024-03-01T09:30:00.123Z.
func fixedClock() time.Time { return time.Date(2024, 3, 1, 9, 30, 0, 123456789, time.UTC) }

// steppingClock starts at start and moves step forward on every call.
func steppingClock(start time.Time, step time.Duration) func() time.Time {
	var mu sync.Mutex
	t := start
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now := t
		t = t.Add(step)
		return now
	}
}

// ids returns the submission_ids of a list response.
func ids(t testing.TB, r *response) []string {
	t.Helper()
	items, _ := r.JSON(t)["Items"].([]any)
	out := []string{}
	for _, it := range items {
		out = append(out, path(it, "submission_id").(string))
	}
	return out
}

// sequence returns an ID generator: prefix0001, prefix0002, …
func sequence(prefix string) func() string {
	var mu sync.Mutex
	n := 0
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		n++
		return fmt.Sprintf("%s%04d", prefix, n)
	}
}

// keys returns the keys of a JSON object.
func keys(v any) []string {
	m, _ := v.(map[string]any)
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// plainServer serves handler over plain HTTP for the recorder's unit tests.
func plainServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// onlyFixture reads the single fixture of dir.
func onlyFixture(t *testing.T, dir string) (string, *argostest.Fixture) {
	t.Helper()
	files := fixtureFiles(t, dir)
	require.Len(t, files, 1)
	for name := range files {
		fx, err := readFixture(filepath.Join(dir, name))
		require.NoError(t, err)
		return name, fx
	}
	return "", nil
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

// applicant is the applicant the recorded flows submit. Every value is
// distinctive so the scrubbing checks can look for it in the fixtures.
var applicant = struct {
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

// openImage opens a sample image from the module's testdata as an argos.File.
func openImage(t *testing.T, name, sentAs string) *argos.File {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "images", name))
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	return &argos.File{Name: sentAs, Body: f}
}

// readImage reads a sample image from the module's testdata.
func readImage(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "images", name))
	require.NoError(t, err)
	return b
}

// flowResult is what a flow observed, recorded or replayed.
type flowResult struct {
	Address                    *argos.AddressCode
	Step1                      *argos.Step1Result
	Step2                      *argos.Step2Result
	Pending, Approved, Deleted *argos.Submission
	List                       *argos.SubmissionList
	Image                      []byte
	ImageType, ImageName       string
	Report                     []byte
	ReportType                 string
	Duplicate                  *argos.APIError
	Delete                     *argos.DeleteResult
}

// flowHooks drive the fake server during a recording; replays leave
// them nil.
type flowHooks struct {
	beforeStep2 func()
	approve     func(submissionID string)
}

// clientVia returns an SDK client that sends through rt and never retries.
func clientVia(t *testing.T, baseURL, key string, rt http.RoundTripper) *argos.Client {
	t.Helper()
	c, err := argos.NewClient(key,
		argos.WithBaseURL(baseURL),
		argos.WithHTTPClient(&http.Client{Transport: rt}),
		argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: 0}))
	require.NoError(t, err)
	return c
}

// download reads a whole download: its bytes, content type and file name.
func download(t *testing.T, get func() (*argos.Download, error)) ([]byte, string, string) {
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
func runFullFlow(t *testing.T, c *argos.Client, hooks flowHooks) flowResult {
	t.Helper()
	ctx := context.Background()
	var res flowResult
	var err error

	res.Address, err = c.LookupAddressCode(ctx, &argos.AddressCodeRequest{Address: applicant.Address, Language: "en"})
	require.NoError(t, err)

	res.Step1, err = c.SubmitStep1(ctx, &argos.Step1Request{
		IssuingCountry: "FRA", Email: applicant.Email, IDType: "government_id",
		IDImage: openImage(t, "id_front.png", applicant.IDFileName), UserID: applicant.UserID,
	})
	require.NoError(t, err)

	if hooks.beforeStep2 != nil {
		hooks.beforeStep2()
	}
	s2 := &argos.Step2Request{
		SubmissionID: res.Step1.SubmissionID, FaceImage: openImage(t, "selfie.jpg", applicant.SelfieFileName),
		Name: applicant.Name, DateOfBirth: applicant.DOB, Gender: "female", Nationality: "FRA",
		IdentityNumber: applicant.IDNumber, AddressInput: applicant.Address,
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

	res.List, err = c.ListSubmissions(ctx, &argos.ListSubmissionsParams{UserID: applicant.UserID})
	require.NoError(t, err)

	res.Image, res.ImageType, res.ImageName = download(t, func() (*argos.Download, error) {
		return c.DownloadImage(ctx, res.Step1.SubmissionID, argos.ImageID)
	})
	rids := res.Approved.AMLResourceIDs()
	require.NotEmpty(t, rids)
	res.Report, res.ReportType, _ = download(t, func() (*argos.Download, error) {
		return c.DownloadAMLReport(ctx, rids[0])
	})

	_, err = c.SubmitStep1(ctx, &argos.Step1Request{
		IssuingCountry: "FRA", Email: applicant.Email, IDType: "government_id",
		IDImage: openImage(t, "id_front.png", applicant.IDFileName),
	})
	require.ErrorAs(t, err, &res.Duplicate)

	res.Delete, err = c.DeleteSubmission(ctx, &argos.DeleteSubmissionRequest{SubmissionID: res.Step1.SubmissionID})
	require.NoError(t, err)
	res.Deleted, err = c.GetSubmission(ctx, res.Step1.SubmissionID)
	require.NoError(t, err)
	return res
}

// recordFullFlow runs the full flow against a fresh fake server through a
// Recorder writing to dir.
func recordFullFlow(t *testing.T, dir string, opts ...argostest.RecordOption) (flowResult, *argostest.Server) {
	t.Helper()
	srv := argostest.NewServer()
	t.Cleanup(srv.Close)
	rec, err := argostest.NewRecorder(dir, srv.HTTPClient().Transport, opts...)
	require.NoError(t, err)
	c := clientVia(t, srv.BaseURL, srv.APIKey, rec)
	res := runFullFlow(t, c, flowHooks{
		beforeStep2: func() { srv.ScriptStep2(argostest.OutcomePending) },
		approve: func(id string) {
			require.NoError(t, srv.SetKYCResult(id, argos.KYCApproved))
			require.NoError(t, srv.SetAMLHits(id, 1))
		},
	})
	require.NoError(t, rec.Err())
	return res, srv
}

// fixtureFiles returns the fixture files of dir, by name.
func fixtureFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	out := map[string][]byte{}
	for _, e := range entries {
		if fixtureName.MatchString(e.Name()) {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			require.NoError(t, err)
			out[e.Name()] = b
		}
	}
	return out
}

// quickstartResult is what the quickstart flow observed.
type quickstartResult struct {
	Step1      *argos.Step1Result
	Step2      *argos.Step2Result
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
		IssuingCountry: "FRA", Email: applicant.Email, IDType: "government_id",
		IDImage: openImage(t, "id_front.png", applicant.IDFileName), UserID: applicant.UserID,
	})
	require.NoError(t, err)
	res.Step2, err = c.SubmitStep2(ctx, &argos.Step2Request{
		SubmissionID: res.Step1.SubmissionID, FaceImage: openImage(t, "selfie.jpg", applicant.SelfieFileName),
		Name: applicant.Name, DateOfBirth: applicant.DOB, Gender: "female", Nationality: "FRA",
	})
	require.NoError(t, err)
	res.Submission, err = c.GetSubmission(ctx, res.Step1.SubmissionID)
	require.NoError(t, err)
	res.List, err = c.ListSubmissions(ctx, &argos.ListSubmissionsParams{UserID: applicant.UserID})
	require.NoError(t, err)
	res.Image, _, _ = download(t, func() (*argos.Download, error) {
		return c.DownloadImage(ctx, res.Step1.SubmissionID, argos.ImageID)
	})
	res.Delete, err = c.DeleteSubmission(ctx, &argos.DeleteSubmissionRequest{SubmissionID: res.Step1.SubmissionID})
	require.NoError(t, err)
	return res
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// fixtureName matches the names a Recorder gives fixture files:
// "001_GET_v2_submission.json".
var fixtureName = regexp.MustCompile(`^[0-9]+_[A-Za-z]+_[A-Za-z0-9_]*\.json$`)

// readFixture reads one fixture file.
func readFixture(name string) (*argostest.Fixture, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var fx argostest.Fixture
	if err := json.Unmarshal(data, &fx); err != nil {
		return nil, err
	}
	return &fx, nil
}

// pngFile is SamplePNG as an upload named id.png.
func pngFile() *argos.File {
	return &argos.File{Name: "id.png", Body: bytes.NewReader(argostest.SamplePNG())}
}

// jpegFile is SampleJPEG as an upload named face.jpg.
func jpegFile() *argos.File {
	return &argos.File{Name: "face.jpg", Body: bytes.NewReader(argostest.SampleJPEG())}
}

// step1Req is a valid Step 1 request for the SDK.
func step1Req(email string) *argos.Step1Request {
	return &argos.Step1Request{
		IssuingCountry: "USA", Email: email, IDType: argos.IDPassport,
		IDImage: pngFile(), UserID: "user-1", CF1: "test",
	}
}

// step2Req is a valid Step 2 request for the SDK.
func step2Req(id string) *argos.Step2Request {
	return &argos.Step2Request{
		SubmissionID: id, FaceImage: jpegFile(), Name: "John Smith",
		DateOfBirth: "1975-08-25", Gender: "male", Nationality: "USA",
	}
}

// liveformServer starts a fake with opts and returns it with an SDK client
// of its v3 routes.
func liveformServer(t *testing.T, opts ...argostest.ServerOption) (*argostest.Server, *argos.Client) {
	t.Helper()
	srv := argostest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv, v3Client(t, srv)
}

// plainLink is argos.LiveformURL's link for p.
func plainLink(t testing.TB, p *argos.LiveformParams) string {
	t.Helper()
	link, err := argos.LiveformURL(p)
	require.NoError(t, err)
	return link
}

// item returns a submission as GET /submission?submission_id= shows it.
func item(t testing.TB, srv *argostest.Server, id string) map[string]any {
	t.Helper()
	raw, ok := srv.Submission(id)
	require.True(t, ok, "submission %s exists", id)
	return jsonObject(t, raw)
}

// jsonObject decodes a JSON object.
func jsonObject(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "%s", b)
	return m
}

// triggers lists the deliveries' triggers.
func triggers(ds []argostest.WebhookDelivery) []argos.WebhookTrigger {
	out := []argos.WebhookTrigger{}
	for _, d := range ds {
		out = append(out, d.Trigger)
	}
	return out
}

// countTrigger counts the deliveries of one trigger.
func countTrigger(ds []argostest.WebhookDelivery, tr argos.WebhookTrigger) int {
	n := 0
	for _, d := range ds {
		if d.Trigger == tr {
			n++
		}
	}
	return n
}

// addTokens puts token IDs in the fake's private-mode pool.
func addTokens(t testing.TB, c *argos.Client, ids ...string) {
	t.Helper()
	_, err := c.AddTokens(context.Background(), &argos.TokensRequest{TokenIDs: ids})
	require.NoError(t, err)
}

// commentCodes are a submission's kyc.commentCode as strings, whatever
// their type.
func commentCodes(s *argos.Submission) []string {
	out := []string{}
	for _, c := range s.KYC.CommentCode {
		out = append(out, fmt.Sprint(c))
	}
	return out
}

// inProcess serves requests with a handler in the calling goroutine: no
// network, so a testing/synctest bubble can hold the client and the fake.
type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}
