package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fixture is a fake Argos server and the environment that points the CLI
// at it.
type fixture struct {
	srv  *argostest.Server
	env  map[string]string
	sdk  *argos.Client // for seeding, straight to the fake
	dir  string        // a temporary directory for output files
	opts []argos.Option
}

// setup starts a fake whose clock starts on 2024-01-01 and steps an hour
// per change, and whose submission IDs are sub-0001, sub-0002, …, so the
// output is the same on every run.
func setup(t testing.TB, opts ...argostest.ServerOption) *fixture {
	t.Helper()
	var tick atomic.Int64
	start := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	var id atomic.Int64
	all := append([]argostest.ServerOption{
		argostest.WithClock(func() time.Time { return start.Add(time.Duration(tick.Add(1)-1) * time.Hour) }),
		argostest.WithSubmissionIDs(func() string { return fmt.Sprintf("sub-%04d", id.Add(1)) }),
	}, opts...)
	srv := argostest.NewServer(all...)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(ca, srv.CertPEM(), 0o600))
	sdk, err := argos.NewClient(srv.APIKey, argos.WithBaseURL(srv.BaseURL), argos.WithRootCAs(srv.RootCAs()),
		argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}))
	require.NoError(t, err)
	t.Cleanup(sdk.CloseIdleConnections)
	return &fixture{
		srv: srv, sdk: sdk, dir: dir,
		env: map[string]string{envAPIKey: srv.APIKey, envBaseURL: srv.BaseURL, envCAFile: ca},
		// Quick retries, as argostest.NewClient has them.
		opts: []argos.Option{argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 20 * time.Millisecond})},
	}
}

// applicant is one submission to seed.
type applicant struct {
	email, userID, name, dob string
	outcome                  *argostest.Outcome // nil: Step 1 only (incomplete)
}

func outcome(o argostest.Outcome) *argostest.Outcome { return &o }

// people are the submissions of the golden files.
var people = []applicant{
	{"alice@example.com", "u-1", "Alice Kim", "1990-05-01", outcome(argostest.OutcomeApprove)},
	{"bob@example.com", "u-2", "Bob Lee", "1985-12-24", outcome(argostest.OutcomePending)},
	{"carol@example.com", "u-1", "Carol Park", "1979-02-28", outcome(argostest.OutcomeReject)},
	{"dave@example.com", "u-3", "", "", nil},
}

// seed submits each applicant in order (Step 1, then Step 2 with the
// scripted outcome) and returns the submission IDs.
func (f *fixture) seed(t testing.TB, apps ...applicant) []string {
	t.Helper()
	ids := make([]string, len(apps))
	for i, ap := range apps {
		ids[i] = f.submit(t, ap)
	}
	return ids
}

func (f *fixture) submit(t testing.TB, ap applicant) string {
	ctx := context.Background()
	s1, err := f.sdk.SubmitStep1(ctx, &argos.Step1Request{
		IssuingCountry: "USA", Email: ap.email, UserID: ap.userID, IDType: "passport",
		IDImage: &argos.File{Name: "id.png", Body: bytes.NewReader(argostest.SamplePNG())},
	})
	require.NoError(t, err)
	if ap.outcome == nil {
		return s1.SubmissionID
	}
	f.srv.ScriptStep2(*ap.outcome)
	_, err = f.sdk.SubmitStep2(ctx, &argos.Step2Request{
		SubmissionID: s1.SubmissionID, Name: ap.name, DateOfBirth: ap.dob, Gender: "female", Nationality: "KOR",
		FaceImage: &argos.File{Name: "selfie.png", Body: bytes.NewReader(argostest.SamplePNG())},
	})
	require.NoError(t, err)
	return s1.SubmissionID
}

// seedMany submits n Step-1-only submissions with workers goroutines.
func (f *fixture) seedMany(t testing.TB, n, workers int) {
	t.Helper()
	var wg sync.WaitGroup
	var next atomic.Int64
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); i <= int64(n); i = next.Add(1) {
				f.submit(t, applicant{email: fmt.Sprintf("user%d@example.com", i), userID: fmt.Sprintf("bulk-%d", i)})
			}
		}()
	}
	wg.Wait()
}

// result is what one run of the CLI did.
type result struct {
	code           int
	stdout, stderr string
}

// run runs the CLI in-process with args against the fixture's server.
func (f *fixture) run(t testing.TB, args ...string) result {
	t.Helper()
	return f.runCtx(context.Background(), t, nil, args...)
}

// runCtx runs the CLI with ctx; configure, if not nil, adjusts the app
// first.
func (f *fixture) runCtx(ctx context.Context, t testing.TB, configure func(*app), args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	a := newApp(func(k string) string { return f.env[k] }, strings.NewReader(""), &stdout, &stderr)
	a.clientOpts = f.opts
	if configure != nil {
		configure(a)
	}
	code := a.main(ctx, args)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// runEnv runs the CLI in-process with args and env, without a fake server.
func runEnv(env map[string]string, args ...string) result {
	var stdout, stderr bytes.Buffer
	a := newApp(func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
	code := a.main(context.Background(), args)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// path returns a file name in the fixture's directory.
func (f *fixture) path(name string) string { return filepath.Join(f.dir, name) }

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(file, []byte(got), 0o600))
	}
	want, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, string(want), got, "golden file %s (go test -update rewrites it)", file)
}

// logLines reads a purge log.
func logLines(t testing.TB, name string) []logEntry {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	var out []logEntry
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var e logEntry
		require.NoError(t, json.Unmarshal([]byte(line), &e), "every log line is JSON: %q", line)
		out = append(out, e)
	}
	return out
}

// deletedOnServer reports whether the fake shows the submission as deleted
// (argos.Submission.Deleted: the placeholder name and none of the erased
// personal data).
func (f *fixture) deletedOnServer(t testing.TB, id string) bool {
	t.Helper()
	return f.serverView(t, id).Deleted()
}

// v3 points the fixture's CLI at the fake's v3 base URL.
func (f *fixture) v3() *fixture {
	g := *f
	g.env = map[string]string{envAPIKey: f.env[envAPIKey], envBaseURL: f.srv.URL("v3"), envCAFile: f.env[envCAFile]}
	return &g
}

// serverView is what the fake stores of a submission, as GET shows it.
func (f *fixture) serverView(t testing.TB, id string) *argos.Submission {
	t.Helper()
	raw, ok := f.srv.Submission(id)
	require.True(t, ok, "submission %s exists", id)
	var s argos.Submission
	require.NoError(t, json.Unmarshal(raw, &s))
	return &s
}

// countingTransport calls hook before each request it sends on.
type countingTransport struct {
	base http.RoundTripper
	hook func(r *http.Request)
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.hook(r)
	return c.base.RoundTrip(r)
}

// withHook makes the CLI's client call hook before each request.
func (f *fixture) withHook(hook func(r *http.Request)) func(*app) {
	return f.withTransport(&countingTransport{base: f.srv.HTTPClient().Transport, hook: hook})
}

// withTransport makes the CLI's client send its requests through rt, which
// must trust the fake.
func (f *fixture) withTransport(rt http.RoundTripper) func(*app) {
	return func(a *app) {
		a.clientOpts = append(append([]argos.Option{}, f.opts...), argos.WithHTTPClient(&http.Client{Transport: rt}))
		a.getenv = func(k string) string {
			if k == envCAFile { // the client's transport trusts the fake already
				return ""
			}
			return f.env[k]
		}
	}
}

// filterDropper is a server that ignores some query parameters: it removes
// them from each request before the fake sees it.
type filterDropper struct {
	base   http.RoundTripper
	params []string
}

func (d *filterDropper) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	q := r.URL.Query()
	for _, p := range d.params {
		q.Del(p)
	}
	r.URL.RawQuery = q.Encode()
	return d.base.RoundTrip(r)
}

// answerRewriter is a server whose answers hold other text: it replaces
// old with new in each answer's body.
type answerRewriter struct {
	base     http.RoundTripper
	old, new string
}

func (w *answerRewriter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := w.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	b = bytes.ReplaceAll(b, []byte(w.old), []byte(w.new))
	resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// rewriting makes the CLI talk to a fake whose answers hold to where they
// held from.
func (f *fixture) rewriting(from, to string) func(*app) {
	return f.withTransport(&answerRewriter{base: f.srv.HTTPClient().Transport, old: from, new: to})
}

// ignoring makes the CLI talk to a fake that ignores the query parameters
// named.
func (f *fixture) ignoring(params ...string) func(*app) {
	return f.withTransport(&filterDropper{base: f.srv.HTTPClient().Transport, params: params})
}

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
