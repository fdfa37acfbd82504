// Package argosotel traces and measures the calls of an argos client with
// OpenTelemetry: a client span per call, around all of its attempts, and
// metrics of the calls' duration, attempts and retries.
//
//	mw := argosotel.Middleware()
//	client, err := argos.NewClient(key, argos.WithMiddleware(mw))
//
// It is a module of its own (github.com/kycgo/argos/otel), so that users of
// argos who do not use OpenTelemetry do not download it.
//
// # Spans
//
// Each call is one span of kind client, named "argos." and the call's name
// ("argos.GetSubmission"). The HTTP semantic conventions
// (https://opentelemetry.io/docs/specs/semconv/http/http-spans/) name an
// HTTP client span after its method and route, but define one such span per
// request sent, a new one for each resend; this span covers every attempt of the
// call and the waits between them, which is what an SDK's operation span
// is (the AWS SDK's conventions name it Service.Operation), and the route
// alone would not tell GetSubmission from ListSubmissions (both are GET
// /v3/submission). The span carries the HTTP client attributes of the
// conventions that describe the call as a whole:
//
//   - http.request.method, url.template (the route, IDs replaced by {name}),
//     server.address and server.port (see WithBaseURL),
//   - http.response.status_code, the last answer's status, when one came back,
//   - error.type when the call failed: the status code for an error answer
//     (as the conventions ask), else one of "timeout", "canceled",
//     "connection_closed", "network", "validation", "not_found",
//     "unexpected_response", "response_too_large", "insecure_redirect",
//     "next_called_twice" or "_OTHER",
//
// and the call's own: argos.operation (the call's name), argos.attempts
// (the requests sent: retries, replays and redirect hops included),
// argos.request_id (the gateway's ID of the last answer, for the vendor's
// support) and, on a failed call, argos.outcome_unknown (true when a write
// may or may not have been processed: see argos.ErrOutcomeUnknown). A
// failed call's span has status Error with the error's text, which argos
// keeps free of the API key, of query strings and of applicant data (it
// names the request's method and path).
//
// Each retry is an event named "argos.retry" with argos.retry.attempt (the
// number of the attempt that failed, 1 for the first), argos.retry.reason
// ("status 503", "connection closed", …), argos.retry.wait (the backoff
// before the next attempt, in seconds) and http.response.status_code of the
// failed attempt when it had one. The events are added when the call ends:
// their order and attributes are exact, their time is the call's end.
//
// The span is in the context the call's requests carry, so an
// OpenTelemetry transport (otelhttp) given through argos.WithHTTPClient
// nests a span per attempt under it.
//
// No attribute carries the request's URL, path or query, or anything the
// request or the answer holds: IDs, emails and names never reach an
// attribute, an event or a metric.
//
// # Metrics
//
// The HTTP conventions' http.client.request.duration
// (https://opentelemetry.io/docs/specs/semconv/http/http-metrics/) measures
// one request;
// a call may send several and wait between them, so the call's metrics
// carry argos's own names:
//
//   - argos.client.call.duration (histogram, s): how long each call took,
//     its attempts and waits included,
//   - argos.client.call.attempts (counter, {attempt}): the requests calls sent,
//   - argos.client.call.retries (counter, {retry}): the retries, each with
//     the failed attempt's status code and error.type (its status, or the
//     kind of failure in the words above).
//
// Their attributes are few-valued only: argos.operation,
// http.request.method, url.template, server.address, server.port,
// http.response.status_code and error.type.
package argosotel

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	semconv "go.opentelemetry.io/otel/semconv/v1.39.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/kycgo/argos"
)

// scopeName is the instrumentation scope of the spans and metrics: the
// module's path.
const scopeName = "github.com/kycgo/argos/otel"

// The attributes argos adds to the conventions' own.
const (
	operationKey      = attribute.Key("argos.operation")       // the call's name: "GetSubmission"
	attemptsKey       = attribute.Key("argos.attempts")        // requests the call sent
	requestIDKey      = attribute.Key("argos.request_id")      // the gateway's ID of the last answer
	outcomeUnknownKey = attribute.Key("argos.outcome_unknown") // a failed write that may have been processed
	retryAttemptKey   = attribute.Key("argos.retry.attempt")   // the attempt that failed (1 for the first)
	retryReasonKey    = attribute.Key("argos.retry.reason")    // why it failed: "status 503", "connection closed"
	retryWaitKey      = attribute.Key("argos.retry.wait")      // the backoff before the next attempt, in seconds
)

// retryEvent is the name of the span event recorded for each retry.
const retryEvent = "argos.retry"

// Option configures Middleware.
type Option func(*config)

type config struct {
	tp         trace.TracerProvider
	mp         metric.MeterProvider
	serverAttr []attribute.KeyValue
}

// WithTracerProvider sets where the spans go. The default (and nil) is the
// global provider, otel.GetTracerProvider.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) {
		if tp != nil {
			c.tp = tp
		}
	}
}

// WithMeterProvider sets where the metrics go. The default (and nil) is the
// global provider, otel.GetMeterProvider.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) {
		if mp != nil {
			c.mp = mp
		}
	}
}

// WithBaseURL gives the base URL the client was built with
// (argos.WithBaseURL), for the server.address and server.port attributes:
// an argos.Operation does not name the host. The default is
// argos.DefaultBaseURL, the base of a client built without WithBaseURL. A
// URL without a host leaves both attributes out and is reported to
// otel.Handle (Middleware has no error to return).
func WithBaseURL(u string) Option {
	return func(c *config) {
		c.serverAttr = serverAttributes(u)
	}
}

// serverAttributes returns server.address and server.port for a base URL
// (port 443 unless it names one: argos speaks HTTPS only), or none.
func serverAttributes(base string) []attribute.KeyValue {
	u, err := url.Parse(base)
	if err != nil || u.Hostname() == "" {
		otel.Handle(errors.New("argosotel: WithBaseURL: the base URL has no host; server.address is left out"))
		return nil
	}
	port := 443
	if p, err := strconv.Atoi(u.Port()); err == nil {
		port = p
	}
	return []attribute.KeyValue{semconv.ServerAddress(u.Hostname()), semconv.ServerPort(port)}
}

// instruments are the middleware's tracer and metric instruments.
type instruments struct {
	tracer     trace.Tracer
	duration   metric.Float64Histogram
	attempts   metric.Int64Counter
	retries    metric.Int64Counter
	serverAttr []attribute.KeyValue
}

// Middleware returns an argos.Middleware that traces and measures each call
// (see the package documentation for what it records). Give it to a client
// with argos.WithMiddleware. An error of the meter provider is reported to
// otel.Handle; the middleware never fails a call.
func Middleware(opts ...Option) argos.Middleware {
	cfg := config{serverAttr: defaultServer}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.tp == nil {
		cfg.tp = otel.GetTracerProvider()
	}
	if cfg.mp == nil {
		cfg.mp = otel.GetMeterProvider()
	}
	in := &instruments{
		tracer: cfg.tp.Tracer(scopeName, trace.WithInstrumentationVersion(argos.Version),
			trace.WithSchemaURL(semconv.SchemaURL)),
		serverAttr: cfg.serverAttr,
	}
	meter := cfg.mp.Meter(scopeName, metric.WithInstrumentationVersion(argos.Version),
		metric.WithSchemaURL(semconv.SchemaURL))
	// An instrument's error is reported; the instrument is kept unless
	// the provider returned none.
	d, err := meter.Float64Histogram("argos.client.call.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of argos client calls, all their attempts and waits included."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	in.duration = usable[metric.Float64Histogram](d, err, metricnoop.Float64Histogram{})
	a, err := meter.Int64Counter("argos.client.call.attempts", metric.WithUnit("{attempt}"),
		metric.WithDescription("Requests sent by argos client calls: retries, replays and redirect hops included."))
	in.attempts = usable[metric.Int64Counter](a, err, metricnoop.Int64Counter{})
	r, err := meter.Int64Counter("argos.client.call.retries", metric.WithUnit("{retry}"),
		metric.WithDescription("Retries made by argos client calls."))
	in.retries = usable[metric.Int64Counter](r, err, metricnoop.Int64Counter{})
	return in.middleware
}

// usable reports err, the error creating an instrument, to otel.Handle and
// returns the instrument, or noop when the provider returned none.
func usable[I comparable](inst I, err error, noop I) I {
	if err != nil {
		otel.Handle(err)
	}
	var none I
	if inst == none {
		return noop
	}
	return inst
}

// defaultServer is server.address and server.port of argos.DefaultBaseURL.
var defaultServer = serverAttributes(argos.DefaultBaseURL)

// durationBuckets are the HTTP conventions' boundaries for request
// durations, with 30 s and 60 s added: a call's retries may wait out a
// Retry-After, and the gateway in front of Argos allows 29 s an answer.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60}

// middleware is the argos.Middleware: a span around next, metrics after.
// What no span records and no metric reads is not computed.
func (in *instruments) middleware(ctx context.Context, op *argos.Operation, next func(context.Context) error) error {
	start := time.Now()
	ctx, span := in.tracer.Start(ctx, "argos."+op.Name, trace.WithSpanKind(trace.SpanKindClient))
	defer span.End()

	err := next(ctx)

	elapsed := time.Since(start)
	tracing := span.IsRecording()
	measuring := in.duration.Enabled(ctx) || in.attempts.Enabled(ctx) || in.retries.Enabled(ctx)
	if !tracing && !measuring {
		return err
	}
	// Room for the span's own three after the shared ones.
	attrs := make([]attribute.KeyValue, 0, 9+len(in.serverAttr))
	attrs = in.appendCallAttributes(attrs, op, err)
	if tracing { // first: the span copies attrs, which NewSet then sorts in place
		in.annotate(span, op, attrs, err)
	}
	if measuring {
		in.record(ctx, op, attrs, elapsed)
	}
	return err
}

// appendCallAttributes appends the attributes a call's span and metrics
// share, all of few values.
func (in *instruments) appendCallAttributes(attrs []attribute.KeyValue, op *argos.Operation, err error) []attribute.KeyValue {
	attrs = append(attrs, operationKey.String(op.Name), semconv.HTTPRequestMethodKey.String(op.Method),
		semconv.URLTemplate(op.Route))
	attrs = append(attrs, in.serverAttr...)
	if op.StatusCode != 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(op.StatusCode))
	}
	if err != nil {
		attrs = append(attrs, semconv.ErrorTypeKey.String(errorType(err)))
	}
	return attrs
}

// annotate adds to the call's span its attributes, the span's own ones,
// its status and an event per retry.
func (in *instruments) annotate(span trace.Span, op *argos.Operation, attrs []attribute.KeyValue, err error) {
	attrs = append(attrs, attemptsKey.Int(op.Attempts))
	if op.RequestID != "" {
		attrs = append(attrs, requestIDKey.String(op.RequestID))
	}
	if err != nil {
		attrs = append(attrs, outcomeUnknownKey.Bool(errors.Is(err, argos.ErrOutcomeUnknown)))
		span.SetStatus(codes.Error, err.Error())
	}
	span.SetAttributes(attrs...)
	for _, r := range op.Retries {
		ev := []attribute.KeyValue{retryAttemptKey.Int(r.Attempt), retryReasonKey.String(r.Reason),
			retryWaitKey.Float64(r.Wait.Seconds())}
		if r.StatusCode != 0 {
			ev = append(ev, semconv.HTTPResponseStatusCode(r.StatusCode))
		}
		span.AddEvent(retryEvent, trace.WithAttributes(ev...))
	}
}

// record adds the call to the metrics.
func (in *instruments) record(ctx context.Context, op *argos.Operation, attrs []attribute.KeyValue, elapsed time.Duration) {
	set := metric.WithAttributeSet(attribute.NewSet(attrs...))
	in.duration.Record(ctx, elapsed.Seconds(), set)
	in.attempts.Add(ctx, int64(op.Attempts), set)
	for _, r := range op.Retries {
		ra := make([]attribute.KeyValue, 0, 5+len(in.serverAttr))
		ra = append(ra, operationKey.String(op.Name), semconv.HTTPRequestMethodKey.String(op.Method),
			semconv.URLTemplate(op.Route), semconv.ErrorTypeKey.String(retryErrorType(r)))
		ra = append(ra, in.serverAttr...)
		if r.StatusCode != 0 {
			ra = append(ra, semconv.HTTPResponseStatusCode(r.StatusCode))
		}
		in.retries.Add(ctx, 1, metric.WithAttributes(ra...))
	}
}

// errorType is a failed call's error.type: the status of an error answer,
// as the HTTP conventions ask, else a word for the kind of failure.
func errorType(err error) string {
	var apiErr *argos.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode >= 400 {
		return strconv.Itoa(apiErr.StatusCode)
	}
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, argos.ErrValidation):
		return "validation"
	case errors.Is(err, argos.ErrNotFound): // a 200 listing no submission
		return "not_found"
	case errors.Is(err, argos.ErrResponseTooLarge):
		return "response_too_large"
	case errors.Is(err, argos.ErrUnexpectedResponse):
		return "unexpected_response"
	case errors.Is(err, argos.ErrInsecureRedirect):
		return "insecure_redirect"
	case errors.Is(err, argos.ErrMiddlewareNextTwice):
		return "next_called_twice"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection_closed" // which of these a dropped connection gives depends on timing
	case errors.As(err, &netErr):
		return "network"
	}
	return semconv.ErrorTypeOther.Value.AsString()
}

// retryErrorType is a retry's error.type, in errorType's words: the
// failed attempt's error status, or the kind of failure its reason names
// (argos.Retry.Reason: "connection closed", "timeout", …).
func retryErrorType(r argos.Retry) string {
	if r.StatusCode >= 400 {
		return strconv.Itoa(r.StatusCode)
	}
	for _, k := range reasonTypes {
		if strings.Contains(r.Reason, k.reason) {
			return k.errorType
		}
	}
	return semconv.ErrorTypeOther.Value.AsString()
}

// reasonTypes maps the words of argos.Retry.Reason to error.type values.
var reasonTypes = []struct{ reason, errorType string }{
	{"timeout", "timeout"}, {"deadline exceeded", "timeout"}, {"canceled", "canceled"},
	{"connection closed", "connection_closed"}, {"network error", "network"},
}
