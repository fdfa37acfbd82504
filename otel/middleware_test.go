package argosotel_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/kycgo/argos"
	argosotel "github.com/kycgo/argos/otel"
)

func getOp() *argos.Operation {
	return &argos.Operation{Name: "GetSubmission", Method: "GET", Path: "/v3/submission", Route: "/v3/submission"}
}

func TestErrorTypeNamesTheKindOfFailure(t *testing.T) {
	timeoutErr := &net.DNSError{Err: "i/o timeout", IsTimeout: true}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"an error answer is its status", &argos.APIError{StatusCode: 429}, "429"},
		{"a lost write's gateway answer is its status", &argos.OutcomeUnknownError{Op: "SubmitStep1", Err: &argos.APIError{StatusCode: 502, OutcomeUnknown: true}}, "502"},
		{"a lost write's cut answer is a closed connection", &argos.OutcomeUnknownError{Op: "SubmitStep1", Err: fmt.Errorf("reading the response: %w", io.ErrUnexpectedEOF)}, "connection_closed"},
		{"the context's deadline is a timeout", fmt.Errorf("argos: GetSubmission: %w", context.DeadlineExceeded), "timeout"},
		{"a network timeout is a timeout", &url.Error{Op: "Get", URL: "https://h/v3/submission", Err: timeoutErr}, "timeout"},
		{"a canceled context", fmt.Errorf("argos: GetSubmission: %w", context.Canceled), "canceled"},
		{"a connection reset by the server is a closed connection", &url.Error{Op: "Post", URL: "https://h/", Err: &net.OpError{Op: "read", Err: syscall.ECONNRESET}}, "connection_closed"},
		{"a connection closed under the request is a closed connection", &url.Error{Op: "Post", URL: "https://h/", Err: &net.OpError{Op: "read", Err: net.ErrClosed}}, "connection_closed"},
		{"a refused connection is a network failure", &url.Error{Op: "Get", URL: "https://h/", Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}, "network"},
		{"bad input", &argos.ValidationError{Field: "email", Reason: "is empty"}, "validation"},
		{"a body that is not the documented JSON", &argos.DecodeError{Op: "GetSubmission", StatusCode: 200, Reason: "not JSON"}, "unexpected_response"},
		{"a second call of next", argos.ErrMiddlewareNextTwice, "next_called_twice"},
		{"anything else", errors.New("a middleware's own refusal"), "_OTHER"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runMiddleware(t, getOp(), nil, tc.err)
			assert.Equal(t, tc.want, attrs(r.span.Attributes())["error.type"])
		})
	}
}

func TestRetriesCountUnderTheKindOfFailure(t *testing.T) {
	fill := func(op *argos.Operation) {
		op.Attempts, op.StatusCode = 4, 200
		op.Retries = []argos.Retry{
			{Attempt: 1, Reason: "connection closed", Wait: 2 * time.Millisecond},
			{Attempt: 2, Reason: "status 429", StatusCode: 429, Wait: 2 * time.Second},
			{Attempt: 3, Reason: "reading the response: timeout", StatusCode: 200, Wait: 4 * time.Millisecond},
		}
	}
	r := runMiddleware(t, getOp(), fill, nil)
	got := map[string]int64{}
	for _, p := range sums(t, findMetric(t, r.metrics, "argos.client.call.retries"), "GetSubmission") {
		v, _ := p.Attributes.Value("error.type")
		got[v.AsString()] += p.Value
	}
	assert.Equal(t, map[string]int64{"connection_closed": 1, "429": 1, "timeout": 1}, got)

	require.Len(t, r.span.Events(), 3)
	second := attrs(r.span.Events()[1].Attributes)
	assert.Equal(t, map[string]any{"argos.retry.attempt": int64(2), "argos.retry.reason": "status 429",
		"argos.retry.wait": 2.0, "http.response.status_code": int64(429)}, second)
}

func TestRequestIDIsOnTheSpanOnly(t *testing.T) {
	r := runMiddleware(t, getOp(), func(op *argos.Operation) { op.Attempts, op.StatusCode, op.RequestID = 1, 200, "c0ffee-42" }, nil)
	assert.Equal(t, "c0ffee-42", attrs(r.span.Attributes())["argos.request_id"], "the gateway's ID, for the vendor's support")
	for _, p := range histogram(t, findMetric(t, r.metrics, "argos.client.call.duration"), "GetSubmission") {
		assert.False(t, p.Attributes.HasValue("argos.request_id"), "one value per call has no place in a metric")
	}

	r = runMiddleware(t, getOp(), func(op *argos.Operation) { op.Attempts, op.StatusCode = 1, 200 }, nil)
	assert.NotContains(t, attrs(r.span.Attributes()), "argos.request_id", "no answer's ID, no attribute")
}

func TestWithBaseURLSetsTheServerAttributes(t *testing.T) {
	def, err := url.Parse(argos.DefaultBaseURL)
	require.NoError(t, err)
	for _, tc := range []struct {
		name        string
		opts        []argosotel.Option
		host        any
		port        any
		handlerSays bool
	}{
		{"the default is argos's default base", nil, def.Hostname(), int64(443), false},
		{"the API guide's v2 host", []argosotel.Option{argosotel.WithBaseURL("https://rest-api.argoskyc.com/v2")}, "rest-api.argoskyc.com", int64(443), false},
		{"the v3 host", []argosotel.Option{argosotel.WithBaseURL("https://rest-api.argosidentity.com/v3")}, "rest-api.argosidentity.com", int64(443), false},
		{"a host with a port", []argosotel.Option{argosotel.WithBaseURL("https://127.0.0.1:8443/v3")}, "127.0.0.1", int64(8443), false},
		{"an IPv6 host", []argosotel.Option{argosotel.WithBaseURL("https://[::1]:9443/v3")}, "::1", int64(9443), false},
		{"a URL without a host leaves both out", []argosotel.Option{argosotel.WithBaseURL("rest-api.argosidentity.com/v3")}, nil, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var handled []error
			prev := otel.GetErrorHandler()
			otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) { handled = append(handled, err) }))
			t.Cleanup(func() { otel.SetErrorHandler(prev) })

			r := runMiddleware(t, getOp(), nil, nil, tc.opts...)
			a := attrs(r.span.Attributes())
			assert.Equal(t, tc.host, a["server.address"])
			assert.Equal(t, tc.port, a["server.port"])
			if tc.handlerSays {
				require.Len(t, handled, 1, "the bad URL is reported to otel.Handle")
				assert.Contains(t, handled[0].Error(), "WithBaseURL")
			} else {
				assert.Empty(t, handled)
			}
		})
	}
}

func TestMiddlewareUsesTheGlobalProvidersByDefault(t *testing.T) {
	spans, reader := tracetest.NewSpanRecorder(), sdkmetric.NewManualReader()
	prevTP, prevMP := otel.GetTracerProvider(), otel.GetMeterProvider()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)))
	otel.SetMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)))
	t.Cleanup(func() { otel.SetTracerProvider(prevTP); otel.SetMeterProvider(prevMP) })

	mw := argosotel.Middleware(argosotel.WithTracerProvider(nil), argosotel.WithMeterProvider(nil), nil)
	require.NoError(t, mw(context.Background(), getOp(), func(context.Context) error { return nil }))

	require.Len(t, spans.Ended(), 1)
	assert.Equal(t, "argos.GetSubmission", spans.Ended()[0].Name())
	assert.Equal(t, "github.com/kycgo/argos/otel", spans.Ended()[0].InstrumentationScope().Name)
	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	assert.Len(t, histogram(t, findMetric(t, rm, "argos.client.call.duration"), "GetSubmission"), 1)
}

func TestMetricsDoNotNeedASampledSpan(t *testing.T) {
	spans, reader := tracetest.NewSpanRecorder(), sdkmetric.NewManualReader()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.NeverSample()), sdktrace.WithSpanProcessor(spans))
	mw := argosotel.Middleware(argosotel.WithTracerProvider(tp),
		argosotel.WithMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))))
	op := getOp()
	require.NoError(t, mw(context.Background(), op, func(context.Context) error { op.Attempts, op.StatusCode = 1, 200; return nil }))

	assert.Empty(t, spans.Ended(), "the span was not sampled")
	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	dur := histogram(t, findMetric(t, rm, "argos.client.call.duration"), "GetSubmission")
	require.Len(t, dur, 1, "the call is measured all the same")
	def, err := url.Parse(argos.DefaultBaseURL)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"argos.operation": "GetSubmission", "http.request.method": "GET",
		"url.template": "/v3/submission", "server.address": def.Hostname(),
		"server.port": int64(443), "http.response.status_code": int64(200)}, attrs(dur[0].Attributes.ToSlice()))
}

func TestMiddlewareWithNoOpProvidersOnlyRunsTheCall(t *testing.T) {
	mw := argosotel.Middleware(argosotel.WithTracerProvider(tracenoop.NewTracerProvider()),
		argosotel.WithMeterProvider(metricnoop.NewMeterProvider()))
	calls := 0
	lost := &argos.OutcomeUnknownError{Op: "SubmitStep1", Err: io.ErrUnexpectedEOF}
	err := mw(context.Background(), getOp(), func(context.Context) error { calls++; return lost })
	assert.Equal(t, 1, calls)
	assert.Same(t, lost, err, "the call's error, as it is")
}

// refusingMeter returns no instrument, and an error, for the ones the
// middleware makes.
type refusingMeter struct{ metricnoop.Meter }

func (refusingMeter) Int64Counter(string, ...metric.Int64CounterOption) (metric.Int64Counter, error) {
	return nil, errors.New("counter refused")
}

func (refusingMeter) Float64Histogram(string, ...metric.Float64HistogramOption) (metric.Float64Histogram, error) {
	return nil, errors.New("histogram refused")
}

type refusingProvider struct{ metricnoop.MeterProvider }

func (refusingProvider) Meter(string, ...metric.MeterOption) metric.Meter { return refusingMeter{} }

func TestAMeterThatRefusesInstrumentsIsReportedAndTheCallStillTraced(t *testing.T) {
	var handled []string
	prev := otel.GetErrorHandler()
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) { handled = append(handled, err.Error()) }))
	t.Cleanup(func() { otel.SetErrorHandler(prev) })

	spans := tracetest.NewSpanRecorder()
	mw := argosotel.Middleware(argosotel.WithMeterProvider(refusingProvider{}),
		argosotel.WithTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))))
	op := getOp()
	require.NoError(t, mw(context.Background(), op, func(context.Context) error { op.Attempts = 1; return nil }))

	assert.Equal(t, []string{"histogram refused", "counter refused", "counter refused"}, handled)
	require.Len(t, spans.Ended(), 1, "the span is recorded all the same")
	assert.Equal(t, int64(1), attrs(spans.Ended()[0].Attributes())["argos.attempts"])
}
