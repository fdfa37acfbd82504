package argos

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Middleware runs once per call, around all of the call's attempts: the
// place for a span, a metric or a log line about the operation as a whole
// (an http.RoundTripper given through WithHTTPClient sees single attempts
// only). It calls next at most once to run the call — a second call returns
// [ErrMiddlewareNextTwice] and sends nothing: a middleware must never resend
// a write — and returns next's error or its own. The context it passes to
// next reaches every attempt's request, so an otelhttp transport nests its
// spans under a span the middleware started.
//
// op describes the call and is filled in as the call goes (Attempts,
// StatusCode, RequestID, Retries): read it after next returns. It carries no
// API key and no applicant data.
type Middleware func(ctx context.Context, op *Operation, next func(context.Context) error) error

// ErrMiddlewareNextTwice is what a Middleware's next returns when it is
// called a second time in one call: nothing is sent again.
var ErrMiddlewareNextTwice = errors.New("argos: a middleware called next twice; a call is sent once")

// Operation describes one call to the API for a Middleware.
type Operation struct {
	// Name is the Client method, such as "GetSubmission".
	Name string
	// Method is the HTTP method; Path the URL path, without the query
	// (IDs sent in the query never appear); Route the path's template, with
	// the IDs a path carries replaced by {name}, for metric labels, such as
	// "/v3/submission/aml/monitor/{worklistId}".
	Method, Path, Route string
	// Attempts is how many requests the call has sent so far (retries,
	// net/http's replays and redirect hops included); StatusCode the last
	// answer's status (0 while none came back).
	Attempts, StatusCode int
	// RequestID is the gateway's ID of the last answer (see
	// [APIError.RequestID]): quote it to the vendor's support.
	RequestID string
	// Retries lists each retry the call made, in order: why, and how long
	// the client waited before it.
	Retries []Retry
}

// Retry is one retry of a call: the attempt that failed, why, and how long
// the client waited before sending the next.
type Retry struct {
	// Attempt is the number of the attempt that failed (1 for the first).
	Attempt int
	// Reason names the failure without any of its text: "status 503",
	// "connection closed", "timeout", "reading the response".
	Reason string
	// StatusCode is the failed attempt's status (0 for a network failure).
	StatusCode int
	// Wait is the backoff before the next attempt (Retry-After included).
	Wait time.Duration
}

// WithMiddleware adds middleware around every call of the client, or of one
// call when given to it. The first runs outermost; a call's own middleware
// run inside the client's.
func WithMiddleware(mw ...Middleware) Option {
	return func(c *Client) error {
		for _, m := range mw {
			if m == nil {
				return &ValidationError{Field: "middleware", Reason: "is nil"}
			}
		}
		if len(c.middleware)+len(mw) > maxMiddleware {
			return &ValidationError{Field: "middleware", Reason: fmt.Sprintf("more than %d for one call", maxMiddleware)}
		}
		// A new slice: a per-call copy of the client must not append into
		// the client's own backing array.
		c.middleware = append(slices.Clip(c.middleware), mw...)
		return nil
	}
}

// requestIDHeaders are the headers that carry the gateway's request ID, in
// the order they are looked for. API Gateway (in front of Argos) sends
// x-amzn-RequestId; apigw-requestid (HTTP APIs) and x-request-id (common
// proxies) are accepted too. That Argos's gateway sends the first is an
// inference from its other API Gateway answers, not a documented fact.
var requestIDHeaders = [...]string{"X-Amzn-Requestid", "Apigw-Requestid", "X-Request-Id"}

// requestID returns the answer's request ID, or "".
func requestID(h http.Header) string {
	for _, k := range requestIDHeaders {
		if v := h[k]; len(v) > 0 && v[0] != "" {
			return v[0]
		}
	}
	return ""
}

// maxMiddleware bounds the middleware of one call (WithMiddleware).
const maxMiddleware = 64

// opRun is one call run through the client's middleware: the Operation the
// middleware see, and what the innermost next sends (a JSON call decoding
// into v, or a download). It is allocated only when there is middleware,
// and with next's method value it is all a call's middleware costs.
type opRun struct {
	op        Operation
	c         *Client
	r         *call
	v         any // the JSON call's result
	wantArray bool
	dl        *Download // the download's result
	depth     int       // the layer the next call of next runs
	called    uint64    // bit i: layer i's next has run
}

// newOpRun starts an opRun for r on c, which has middleware.
func (c *Client) newOpRun(r *call) *opRun {
	o := &opRun{op: Operation{Name: r.op, Method: r.method}, c: c, r: r}
	if p, ok := c.opPaths[r.path]; ok {
		o.op.Path = p
	} else {
		o.op.Path = c.baseURL.Path + r.path // a path with IDs in it
	}
	o.op.Route = o.op.Path
	if r.route != "" {
		o.op.Route = c.opPaths[r.route]
	}
	r.observe = &o.op
	return o
}

// run runs the call through c's middleware.
func (o *opRun) run(ctx context.Context) error {
	return o.c.middleware[0](ctx, &o.op, o.next)
}

// next is every layer's next: it runs the layer below the one calling it,
// and the call itself below the last.
func (o *opRun) next(ctx context.Context) error {
	caller := o.depth
	if o.called&(1<<caller) != 0 {
		return ErrMiddlewareNextTwice
	}
	o.called |= 1 << caller
	o.depth++
	defer func() { o.depth = caller }()
	if mws := o.c.middleware; o.depth < len(mws) {
		return mws[o.depth](ctx, &o.op, o.next)
	}
	if o.r.stream {
		var err error
		o.dl, err = o.c.sendDownload(ctx, o.r)
		return err
	}
	return o.c.sendJSON(ctx, o.r, o.v, o.wantArray)
}

// observe records a pass of the loop in the call's Operation.
func (ex *exchange) observe(a *reply) {
	op := ex.r.observe
	if op == nil {
		return
	}
	op.Attempts = ex.attempts()
	if a.resp != nil {
		op.StatusCode = a.resp.StatusCode
		op.RequestID = requestID(a.resp.Header)
	}
}

// observeRetry records a retry in the call's Operation.
func (ex *exchange) observeRetry(a *reply, wait time.Duration) {
	op := ex.r.observe
	if op == nil {
		return
	}
	rt := Retry{Attempt: int(ex.passes.Load()), Wait: wait}
	switch {
	case a.readErr:
		rt.Reason = "reading the response: " + errorKind(a.err)
		rt.StatusCode = a.resp.StatusCode
	case a.err != nil:
		rt.Reason = errorKind(a.err)
	default:
		rt.StatusCode = a.resp.StatusCode
		rt.Reason = "status " + strconv.Itoa(a.resp.StatusCode)
	}
	op.Retries = append(op.Retries, rt)
}
