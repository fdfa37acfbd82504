package argos_test

// Helpers shared by the tests of several files. A helper used by one file
// only stays in that file.

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
	"github.com/kycgo/argos/internal/pipenet"
)

const (
	testKey  = "sk_test_5ecret_k3y_do_not_print"
	mockBase = "https://api.argos.test/v2"
)

// The SDK's own bounds, unexported and documented in SECURITY.md.
const (
	maxEmptyPages   = 5
	maxErrorBody    = 64 << 10
	maxResponseSize = 32 << 20
	maxRedirects    = 10
	maxConnsPerHost = 64
)

var fastRetries = argos.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}

// newMockClient returns a client whose transport is an httpmock transport.
func newMockClient(t *testing.T, opts ...argos.Option) (*argos.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	opts = append([]argos.Option{
		argos.WithBaseURL(mockBase),
		argos.WithHTTPClient(&http.Client{Transport: mt}),
		argos.WithRetryPolicy(fastRetries),
	}, opts...)
	c, err := argos.NewClient(testKey, opts...)
	require.NoError(t, err)
	return c, mt
}

// decodePage decodes a GET /submission answer as the client does
// (ListSubmissions through a mock transport).
func decodePage(t testing.TB, body []byte) *argos.SubmissionList {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission",
		httpmock.NewBytesResponder(http.StatusOK, body).HeaderSet(http.Header{"Content-Type": {"application/json"}}))
	c, err := argos.NewClient(testKey, argos.WithBaseURL(mockBase), argos.WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	l, err := c.ListSubmissions(context.Background(), nil)
	require.NoError(t, err)
	return l
}

// fixture reads a file under testdata/.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
	require.NoError(t, err)
	return b
}

// jsonResponder answers with a fixture as JSON.
func jsonResponder(t *testing.T, status int, name string) httpmock.Responder {
	t.Helper()
	resp := httpmock.NewBytesResponse(status, fixture(t, name))
	resp.Header.Set("Content-Type", "application/json")
	return httpmock.ResponderFromResponse(resp)
}

// image opens a sample image as an *argos.File.
func image(t *testing.T, name string) *argos.File {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "images", name))
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	return &argos.File{Name: name, Body: f}
}

func ptr(f float64) *float64 { return &f }

// selfSignedCert returns a certificate for 127.0.0.1 that no client
// trusts (unlike httptest's built-in one, which every httptest client
// trusts).
func selfSignedCert(t testing.TB) tls.Certificate {
	t.Helper()
	cert, err := newSelfSignedCert("untrusted.argos.test")
	require.NoError(t, err)
	return cert
}

// newSelfSignedCert makes an ECDSA P-256 certificate, its own CA, for
// 127.0.0.1, ::1 and localhost, valid for an hour either side of now.
func newSelfSignedCert(name string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

// discardLog is a server error log that prints nothing (handlers that hang
// up on purpose make net/http log).
func discardLog() *log.Logger { return log.New(io.Discard, "", 0) }

// reflectNew returns a pointer to a copy of v (v itself when it is already a
// pointer).
func reflectNew(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		return v
	}
	p := reflect.New(rv.Type())
	p.Elem().Set(rv)
	return p.Interface()
}

// seen is one request a test server read whole.
type seen struct {
	method, path string
	query        url.Values
	header       http.Header
	body         []byte
}

// v3Server starts a TLS server that answers every request with status and
// body (Content-Type ct), and returns a client for its /v3 base URL with
// the requests it saw.
func v3Server(t *testing.T, status int, ct string, body []byte, opts ...argos.Option) (*argos.Client, func() []seen) {
	t.Helper()
	var mu sync.Mutex
	var got []seen
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, seen{method: r.Method, path: r.URL.Path, query: r.URL.Query(), header: r.Header.Clone(), body: b})
		mu.Unlock()
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	opts = append([]argos.Option{argos.WithBaseURL(srv.URL + "/v3"), argos.WithHTTPClient(srv.Client()),
		argos.WithRetryPolicy(fastRetries)}, opts...)
	c, err := argos.NewClient(testKey, opts...)
	require.NoError(t, err)
	return c, func() []seen {
		mu.Lock()
		defer mu.Unlock()
		return append([]seen(nil), got...)
	}
}

// v3JSON is v3Server answering 200 with a fixture as JSON.
func v3JSON(t *testing.T, name string, opts ...argos.Option) (*argos.Client, func() []seen) {
	t.Helper()
	return v3Server(t, http.StatusOK, "application/json", fixture(t, name), opts...)
}

// fakeV3 starts the fake Argos server and returns a client for its /v3
// base URL, with the fake's Add-on key.
func fakeV3(t *testing.T, opts ...argostest.ServerOption) (*argos.Client, *argostest.Server) {
	t.Helper()
	srv := argostest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := argos.NewClient(srv.APIKey, argos.WithBaseURL(srv.URL("v3")), argos.WithRootCAs(srv.RootCAs()),
		argos.WithRetryPolicy(fastRetries), argos.WithAddOnKey(srv.AddOnKey))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c, srv
}

// fakeSubmission runs Step 1 and Step 2 on the fake with the outcome
// scripted and returns the submission's ID.
func fakeSubmission(t *testing.T, c *argos.Client, srv *argostest.Server, outcome argostest.Outcome) string {
	t.Helper()
	ctx := context.Background()
	s1, err := c.SubmitStep1(ctx, &argos.Step1Request{
		IssuingCountry: "USA", Email: fmt.Sprintf("v3.%d@example.com", time.Now().UnixNano()), IDType: argos.IDPassport,
		UserID: "user-v3", IDImage: &argos.File{Body: bytes.NewReader(argostest.SamplePNG())},
	})
	require.NoError(t, err)
	srv.ScriptStep2(outcome)
	_, err = c.SubmitStep2(ctx, &argos.Step2Request{SubmissionID: s1.SubmissionID, Name: "Jane Doe", DateOfBirth: "1990-01-02",
		Gender: argos.GenderFemale, Nationality: "USA", FaceImage: &argos.File{Body: bytes.NewReader(argostest.SampleJPEG())}})
	require.NoError(t, err)
	return s1.SubmissionID
}

// rawPost sends body as JSON to the fake's v3 path and returns the message
// of its 400 answer.
func rawPost(t *testing.T, srv *argostest.Server, path, body string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL("v3")+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("x-api-key", srv.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	var e struct{ Message string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&e))
	return e.Message
}

// newTLSClient starts a TLS server with handler h and returns a client for
// its base path version ("/v2" or "/v3").
func newTLSClient(t *testing.T, version string, h http.Handler, opts ...argos.Option) *argos.Client {
	t.Helper()
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	opts = append([]argos.Option{argos.WithBaseURL(srv.URL + version), argos.WithHTTPClient(srv.Client()),
		argos.WithRetryPolicy(fastRetries)}, opts...)
	c, err := argos.NewClient(testKey, opts...)
	require.NoError(t, err)
	return c
}

// newWebhookHandler is argos.NewWebhookHandler for options that are valid.
func newWebhookHandler(t *testing.T, fn func(context.Context, *argos.WebhookEvent) error, opts ...argos.WebhookOption) *argos.WebhookHandler {
	t.Helper()
	h, err := argos.NewWebhookHandler(fn, opts...)
	require.NoError(t, err)
	return h
}

// fakeClient is a client of a fresh fake Argos server (argostest) with quick
// retries.
func fakeClient(t *testing.T, opts ...argos.Option) (*argos.Client, *argostest.Server) {
	t.Helper()
	srv := argostest.NewServer()
	t.Cleanup(srv.Close)
	c, err := srv.NewClient(append([]argos.Option{argos.WithRetryPolicy(fastRetries)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c, srv
}

// step1 runs Step 1 at the fake with the sample ID image.
func step1(t *testing.T, c *argos.Client, email, userID string) *argos.Step1Result {
	t.Helper()
	s1, err := c.SubmitStep1(context.Background(), &argos.Step1Request{
		IssuingCountry: "USA", Email: email, IDType: argos.IDPassport, UserID: userID,
		IDImage: &argos.File{Name: "id.png", Body: bytes.NewReader(readImage(t, "id_front.png"))},
	})
	require.NoError(t, err)
	return s1
}

// step2 runs Step 2 at the fake with the sample selfie.
func step2(t *testing.T, c *argos.Client, id string) (*argos.Step2Result, error) {
	t.Helper()
	return c.SubmitStep2(context.Background(), &argos.Step2Request{
		SubmissionID: id, FaceImage: &argos.File{Body: bytes.NewReader(readImage(t, "selfie.jpg"))},
		Name: "Test Applicant", DateOfBirth: "1990-01-01", Nationality: "USA", Gender: "female",
	})
}

// readImage reads a sample image under testdata/images.
func readImage(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "images", name))
	require.NoError(t, err)
	return b
}

// connCountingServer is a loopback TLS server answering every request with the
// guide's sample submission and counting the connections it accepts.
type connCountingServer struct {
	*httptest.Server
	conns  atomic.Int64 // opened
	closed atomic.Int64
	peak   atomic.Int64  // most connections open at once, as the server saw them
	closes chan struct{} // gets a value after a connection closed (one at most waits)
}

// waitAllClosed waits until the server has seen every connection it
// accepted close.
func (s *connCountingServer) waitAllClosed() {
	for s.closed.Load() != s.conns.Load() {
		<-s.closes
	}
}

func newConnCountingServer(t *testing.T, http2 bool) *connCountingServer {
	t.Helper()
	body := fixture(t, "submission_single_guide.json")
	return newConnCountingServerWith(t, http2, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
}

// newConnCountingServerWith is a connCountingServer with handler h.
func newConnCountingServerWith(t *testing.T, http2 bool, h http.Handler) *connCountingServer {
	t.Helper()
	s := &connCountingServer{closes: make(chan struct{}, 1)}
	s.Server = httptest.NewUnstartedServer(h)
	s.EnableHTTP2 = http2
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		switch st {
		case http.StateNew:
			open := s.conns.Add(1) - s.closed.Load()
			for p := s.peak.Load(); open > p && !s.peak.CompareAndSwap(p, open); p = s.peak.Load() {
			}
		case http.StateClosed, http.StateHijacked:
			s.closed.Add(1)
			select {
			case s.closes <- struct{}{}:
			default:
			}
		}
	}
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

// roots is a pool that trusts the server's certificate.
func (s *connCountingServer) roots() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(s.Certificate())
	return pool
}

// countingTransport counts the requests it passes on.
type countingTransport struct {
	base http.RoundTripper
	n    atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}

// fastPolls keeps WaitForDecision's tests quick.
var fastPolls = argos.PollPolicy{MinWait: 2 * time.Millisecond, MaxWait: 10 * time.Millisecond}

// waitClient is a client of a fake server that polls every few milliseconds.
func waitClient(t *testing.T, opts ...argos.Option) (*argos.Client, *argostest.Server) {
	t.Helper()
	return fakeClient(t, append([]argos.Option{argos.WithPollPolicy(fastPolls)}, opts...)...)
}

// pendingSubmission runs Step 1 and a Step 2 that the fake holds for review.
func pendingSubmission(t *testing.T, c *argos.Client, srv *argostest.Server) string {
	t.Helper()
	s1 := step1(t, c, "waiting@example.com", "wait-user")
	srv.ScriptStep2(argostest.OutcomePending)
	s2, err := step2(t, c, s1.SubmissionID)
	require.NoError(t, err)
	require.Equal(t, argos.KYCPending, s2.Status)
	return s1.SubmissionID
}

// submissionGets counts the GET /submission requests the fake served.
func submissionGets(srv *argostest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == http.MethodGet && r.Path == "/submission" {
			n++
		}
	}
	return n
}

// resetConnection aborts the connection of a server handler with a TCP RST,
// without a response. With readBody the whole request body is read first.
func resetConnection(w http.ResponseWriter, r *http.Request, readBody bool) {
	if readBody {
		_, _ = io.Copy(io.Discard, r.Body)
	}
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	raw := conn
	if tc, ok := conn.(*tls.Conn); ok {
		raw = tc.NetConn() // no close_notify: a hard reset
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = raw.Close()
}

// countingServer answers with handler and counts requests; handler gets
// the 1-based number of the request it serves.
func countingServer(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, n int32)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler(w, r, n.Add(1))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func clientFor(t *testing.T, srv *httptest.Server, opts ...argos.Option) *argos.Client {
	t.Helper()
	c, err := argos.NewClient(testKey, append([]argos.Option{
		argos.WithBaseURL(srv.URL + "/v2"), argos.WithHTTPClient(srv.Client()), argos.WithRetryPolicy(fastRetries),
	}, opts...)...)
	require.NoError(t, err)
	return c
}

func okList(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"Items":[{"submission_id":"s1","kyc":{"result":"approved"}}]}`))
}

// namedDeletedSubmission runs Step 1 and a Step 2 that the fake holds for
// review, for an applicant who typed "Deleted Submission" as their name:
// a live submission with an email and a user ID.
func namedDeletedSubmission(t *testing.T, c *argos.Client, srv *argostest.Server) string {
	t.Helper()
	s1 := step1(t, c, "typed.name@example.com", "typed-name-user")
	srv.ScriptStep2(argostest.OutcomePending)
	s2, err := c.SubmitStep2(context.Background(), &argos.Step2Request{
		SubmissionID: s1.SubmissionID, FaceImage: &argos.File{Body: bytes.NewReader(readImage(t, "selfie.jpg"))},
		Name: "Deleted Submission", DateOfBirth: "1990-01-01", Nationality: "USA", Gender: "female",
	})
	require.NoError(t, err)
	require.Equal(t, argos.KYCPending, s2.Status)
	return s1.SubmissionID
}

// pipeFake is the fake Argos API (argostest.Handler) served over in-memory
// connections (net.Pipe) rather than a socket, so that a test can run it in a
// testing/synctest bubble: the fake's clock, the client's timeouts and
// backoffs and ResolveOutcome's waits then all run on the bubble's virtual
// time. Its hooks (InjectFault, ScriptStep2, Requests, …) are the handler's.
type pipeFake struct {
	*argostest.Handler
	ln  *pipenet.Listener
	srv *http.Server
	tr  *http.Transport
}

// pipeBase is the base URL a pipeFake's clients use; every dial reaches the
// fake whatever the host.
const pipeBase = "https://argos.test/v3"

// newPipeFake starts a pipeFake. front, when not nil, wraps the fake (a
// fault after processing, a late landing: see afterProcessing). Everything
// is closed when the test ends.
func newPipeFake(t *testing.T, front func(http.Handler) http.Handler, opts ...argostest.ServerOption) *pipeFake {
	t.Helper()
	h := argostest.NewHandler(opts...)
	var served http.Handler = h
	if front != nil {
		served = front(h)
	}
	p := &pipeFake{Handler: h, ln: pipenet.New()}
	p.srv = &http.Server{Handler: served, ErrorLog: discardLog(), ReadHeaderTimeout: time.Minute}
	p.tr = &http.Transport{DialTLSContext: p.ln.Dial}
	go func() { _ = p.srv.Serve(p.ln) }()
	t.Cleanup(func() {
		p.tr.CloseIdleConnections()
		_ = p.srv.Close()
		h.Close()
	})
	return p
}

// client returns a client of the fake: its key, the v3 base, quick retries
// (opts may override them).
func (p *pipeFake) client(t *testing.T, opts ...argos.Option) *argos.Client {
	t.Helper()
	all := append([]argos.Option{argos.WithBaseURL(pipeBase), argos.WithHTTPClient(&http.Client{Transport: p.tr}),
		argos.WithRetryPolicy(fastRetries), argos.WithAddOnKey(p.AddOnKey())}, opts...)
	c, err := argos.NewClient(p.APIKey(), all...)
	require.NoError(t, err)
	return c
}

// afterProcessing is a fault the fake cannot inject itself: the next
// request to method and path (below the version, "/submission/step1") is
// read whole and served by the fake — it takes effect — and then the client
// gets what act does instead of the fake's answer. Requests after it pass.
func afterProcessing(method, path string, act func(w http.ResponseWriter, r *http.Request, process func())) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		var used atomic.Bool
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != method || !strings.HasSuffix(r.URL.Path, "/v3"+path) || used.Swap(true) {
				next.ServeHTTP(w, r)
				return
			}
			body, _ := io.ReadAll(r.Body)
			detached := r.Clone(context.WithoutCancel(r.Context()))
			detached.Body = io.NopCloser(bytes.NewReader(body))
			act(w, r, func() { next.ServeHTTP(httptest.NewRecorder(), detached) })
		})
	}
}

// dropAfter processes the request, then closes the connection without an
// answer.
func dropAfter(w http.ResponseWriter, _ *http.Request, process func()) {
	process()
	hangUpNow(w)
}

// gatewayErrorAfter processes the request, then answers status with the
// gateway's body, as a gateway that gave up on a slow backend does.
func gatewayErrorAfter(status int) func(http.ResponseWriter, *http.Request, func()) {
	return func(w http.ResponseWriter, _ *http.Request, process func()) {
		process()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = fmt.Fprintf(w, `{"message":%q}`, http.StatusText(status))
	}
}

// landsLate holds the request until the client gives up on it, and has the
// fake process it d after it arrived: a write that lands after the client's
// timeout, as the gateway in front of Argos allows for 29 s.
func landsLate(d time.Duration) func(http.ResponseWriter, *http.Request, func()) {
	return func(_ http.ResponseWriter, r *http.Request, process func()) {
		go func() {
			time.Sleep(d)
			process()
		}()
		<-r.Context().Done()
	}
}

// hangUpNow closes the client's connection without (more of) an answer.
func hangUpNow(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// step1Request is a Step 1 request with the sample ID image.
func step1Request(email, userID string) *argos.Step1Request {
	return &argos.Step1Request{IssuingCountry: "USA", Email: email, IDType: argos.IDPassport, UserID: userID,
		IDImage: &argos.File{Name: "id.png", Body: bytes.NewReader(argostest.SamplePNG())}}
}
