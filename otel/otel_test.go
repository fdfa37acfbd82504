package argosotel_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// step1 starts a submission on the fake and returns its ID.
func step1(t *testing.T, e *env, r *argos.Step1Request) (string, error) {
	t.Helper()
	if r == nil {
		r = &argos.Step1Request{IssuingCountry: "USA", Email: "applicant@example.com", IDType: argos.IDPassport}
	}
	r.IDImage = &argos.File{Name: "id.png", Body: bytes.NewReader(argostest.SamplePNG())}
	res, err := e.client.SubmitStep1(context.Background(), r)
	if err != nil {
		return "", err
	}
	return res.SubmissionID, nil
}

func TestMiddlewareTracesARetriedCall(t *testing.T) {
	e := setup(t)
	id, err := step1(t, e, nil)
	require.NoError(t, err)
	e.srv.InjectFault(argostest.Fault{Method: http.MethodGet, Path: "/submission", Status: http.StatusServiceUnavailable})

	_, err = e.client.GetSubmission(context.Background(), id)
	require.NoError(t, err)

	span := e.span(t, "argos.GetSubmission")
	t.Logf("the recorded trace of a retried call:\n%s", printSpan(span))
	assert.Equal(t, trace.SpanKindClient, span.SpanKind())
	assert.Equal(t, codes.Unset, span.Status().Code, "a call that succeeded after a retry is no error")
	got := attrs(span.Attributes())
	assert.Regexp(t, `^[0-9a-f-]{36}$`, got["argos.request_id"], "the fake's request ID of the last answer")
	delete(got, "argos.request_id")
	assert.Equal(t, map[string]any{
		"argos.operation":           "GetSubmission",
		"http.request.method":       "GET",
		"url.template":              "/v3/submission",
		"server.address":            e.host,
		"server.port":               int64(e.port),
		"http.response.status_code": int64(200),
		"argos.attempts":            int64(2),
	}, got)

	require.Len(t, span.Events(), 1, "an event per retry")
	ev := span.Events()[0]
	assert.Equal(t, "argos.retry", ev.Name)
	evAttrs := attrs(ev.Attributes)
	assert.Equal(t, int64(1), evAttrs["argos.retry.attempt"], "the attempt that failed")
	assert.Equal(t, "status 503", evAttrs["argos.retry.reason"])
	assert.Equal(t, int64(503), evAttrs["http.response.status_code"])
	assert.Greater(t, evAttrs["argos.retry.wait"], 0.0, "the backoff, in seconds")

	sent := e.sent.of(span)
	require.Len(t, sent, 2, "both attempts carry the call's trace")
	for _, sc := range sent {
		assert.Equal(t, span.SpanContext().SpanID(), sc.SpanID(), "each attempt's request carries the call's span, for otelhttp to nest under")
	}

	rm := e.metrics(t)
	dur := histogram(t, findMetric(t, rm, "argos.client.call.duration"), "GetSubmission")
	require.Len(t, dur, 1)
	assert.Equal(t, uint64(1), dur[0].Count, "one call")
	assert.Positive(t, dur[0].Sum)
	assert.Equal(t, map[string]any{
		"argos.operation": "GetSubmission", "http.request.method": "GET", "url.template": "/v3/submission",
		"server.address": e.host, "server.port": int64(e.port), "http.response.status_code": int64(200),
	}, attrs(dur[0].Attributes.ToSlice()), "the duration's attributes are few-valued")
	assert.Equal(t, "s", findMetric(t, rm, "argos.client.call.duration").Unit)

	assert.Equal(t, int64(2), total(t, rm, "argos.client.call.attempts", "GetSubmission"))

	ret := sums(t, findMetric(t, rm, "argos.client.call.retries"), "GetSubmission")
	require.Len(t, ret, 1)
	assert.Equal(t, int64(1), ret[0].Value)
	assert.Equal(t, map[string]any{
		"argos.operation": "GetSubmission", "http.request.method": "GET", "url.template": "/v3/submission",
		"server.address": e.host, "server.port": int64(e.port), "http.response.status_code": int64(503),
		"error.type": "503",
	}, attrs(ret[0].Attributes.ToSlice()), "a retry counts under the failed attempt's status")
}

func TestMiddlewareMarksALostWriteOutcomeUnknown(t *testing.T) {
	for _, tc := range []struct {
		name      string
		fault     argostest.Fault
		errorType string
		status    any // http.response.status_code, nil when no answer came back
	}{
		{"an answer cut short after Step 1 ran", argostest.Fault{Method: http.MethodPost, Path: "/submission/step1", Truncate: true},
			"connection_closed", int64(200)},
		{"a gateway's 503 to Step 1", argostest.Fault{Method: http.MethodPost, Path: "/submission/step1", Status: http.StatusServiceUnavailable},
			"503", int64(503)},
		{"a connection dropped before any answer", argostest.Fault{Method: http.MethodPost, Path: "/submission/step1", Drop: true},
			"connection_closed", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := setup(t)
			e.srv.InjectFault(tc.fault)

			_, err := step1(t, e, nil)
			require.ErrorIs(t, err, argos.ErrOutcomeUnknown)

			span := e.span(t, "argos.SubmitStep1")
			t.Logf("\n%s", printSpan(span))
			assert.Equal(t, codes.Error, span.Status().Code)
			assert.Equal(t, err.Error(), span.Status().Description)
			a := attrs(span.Attributes())
			assert.Equal(t, true, a["argos.outcome_unknown"])
			assert.Equal(t, tc.errorType, a["error.type"])
			assert.Equal(t, tc.status, a["http.response.status_code"])
			assert.Equal(t, int64(1), a["argos.attempts"], "a write that may have landed is never sent again")
			assert.Equal(t, "POST", a["http.request.method"])
			assert.Equal(t, "/v3/submission/step1", a["url.template"])
			assert.Empty(t, span.Events(), "no retry")

			dur := histogram(t, findMetric(t, e.metrics(t), "argos.client.call.duration"), "SubmitStep1")
			require.Len(t, dur, 1)
			assert.Equal(t, tc.errorType, attrs(dur[0].Attributes.ToSlice())["error.type"])
		})
	}
}

func TestMiddlewareRecordsAReadThatRanOutOfRetries(t *testing.T) {
	e := setup(t)
	e.srv.InjectFault(argostest.Fault{Method: http.MethodGet, Path: "/submission", Status: http.StatusInternalServerError, Times: -1})
	_, err := e.client.GetSubmission(context.Background(), "gt7rcxx9l1o12345")
	require.ErrorIs(t, err, argos.ErrServer)

	span := e.span(t, "argos.GetSubmission")
	assert.Equal(t, codes.Error, span.Status().Code)
	a := attrs(span.Attributes())
	assert.Equal(t, false, a["argos.outcome_unknown"], "a read's outcome is never unknown")
	assert.Equal(t, "500", a["error.type"], "the error answer's status, as the conventions ask")
	assert.Equal(t, int64(500), a["http.response.status_code"])
	assert.Equal(t, int64(4), a["argos.attempts"], "1 + MaxRetries")
	require.Len(t, span.Events(), 3, "an event per retry")
	for i, ev := range span.Events() {
		assert.Equal(t, int64(i+1), attrs(ev.Attributes)["argos.retry.attempt"], "retry events in order")
	}

	rm := e.metrics(t)
	assert.Equal(t, int64(3), total(t, rm, "argos.client.call.retries", "GetSubmission"))
	assert.Equal(t, int64(4), total(t, rm, "argos.client.call.attempts", "GetSubmission"))
}
