package argos

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/kycgo/argos/internal/endpoint"
)

// maxResponseSize bounds the JSON bodies the client reads (lists included).
// Downloads (DownloadImage, DownloadAMLReport) are streamed and not bounded by it.
const maxResponseSize = 32 << 20

// call describes one API call; the one request path below serves every
// endpoint.
type call struct {
	op     string // method name, for errors
	method string
	path   string // below the base URL
	query  query
	// body, when set, returns a fresh body for each attempt.
	body        func() io.ReadCloser
	bodyLen     int64 // -1: unknown
	contentType string
	accept      string
	// started reports whether a previous attempt's body was read from.
	started func() bool
	// ep is the endpoint's row of the table (internal/endpoint): its
	// Personal fields are what error strings mask (maskedValues, redact.go).
	ep *endpoint.Endpoint
	// form is a form body's text parts and its file parts' names, and
	// jsonBody a JSON body as marshalled, kept for masking.
	form     query
	jsonBody []byte
	// sensitive are values masked besides those of ep's Personal fields:
	// a sealed call's plain values and its ciphertext (secure.go).
	sensitive []string
	// stream hands a 2xx body to the caller unread (downloads).
	stream bool
	// route is path's template when path carries an ID
	// ("/submission/aml/monitor/{worklistId}"); "" when path has none.
	route string
	// observe is the call's Operation when the client has middleware.
	observe *Operation
	// wantID is the submission a GetSubmission answer must hold.
	wantID string
	// secure says how the call travels with WithSecureTransmission
	// (secure.go): wirePlain (the zero value), wireSealed or wireFlagged.
	secure wireMode
	// repeat, set by a DELETE call, learns whether an earlier attempt may
	// have landed (delete_repeat.go).
	repeat *repeat
	// outcome, set by a call that changes state, is what its
	// *OutcomeUnknownError carries for ResolveOutcome (outcome.go).
	outcome *outcomeInfo
}

// idempotent calls (GET, DELETE: the row's Repeatable) may be repeated;
// others only when they provably never left the machine.
func (r *call) idempotent() bool {
	if r.ep != nil {
		return r.ep.Repeatable()
	}
	return r.method == http.MethodGet || r.method == http.MethodDelete
}

// errZeroClient is the error of a call on a Client that NewClient did not
// make (the zero Client, or a nil *Client).
var errZeroClient = &ValidationError{Field: "Client", Reason: "is not initialised: make it with NewClient"}

// ready checks what every call needs before anything is built or sent.
func (c *Client) ready(ctx context.Context) error {
	if c == nil || c.hc == nil || c.key == nil || c.baseURL == nil {
		return errZeroClient
	}
	if ctx == nil {
		return &ValidationError{Field: "context", Reason: "is nil"}
	}
	return nil
}

// callContext bounds one call (all its attempts, waits and reads) by
// WithTimeout and lets the request path end it early with a cause. The
// returned cancel must be called once the call, or its download, is done.
func (c *Client) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.timeout <= 0 {
		return context.WithCancel(ctx)
	}
	if d, ok := ctx.Deadline(); ok && time.Until(d) <= c.timeout {
		return context.WithCancel(ctx) // the caller's deadline comes first anyway
	}
	return context.WithTimeout(ctx, c.timeout)
}

// exchange is what one call's attempts share with the code that runs below
// the loop, inside net/http: the connection trace (gotConn) and the
// round-trip marker (callTransport). The loop in do owns it; everything else
// of a pass is a local variable there.
type exchange struct {
	r          *call
	basePath   string // the base URL's path: basePath + r.path is the API path
	idempotent bool
	budget     int64              // 1 + MaxRetries: how many requests the call may send
	cancel     context.CancelFunc // ends the call: a replay past the budget
	logger     *slog.Logger

	passes    atomic.Int64 // requests the loop sent
	replays   atomic.Int64 // requests net/http sent again on its own, below the loop
	hops      atomic.Int64 // redirects followed, across all passes
	passTrips atomic.Int64 // round trips in the current pass: 1 + its redirect hops
	tripConns atomic.Int64 // connections handed out in the current round trip
	connected atomic.Bool  // some request was given a connection
	spent     atomic.Bool  // a replay past the budget ended the call

	// passConnected: a request of the current pass was given a connection
	// (delete_repeat.go); sentAt: when the loop sent the current pass.
	passConnected atomic.Bool
	sentAt        time.Time

	hc      http.Client           // c's HTTP client over tripper
	tripper callTransport         // marks each round trip of this call
	trace   httptrace.ClientTrace // gotConn
}

// path is the API path, for logs and errors (never a redirect target).
func (ex *exchange) path() string { return ex.basePath + ex.r.path }

// budgetUsed is what counts against 1 + MaxRetries: the loop's passes and
// the replays net/http made on its own. Redirect hops have their own bound
// (maxRedirects for the whole call).
func (ex *exchange) budgetUsed() int64 { return ex.passes.Load() + ex.replays.Load() }

// attempts is how many requests the call sent: passes, replays and
// redirect hops.
func (ex *exchange) attempts() int { return int(ex.budgetUsed() + ex.hops.Load()) }

// mayHaveBeenSent reports whether a byte of the request can have reached a
// server: a connection was handed out, or the body was read from.
func (ex *exchange) mayHaveBeenSent() bool {
	return ex.connected.Load() || (ex.r.started != nil && ex.r.started())
}

// gotConn runs each time net/http hands the request a connection. More than
// once in one round trip means net/http is replaying the request on its own
// (HTTP/2 REFUSED_STREAM or GOAWAY, an HTTP/1 keep-alive connection the
// server had closed): each replay counts in the budget, and one past it is
// stopped before it is written. The call's context is cancelled (HTTP/2
// checks it before writing headers) and an HTTP/1 connection, which is this
// request's alone, is closed.
func (ex *exchange) gotConn(info httptrace.GotConnInfo) {
	ex.connected.Store(true)
	ex.passConnected.Store(true)
	if ex.tripConns.Add(1) == 1 {
		return // the round trip's own request, counted as a pass
	}
	if ex.budgetUsed() < ex.budget {
		ex.replays.Add(1)
		return
	}
	ex.spent.Store(true)
	ex.cancel() // this one is not sent, so it is not counted
	if tc, ok := info.Conn.(*tls.Conn); ok && tc.ConnectionState().NegotiatedProtocol == "h2" {
		return // shared with other streams: the cancelled context is enough
	}
	if info.Conn != nil {
		_ = info.Conn.Close()
	}
}

// callTransport marks where each round trip of one call starts (a pass of
// the loop, or a redirect hop), so that gotConn can tell net/http's replays
// from them.
type callTransport struct {
	base http.RoundTripper
	ex   *exchange
}

func (t *callTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.ex.passTrips.Add(1) > 1 && t.ex.hops.Add(1) > maxRedirects {
		// Each pass follows at most maxRedirects (checkRedirect); the
		// whole call does too, however many passes it makes.
		t.ex.hops.Add(-1)
		return nil, errTooManyRedirects
	}
	t.ex.tripConns.Store(0)
	return t.base.RoundTrip(req)
}

// reply is what one pass of the loop got back: the response, its body read
// up to its cap (a streamed 2xx body is left open), or the failure.
type reply struct {
	resp      *http.Response
	body      []byte
	truncated bool
	err       error // no answer, or a 2xx body that could not be read whole
	readErr   bool  // err is a 2xx body cut short
	bodyErr   error // an error body cut short: the status still stands
}

// do runs the call and returns the 2xx answer with its body read (or open,
// for a streaming call), or the error. ctx and cancel come from callContext.
// It is the one loop: build the request, send it, read the capped body,
// decide (retry.go), back off; each pass's state is a local variable.
func (c *Client) do(ctx context.Context, cancel context.CancelFunc, r *call) (*http.Response, []byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("argos: %s: %w", r.op, err)
	}
	r, err := c.seal(r) // Secure Data Transmission (secure.go): r as it travels
	if err != nil {
		return nil, nil, err
	}
	ex := &exchange{r: r, basePath: c.baseURL.Path, idempotent: r.idempotent(),
		budget: int64(1 + c.retry.MaxRetries), cancel: cancel, logger: c.logger}
	ex.hc = *c.hc
	ex.tripper = callTransport{base: c.transport, ex: ex}
	ex.hc.Transport = &ex.tripper
	ex.trace.GotConn = ex.gotConn
	ctx = httptrace.WithClientTrace(ctx, &ex.trace)
	landed := false // an earlier pass may have reached Argos (delete_repeat.go)
	for {
		if err := c.pace(ctx, r); err != nil {
			return nil, nil, err
		}
		req, err := c.newRequest(ctx, r)
		if err != nil {
			return nil, nil, err
		}
		ex.passes.Add(1)
		ex.passTrips.Store(0)
		ex.passConnected.Store(false)
		start := time.Now()
		ex.sentAt = start
		resp, err := ex.hc.Do(req)
		a := reply{resp: resp, err: err}
		if err == nil {
			a.read(r.stream)
		}
		ex.log(ctx, &a, start)
		ex.observe(&a)
		if !ex.decide(ctx, &a) {
			return c.finish(ctx, ex, &a, landed)
		}
		landed = landed || ex.mayHaveLanded(&a)
		wait := backoff(c.retry.MinWait, c.retry.MaxWait, int(ex.passes.Load())-1, a.resp)
		ex.observeRetry(&a, wait)
		if !sleep(ctx, wait) {
			return nil, nil, c.failure(ctx, ex, ctx.Err(), false)
		}
	}
}

// read reads a's body and closes it: a 2xx JSON body up to maxResponseSize,
// an error body up to maxErrorBody. A streamed 2xx body is left open.
func (a *reply) read(stream bool) {
	ok := a.resp.StatusCode >= 200 && a.resp.StatusCode < 300
	if ok && stream {
		return
	}
	limit := int64(maxErrorBody)
	if ok {
		limit = maxResponseSize
	}
	body, truncated, err := readCapped(a.resp.Body, limit, a.resp.ContentLength)
	_ = a.resp.Body.Close()
	a.body, a.truncated = body, truncated
	switch {
	case err == nil:
	case ok:
		a.err, a.readErr = err, true
	default:
		a.bodyErr = err
	}
}

// finish turns the last pass's answer into do's results; landed says an
// earlier pass may have reached Argos.
func (c *Client) finish(ctx context.Context, ex *exchange, a *reply, landed bool) (*http.Response, []byte, error) {
	r := ex.r
	if a.err != nil {
		r.repeat.settle(landed, nil)
		return nil, nil, c.failure(ctx, ex, a.err, a.readErr)
	}
	resp := a.resp
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		r.repeat.settle(landed, nil)
		if r.stream {
			return resp, nil, nil
		}
		if a.truncated {
			return nil, nil, &DecodeError{Op: r.op, StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"),
				Reason: fmt.Sprintf("body larger than %d bytes", maxResponseSize), Err: ErrResponseTooLarge}
		}
		return resp, a.body, nil
	}
	if a.bodyErr != nil && len(a.body) == 0 && ctx.Err() != nil {
		return nil, nil, c.failure(ctx, ex, a.bodyErr, false)
	}
	err := c.apiError(ex, a)
	if r.repeat.settle(landed, err) {
		return resp, nil, nil // a DELETE's repeat found it gone: done (sendJSON)
	}
	return nil, nil, err
}

// sleep waits d or until ctx ends, and reports whether the wait ran its
// course.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// log records one pass: method, API path, attempt, duration and the status
// or the class of error; never a URL, a query or a body.
func (ex *exchange) log(ctx context.Context, a *reply, start time.Time) {
	if !ex.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", ex.r.method),
		slog.String("path", ex.path()),
		slog.Int("attempt", ex.attempts()),
		slog.Duration("duration", time.Since(start)),
	}
	if a.resp != nil {
		attrs = append(attrs, slog.Int("status", a.resp.StatusCode))
		if id := requestID(a.resp.Header); id != "" {
			attrs = append(attrs, slog.String("request_id", id))
		}
	}
	if a.err != nil {
		attrs = append(attrs, slog.String("error", errorKind(a.err)))
		ex.logger.LogAttrs(ctx, slog.LevelDebug, "argos request failed", attrs...)
		return
	}
	ex.logger.LogAttrs(ctx, slog.LevelDebug, "argos request", attrs...)
}

// newRequest builds one attempt's request: URL, a fresh body, and the three
// headers.
func (c *Client) newRequest(ctx context.Context, r *call) (*http.Request, error) {
	rawURL := c.url(r)
	var body io.Reader
	if r.body != nil {
		body = r.body()
	}
	req, err := http.NewRequestWithContext(ctx, r.method, rawURL, body)
	if err != nil {
		return nil, fmt.Errorf("argos: %s: building request: %w", r.op, sanitize(err))
	}
	if r.body != nil {
		req.ContentLength = max(r.bodyLen, 0) // unknown (-1): sent chunked
		req.Header.Set("Content-Type", r.contentType)
	}
	req.GetBody = nil
	if r.body != nil && r.idempotent() {
		// A DELETE with a body may be sent again: by net/http on a redirect
		// or a replay, each counted in the call's budget.
		fresh := r.body
		req.GetBody = func() (io.ReadCloser, error) { return fresh(), nil }
	}
	// A call that changes state has no GetBody: net/http cannot replay its
	// sent body on its own (HTTP/2 REFUSED_STREAM or GOAWAY, a dead
	// keep-alive connection), so it is sent once; the loop builds each of
	// its own attempts afresh.
	accept := r.accept
	if accept == "" {
		accept = "application/json"
	}
	// Canonical keys set directly, the three values in one allocation.
	values := [...]string{string(*c.key), c.userAgent, accept}
	req.Header["X-Api-Key"] = values[0:1:1]
	req.Header["User-Agent"] = values[1:2:2]
	req.Header["Accept"] = values[2:3:3]
	return req, nil
}

// apiError builds the *APIError of a non-2xx answer. Any 5xx to a call that
// changes state is also an *OutcomeUnknownError: a gateway, or a server that
// failed after it processed the request, answered, and whether Argos
// processed the request is unknown.
func (c *Client) apiError(ex *exchange, a *reply) error {
	r, resp := ex.r, a.resp
	apiErr := newAPIError(r.method, ex.path(), resp, c.openError(r, a.body), a.truncated)
	apiErr.sensitive = append(r.maskedValues(), string(*c.key))
	apiErr.Attempts = ex.attempts()
	apiErr.op = r.op
	if !ex.idempotent && resp.StatusCode >= 500 {
		apiErr.OutcomeUnknown = true
		return ex.outcomeUnknown(apiErr)
	}
	return apiErr
}

// failure turns a failed exchange into an error without URLs' query values;
// read says err came from reading a 2xx body. A call that changes state and
// may have reached a server becomes an *OutcomeUnknownError.
func (c *Client) failure(ctx context.Context, ex *exchange, err error, read bool) error {
	r := ex.r
	var ve *ValidationError
	if errors.As(err, &ve) {
		// The body itself was refused while streaming (an image over the
		// limit): the request was cut short and cannot have been processed.
		return ve
	}
	err = sanitizeFor(err, c.base+r.path)
	switch {
	case ex.spent.Load():
		err = fmt.Errorf("gave up after %d requests, the retry budget (1 + RetryPolicy.MaxRetries), "+
			"as net/http kept replaying a refused request", ex.attempts())
	case ctx.Err() != nil && !errors.Is(err, ctx.Err()):
		err = fmt.Errorf("%w (%w)", ctx.Err(), err)
	}
	if read {
		err = fmt.Errorf("reading the response: %w", err)
	}
	if !ex.idempotent && (read || ex.mayHaveBeenSent()) {
		return ex.outcomeUnknown(err)
	}
	return fmt.Errorf("argos: %s: %w", r.op, err)
}

// doJSON sends the call, through the client's middleware, and decodes a
// JSON object (or array, when wantArray) into v, leniently.
func (c *Client) doJSON(ctx context.Context, r *call, v any, wantArray bool) error {
	if err := c.ready(ctx); err != nil {
		return err
	}
	if len(c.middleware) == 0 {
		return c.sendJSON(ctx, r, v, wantArray)
	}
	o := c.newOpRun(r)
	o.v, o.wantArray = v, wantArray
	return o.run(ctx)
}

// sendJSON is doJSON below the middleware.
func (c *Client) sendJSON(ctx context.Context, r *call, v any, wantArray bool) error {
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	resp, body, err := c.do(ctx, cancel, r) //nolint:bodyclose // reply.read closed it
	if err != nil {
		return err
	}
	if r.repeat != nil && r.repeat.gone {
		return nil // nothing to decode: the caller reports it already gone
	}
	if body, err = c.open(r, resp, body); err != nil { // Secure Data Transmission (secure.go)
		return err
	}
	if err := decode(r.op, resp, body, v, wantArray); err != nil {
		return err
	}
	if ck, ok := v.(answerChecker); ok {
		return ck.check(c, r)
	}
	return nil
}

// answerChecker is a result that checks, after decoding, that it is the
// answer the call asked for. The check runs inside the call, so that
// middleware see its failure as the call's.
type answerChecker interface {
	check(c *Client, r *call) error
}

// sanitize strips the query string from the URL inside a *url.Error (the
// query carries emails and user IDs), keeping the error chain for
// errors.Is/As.
func sanitize(err error) error { return sanitizeFor(err, "") }

// sanitizeFor is sanitize for a call to apiURL: a URL in the error that is
// not the call's own is a redirect target, which the server chose and may
// fill with anything (the key, an email): only its host is kept.
func sanitizeFor(err error, apiURL string) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	u := redactURL(ue.URL)
	if apiURL != "" && u != apiURL {
		u = "redirect to " + redirectHost(ue.URL)
	}
	return &url.Error{Op: ue.Op, URL: u, Err: ue.Err}
}

// redirectHost returns scheme://host of a redirect target, or "another URL".
func redirectHost(raw string) string {
	t, err := url.Parse(raw)
	if err != nil || t.Host == "" {
		return "another URL"
	}
	return t.Scheme + "://" + t.Host
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "[unparseable URL]"
	}
	u.User = nil
	u.RawQuery = ""
	u.Fragment = ""
	return u.String()
}

// unexpected is the error for a 2xx body that decoded but lacks the fields
// that make it the documented answer.
func unexpected(op, reason string) error {
	return &DecodeError{Op: op, StatusCode: http.StatusOK, Reason: reason}
}

// errorKind names a transport error's class without its text (which may
// carry a URL).
func errorKind(err error) string {
	var netErr net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline exceeded"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return "network error (" + opErr.Op + ")"
	}
	return fmt.Sprintf("%T", err)
}

// maxSizeHint bounds the buffer readCapped allocates before reading: a
// 2,000-item page is about 3 MB.
const maxSizeHint = 4 << 20

// readCapped reads at most limit bytes and reports whether there was more.
// sizeHint (a Content-Length, -1 when unknown) sizes the buffer up front so
// that a body of announced length is read without regrowing it.
func readCapped(r io.Reader, limit, sizeHint int64) ([]byte, bool, error) {
	if sizeHint < 0 || sizeHint >= limit {
		sizeHint = 512
	}
	// A Content-Length is the server's claim: allocate for at most
	// maxSizeHint up front, and grow past it only as bytes arrive.
	sizeHint = min(sizeHint, maxSizeHint)
	b := make([]byte, 0, sizeHint+1) // +1: EOF is seen without regrowing
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):int(min(int64(cap(b)), limit+1))])
		b = b[:len(b)+n]
		if int64(len(b)) > limit {
			return b[:limit], true, nil
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return b, false, err
		}
	}
}
