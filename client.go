package argos

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Base URLs. DefaultBaseURL is the API guide's (v2) host the SDK implements;
// BaseURLV3 is the vendor's current host. Both serve the same paths.
const (
	DefaultBaseURL = "https://rest-api.argoskyc.com/v2"
	BaseURLV3      = "https://rest-api.argosidentity.com/v3"
)

// Version is the SDK version sent in the User-Agent header.
const Version = "0.1.0"

const defaultUserAgent = "argos-go/" + Version

// MaxResponseSize bounds the JSON bodies the client reads (lists included).
// Downloads (Image, AMLReport) are streamed and not bounded by it.
const MaxResponseSize = 32 << 20

// Client calls the Argos KYC REST API. It is safe for concurrent use; create
// one per API key and reuse it.
type Client struct {
	baseURL    *url.URL
	base       string // baseURL.String(), which every request URL starts with
	key        *APIKey
	httpClient *http.Client
	rc         *retryablehttp.Client
	logger     *slog.Logger
	retry      RetryPolicy
	timeout    time.Duration
	userAgent  string
	rootCAs    *x509.CertPool
	transport  http.RoundTripper // the transport under the SDK's logging wrapper
}

// APIKey holds the project's API key. It never prints: String, GoString,
// every fmt verb, slog and JSON show "[REDACTED]".
type APIKey string

const redacted = "[REDACTED]"

// String returns "[REDACTED]".
func (APIKey) String() string { return redacted }

// GoString returns "[REDACTED]".
func (APIKey) GoString() string { return redacted }

// Format prints "[REDACTED]" for every verb.
func (APIKey) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// LogValue implements slog.LogValuer.
func (APIKey) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON implements json.Marshaler with "[REDACTED]".
func (APIKey) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// NewClient returns a client for the project whose API key is apiKey. It
// fails on an empty key, a base URL that is not https, or an invalid option.
func NewClient(apiKey string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(apiKey) == "" {
		return nil, &ValidationError{Field: "API key", Reason: "is empty"}
	}
	if strings.ContainsAny(apiKey, "\r\n\x00") {
		return nil, &ValidationError{Field: "API key", Reason: "contains control characters"}
	}
	key := APIKey(apiKey)
	base, _ := parseBaseURL(DefaultBaseURL)
	c := &Client{
		baseURL:   base,
		key:       &key,
		logger:    slog.New(slog.DiscardHandler),
		retry:     DefaultRetryPolicy,
		timeout:   DefaultTimeout,
		userAgent: defaultUserAgent,
	}
	if err := applyOptions(c, opts); err != nil {
		return nil, err
	}
	if c.rootCAs != nil && c.httpClient != nil {
		return nil, &ValidationError{Field: "root CAs", Reason: "cannot be combined with WithHTTPClient; set them on that client's transport"}
	}
	c.base = c.baseURL.String()
	c.rc = c.newRetryClient()
	return c, nil
}

// String describes the client without its API key.
func (c *Client) String() string { return "argos.Client{" + c.baseURL.String() + "}" }

// GoString describes the client without its API key.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb, so %+v cannot reveal the key.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// BaseURL returns the base URL the client sends to.
func (c *Client) BaseURL() string { return c.baseURL.String() }

func (c *Client) newRetryClient() *retryablehttp.Client {
	var hc *http.Client
	if c.httpClient != nil {
		// The caller's client is used as given: its transport (nil means
		// http.DefaultTransport, as in net/http), Timeout and Jar.
		copied := *c.httpClient
		hc = &copied
		if hc.Transport == nil {
			hc.Transport = http.DefaultTransport
		}
	} else {
		t := NewTransport()
		t.TLSClientConfig.RootCAs = c.rootCAs
		// A WithTimeout longer than the default (a slow Step 2) must not be
		// cut short by the transport; 0 leaves every bound to the context.
		t.ResponseHeaderTimeout = c.timeout
		hc = &http.Client{Transport: t}
	}
	userRedirect := hc.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := c.checkRedirect(req, via); err != nil {
			return err
		}
		if userRedirect != nil {
			return userRedirect(req, via)
		}
		return nil
	}
	c.transport = hc.Transport
	// loggingTransport deliberately has no CloseIdleConnections: go-retryablehttp
	// calls it whenever one call's context ends during a backoff wait, which
	// would drop the pooled connections of every other caller.
	hc.Transport = &loggingTransport{base: hc.Transport, logger: c.logger}
	return &retryablehttp.Client{
		HTTPClient:   hc,
		Logger:       nil,
		RetryWaitMin: c.retry.MinWait,
		RetryWaitMax: c.retry.MaxWait,
		RetryMax:     c.retry.MaxRetries,
		CheckRetry:   checkRetry,
		Backoff:      backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
}

// checkRedirect keeps the API key only on https requests to the API host:
// net/http copies custom headers such as x-api-key to every redirect target.
// Plain-HTTP targets and redirected POSTs (whose streamed body cannot be
// replayed) are refused.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("argos: stopped after 10 redirects")
	}
	if req.URL.Scheme != "https" {
		return ErrInsecureRedirect
	}
	if via[0].Method == http.MethodPost {
		return http.ErrUseLastResponse
	}
	// net/http sends the previous URL as Referer, query (submission ID,
	// email, user ID) included: never pass it on.
	req.Header.Del("Referer")
	if !strings.EqualFold(req.URL.Host, c.baseURL.Host) {
		req.Header.Del(headerAPIKey)
	}
	return nil
}

const headerAPIKey = "x-api-key"

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

// checkRetry implements the retry rules: GET/DELETE on connection errors and
// 429/500/502/503/504; POST only when no connection was ever made and no byte
// of the body was read.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	st, _ := ctx.Value(stateKey{}).(*callState)
	idempotent := st == nil || st.idempotent
	if err != nil {
		if !retryableTransportError(err) {
			return false, nil
		}
		if idempotent {
			return true, nil
		}
		return st != nil && !mayHaveBeenSent(st), nil
	}
	if !idempotent {
		return false, nil
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true, nil
	}
	return false, nil
}

func retryableTransportError(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, ErrInsecureRedirect) {
		return false
	}
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
		verify           *tls.CertificateVerificationError
		recordHeader     tls.RecordHeaderError
	)
	if errors.As(err, &unknownAuthority) || errors.As(err, &hostname) || errors.As(err, &invalid) ||
		errors.As(err, &verify) || errors.As(err, &recordHeader) {
		return false
	}
	// A TLS alert (no common protocol version or cipher, a handshake
	// failure) comes back the same on every attempt.
	var opErr *net.OpError
	if errors.As(err, &opErr) && (opErr.Op == "remote error" || opErr.Op == "local error") {
		return false
	}
	// Only network failures are worth another attempt: a redirect loop, a
	// transport that refuses the request (a replayer without a fixture, a
	// proxy misconfiguration) or any other error fails the same way again.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // *url.Error is itself a net.Error: look inside it
	}
	var netErr net.Error
	return errors.As(err, &netErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE)
}

// backoff waits MinWait·2^n with jitter, capped at MaxWait; a Retry-After
// header (seconds or HTTP date) replaces it, also capped at MaxWait.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(ra, maxWait)
		}
	}
	wait := maxWait
	if attempt < 30 {
		if w := minWait << attempt; w > 0 && w < maxWait {
			wait = w
		}
	}
	// Equal jitter: somewhere in [wait/2, wait].
	half := wait / 2
	if half <= 0 {
		return wait
	}
	return half + rand.N(half+1) //nolint:gosec // jitter needs no cryptographic randomness
}

func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), 24*time.Hour), true
	}
	return 0, false
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

// decodeLenient decodes body into v. The top-level shape must match (object
// or array); inside it, a value of an unexpected JSON type is skipped rather
// than failing the response (encoding/json fills every other field and
// reports such mismatches as *json.UnmarshalTypeError, which is ignored).
func decodeLenient(op string, resp *http.Response, body []byte, v any, wantArray bool) error {
	derr := func(reason string, err error) error {
		return &DecodeError{Op: op, StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Reason: reason, Err: err}
	}
	first := firstByte(body)
	if first == 0 {
		return derr("empty body", nil)
	}
	want := byte('{')
	if wantArray {
		want = '['
	}
	if first != want {
		if first == '<' {
			return derr("an HTML page instead of JSON", nil)
		}
		return derr("not a JSON "+map[bool]string{false: "object", true: "array"}[wantArray], nil)
	}
	var err error
	if d, ok := v.(jsonDecoder); ok {
		err = d.decodeJSON(body)
	} else {
		err = json.Unmarshal(body, v)
	}
	if err != nil && !isTypeError(err) {
		return derr("malformed JSON", err)
	}
	return nil
}

// jsonDecoder is a response type whose UnmarshalJSON can be called without
// encoding/json's extra validation pass over the body.
type jsonDecoder interface{ decodeJSON([]byte) error }

// firstByte returns the first byte of b that is not JSON white space, or 0.
func firstByte(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r':
		default:
			return c
		}
	}
	return 0
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

// CloseIdleConnections closes the keep-alive connections the client's
// transport holds open; calls in flight and open Download bodies are not
// affected. Call it when the client is no longer needed. With WithHTTPClient
// it acts on that client's transport (on http.DefaultTransport when its
// Transport is nil, as http.Client.CloseIdleConnections does).
func (c *Client) CloseIdleConnections() {
	if t, ok := c.transport.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
}
