package argos

import (
	"context"
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

// MaxResponseSize bounds the JSON bodies the client reads (lists included).
// Downloads (Image, AMLReport) are streamed and not bounded by it.
const MaxResponseSize = 32 << 20

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

type stateKey struct{}

// callState is shared by the attempts of one call.
type callState struct {
	idempotent bool
	started    func() bool
	attempts   atomic.Int32
	connected  atomic.Bool // some attempt got a connection
}

// withTimeout bounds one call (all its attempts, waits and reads) by
// WithTimeout.
func (c *Client) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.timeout <= 0 {
		return ctx, func() {}
	}
	if d, ok := ctx.Deadline(); ok && time.Until(d) <= c.timeout {
		return ctx, func() {} // the caller's deadline comes first anyway
	}
	return context.WithTimeout(ctx, c.timeout)
}

// send runs the call with retries and returns the 2xx response (body open)
// or an error. ctx already carries the call's timeout (withTimeout).
func (c *Client) send(ctx context.Context, r *call) (*http.Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("argos: %s: %w", r.op, err)
	}
	st := &callState{idempotent: r.idempotent(), started: r.started}
	ctx = context.WithValue(ctx, stateKey{}, st)

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
		req.ContentLength = r.bodyLen
		if r.bodyLen < 0 {
			req.ContentLength = 0 // unknown: sent chunked
		}
		req.Header.Set("Content-Type", r.contentType)
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

	resp, err := c.rc.Do(req)
	attempts := int(st.attempts.Load())
	if err != nil {
		return nil, c.transportError(ctx, r, st, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp, nil
	}
	defer resp.Body.Close()
	body, truncated, readErr := readCapped(resp.Body, MaxErrorBody, resp.ContentLength)
	if readErr != nil && len(body) == 0 && ctx.Err() != nil {
		return nil, c.transportError(ctx, r, st, readErr)
	}
	apiErr := newAPIError(r.method, c.baseURL.Path+r.path, resp, body, truncated)
	apiErr.sensitive = append(r.sensitiveValues(), string(*c.key))
	apiErr.Attempts = attempts
	if !st.idempotent {
		switch resp.StatusCode {
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			apiErr.OutcomeUnknown = true
		}
	}
	return nil, apiErr
}

// transportError turns a failed send into an error without URLs' query
// values; a non-idempotent call that may have been sent becomes an
// *OutcomeUnknownError.
func (c *Client) transportError(ctx context.Context, r *call, st *callState, err error) error {
	var ve *ValidationError
	if errors.As(err, &ve) {
		// The body itself was refused while streaming (an image over the
		// limit): the request was cut short and cannot have been processed.
		return ve
	}
	err = sanitize(err)
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = fmt.Errorf("%w (%w)", ctxErr, err)
	}
	if !st.idempotent && mayHaveBeenSent(st) {
		return &OutcomeUnknownError{Op: r.op, Err: err}
	}
	return fmt.Errorf("argos: %s: %w", r.op, err)
}

func mayHaveBeenSent(st *callState) bool {
	return st.connected.Load() || (st.started != nil && st.started())
}

// sanitize strips the query string from the URL inside a *url.Error (the
// query carries emails and user IDs), keeping the error chain for
// errors.Is/As.
func sanitize(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: redactURL(ue.URL), Err: ue.Err}
	}
	return err
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

// loggingTransport logs each attempt (method, path, status, attempt,
// duration only) and notes whether a connection was made, which decides if
// a failed POST may be retried.
type loggingTransport struct {
	base   http.RoundTripper
	logger *slog.Logger
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	st, _ := ctx.Value(stateKey{}).(*callState)
	attempt := 0
	if st != nil {
		attempt = int(st.attempts.Add(1))
		if !st.idempotent {
			// Only a call that is not safe to repeat needs to know whether
			// it reached the server.
			trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { st.connected.Store(true) }}
			req = req.WithContext(httptrace.WithClientTrace(ctx, trace))
		}
	}
	if !t.logger.Enabled(ctx, slog.LevelDebug) {
		return t.base.RoundTrip(req)
	}
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", req.URL.Path),
		slog.Int("attempt", attempt),
		slog.Duration("duration", time.Since(start)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", errorKind(err)))
		t.logger.LogAttrs(ctx, slog.LevelDebug, "argos request failed", attrs...)
		return nil, err
	}
	attrs = append(attrs, slog.Int("status", resp.StatusCode))
	t.logger.LogAttrs(ctx, slog.LevelDebug, "argos request", attrs...)
	return resp, nil
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

// doJSON sends the call and decodes a JSON object (or array, when wantArray)
// into v, leniently.
//
// A GET or DELETE whose 2xx body breaks off while being read (connection
// reset, truncated body) is sent again under the same retry policy; a POST
// whose answer was lost is an *OutcomeUnknownError.
func (c *Client) doJSON(ctx context.Context, r *call, v any, wantArray bool) error {
	if ctx == nil {
		return &ValidationError{Field: "context", Reason: "is nil"}
	}
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	for retry := 0; ; retry++ {
		resp, body, err := c.fetch(ctx, r) //nolint:bodyclose // fetch read and closed the body; resp is used for its status and headers
		if err == nil {
			return decodeLenient(r.op, resp, body, v, wantArray)
		}
		var re *readFailure
		if !errors.As(err, &re) {
			return err
		}
		if !r.idempotent() || retry >= c.retry.MaxRetries || ctx.Err() != nil {
			return readError(ctx, r, re.err)
		}
		timer := time.NewTimer(backoff(c.retry.MinWait, c.retry.MaxWait, retry, nil))
		select {
		case <-ctx.Done():
			timer.Stop()
			return readError(ctx, r, re.err)
		case <-timer.C:
		}
	}
}

// readFailure is a 2xx body that could not be read to its end.
type readFailure struct{ err error }

func (e *readFailure) Error() string { return e.err.Error() }

// fetch sends the call and reads its 2xx body, at most MaxResponseSize
// bytes.
func (c *Client) fetch(ctx context.Context, r *call) (*http.Response, []byte, error) {
	resp, err := c.send(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, truncated, err := readCapped(resp.Body, MaxResponseSize, resp.ContentLength)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%w)", ctxErr, err)
		}
		return nil, nil, &readFailure{err: err}
	}
	if truncated {
		return nil, nil, &DecodeError{Op: r.op, StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"),
			Reason: fmt.Sprintf("body larger than %d bytes", MaxResponseSize), Err: ErrResponseTooLarge}
	}
	return resp, body, nil
}

// readError reports a failure while reading a 2xx body: for a call that
// changes state the answer was lost, so the outcome is unknown.
func readError(ctx context.Context, r *call, err error) error {
	err = sanitize(err)
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = fmt.Errorf("%w (%w)", ctxErr, err)
	}
	err = fmt.Errorf("reading the response: %w", err)
	if !r.idempotent() {
		return &OutcomeUnknownError{Op: r.op, Err: err}
	}
	return fmt.Errorf("argos: %s: %w", r.op, err)
}

// unexpected is the error for a 2xx body that decoded but lacks the fields
// that make it the documented answer.
func unexpected(op, reason string) error {
	return &DecodeError{Op: op, StatusCode: http.StatusOK, Reason: reason}
}
