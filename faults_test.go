package argos_test

// Fault injection: every endpoint against every network and server fault the
// SDK must survive. Each case runs one call against fresh TLS test servers
// (httptest, or a closed port for "connection refused") and checks:
//
//   - a typed error (errors.Is / errors.As) or the correct result;
//   - GETs recover when the fault clears; a POST that was sent is never sent
//     again (requests are counted at the server);
//   - no call outlives its context or timeout by more than callSlack;
//   - nothing panics; no goroutine is left behind (goleak per fault group);
//   - no error string carries the API key or the query's email / user ID.
//
// TestFaultMatrix logs a fault × endpoint table of outcomes at the end
// (go test -v -run TestFaultMatrix).

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/kycgo/argos"
)

const (
	faultKey      = "flt-secret-api-key-7f3a9c"
	faultAddOnKey = "flt-secret-add-on-key-11d2"
	faultEmail    = "alice.fault@example.com"
	faultUserID   = "user-fault-77"
	// callSlack is how long a call may outlive its context or timeout. A
	// call that ignored them would run on for 10 s or more (the suite's
	// WithTimeout, the servers' 20 s stalls, 30 s backoffs), so seconds of
	// slack still catch it, while a busy machine under -race cannot fail the
	// case (250 ms did, at 557 ms).
	callSlack = 5 * time.Second
	// matrixParallel is how many cases of the matrix run at once.
	matrixParallel = 10
	// shortTimeout is the WithTimeout of the timeout faults.
	shortTimeout = 150 * time.Millisecond
)

// faultRetries is the small retry policy of the suite: 3 attempts at most.
var faultRetries = argos.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 20 * time.Millisecond}

// endpointCase is one SDK method under test.
type endpointCase struct {
	name     string // column name
	method   string
	path     string // below the base URL
	post     bool   // changes state: must never be sent twice
	download bool
	v3       bool // a v3-only call: the base URL ends in /v3
	addOn    bool // sends the Add-on key
	// base64 is a download whose answer is Base64 text the SDK decodes: a
	// body that is not an image's encoding is a DecodeError.
	base64 bool
	// anyObject: every JSON object is a correct answer (the endpoint's
	// answer is undocumented).
	anyObject bool
	okBody    []byte
	okType    string
	// okSummary is what call summarises from a correct answer.
	okSummary string
	// call runs the method; downloads return the Download unread.
	call func(ctx context.Context, c *argos.Client) (string, *argos.Download, error)
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return fmt.Sprintf("%d bytes %x", len(b), sum[:4])
}

// prefix is the base URL's version path.
func (ep endpointCase) prefix() string {
	if ep.v3 {
		return "/v3"
	}
	return "/v2"
}

// key is the key the endpoint sends.
func (ep endpointCase) key() string {
	if ep.addOn {
		return faultAddOnKey
	}
	return faultKey
}

// matrixEndpoints lists the endpoints with the documented sample answers.
func matrixEndpoints(t testing.TB) []endpointCase {
	return append(guideEndpoints(t), v3Endpoints(t)...)
}

// guideEndpoints are the API guide's ten endpoints.
func guideEndpoints(t testing.TB) []endpointCase {
	idFront := fixture(t, "images/id_front.png")
	selfie := fixture(t, "images/selfie.jpg")
	pdf := []byte("%PDF-1.4\n% argos fault-suite AML report\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	listParams := func() *argos.ListSubmissionsParams {
		return &argos.ListSubmissionsParams{Email: faultEmail, UserID: faultUserID}
	}
	return []endpointCase{
		{
			name: "Get", method: http.MethodGet, path: "/submission",
			okBody: fixture(t, "submission_single_guide.json"), okType: "application/json",
			okSummary: "gt7rcxx9l1o***** rejected",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				s, err := c.GetSubmission(ctx, "gt7rcxx9l1o*****")
				if err != nil {
					return "", nil, err
				}
				return s.ID + " " + string(s.KYC.Status), nil, nil
			},
		},
		{
			name: "List", method: http.MethodGet, path: "/submission",
			okBody: fixture(t, "submission_list_guide.json"), okType: "application/json",
			okSummary: "2 items",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				l, err := c.ListSubmissions(ctx, listParams())
				if err != nil {
					return "", nil, err
				}
				return fmt.Sprintf("%d items", len(l.Items)), nil, nil
			},
		},
		{
			name: "All", method: http.MethodGet, path: "/submission",
			okBody: fixture(t, "submission_list_guide.json"), okType: "application/json",
			okSummary: "2 items",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				n := 0
				for s, err := range c.AllSubmissions(ctx, listParams()) {
					if err != nil {
						return "", nil, err
					}
					if s == nil {
						return "", nil, errors.New("nil submission without error")
					}
					n++
				}
				return fmt.Sprintf("%d items", n), nil, nil
			},
		},
		{
			name: "Delete", method: http.MethodDelete, path: "/submission",
			okBody: fixture(t, "delete_hash.json"), okType: "application/json",
			okSummary: "success",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				r, err := c.DeleteSubmission(ctx, &argos.DeleteSubmissionRequest{SubmissionID: "gt7rcxx9l1oabcde"})
				if err != nil {
					return "", nil, err
				}
				return r.Message, nil, nil
			},
		},
		{
			name: "Step1", method: http.MethodPost, path: "/submission/step1", post: true,
			okBody: fixture(t, "step1_guide.json"), okType: "application/json",
			okSummary: "1cz94l9ksfi1bokk",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				r, err := c.SubmitStep1(ctx, &argos.Step1Request{
					IssuingCountry: "KOR", Email: faultEmail, IDType: argos.IDGovernmentID, UserID: faultUserID,
					IDImage: &argos.File{Name: "id_front.png", Body: bytes.NewReader(idFront)},
				})
				if err != nil {
					return "", nil, err
				}
				return r.SubmissionID, nil, nil
			},
		},
		{
			name: "Step2", method: http.MethodPost, path: "/submission/step2", post: true,
			okBody: fixture(t, "step2_pending.json"), okType: "application/json",
			okSummary: "pending",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				r, err := c.SubmitStep2(ctx, &argos.Step2Request{
					SubmissionID: "1cz94l9ksfi1bokk", Name: "Alice Fault", DateOfBirth: "1990-01-02",
					FaceImage: &argos.File{Name: "selfie.jpg", Body: bytes.NewReader(selfie)},
				})
				if err != nil {
					return "", nil, err
				}
				return string(r.Status), nil, nil
			},
		},
		{
			name: "Applicant", method: http.MethodGet, path: "/submission/applicant",
			okBody: fixture(t, "applicant.json"), okType: "application/json",
			okSummary: "3 submissions",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				l, err := c.ListApplicantSubmissions(ctx, "applicant-fault-1")
				if err != nil {
					return "", nil, err
				}
				for _, s := range l {
					if s.SubmissionID == "" {
						return "", nil, fmt.Errorf("a result entry without a submission ID: %d entries", len(l))
					}
				}
				return fmt.Sprintf("%d submissions", len(l)), nil, nil
			},
		},
		{
			name: "Address", method: http.MethodPost, path: "/address_code", post: true,
			okBody: fixture(t, "address_code.json"), okType: "application/json",
			okSummary: "8Q98HXPG+MP",
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				r, err := c.LookupAddressCode(ctx, &argos.AddressCodeRequest{Address: "1 Sejongno, Jongno-gu, Seoul", Language: "en"})
				if err != nil {
					return "", nil, err
				}
				return r.GlobalCode, nil, nil
			},
		},
		{
			name: "AML", method: http.MethodGet, path: "/report/aml", download: true,
			okBody: pdf, okType: "application/pdf", okSummary: digest(pdf),
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				d, err := c.DownloadAMLReport(ctx, "resource-fault-1")
				return "", d, err
			},
		},
		{
			name: "Image", method: http.MethodGet, path: "/image", download: true,
			okBody: idFront, okType: "image/png", okSummary: digest(idFront),
			call: func(ctx context.Context, c *argos.Client) (string, *argos.Download, error) {
				d, err := c.DownloadImage(ctx, "gt7rcxx9l1oabcde", argos.ImageID)
				return "", d, err
			},
		},
	}
}

// faultEnv is one case's world: the API server, optional redirect targets, and
// counters.
type faultEnv struct {
	ep    endpointCase
	main  *httptest.Server
	other *httptest.Server // HTTPS on another port: "another host"
	plain *httptest.Server // plain HTTP

	hits      atomic.Int32 // requests the API server's handler saw
	conns     atomic.Int32 // connections the API server accepted
	keyless   atomic.Int32 // API-server requests without the right x-api-key
	otherHits atomic.Int32
	otherKey  atomic.Int32 // other-host requests that carried x-api-key
	plainHits atomic.Int32
	dials     atomic.Int32 // dial attempts (connection-refused cases)

	script func(n int) serverAction

	done        chan struct{} // closed at teardown: parked handlers return
	signal      chan struct{} // closed once by a handler at a fault's trigger point
	signalOnce  sync.Once
	release     chan struct{} // closed once the client holds a Download
	releaseOnce sync.Once
	notStreamed atomic.Bool // the server gave up waiting for release
	wrongPath   atomic.Value
}

type serverAction func(e *faultEnv, w http.ResponseWriter, r *http.Request)

func (e *faultEnv) fire() { e.signalOnce.Do(func() { close(e.signal) }) }

func (e *faultEnv) released() { e.releaseOnce.Do(func() { close(e.release) }) }

// park blocks until the request or the case ends.
func (e *faultEnv) park(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-e.done:
	case <-time.After(20 * time.Second):
	}
}

// warmupPath is the request a warm case opens its connection with; the API
// server answers it with an empty 200 and does not count it.
const warmupPath = "/warm-up"

func (e *faultEnv) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == warmupPath {
		return
	}
	n := int(e.hits.Add(1)) - 1
	if r.Header.Get("x-api-key") != e.ep.key() {
		e.keyless.Add(1)
	}
	if want := e.ep.prefix() + e.ep.path; r.URL.Path != want {
		e.wrongPath.Store(r.URL.Path)
	}
	a := actOK
	if e.script != nil {
		a = e.script(n)
	}
	a(e, w, r)
}

// Actions of the API server.

func actOK(e *faultEnv, w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", e.ep.okType)
	w.Header().Set("Content-Length", strconv.Itoa(len(e.ep.okBody)))
	_, _ = w.Write(e.ep.okBody)
}

func actStatus(status int, contentType, body string, header ...string) serverAction {
	return func(e *faultEnv, w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func actBody(contentType, body string) serverAction {
	return actStatus(http.StatusOK, contentType, body)
}

// actReset aborts the connection with a TCP RST, without a response. With
// readBody the whole request body is read first.
func actReset(readBody bool) serverAction {
	return func(_ *faultEnv, w http.ResponseWriter, r *http.Request) { resetConnection(w, r, readBody) }
}

// actSlow never answers: it hangs up once the client has gone. (An answer
// written then can still reach the caller: net/http's cancellation races a
// response that arrives as the deadline passes.)
func actSlow(e *faultEnv, _ http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	e.fire()
	e.park(r)
	panic(http.ErrAbortHandler)
}

// actStall sends the headers and half the body, then stalls.
func actStall(e *faultEnv, w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", e.ep.okType)
	w.Header().Set("Content-Length", strconv.Itoa(len(e.ep.okBody)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(e.ep.okBody[:len(e.ep.okBody)/2])
	w.(http.Flusher).Flush()
	e.fire()
	e.park(r)
}

// actTruncate declares more body than it sends, then closes the connection.
func actTruncate(e *faultEnv, w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", e.ep.okType)
	w.Header().Set("Content-Length", strconv.Itoa(len(e.ep.okBody)+64))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(e.ep.okBody[:len(e.ep.okBody)/2])
	// Returning with the body short makes net/http close the connection.
}

// actRedirect answers status with a Location computed from the request.
func actRedirect(status int, to func(e *faultEnv, r *http.Request) string) serverAction {
	return func(e *faultEnv, w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Location", to(e, r))
		w.WriteHeader(status)
	}
}

// hugeSize is more than the SDK reads of a JSON body.
const hugeSize = maxResponseSize + 1<<20

// actHuge streams hugeSize bytes with status. For a 200 download it
// sends the first 64 KiB, then waits until the client holds the Download:
// an SDK that buffered downloads would never get there.
func actHuge(status int) serverAction {
	return func(e *faultEnv, w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		chunk := bytes.Repeat([]byte("a"), 64<<10)
		prefix := `{"Items":[],"message":"`
		if e.ep.download && status == http.StatusOK {
			prefix = ""
			if e.ep.base64 {
				prefix = "/9j/" // the Base64 of a JPEG's first bytes; "aaaa" decodes too
			}
			w.Header().Set("Content-Type", e.ep.okType)
			w.Header().Set("Content-Length", strconv.Itoa(hugeSize))
		} else {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		sent := 0
		write := func(b []byte) bool {
			if rest := hugeSize - sent; len(b) > rest {
				b = b[:rest]
			}
			n, err := w.Write(b)
			sent += n
			return err == nil
		}
		if !write(append([]byte(prefix), chunk[len(prefix):]...)) {
			return
		}
		if e.ep.download && status == http.StatusOK {
			w.(http.Flusher).Flush()
			select {
			case <-e.release:
			case <-r.Context().Done():
				return
			case <-time.After(5 * time.Second):
				e.notStreamed.Store(true)
			}
		}
		for sent < hugeSize && write(chunk) {
		}
	}
}

// Scripts.

func always(a serverAction) func(int) serverAction { return func(int) serverAction { return a } }

// seq plays the actions in order, then answers correctly.
func seq(as ...serverAction) func(int) serverAction {
	return func(n int) serverAction {
		if n < len(as) {
			return as[n]
		}
		return actOK
	}
}

// callOptions is how a case builds its client and context.
type callOptions struct {
	baseURL    string
	hc         *http.Client
	policy     argos.RetryPolicy
	timeout    time.Duration // WithTimeout
	ctxTimeout time.Duration // the caller's context
	// cancelOn, when set, cancels the caller's context cancelAfter after the
	// channel it returns is closed.
	cancelOn     func(e *faultEnv) <-chan struct{}
	cancelAfter  time.Duration
	cancelBefore bool
}

// observation is what a case observed.
type observation struct {
	summary     string
	err         error // the call's error
	readErr     error // a download's read error
	dl          *argos.Download
	readBytes   int64
	elapsed     time.Duration // call + download read
	cancelled   bool
	sinceCancel time.Duration // from cancel to the end of the call/read
	panicked    any
}

// final is the error the caller ends up with.
func (o *observation) final() error {
	if o.err != nil {
		return o.err
	}
	return o.readErr
}

type faultCase struct {
	name string
	// script is the API server's behaviour for ep (nil: always correct).
	script func(ep endpointCase) func(int) serverAction
	// setup changes the client or the servers for ep.
	setup func(t *testing.T, e *faultEnv, o *callOptions)
	// untrusted serves the API with a certificate the client does not trust.
	untrusted bool
	// replacesBody: the answer is not the endpoint's sample, so check
	// judges a result (downloads hand back whatever body came).
	replacesBody bool
	// ctxFault: the case ends by cancellation or a deadline; in every other
	// case the error must not claim to be context.Canceled or
	// DeadlineExceeded.
	ctxFault bool
	// warm: the client's connection is opened before the call, so that a
	// short deadline measures the answer and not a TLS handshake on a busy
	// machine.
	warm bool
	// costly: the row streams tens of MiB per endpoint (seconds under
	// -race). It runs for a JSON GET, a POST and a download, whose body
	// reading (the exchange's response handler, the download path) every
	// other column shares; ARGOS_FULL_MATRIX=1 runs it for every column,
	// as CI does.
	costly bool
	check  func(t *testing.T, e *faultEnv, o *observation)
}

// tableCell is one cell of the summary table.
type tableCell struct {
	outcome string
	pass    bool
}

var (
	tableMu    sync.Mutex
	tableCells = map[[2]string]tableCell{}
)

func recordCell(fault, ep string, r tableCell) {
	tableMu.Lock()
	defer tableMu.Unlock()
	tableCells[[2]string{fault, ep}] = r
}

// dialClosedPort points the client at a closed port through a transport that
// counts dials and fires e's signal after the first one.
func dialClosedPort(t *testing.T, e *faultEnv, o *callOptions) {
	o.baseURL = "https://" + closedPort(t) + e.ep.prefix()
	var d net.Dialer
	o.hc = &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			e.dials.Add(1)
			c, err := d.DialContext(ctx, network, addr)
			e.fire()
			return c, err
		},
	}}
}

// runFault runs fault f against endpoint ep and records the outcome.
func runFault(t *testing.T, f faultCase, ep endpointCase) {
	e := &faultEnv{ep: ep, done: make(chan struct{}), signal: make(chan struct{}), release: make(chan struct{})}
	if f.script != nil {
		e.script = f.script(ep)
	}
	e.main = httptest.NewUnstartedServer(http.HandlerFunc(e.serveHTTP))
	e.main.Config.ErrorLog = discardLog()
	e.main.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			e.conns.Add(1)
		}
	}
	if f.untrusted {
		e.main.TLS = &tls.Config{Certificates: []tls.Certificate{selfSignedCert(t)}}
	}
	e.main.StartTLS()
	e.other = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.otherHits.Add(1)
		if r.Header.Get("x-api-key") != "" {
			e.otherKey.Add(1)
		}
		actOK(e, w, r)
	}))
	e.other.Config.ErrorLog = discardLog()
	e.other.StartTLS()
	e.plain = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.plainHits.Add(1)
		actOK(e, w, r)
	}))
	e.plain.Config.ErrorLog = discardLog()
	e.plain.Start()

	o := &callOptions{
		baseURL: e.main.URL + ep.prefix(), hc: e.main.Client(), policy: faultRetries,
		timeout: 10 * time.Second, ctxTimeout: 15 * time.Second,
	}
	if f.untrusted {
		o.hc = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: x509.NewCertPool()}}}
	}
	if f.setup != nil {
		f.setup(t, e, o)
	}
	defer func() {
		close(e.done)
		e.released()
		if tr, ok := o.hc.Transport.(interface{ CloseIdleConnections() }); ok {
			tr.CloseIdleConnections()
		}
		e.other.Close()
		e.plain.Close()
		e.main.Close()
	}()

	c, err := argos.NewClient(faultKey, argos.WithBaseURL(o.baseURL), argos.WithHTTPClient(o.hc),
		argos.WithRetryPolicy(o.policy), argos.WithTimeout(o.timeout), argos.WithAddOnKey(faultAddOnKey))
	require.NoError(t, err)
	if f.warm {
		resp, err := o.hc.Get(e.main.URL + warmupPath)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
	}

	obs := callOnce(e, o, c)
	defer func() {
		pass := !t.Failed()
		label := outcomeLabel(e, obs)
		if !pass {
			label += " ✗"
		}
		recordCell(f.name, ep.name, tableCell{outcome: label, pass: pass})
	}()

	// Checks every case shares.
	require.Nil(t, obs.panicked, "the call panicked")
	if p, ok := e.wrongPath.Load().(string); ok {
		t.Errorf("the API server got path %q, want %s%s", p, ep.prefix(), ep.path)
	}
	assert.Zero(t, e.keyless.Load(), "a request to the API host lacked the API key (or sent the wrong one)")
	assert.Zero(t, e.otherKey.Load(), "the other host received x-api-key")
	assert.Zero(t, e.plainHits.Load(), "a plain-HTTP request was sent")
	assert.LessOrEqual(t, obs.elapsed, o.ctxTimeout+callSlack, "the call outlived its context")
	if ep.post {
		assert.LessOrEqual(t, e.hits.Load()+e.otherHits.Load(), int32(1), "a POST was sent more than once")
	}
	if err := obs.final(); err != nil {
		msg := err.Error()
		for _, secret := range []string{faultKey, faultAddOnKey, faultEmail, url.QueryEscape(faultEmail), faultUserID} {
			assert.NotContains(t, msg, secret, "the error string carries a secret or a query value")
		}
		if !f.ctxFault {
			assert.NotErrorIs(t, err, context.Canceled, "the caller did not cancel: the error must not match context.Canceled (%v)", err)
			assert.NotErrorIs(t, err, context.DeadlineExceeded, "no deadline passed: the error must not match context.DeadlineExceeded (%v)", err)
		}
	} else if !f.replacesBody {
		assert.Equal(t, ep.okSummary, obs.summary, "a call without error must return the right result")
	}
	if f.check != nil {
		f.check(t, e, obs)
	}
}

// callOnce runs the endpoint once (a download is read to the end) and
// measures it.
func callOnce(e *faultEnv, o *callOptions, c *argos.Client) (obs *observation) {
	obs = &observation{}
	// The clock starts with the caller's context, whose deadline some
	// cases check against.
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), o.ctxTimeout)
	defer cancel()
	var cancelAt atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	if o.cancelBefore {
		cancelAt.Store(time.Now().UnixNano())
		cancel()
	} else if o.cancelOn != nil {
		trigger := o.cancelOn(e)
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case <-trigger:
			case <-stop:
				return
			}
			select {
			case <-time.After(o.cancelAfter):
			case <-stop:
				return
			}
			cancelAt.Store(time.Now().UnixNano())
			cancel()
		}()
	}
	defer func() {
		close(stop)
		wg.Wait()
	}()

	defer func() {
		if p := recover(); p != nil {
			obs.panicked = p
		}
		end := time.Now()
		obs.elapsed = end.Sub(start)
		if at := cancelAt.Load(); at != 0 {
			obs.cancelled = true
			obs.sinceCancel = end.Sub(time.Unix(0, at))
		}
	}()
	summary, dl, err := e.ep.call(ctx, c)
	obs.summary, obs.err, obs.dl = summary, err, dl
	if dl != nil {
		e.released()
		h := sha256.New()
		var head bytes.Buffer
		n, rerr := io.Copy(io.MultiWriter(h, &cappedWriter{w: &head, left: 1 << 20}), dl.Body)
		obs.readBytes, obs.readErr = n, rerr
		if cerr := dl.Body.Close(); rerr == nil && cerr != nil {
			obs.readErr = cerr
		}
		if rerr == nil {
			if n <= 1<<20 {
				obs.summary = digest(head.Bytes())
			} else {
				obs.summary = fmt.Sprintf("%d bytes streamed", n)
			}
		}
	}
	return obs
}

type cappedWriter struct {
	w    io.Writer
	left int
}

func (c *cappedWriter) Write(p []byte) (int, error) {
	if c.left > 0 {
		k := min(len(p), c.left)
		_, _ = c.w.Write(p[:k])
		c.left -= k
	}
	return len(p), nil
}

// outcomeLabel is a short outcome for the table: what the caller got, and how
// many requests the API server saw (or dials were made).
func outcomeLabel(e *faultEnv, o *observation) string {
	n := e.hits.Load()
	count := fmt.Sprintf(" n=%d", n)
	if d := e.dials.Load(); d > 0 {
		count = fmt.Sprintf(" dials=%d", d)
	}
	if e.otherHits.Load() > 0 {
		count += fmt.Sprintf(" B=%d", e.otherHits.Load())
	}
	if o.panicked != nil {
		return "PANIC"
	}
	if o.err == nil && o.readErr == nil {
		return "ok" + count
	}
	prefix := ""
	err := o.err
	if err == nil {
		prefix, err = "read:", o.readErr
	}
	return prefix + errKind(err) + count
}

func errKind(err error) string {
	var (
		apiErr *argos.APIError
		decErr *argos.DecodeError
		cve    *tls.CertificateVerificationError
		uae    x509.UnknownAuthorityError
		alert  tls.AlertError
	)
	unknown := ""
	if errors.Is(err, argos.ErrOutcomeUnknown) {
		unknown = "unknown:"
	}
	switch {
	case errors.As(err, &apiErr):
		return unknown + "API" + strconv.Itoa(apiErr.StatusCode)
	case errors.Is(err, argos.ErrResponseTooLarge):
		return unknown + "too-large"
	case errors.As(err, &decErr):
		return unknown + "decode"
	case errors.Is(err, argos.ErrInsecureRedirect):
		return unknown + "insecure-redirect"
	case errors.Is(err, syscall.ECONNREFUSED):
		return unknown + "refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, net.ErrClosed):
		return unknown + "reset"
	case errors.As(err, &cve), errors.As(err, &uae):
		return unknown + "x509"
	case errors.As(err, &alert):
		return unknown + "tls-alert"
	case strings.Contains(err.Error(), "redirects"):
		return unknown + "redirect-loop"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return unknown + "unexpected-EOF"
	case errors.Is(err, io.EOF):
		return unknown + "EOF"
	case errors.Is(err, context.DeadlineExceeded):
		return unknown + "deadline"
	case errors.Is(err, context.Canceled):
		return unknown + "canceled"
	}
	return unknown + "error(" + fmt.Sprintf("%T", err) + ")"
}

// Expectations.

// wantOK: the right result after exactly hits requests.
func wantOK(t *testing.T, e *faultEnv, o *observation, hits int) {
	t.Helper()
	if assert.NoError(t, o.final(), "want the right result") {
		assert.Equal(t, e.ep.okSummary, o.summary)
	}
	assert.EqualValues(t, hits, e.hits.Load(), "requests at the server")
}

// wantAPIError: an *APIError with status, after hits requests, Attempts and
// OutcomeUnknown as the endpoint's kind requires.
func wantAPIError(t *testing.T, e *faultEnv, o *observation, status, hits int) *argos.APIError {
	t.Helper()
	var apiErr *argos.APIError
	if !assert.ErrorAs(t, o.err, &apiErr, "want *argos.APIError") {
		return nil
	}
	assert.Equal(t, status, apiErr.StatusCode)
	assert.EqualValues(t, hits, e.hits.Load(), "requests at the server")
	assert.Equal(t, hits, apiErr.Attempts, "APIError.Attempts")
	if status >= 500 {
		assert.ErrorIs(t, o.err, argos.ErrServer)
	}
	assert.Equal(t, e.ep.post && status >= 500, errors.Is(o.err, argos.ErrOutcomeUnknown),
		"only a POST answered by a 5xx has an unknown outcome")
	return apiErr
}

// attemptsFor is how many requests a persistent fault gets: a GET or DELETE
// is tried 1+MaxRetries times, a POST once.
func attemptsFor(e *faultEnv) int {
	if e.ep.post {
		return 1
	}
	return 1 + faultRetries.MaxRetries
}

// wantConnError: a connection-level failure; a POST that reached the
// server is reported as outcome unknown and not repeated, a GET is retried.
func wantConnError(t *testing.T, e *faultEnv, o *observation) {
	t.Helper()
	err := o.err
	if !assert.Error(t, err) {
		return
	}
	var ue *url.Error
	assert.ErrorAs(t, err, &ue, "want the *url.Error of the transport")
	assert.True(t, errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF), "want a reset/EOF in the chain, got %v", err)
	assert.Equal(t, e.ep.post, errors.Is(err, argos.ErrOutcomeUnknown), "POSTs that were sent: outcome unknown")
	assert.EqualValues(t, attemptsFor(e), e.hits.Load(), "requests at the server")
}

// wantDecodeError: a 2xx the SDK cannot use, downloads included.
func wantDecodeError(t *testing.T, e *faultEnv, o *observation, body string) {
	t.Helper()
	assert.EqualValues(t, 1, e.hits.Load(), "a 2xx is not retried")
	if e.ep.anyObject && strings.HasPrefix(body, "{") && json.Valid([]byte(body)) {
		assert.NoError(t, o.final(), "any JSON object is this endpoint's answer")
		return
	}
	// Downloads too: an HTML or JSON answer cannot be the image or PDF.
	var de *argos.DecodeError
	assert.ErrorAs(t, o.err, &de, "want *argos.DecodeError")
	assert.ErrorIs(t, o.err, argos.ErrUnexpectedResponse)
	assert.NotErrorIs(t, o.err, argos.ErrOutcomeUnknown)
}

// wantCtxError: err (or the download read) ends with want, promptly, after
// one request; a sent POST has an unknown outcome.
func wantCtxError(t *testing.T, e *faultEnv, o *observation, want error, sent bool) {
	t.Helper()
	assert.ErrorIs(t, o.final(), want)
	if o.cancelled {
		assert.LessOrEqual(t, o.sinceCancel, callSlack, "the call outlived its cancelled context")
	}
	if sent {
		assert.EqualValues(t, 1, e.hits.Load(), "requests at the server")
		assert.Equal(t, e.ep.post, errors.Is(o.final(), argos.ErrOutcomeUnknown), "a POST that was sent: outcome unknown")
	}
}

func wantTimeout(t *testing.T, e *faultEnv, o *observation) {
	t.Helper()
	wantCtxError(t, e, o, context.DeadlineExceeded, true)
	assert.GreaterOrEqual(t, o.elapsed, shortTimeout-10*time.Millisecond, "returned before the timeout")
	assert.LessOrEqual(t, o.elapsed, shortTimeout+callSlack, "the call outlived WithTimeout")
}

// httpDateIn2s is a Retry-After HTTP date 1–2 s ahead (whole seconds).
func httpDateIn2s() string { return time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat) }

const (
	malformedJSON     = `{"Items":[{"submission_id":"x","kyc":{"result":`
	captivePortalPage = "<!DOCTYPE html><html><head><title>Sign in to the Wi-Fi</title></head><body>captive portal</body></html>"
	otherShapeObject  = `{"success":true,"data":{"id":"x","items":[]}}`
	otherShapeArray   = `[1,"two",null]`
)

func matrixFaults(t testing.TB) []faultCase {
	proxyPage := string(fixture(t, "errors/proxy_error.html"))
	statusOnce := func(status int) faultCase {
		return faultCase{
			name:   fmt.Sprintf("%d once, then OK", status),
			script: func(endpointCase) func(int) serverAction { return seq(actStatus(status, "", "")) },
			check: func(t *testing.T, e *faultEnv, o *observation) {
				if e.ep.post {
					_ = wantAPIError(t, e, o, status, 1)
					return
				}
				wantOK(t, e, o, 2)
			},
		}
	}
	statusAlways := func(status int) faultCase {
		return faultCase{
			name:   fmt.Sprintf("%d always", status),
			script: func(endpointCase) func(int) serverAction { return always(actStatus(status, "", "")) },
			check: func(t *testing.T, e *faultEnv, o *observation) {
				_ = wantAPIError(t, e, o, status, attemptsFor(e))
			},
		}
	}
	rateLimited := func(name string, retryAfter func() string, want time.Duration) faultCase {
		return faultCase{
			name: name,
			script: func(endpointCase) func(int) serverAction {
				return seq(func(e *faultEnv, w http.ResponseWriter, r *http.Request) {
					actStatus(http.StatusTooManyRequests, "application/json", `{"message":"Too Many Requests"}`,
						"Retry-After", retryAfter())(e, w, r)
				})
			},
			check: func(t *testing.T, e *faultEnv, o *observation) {
				if !e.ep.post {
					wantOK(t, e, o, 2)
					assert.GreaterOrEqual(t, o.elapsed, faultRetries.MaxWait/2, "Retry-After was not waited on (capped at MaxWait)")
					return
				}
				if apiErr := wantAPIError(t, e, o, http.StatusTooManyRequests, 1); apiErr != nil {
					assert.ErrorIs(t, o.err, argos.ErrRateLimited)
					assert.InDelta(t, want.Seconds(), apiErr.RetryAfter.Seconds(), 1.01, "APIError.RetryAfter")
				}
			},
		}
	}
	return []faultCase{
		{
			name:  "connection refused",
			setup: dialClosedPort,
			check: func(t *testing.T, e *faultEnv, o *observation) {
				assert.ErrorIs(t, o.err, syscall.ECONNREFUSED)
				assert.NotErrorIs(t, o.err, argos.ErrOutcomeUnknown, "a refused connection never sent anything")
				// Nothing was sent, so POSTs may be retried too.
				assert.EqualValues(t, 1+faultRetries.MaxRetries, e.dials.Load(), "dials")
			},
		},
		{
			name:   "reset before the response",
			script: func(endpointCase) func(int) serverAction { return always(actReset(false)) },
			check:  wantConnError,
		},
		{
			name:   "reset after the request body",
			script: func(endpointCase) func(int) serverAction { return always(actReset(true)) },
			check:  wantConnError,
		},
		{
			name:   "reset once, then OK",
			script: func(endpointCase) func(int) serverAction { return seq(actReset(true)) },
			check: func(t *testing.T, e *faultEnv, o *observation) {
				if e.ep.post {
					assert.ErrorIs(t, o.err, argos.ErrOutcomeUnknown)
					assert.EqualValues(t, 1, e.hits.Load())
					return
				}
				wantOK(t, e, o, 2)
			},
		},
		{
			name:      "TLS: untrusted certificate",
			untrusted: true,
			check: func(t *testing.T, e *faultEnv, o *observation) {
				var cve *tls.CertificateVerificationError
				assert.ErrorAs(t, o.err, &cve, "want a certificate verification error")
				assert.NotErrorIs(t, o.err, argos.ErrOutcomeUnknown, "nothing was sent")
				assert.EqualValues(t, 1, e.conns.Load(), "a bad certificate must not be retried")
				assert.Zero(t, e.hits.Load())
			},
		},
		{
			name:     "response slower than WithTimeout",
			ctxFault: true,
			script:   func(endpointCase) func(int) serverAction { return always(actSlow) },
			setup:    func(_ *testing.T, _ *faultEnv, o *callOptions) { o.timeout = shortTimeout },
			warm:     true,
			check:    wantTimeout,
		},
		{
			name:     "response slower than the caller's deadline",
			ctxFault: true,
			script:   func(endpointCase) func(int) serverAction { return always(actSlow) },
			setup:    func(_ *testing.T, _ *faultEnv, o *callOptions) { o.ctxTimeout = shortTimeout },
			warm:     true,
			check:    wantTimeout,
		},
		{
			name:     "headers, then a stalled body",
			ctxFault: true,
			script:   func(endpointCase) func(int) serverAction { return always(actStall) },
			setup:    func(_ *testing.T, _ *faultEnv, o *callOptions) { o.timeout = shortTimeout },
			warm:     true,
			check: func(t *testing.T, e *faultEnv, o *observation) {
				wantTimeout(t, e, o)
				if e.ep.download {
					assert.NoError(t, o.err, "the Download is handed over with the headers")
					assert.Error(t, o.readErr, "reading the stalled body fails")
				}
			},
		},
		{
			name:   "truncated body, always",
			script: func(endpointCase) func(int) serverAction { return always(actTruncate) },
			check: func(t *testing.T, e *faultEnv, o *observation) {
				assert.ErrorIs(t, o.final(), io.ErrUnexpectedEOF)
				assert.Equal(t, e.ep.post, errors.Is(o.final(), argos.ErrOutcomeUnknown), "POST: outcome unknown")
				if e.ep.post || e.ep.download {
					assert.EqualValues(t, 1, e.hits.Load())
				}
			},
		},
		{
			// A GET whose body was cut is as retryable as one whose
			// connection was reset: the call has not returned yet.
			name:   "truncated body once, then OK",
			script: func(endpointCase) func(int) serverAction { return seq(actTruncate) },
			check: func(t *testing.T, e *faultEnv, o *observation) {
				switch {
				case e.ep.post:
					assert.ErrorIs(t, o.err, argos.ErrOutcomeUnknown)
					assert.EqualValues(t, 1, e.hits.Load())
				case e.ep.download:
					// The body belongs to the caller once handed over.
					assert.ErrorIs(t, o.readErr, io.ErrUnexpectedEOF)
				default:
					wantOK(t, e, o, 2)
				}
			},
		},
		{
			name:         "malformed JSON",
			replacesBody: true,
			script:       func(endpointCase) func(int) serverAction { return always(actBody("application/json", malformedJSON)) },
			check:        func(t *testing.T, e *faultEnv, o *observation) { wantDecodeError(t, e, o, malformedJSON) },
		},
		{
			name: "HTML error page from a proxy (502)",
			script: func(endpointCase) func(int) serverAction {
				return always(actStatus(http.StatusBadGateway, "text/html", proxyPage))
			},
			check: func(t *testing.T, e *faultEnv, o *observation) {
				if apiErr := wantAPIError(t, e, o, http.StatusBadGateway, attemptsFor(e)); apiErr != nil {
					assert.Empty(t, apiErr.Message, "an HTML page is not a message")
					assert.NotContains(t, o.err.Error(), "<")
					assert.Equal(t, proxyPage, string(apiErr.Body))
				}
			},
		},
		{
			name:         "HTML page with 200 (captive portal)",
			replacesBody: true,
			script:       func(endpointCase) func(int) serverAction { return always(actBody("text/html", captivePortalPage)) },
			check:        func(t *testing.T, e *faultEnv, o *observation) { wantDecodeError(t, e, o, captivePortalPage) },
		},
		{
			name:         "empty 200",
			replacesBody: true,
			script:       func(endpointCase) func(int) serverAction { return always(actBody("application/json", "")) },
			check:        func(t *testing.T, e *faultEnv, o *observation) { wantDecodeError(t, e, o, "") },
		},
		{
			name:         "200 with another JSON shape (object)",
			replacesBody: true,
			script: func(endpointCase) func(int) serverAction {
				return always(actBody("application/json", otherShapeObject))
			},
			check: func(t *testing.T, e *faultEnv, o *observation) { wantDecodeError(t, e, o, otherShapeObject) },
		},
		{
			name:         "200 with another JSON shape (array)",
			replacesBody: true,
			script:       func(endpointCase) func(int) serverAction { return always(actBody("application/json", otherShapeArray)) },
			check:        func(t *testing.T, e *faultEnv, o *observation) { wantDecodeError(t, e, o, otherShapeArray) },
		},
		{
			name:         "huge 200 body (maxResponseSize+1MiB)",
			costly:       true,
			replacesBody: true,
			script:       func(endpointCase) func(int) serverAction { return always(actHuge(http.StatusOK)) },
			// Reading 33 MiB under -race on a busy machine can take longer
			// than the suite's 10 s WithTimeout; this row is not about time.
			setup: func(_ *testing.T, _ *faultEnv, o *callOptions) {
				o.timeout, o.ctxTimeout = time.Minute, time.Minute+5*time.Second
			},
			check: func(t *testing.T, e *faultEnv, o *observation) {
				assert.EqualValues(t, 1, e.hits.Load())
				if e.ep.download {
					assert.NoError(t, o.final(), "downloads are not bounded by maxResponseSize")
					if e.ep.base64 {
						assert.EqualValues(t, hugeSize/4*3, o.readBytes, "bytes decoded")
						assert.EqualValues(t, -1, o.dl.ContentLength)
					} else {
						assert.EqualValues(t, hugeSize, o.readBytes, "bytes downloaded")
						assert.EqualValues(t, hugeSize, o.dl.ContentLength)
					}
					assert.False(t, e.notStreamed.Load(), "the Download was handed over only after the whole body arrived: not streamed")
					return
				}
				assert.ErrorIs(t, o.err, argos.ErrResponseTooLarge)
				var de *argos.DecodeError
				assert.ErrorAs(t, o.err, &de)
			},
		},
		{
			name:   "huge 500 error body",
			costly: true,
			script: func(endpointCase) func(int) serverAction { return always(actHuge(http.StatusInternalServerError)) },
			check: func(t *testing.T, e *faultEnv, o *observation) {
				if apiErr := wantAPIError(t, e, o, http.StatusInternalServerError, attemptsFor(e)); apiErr != nil {
					assert.True(t, apiErr.Truncated, "APIError.Truncated")
					assert.Len(t, apiErr.Body, maxErrorBody, "APIError.Body is capped at maxErrorBody")
					assert.Less(t, len(o.err.Error()), 1024, "the error string stays short")
				}
			},
		},
		rateLimited("429 Retry-After: 1 (seconds), then OK", func() string { return "1" }, time.Second),
		rateLimited("429 Retry-After: HTTP date, then OK", httpDateIn2s, 2*time.Second),
		statusAlways(http.StatusTooManyRequests),
		statusOnce(http.StatusInternalServerError),
		statusOnce(http.StatusBadGateway),
		statusOnce(http.StatusServiceUnavailable),
		statusOnce(http.StatusGatewayTimeout),
		{
			name: "503, 500, then OK",
			script: func(endpointCase) func(int) serverAction {
				return seq(actStatus(http.StatusServiceUnavailable, "", ""), actStatus(http.StatusInternalServerError, "", ""))
			},
			check: func(t *testing.T, e *faultEnv, o *observation) {
				if e.ep.post {
					_ = wantAPIError(t, e, o, http.StatusServiceUnavailable, 1)
					return
				}
				wantOK(t, e, o, 3)
			},
		},
		statusAlways(http.StatusInternalServerError),
		statusAlways(http.StatusBadGateway),
		statusAlways(http.StatusServiceUnavailable),
		statusAlways(http.StatusGatewayTimeout),
		{
			name: "500, 502, 503, 504: retries exhausted",
			script: func(endpointCase) func(int) serverAction {
				return seq(actStatus(500, "", ""), actStatus(502, "", ""), actStatus(503, "", ""), actStatus(504, "", ""))
			},
			check: func(t *testing.T, e *faultEnv, o *observation) {
				if e.ep.post {
					_ = wantAPIError(t, e, o, 500, 1)
					return
				}
				_ = wantAPIError(t, e, o, 503, 3)
			},
		},
		{
			name: "redirect to another host",
			script: func(endpointCase) func(int) serverAction {
				return always(actRedirect(http.StatusTemporaryRedirect, func(e *faultEnv, r *http.Request) string {
					return e.other.URL + r.URL.RequestURI()
				}))
			},
			check: func(t *testing.T, e *faultEnv, o *observation) {
				assert.EqualValues(t, 1, e.hits.Load())
				if e.ep.post {
					// A streamed POST body is never replayed to another URL.
					_ = wantAPIError(t, e, o, http.StatusTemporaryRedirect, 1)
					assert.Zero(t, e.otherHits.Load(), "the POST followed the redirect")
					return
				}
				wantOK(t, e, o, 1)
				assert.EqualValues(t, 1, e.otherHits.Load(), "requests at the other host")
			},
		},
		{
			name: "redirect to plain HTTP",
			script: func(endpointCase) func(int) serverAction {
				return always(actRedirect(http.StatusFound, func(e *faultEnv, r *http.Request) string {
					return e.plain.URL + r.URL.RequestURI()
				}))
			},
			check: func(t *testing.T, e *faultEnv, o *observation) {
				assert.ErrorIs(t, o.err, argos.ErrInsecureRedirect)
				assert.EqualValues(t, 1, e.hits.Load(), "an insecure redirect is not retried")
			},
		},
		{
			name: "redirect loop",
			script: func(endpointCase) func(int) serverAction {
				return always(actRedirect(http.StatusFound, func(_ *faultEnv, r *http.Request) string { return r.URL.RequestURI() }))
			},
			check: func(t *testing.T, e *faultEnv, o *observation) {
				if e.ep.post {
					_ = wantAPIError(t, e, o, http.StatusFound, 1)
					return
				}
				if assert.Error(t, o.err) {
					assert.Contains(t, o.err.Error(), "redirects")
				}
				assert.LessOrEqual(t, e.hits.Load(), int32(11), "a redirect loop is not retried")
			},
		},
		{
			name:     "context cancelled before send",
			ctxFault: true,
			setup:    func(_ *testing.T, _ *faultEnv, o *callOptions) { o.cancelBefore = true },
			check: func(t *testing.T, e *faultEnv, o *observation) {
				assert.ErrorIs(t, o.err, context.Canceled)
				assert.NotErrorIs(t, o.err, argos.ErrOutcomeUnknown)
				assert.Zero(t, e.hits.Load()+e.conns.Load(), "nothing may be sent")
				assert.LessOrEqual(t, o.elapsed, callSlack)
			},
		},
		{
			name:     "context cancelled during send",
			ctxFault: true,
			script:   func(endpointCase) func(int) serverAction { return always(actSlow) },
			setup: func(_ *testing.T, _ *faultEnv, o *callOptions) {
				o.cancelOn = func(e *faultEnv) <-chan struct{} { return e.signal }
			},
			check: func(t *testing.T, e *faultEnv, o *observation) { wantCtxError(t, e, o, context.Canceled, true) },
		},
		{
			name:     "context cancelled during a backoff wait",
			ctxFault: true,
			script: func(endpointCase) func(int) serverAction {
				return seq(func(e *faultEnv, w http.ResponseWriter, r *http.Request) {
					actStatus(http.StatusServiceUnavailable, "", "", "Retry-After", "60")(e, w, r)
					w.(http.Flusher).Flush()
					e.fire()
				})
			},
			setup: func(t *testing.T, e *faultEnv, o *callOptions) {
				o.policy = argos.RetryPolicy{MaxRetries: 2, MinWait: 30 * time.Second, MaxWait: time.Minute}
				if e.ep.post {
					// POSTs never wait after an answer; they do wait before
					// redialling a refused connection.
					dialClosedPort(t, e, o)
				}
				o.cancelOn = func(e *faultEnv) <-chan struct{} { return e.signal }
				o.cancelAfter = 30 * time.Millisecond
			},
			check: func(t *testing.T, e *faultEnv, o *observation) {
				wantCtxError(t, e, o, context.Canceled, false)
				assert.NotErrorIs(t, o.err, argos.ErrOutcomeUnknown)
				if e.ep.post {
					assert.EqualValues(t, 1, e.dials.Load())
				} else {
					assert.EqualValues(t, 1, e.hits.Load())
				}
			},
		},
		{
			name:     "context cancelled while reading the body",
			ctxFault: true,
			script:   func(endpointCase) func(int) serverAction { return always(actStall) },
			setup: func(_ *testing.T, _ *faultEnv, o *callOptions) {
				o.cancelOn = func(e *faultEnv) <-chan struct{} { return e.signal }
				o.cancelAfter = 30 * time.Millisecond
			},
			check: func(t *testing.T, e *faultEnv, o *observation) {
				wantCtxError(t, e, o, context.Canceled, true)
				if e.ep.download {
					assert.NoError(t, o.err, "the Download is handed over with the headers")
				}
			},
		},
	}
}

// TestFaultMatrix runs every fault against every endpoint.
func TestFaultMatrix(t *testing.T) {
	eps := matrixEndpoints(t)
	faults := matrixFaults(t)
	fullMatrix := os.Getenv("ARGOS_FULL_MATRIX") == "1"
	// The timing checks hold on a 2-core machine under -race with ten cases
	// at a time (the huge bodies stream 33 MB each): more endpoints wait
	// their turn rather than share the cores.
	sem := make(chan struct{}, matrixParallel)
	for _, f := range faults {
		leakBaseline := goleak.IgnoreCurrent()
		t.Run(f.name, func(t *testing.T) {
			for _, ep := range eps {
				t.Run(ep.name, func(t *testing.T) {
					if f.costly && !fullMatrix && !costlyColumns[ep.name] {
						t.Skip("a costly row runs for Get, Step1 and Image only unless ARGOS_FULL_MATRIX=1")
					}
					t.Parallel()
					sem <- struct{}{}
					defer func() { <-sem }()
					runFault(t, f, ep)
				})
			}
		})
		http.DefaultTransport.(*http.Transport).CloseIdleConnections()
		goleak.VerifyNone(t, leakBaseline)
	}
	logMatrix(t, faults, eps)
}

// logMatrix logs the fault × endpoint table and the pass count.
func logMatrix(t *testing.T, faults []faultCase, eps []endpointCase) {
	tableMu.Lock()
	defer tableMu.Unlock()
	var b strings.Builder
	width := 0
	for _, f := range faults {
		width = max(width, len(f.name))
	}
	colW := make([]int, len(eps))
	for i, ep := range eps {
		colW[i] = len(ep.name)
		for _, f := range faults {
			colW[i] = max(colW[i], len([]rune(tableCells[[2]string{f.name, ep.name}].outcome)))
		}
	}
	fmt.Fprintf(&b, "\n%-*s", width, "fault \\ endpoint")
	for i, ep := range eps {
		fmt.Fprintf(&b, " | %-*s", colW[i], ep.name)
	}
	b.WriteString("\n")
	tried, passed := 0, 0
	var failed []string
	for _, f := range faults {
		fmt.Fprintf(&b, "%-*s", width, f.name)
		for i, ep := range eps {
			r, ok := tableCells[[2]string{f.name, ep.name}]
			cell := r.outcome
			if !ok {
				cell = "(not run)"
			} else {
				tried++
				if r.pass {
					passed++
				} else {
					failed = append(failed, f.name+" × "+ep.name)
				}
			}
			fmt.Fprintf(&b, " | %s%s", cell, strings.Repeat(" ", max(colW[i]-len([]rune(cell)), 0)))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\n%d faults × %d endpoints: %d cases tried, %d passed, %d failed\n", len(faults), len(eps), tried, passed, tried-passed)
	for _, f := range failed {
		fmt.Fprintf(&b, "  FAILED: %s\n", f)
	}
	b.WriteString("n = requests at the API server, B = requests at the other host, dials = TCP dials; " +
		"unknown: = matches ErrOutcomeUnknown; read: = the Download was returned and reading its body failed\n")
	t.Log(b.String())
	if os.Getenv("ARGOS_FAULT_TABLE") != "" {
		_ = os.WriteFile(os.Getenv("ARGOS_FAULT_TABLE"), []byte(b.String()), 0o644)
	}
}

// TestFaultRetryAfterIsHonoured checks that a Retry-After below MaxWait is
// waited for in full, in seconds and as an HTTP date.
func TestFaultRetryAfterIsHonoured(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ep := matrixEndpoints(t)[0]
	for _, tc := range []struct {
		name   string
		header func() string
		min    time.Duration
	}{
		{"in seconds", func() string { return "1" }, 950 * time.Millisecond},
		// An HTTP date has whole seconds: now+2s is 1–2 s away.
		{"as an HTTP date", httpDateIn2s, 900 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // each waits a second or two
			f := faultCase{
				name: "Retry-After honoured " + tc.name,
				script: func(endpointCase) func(int) serverAction {
					return seq(func(e *faultEnv, w http.ResponseWriter, r *http.Request) {
						actStatus(http.StatusTooManyRequests, "", "", "Retry-After", tc.header())(e, w, r)
					})
				},
				setup: func(_ *testing.T, _ *faultEnv, o *callOptions) {
					o.policy = argos.RetryPolicy{MaxRetries: 1, MinWait: time.Millisecond, MaxWait: 30 * time.Second}
				},
				// The connection is opened first: no TLS handshake in the
				// measured time, and a bound far from both the 1–2 s asked
				// for and MaxWait, so a busy machine cannot fail the case.
				warm: true,
				check: func(t *testing.T, e *faultEnv, o *observation) {
					wantOK(t, e, o, 2)
					assert.GreaterOrEqual(t, o.elapsed, tc.min, "Retry-After was not honoured")
					assert.Less(t, o.elapsed, 15*time.Second, "waited for MaxWait rather than Retry-After")
				},
			}
			runFault(t, f, ep)
		})
	}
}

// costlyColumns are the endpoints a costly row runs for by default: a JSON
// GET, a multipart POST and a download.
var costlyColumns = map[string]bool{"Get": true, "Step1": true, "Image": true}
