package argosotel_test

import (
	"context"
	"fmt"
	"log"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
	argosotel "github.com/kycgo/argos/otel"
)

// A client whose calls are traced and measured. In a service, the
// providers are the ones the service set up with its exporters, and
// Middleware with no options uses the global ones:
//
//	client, err := argos.NewClient(key, argos.WithMiddleware(argosotel.Middleware()))
//
// Here the spans and metrics stay in memory, and the client talks to
// argostest's fake, which answers the first request with a 503.
func ExampleMiddleware() {
	spans, reader := tracetest.NewSpanRecorder(), sdkmetric.NewManualReader()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))

	srv := argostest.NewServer()
	defer srv.Close()
	base := srv.URL("v3")
	client, err := argos.NewClient(srv.APIKey,
		argos.WithBaseURL(base),
		argos.WithHTTPClient(srv.HTTPClient()),
		argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond}),
		argos.WithMiddleware(argosotel.Middleware(
			argosotel.WithTracerProvider(tp),
			argosotel.WithMeterProvider(mp),
			argosotel.WithBaseURL(base), // server.address: the same base as the client's
		)),
	)
	if err != nil {
		log.Fatal(err)
	}

	srv.InjectFault(argostest.Fault{Method: "GET", Path: "/submission", Status: 503})
	if _, err := client.ListSubmissions(context.Background(), &argos.ListSubmissionsParams{Count: 10}); err != nil {
		log.Fatal(err)
	}

	for _, s := range spans.Ended() {
		fmt.Println("span:", s.Name(), s.SpanKind())
		for _, kv := range s.Attributes() {
			if kv.Key == "argos.attempts" || kv.Key == "url.template" || kv.Key == "http.response.status_code" {
				fmt.Printf("  %s = %s\n", kv.Key, kv.Value.Emit())
			}
		}
		for _, ev := range s.Events() {
			fmt.Println("  event:", ev.Name)
		}
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		log.Fatal(err)
	}
	for _, m := range rm.ScopeMetrics[0].Metrics {
		fmt.Println("metric:", m.Name, m.Unit)
	}
	// Output:
	// span: argos.ListSubmissions client
	//   url.template = /v3/submission
	//   http.response.status_code = 200
	//   argos.attempts = 2
	//   event: argos.retry
	// metric: argos.client.call.duration s
	// metric: argos.client.call.attempts {attempt}
	// metric: argos.client.call.retries {retry}
}
