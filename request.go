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
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
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
	// sensitive are the applicant values the request carries; they are
	// masked wherever the server echoes them into an error string.
	sensitive []string
	// stream hands a 2xx body to the caller unread (downloads).
	stream bool
	// secure says how the call travels with WithSecureTransmission
	// (secure.go): wirePlain (the zero value), wireSealed or wireFlagged.
	secure wireMode
}

// query is a request's query parameters. Unlike url.Values it needs no map:
// most calls send one or two parameters.
type query []param

// param is one query parameter; an empty value is not sent.
type param struct{ key, value string }

// encode returns the URL-encoded query, sorted by key like url.Values.Encode.
func (q query) encode() string {
	slices.SortStableFunc(q, func(a, b param) int { return strings.Compare(a.key, b.key) })
	var b strings.Builder
	n := 0
	for _, p := range q {
		n += len(p.key) + len(p.value) + 2
	}
	b.Grow(n)
	for _, p := range q {
		if p.value == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.key))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.value))
	}
	return b.String()
}

// sensitiveValues lists the query and form values worth masking.
func (r *call) sensitiveValues() []string {
	out := append([]string(nil), r.sensitive...)
	for _, p := range r.query {
		if !publicField[p.key] {
			out = append(out, p.value)
		}
	}
	return out
}

// publicField names request fields whose values are codes, not applicant
// data, and may appear in error strings.
var publicField = map[string]bool{
	"idType": true, "issuingCountry": true, "nationality": true, "gender": true, "language": true,
	"type": true, "count": true, "request_type": true, "start_date": true, "end_date": true,
}

// idempotent calls (GET, DELETE) may be repeated; others only when they
// provably never left the machine.
func (r *call) idempotent() bool { return r.method == http.MethodGet || r.method == http.MethodDelete }

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
func (c *Client) callContext(ctx context.Context) (context.Context, context.CancelCauseFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	if c.timeout <= 0 {
		return ctx, cancel
	}
	if d, ok := ctx.Deadline(); ok && time.Until(d) <= c.timeout {
		return ctx, cancel // the caller's deadline comes first anyway
	}
	tctx, tcancel := context.WithTimeout(ctx, c.timeout)
	return tctx, func(cause error) { cancel(cause); tcancel() }
}

// errBudgetSpent is the cause that ends a call whose requests, net/http's
// own replays included, reached 1 + RetryPolicy.MaxRetries.
var errBudgetSpent = errors.New("retry budget spent")

// exchange is one call's state across all its attempts. It lives in do's
// frame; the retry check, the response handler and the connection trace
// reach it through closures, never through the context.
type exchange struct {
	r          *call
	path       string // the API path, for logs (never a redirect target)
	idempotent bool
	budget     int64 // 1 + MaxRetries: how many requests the call may send
	cancel     context.CancelCauseFunc
	logger     *slog.Logger

	passes    atomic.Int64 // passes of the retry loop
	replays   atomic.Int64 // requests net/http sent again on its own, below the loop
	hops      atomic.Int64 // redirects followed, across all passes
	passTrips atomic.Int64 // round trips in the current pass: 1 + its redirect hops
	tripConns atomic.Int64 // connections handed out in the current round trip
	connected atomic.Bool  // some request was given a connection
	start     time.Time    // of the current pass

	hc      http.Client          // c's HTTP client over tripper
	tripper callTransport        // marks each round trip of this call
	rc      retryablehttp.Client // the retry loop, with this call's rules

	resp      *http.Response // the answer whose body was read
	body      []byte
	truncated bool
	bodyErr   error
}

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
	if ex.tripConns.Add(1) == 1 {
		return // the round trip's own request, counted as a pass
	}
	if ex.budgetUsed() < ex.budget {
		ex.replays.Add(1)
		return
	}
	ex.cancel(errBudgetSpent) // this one is not sent, so it is not counted
	if tc, ok := info.Conn.(*tls.Conn); ok && tc.ConnectionState().NegotiatedProtocol == "h2" {
		return // shared with other streams: the cancelled context is enough
	}
	if info.Conn != nil {
		_ = info.Conn.Close()
	}
}

// callTransport marks where each round trip of one call starts (a pass of
// the loop, or a redirect hop), so that gotConn can tell net/http's replays
// from them. It has no CloseIdleConnections: go-retryablehttp calls that
// whenever one call fails, which would drop every other caller's pooled
// connections (Client.CloseIdleConnections reaches the transport directly).
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

// beginPass counts a pass of the retry loop (go-retryablehttp's
// RequestLogHook).
func (ex *exchange) beginPass(_ retryablehttp.Logger, _ *http.Request, _ int) {
	ex.passes.Add(1)
	ex.passTrips.Store(0)
	ex.start = time.Now()
}

// readBody reads the answer of a pass that will not be retried, within the
// loop, so that a 2xx body cut short is retried under the same budget
// (go-retryablehttp's response handler). A JSON body is read up to
// maxResponseSize, an error body up to maxErrorBody.
func (ex *exchange) readBody(resp *http.Response) error {
	defer resp.Body.Close()
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	limit := int64(maxErrorBody)
	if ok {
		limit = maxResponseSize
	}
	ex.resp = resp
	ex.body, ex.truncated, ex.bodyErr = readCapped(resp.Body, limit, resp.ContentLength)
	if ok && ex.bodyErr != nil {
		return &readFailure{err: ex.bodyErr}
	}
	return nil
}

// readFailure is a 2xx body that could not be read to its end.
type readFailure struct{ err error }

func (e *readFailure) Error() string { return e.err.Error() }
func (e *readFailure) Unwrap() error { return e.err }

// checkRetry is the retry rule (go-retryablehttp's CheckRetry) for this
// call: never past the budget; GET and DELETE on network errors, bodies cut
// short and 429/500/502/503/504; other methods only when no byte can have
// reached a server.
func (ex *exchange) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if err != nil || resp != ex.resp { // not the re-check after readBody read this answer
		ex.log(ctx, resp, err)
	}
	if ctx.Err() != nil {
		// The call's time is up: whatever came back, it ends here with the
		// context's error (an answer that raced the deadline is not used).
		return false, ctx.Err()
	}
	if ex.budgetUsed() >= ex.budget {
		return false, nil
	}
	if err != nil {
		if rf := (*readFailure)(nil); errors.As(err, &rf) {
			return ex.idempotent && retryableTransportError(rf.err), nil
		}
		if !retryableTransportError(err) {
			return false, nil
		}
		return ex.idempotent || !ex.mayHaveBeenSent(), nil
	}
	return ex.idempotent && retryableStatus(resp.StatusCode), nil
}

// log records one pass: method, API path, attempt, duration and the status
// or the class of error; never a URL, a query or a body.
func (ex *exchange) log(ctx context.Context, resp *http.Response, err error) {
	if !ex.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", ex.r.method),
		slog.String("path", ex.path),
		slog.Int("attempt", ex.attempts()),
		slog.Duration("duration", time.Since(ex.start)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", errorKind(err)))
		ex.logger.LogAttrs(ctx, slog.LevelDebug, "argos request failed", attrs...)
		return
	}
	attrs = append(attrs, slog.Int("status", resp.StatusCode))
	ex.logger.LogAttrs(ctx, slog.LevelDebug, "argos request", attrs...)
}

// do runs the call through the one retry loop and returns the 2xx answer
// with its body read (or open, for a streaming call), or the error. ctx and
// cancel come from callContext.
func (c *Client) do(ctx context.Context, cancel context.CancelCauseFunc, r *call) (*http.Response, []byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("argos: %s: %w", r.op, err)
	}
	r, err := c.seal(r) // Secure Data Transmission (secure.go): r as it travels
	if err != nil {
		return nil, nil, err
	}
	ex := &exchange{r: r, path: c.baseURL.Path + r.path, idempotent: r.idempotent(),
		budget: int64(1 + c.retry.MaxRetries), cancel: cancel, logger: c.logger}
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: ex.gotConn})
	req, err := c.newRequest(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	if !r.stream {
		req.SetResponseHandler(ex.readBody)
	}
	// The loop's client, the HTTP client and the round-trip marker live in
	// the exchange: one allocation for the call's whole state.
	ex.hc = *c.hc
	ex.tripper = callTransport{base: c.transport, ex: ex}
	ex.hc.Transport = &ex.tripper
	ex.rc = retryablehttp.Client{
		HTTPClient:     &ex.hc,
		RetryWaitMin:   c.retry.MinWait,
		RetryWaitMax:   c.retry.MaxWait,
		RetryMax:       c.retry.MaxRetries,
		CheckRetry:     ex.checkRetry,
		Backoff:        backoff,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
		RequestLogHook: ex.beginPass,
	}
	resp, err := ex.rc.Do(req)
	if err != nil {
		return nil, nil, c.failure(ctx, ex, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if r.stream {
			return resp, nil, nil
		}
		if ex.truncated {
			return nil, nil, &DecodeError{Op: r.op, StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"),
				Reason: fmt.Sprintf("body larger than %d bytes", maxResponseSize), Err: ErrResponseTooLarge}
		}
		return resp, ex.body, nil
	}
	if ex.resp != resp { // retries ran out on a retryable status: its body is still open
		_ = ex.readBody(resp)
	}
	if ex.bodyErr != nil && len(ex.body) == 0 && ctx.Err() != nil {
		return nil, nil, c.failure(ctx, ex, ex.bodyErr)
	}
	return nil, nil, c.apiError(ex, resp)
}

// newRequest builds the request: URL, body, and the three headers.
func (c *Client) newRequest(ctx context.Context, r *call) (*retryablehttp.Request, error) {
	rawURL := c.base + r.path
	if q := r.query.encode(); q != "" {
		rawURL = c.base + r.path + "?" + q
	}
	var rawBody any
	if r.body != nil {
		body := r.body // not r, which would then escape to the heap on every call
		rawBody = retryablehttp.ReaderFunc(func() (io.Reader, error) { return body(), nil })
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.method, rawURL, rawBody)
	if err != nil {
		return nil, fmt.Errorf("argos: %s: building request: %w", r.op, sanitize(err))
	}
	if r.body != nil {
		req.ContentLength = max(r.bodyLen, 0) // unknown (-1): sent chunked
		req.Header.Set("Content-Type", r.contentType)
	}
	if !r.idempotent() {
		// Without GetBody net/http cannot replay a sent body on its own
		// (HTTP/2 REFUSED_STREAM or GOAWAY, a dead keep-alive connection):
		// a request that changes state is sent once. go-retryablehttp builds
		// each of its own attempts from the call's body func instead.
		req.GetBody = nil
	}
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

// apiError builds the *APIError of a non-2xx answer. A 502/503/504 to a call
// that changes state is also an *OutcomeUnknownError: a gateway answered,
// and whether Argos processed the request is unknown.
func (c *Client) apiError(ex *exchange, resp *http.Response) error {
	r := ex.r
	apiErr := newAPIError(r.method, ex.path, resp, c.openError(r, ex.body), ex.truncated)
	apiErr.sensitive = append(r.sensitiveValues(), string(*c.key))
	apiErr.Attempts = ex.attempts()
	if !ex.idempotent {
		switch resp.StatusCode {
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			apiErr.OutcomeUnknown = true
			return &OutcomeUnknownError{Op: r.op, Err: apiErr}
		}
	}
	return apiErr
}

// failure turns a failed exchange into an error without URLs' query values.
// A call that changes state and may have reached a server becomes an
// *OutcomeUnknownError.
func (c *Client) failure(ctx context.Context, ex *exchange, err error) error {
	r := ex.r
	var ve *ValidationError
	if errors.As(err, &ve) {
		// The body itself was refused while streaming (an image over the
		// limit): the request was cut short and cannot have been processed.
		return ve
	}
	rf := (*readFailure)(nil)
	read := errors.As(err, &rf)
	if read {
		err = rf.err
	}
	err = sanitizeFor(err, c.base+r.path)
	switch {
	case errors.Is(context.Cause(ctx), errBudgetSpent):
		err = fmt.Errorf("gave up after %d requests, the retry budget (1 + RetryPolicy.MaxRetries), "+
			"as net/http kept replaying a refused request", ex.attempts())
	case ctx.Err() != nil && !errors.Is(err, ctx.Err()):
		err = fmt.Errorf("%w (%w)", ctx.Err(), err)
	}
	if read {
		err = fmt.Errorf("reading the response: %w", err)
	}
	if !ex.idempotent && (read || ex.mayHaveBeenSent()) {
		return &OutcomeUnknownError{Op: r.op, Err: err}
	}
	return fmt.Errorf("argos: %s: %w", r.op, err)
}

// doJSON sends the call and decodes a JSON object (or array, when wantArray)
// into v, leniently.
func (c *Client) doJSON(ctx context.Context, r *call, v any, wantArray bool) error {
	if err := c.ready(ctx); err != nil {
		return err
	}
	ctx, cancel := c.callContext(ctx)
	defer cancel(nil)
	resp, body, err := c.do(ctx, cancel, r) //nolint:bodyclose // readBody closed it
	if err != nil {
		return err
	}
	if body, err = c.open(r, resp, body); err != nil { // Secure Data Transmission (secure.go)
		return err
	}
	return decodeLenient(r.op, resp, body, v, wantArray)
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
