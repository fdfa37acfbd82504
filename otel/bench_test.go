package argosotel_test

import (
	"context"
	"testing"
	"time"

	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/kycgo/argos"
	argosotel "github.com/kycgo/argos/otel"
)

// BenchmarkMiddleware is the middleware's own cost per call, around a
// stand-in call with one retry (no network): with no-op providers, and with
// the SDK's sampling every span (to no exporter) and aggregating metrics.
func BenchmarkMiddleware(b *testing.B) {
	for _, tc := range []struct {
		name string
		opts []argosotel.Option
	}{
		{"providers=noop", []argosotel.Option{argosotel.WithTracerProvider(tracenoop.NewTracerProvider()),
			argosotel.WithMeterProvider(metricnoop.NewMeterProvider())}},
		{"providers=sdk", []argosotel.Option{argosotel.WithTracerProvider(sdktrace.NewTracerProvider()),
			argosotel.WithMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader())))}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			mw := argosotel.Middleware(tc.opts...)
			retries := []argos.Retry{{Attempt: 1, Reason: "status 503", StatusCode: 503, Wait: time.Millisecond}}
			next := func(context.Context) error { return nil }
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				op := argos.Operation{Name: "GetSubmission", Method: "GET", Path: "/v3/submission", Route: "/v3/submission",
					Attempts: 2, StatusCode: 200, RequestID: "c0ffee", Retries: retries}
				if err := mw(ctx, &op, next); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
