package argosotel_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
	argosotel "github.com/kycgo/argos/otel"
)

// env is an argos client on argostest's fake with argosotel's middleware,
// whose spans and metrics stay in memory.
type env struct {
	client *argos.Client
	srv    *argostest.Server
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	host   string // the fake's address
	port   int
	sent   *sentContexts
}

// setup starts a fake and builds a client on its v3 base with the
// middleware, recording into an in-memory span recorder and a manual
// metric reader. Retries are quick (1 ms to 20 ms apart). Every request's
// span context is kept (env.sent) to check the call's span reaches it.
func setup(t *testing.T) *env {
	t.Helper()
	srv := argostest.NewServer()
	t.Cleanup(srv.Close)
	e := &env{srv: srv, spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader(), sent: &sentContexts{}}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(e.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(e.reader))
	base := srv.URL("v3")
	mw := argosotel.Middleware(argosotel.WithTracerProvider(tp), argosotel.WithMeterProvider(mp),
		argosotel.WithBaseURL(base))
	hc := srv.HTTPClient()
	hc.Transport = &spanSpy{next: hc.Transport, sent: e.sent}
	c, err := argos.NewClient(srv.APIKey, argos.WithBaseURL(base), argos.WithHTTPClient(hc),
		argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 20 * time.Millisecond}),
		argos.WithMiddleware(mw))
	require.NoError(t, err)
	e.client = c
	u, err := url.Parse(base)
	require.NoError(t, err)
	e.host = u.Hostname()
	_, err = fmt.Sscan(u.Port(), &e.port)
	require.NoError(t, err)
	return e
}

// spanSpy is a transport that keeps the span context of every request.
type spanSpy struct {
	next http.RoundTripper
	sent *sentContexts
}

func (s *spanSpy) RoundTrip(r *http.Request) (*http.Response, error) {
	s.sent.add(trace.SpanContextFromContext(r.Context()))
	return s.next.RoundTrip(r)
}

type sentContexts struct {
	mu  sync.Mutex
	scs []trace.SpanContext
}

func (s *sentContexts) add(sc trace.SpanContext) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scs = append(s.scs, sc)
}

// of returns the span contexts of the requests the span's trace sent.
func (s *sentContexts) of(span sdktrace.ReadOnlySpan) []trace.SpanContext {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []trace.SpanContext
	for _, sc := range s.scs {
		if sc.TraceID() == span.SpanContext().TraceID() {
			out = append(out, sc)
		}
	}
	return out
}

// span returns the one ended span named name.
func (e *env) span(t *testing.T, name string) sdktrace.ReadOnlySpan {
	t.Helper()
	var found []sdktrace.ReadOnlySpan
	for _, s := range e.spans.Ended() {
		if s.Name() == name {
			found = append(found, s)
		}
	}
	require.Len(t, found, 1, "spans named %s", name)
	return found[0]
}

// metrics collects the metrics recorded so far.
func (e *env) metrics(t *testing.T) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, e.reader.Collect(context.Background(), &rm))
	return rm
}

// attrs turns attributes into a map for comparison.
func attrs(kvs []attribute.KeyValue) map[string]any {
	m := make(map[string]any, len(kvs))
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.AsInterface()
	}
	return m
}

// findMetric returns the metric named name.
func findMetric(t *testing.T, rm metricdata.ResourceMetrics, name string) metricdata.Metrics {
	t.Helper()
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				return m
			}
		}
	}
	require.Failf(t, "no metric", "metric %s was not recorded", name)
	return metricdata.Metrics{}
}

// sums returns a counter's data points of one argos operation.
func sums(t *testing.T, m metricdata.Metrics, op string) []metricdata.DataPoint[int64] {
	t.Helper()
	s, ok := m.Data.(metricdata.Sum[int64])
	require.True(t, ok, "%s is an int64 sum", m.Name)
	return slices.DeleteFunc(slices.Clone(s.DataPoints), func(p metricdata.DataPoint[int64]) bool {
		return !isOperation(p.Attributes, op)
	})
}

// total is a counter's value for one argos operation, which has one data
// point.
func total(t *testing.T, rm metricdata.ResourceMetrics, name, op string) int64 {
	t.Helper()
	points := sums(t, findMetric(t, rm, name), op)
	require.Len(t, points, 1, "%s of %s", name, op)
	return points[0].Value
}

// histogram returns a histogram's data points of one argos operation.
func histogram(t *testing.T, m metricdata.Metrics, op string) []metricdata.HistogramDataPoint[float64] {
	t.Helper()
	h, ok := m.Data.(metricdata.Histogram[float64])
	require.True(t, ok, "%s is a float64 histogram", m.Name)
	return slices.DeleteFunc(slices.Clone(h.DataPoints), func(p metricdata.HistogramDataPoint[float64]) bool {
		return !isOperation(p.Attributes, op)
	})
}

// isOperation reports whether a data point is of the argos operation op.
func isOperation(set attribute.Set, op string) bool {
	v, _ := set.Value("argos.operation")
	return v.AsString() == op
}

// dumpTelemetry renders every span (name, attributes, status, events and
// their attributes) and every metric data point's attributes as text.
func dumpTelemetry(t *testing.T, e *env) string {
	t.Helper()
	var b strings.Builder
	for _, s := range e.spans.Ended() {
		fmt.Fprintf(&b, "span %s %s %q\n", s.Name(), emit(s.Attributes()), s.Status().Description)
		for _, ev := range s.Events() {
			fmt.Fprintf(&b, "  event %s %s\n", ev.Name, emit(ev.Attributes))
		}
	}
	rm := e.metrics(t)
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					fmt.Fprintf(&b, "metric %s %s\n", m.Name, emit(p.Attributes.ToSlice()))
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					fmt.Fprintf(&b, "metric %s %s\n", m.Name, emit(p.Attributes.ToSlice()))
				}
			default:
				t.Fatalf("metric %s of an unexpected kind %T", m.Name, m.Data)
			}
		}
	}
	return b.String()
}

// printSpan renders a span as the closing note shows it.
func printSpan(s sdktrace.ReadOnlySpan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "span %q kind=%s status=%s %q\n", s.Name(), s.SpanKind(), s.Status().Code, s.Status().Description)
	for _, kv := range s.Attributes() {
		fmt.Fprintf(&b, "  %s = %v\n", kv.Key, kv.Value.Emit())
	}
	for _, ev := range s.Events() {
		fmt.Fprintf(&b, "  event %q\n", ev.Name)
		for _, kv := range ev.Attributes {
			fmt.Fprintf(&b, "    %s = %v\n", kv.Key, kv.Value.Emit())
		}
	}
	return b.String()
}

// emit renders attributes as key=value pairs.
func emit(kvs []attribute.KeyValue) string {
	parts := make([]string, len(kvs))
	for i, kv := range kvs {
		parts[i] = string(kv.Key) + "=" + kv.Value.Emit()
	}
	return strings.Join(parts, " ")
}

// recorded is what one direct run of the middleware recorded.
type recorded struct {
	span    sdktrace.ReadOnlySpan
	metrics metricdata.ResourceMetrics
}

// runMiddleware runs the middleware, built with opts and in-memory
// providers, around a stand-in call that fills op as a call would (fill)
// and returns err, without any server.
func runMiddleware(t *testing.T, op *argos.Operation, fill func(*argos.Operation), err error, opts ...argosotel.Option) recorded {
	t.Helper()
	spans, reader := tracetest.NewSpanRecorder(), sdkmetric.NewManualReader()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	mw := argosotel.Middleware(append([]argosotel.Option{argosotel.WithTracerProvider(tp), argosotel.WithMeterProvider(mp)}, opts...)...)
	got := mw(context.Background(), op, func(context.Context) error {
		if fill != nil {
			fill(op)
		}
		return err
	})
	require.Equal(t, err, got, "the middleware returns the call's error as it is")
	require.Len(t, spans.Ended(), 1)
	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	return recorded{span: spans.Ended()[0], metrics: rm}
}
