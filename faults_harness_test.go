package argos_test

// The fault matrix's harness: the test servers (TLS, or in memory for the
// virtual rows) and their scripted actions, one call under a fault
// (runFault, callOnce), what it observed, the expectations the cases check,
// and the logged fault × endpoint table.

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
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/internal/endpoint"
	"github.com/kycgo/argos/internal/pipenet"
)

const (
	faultKey      = "flt-secret-api-key-7f3a9c"
	faultAddOnKey = "flt-secret-add-on-key-11d2"
	faultEmail    = "alice.fault@example.com"
	faultUserID   = "user-fault-77"
	// matrixParallel is how many cases of a row run at once: all of them.
	// A case spends most of its time waiting on sockets and timers.
	matrixParallel = 32
	// shortTimeout is the WithTimeout (or the caller's deadline) of the
	// timeout faults, which run in virtual time (faultCase.virtual): it
	// passes once the request waits at the server, however long sending it
	// took. How long a call takes is checked in retry_virtual_test.go.
	shortTimeout = 150 * time.Millisecond
)

// faultRetries is the small retry policy of the suite: 3 attempts at most.
var faultRetries = argos.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 20 * time.Millisecond}

// endpointCase is one SDK method under test, a column of the matrix keyed
// by its endpoint's row of the table (internal/endpoint). The cases set
// row, variant, ids and what the row does not say; column fills the rest
// from the row.
type endpointCase struct {
	row *endpoint.Endpoint
	// variant names another way to call the row's endpoint ("AllSubmissions"
	// iterates ListSubmissions); "" is the row's own method.
	variant string
	ids     []string // the IDs that fill the row's path template, in order

	name     string // column name: the row's name, and its variant
	method   string
	path     string // below the base URL: the row's, with ids
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

// faultEnv is one case's world: the API server, optional redirect targets, and
// counters.
type faultEnv struct {
	ep   endpointCase
	main *httptest.Server
	// other (HTTPS on another port: "another host") and plain (plain HTTP)
	// start when a redirect first names them (otherURL, plainURL).
	other, plain *httptest.Server
	extraMu      sync.Mutex
	pipe         *pipenet.Listener // a virtual case's connections to main

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
// sends the first 64 KiB, then holds the rest back until the client holds
// the Download: an SDK that buffered downloads would never get there, and
// its call would not return (go test's -timeout ends it).
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
	ctxTimeout time.Duration // the caller's context; 0: no deadline
	// cancelOn, when set, cancels the caller's context cancelAfter after the
	// channel it returns is closed.
	cancelOn     func(e *faultEnv) <-chan struct{}
	cancelAfter  time.Duration
	cancelBefore bool
}

// observation is what a case observed.
type observation struct {
	summary   string
	err       error // the call's error
	readErr   error // a download's read error
	dl        *argos.Download
	readBytes int64
	panicked  any
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
	// warm: the client's connection is opened before the call.
	warm bool
	// virtual: the case runs in a testing/synctest bubble, its server and
	// client joined by in-memory connections (net.Pipe, plain HTTP) instead
	// of TLS over TCP: a deadline, a timeout or a wait before cancelling
	// then passes only once every goroutine waits — once the request is at
	// the server, a stalled body is being read, a backoff has begun — and
	// never because the machine was slow. For rows about time, not sockets.
	virtual bool
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

// matrixTLS is the certificate the matrix's HTTPS servers present, made
// once: an ECDSA P-256 key (httptest's own is RSA-2048, whose handshake
// signature, and the key's parsing at every StartTLS, cost more under -race
// than a case's call) and a pool that trusts it.
//
// The matrix's clients and servers also agree on P-256 for the key exchange:
// its arithmetic is in assembly, where the default X25519 and ML-KEM are Go
// code that -race instruments. Every case opens a connection of its own, so
// the handshakes were most of the matrix's CPU. (A client the SDK makes
// itself keeps Go's defaults; the matrix gives the SDK its own.)
var matrixTLS = sync.OnceValues(func() (tls.Certificate, *x509.CertPool) {
	cert, err := newSelfSignedCert("argos-matrix.test")
	if err != nil {
		panic(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	return cert, pool
})

// matrixClient is a case's own client (no connection shared between cases)
// that trusts matrixTLS.
func matrixClient(t *testing.T) *http.Client {
	t.Helper()
	_, pool := matrixTLS()
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, CurvePreferences: matrixCurves}}}
}

// matrixCurves is the key exchange of the matrix's handshakes (see matrixTLS).
var matrixCurves = []tls.CurveID{tls.CurveP256}

// startTLS starts s with HTTPS, presenting cert, as StartTLS does.
func startTLS(s *httptest.Server, cert tls.Certificate) {
	s.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}, CurvePreferences: matrixCurves}
	s.Listener = tls.NewListener(s.Listener, s.TLS)
	s.Start()
	s.URL = "https://" + strings.TrimPrefix(s.URL, "http://")
}

// startMain starts the API server; untrusted: with a certificate of its own
// that no client trusts; virtual: on in-memory connections (e.pipe).
func (e *faultEnv) startMain(t *testing.T, untrusted, virtual bool) {
	if virtual {
		e.pipe = pipenet.New()
		e.main = &httptest.Server{Listener: e.pipe, Config: &http.Server{Handler: http.HandlerFunc(e.serveHTTP)}}
	} else {
		e.main = httptest.NewUnstartedServer(http.HandlerFunc(e.serveHTTP))
	}
	e.main.Config.ErrorLog = discardLog()
	e.main.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			e.conns.Add(1)
		}
	}
	if virtual {
		e.main.Start()
		e.main.URL = "https://argos.test" // the client's DialTLSContext reaches e.pipe whatever the host
		return
	}
	cert, _ := matrixTLS()
	if untrusted {
		cert = selfSignedCert(t)
	}
	startTLS(e.main, cert)
}

// client is the case's own client of e.main (see matrixClient).
func (e *faultEnv) client(t *testing.T) *http.Client {
	if e.pipe != nil {
		return &http.Client{Transport: &http.Transport{DialTLSContext: e.pipe.Dial}}
	}
	return matrixClient(t)
}

// otherURL is the base of "another host": an HTTPS server on another port
// that the client trusts too, counting requests and any x-api-key sent.
func (e *faultEnv) otherURL() string {
	e.extraMu.Lock()
	defer e.extraMu.Unlock()
	if e.other == nil {
		e.other = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			e.otherHits.Add(1)
			if r.Header.Get("x-api-key") != "" {
				e.otherKey.Add(1)
			}
			actOK(e, w, r)
		}))
		e.other.Config.ErrorLog = discardLog()
		cert, _ := matrixTLS()
		startTLS(e.other, cert)
	}
	return e.other.URL
}

// plainURL is the base of a plain-HTTP server counting the requests it gets.
func (e *faultEnv) plainURL() string {
	e.extraMu.Lock()
	defer e.extraMu.Unlock()
	if e.plain == nil {
		e.plain = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			e.plainHits.Add(1)
			actOK(e, w, r)
		}))
		e.plain.Config.ErrorLog = discardLog()
		e.plain.Start()
	}
	return e.plain.URL
}

// closeServers closes the servers the case started.
func (e *faultEnv) closeServers() {
	e.extraMu.Lock()
	defer e.extraMu.Unlock()
	for _, s := range []*httptest.Server{e.other, e.plain, e.main} {
		if s != nil {
			s.Close()
		}
	}
}

// runRow runs fault f against every endpoint, matrixParallel at a time. The
// cases run in goroutines of their own rather than as t.Parallel subtests,
// which -test.parallel (GOMAXPROCS by default: 2 on a 2-core machine) would
// hold to two at a time although most of a case is waiting on sockets and
// timers.
func runRow(t *testing.T, f faultCase, eps []endpointCase) {
	fullMatrix := os.Getenv("ARGOS_FULL_MATRIX") == "1"
	sem := make(chan struct{}, matrixParallel)
	var wg sync.WaitGroup
	for _, ep := range eps {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			t.Run(ep.name, func(t *testing.T) {
				if f.costly && !fullMatrix && !costlyColumns[ep.name] {
					t.Skip("a costly row runs for GetSubmission, SubmitStep1 and DownloadImage only unless ARGOS_FULL_MATRIX=1")
				}
				runFault(t, f, ep)
			})
		}()
	}
	wg.Wait()
}

// runFault runs fault f against endpoint ep and records the outcome; in a
// synctest bubble when the row is virtual.
func runFault(t *testing.T, f faultCase, ep endpointCase) {
	if f.virtual {
		synctest.Test(t, func(t *testing.T) { runCase(t, f, ep) })
		return
	}
	runCase(t, f, ep)
}

// runCase runs fault f against endpoint ep once and records the outcome.
func runCase(t *testing.T, f faultCase, ep endpointCase) {
	e := &faultEnv{ep: ep, done: make(chan struct{}), signal: make(chan struct{}), release: make(chan struct{})}
	if f.script != nil {
		e.script = f.script(ep)
	}
	e.startMain(t, f.untrusted, f.virtual)
	o := &callOptions{
		baseURL: e.main.URL + ep.prefix(), hc: e.client(t), policy: faultRetries,
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
		e.closeServers()
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
// records what came of it.
func callOnce(e *faultEnv, o *callOptions, c *argos.Client) (obs *observation) {
	obs = &observation{}
	ctx, cancel := context.WithCancel(context.Background())
	if o.ctxTimeout > 0 {
		ctx, cancel = context.WithTimeout(context.Background(), o.ctxTimeout)
	}
	defer cancel()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	if o.cancelBefore {
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

// wantCtxError: err (or the download read) ends with want after one
// request; a sent POST has an unknown outcome.
func wantCtxError(t *testing.T, e *faultEnv, o *observation, want error, sent bool) {
	t.Helper()
	assert.ErrorIs(t, o.final(), want)
	if sent {
		assert.EqualValues(t, 1, e.hits.Load(), "requests at the server")
		assert.Equal(t, e.ep.post, errors.Is(o.final(), argos.ErrOutcomeUnknown), "a POST that was sent: outcome unknown")
	}
}

// wantTimeout: a deadline ended the call after one request.
func wantTimeout(t *testing.T, e *faultEnv, o *observation) {
	t.Helper()
	wantCtxError(t, e, o, context.DeadlineExceeded, true)
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
