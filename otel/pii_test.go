package argosotel_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// TestTelemetryCarriesNoPersonalData plants an email, a user ID and a name
// in requests that succeed, are retried, fail and are lost, and looks for
// them in every span, event, status and metric attribute.
func TestTelemetryCarriesNoPersonalData(t *testing.T) {
	const (
		email  = "jane.planted@example.com"
		userID = "user-planted-8812"
		name   = "Jane Planted-Doe"
	)
	e := setup(t)
	ctx := context.Background()
	planted := func() *argos.Step1Request {
		return &argos.Step1Request{IssuingCountry: "USA", Email: email, UserID: userID, CF1: name, IDType: argos.IDPassport}
	}

	id, err := step1(t, e, planted())
	require.NoError(t, err)

	e.srv.InjectFault(argostest.Fault{Method: http.MethodGet, Path: "/submission", Status: http.StatusServiceUnavailable})
	list, err := e.client.ListSubmissions(ctx, &argos.ListSubmissionsParams{Email: email, UserID: userID})
	require.NoError(t, err)
	require.Len(t, list.Items, 1, "the planted submission is found, so the answer carried the planted data")

	_, err = e.client.GetSubmission(ctx, id)
	require.NoError(t, err)

	e.srv.InjectFault(argostest.Fault{Method: http.MethodGet, Path: "/submission", Drop: true, Times: -1})
	_, err = e.client.ListSubmissions(ctx, &argos.ListSubmissionsParams{Email: email})
	require.Error(t, err, "a read whose connections all drop")
	e.srv.ClearFaults()

	e.srv.InjectFault(argostest.Fault{Method: http.MethodPost, Path: "/submission/step1", Truncate: true})
	_, err = step1(t, e, planted())
	require.ErrorIs(t, err, argos.ErrOutcomeUnknown)

	// Argos echoes the email in one of its refusals.
	e.srv.InjectFault(argostest.Fault{Method: http.MethodPost, Path: "/submission/step1", Status: http.StatusBadRequest,
		Body: `{"message":"[` + email + `] had submitted another KYC and is already approved; therefore, this submission is not accepted to avoid duplicate submissions"}`})
	_, err = step1(t, e, planted())
	require.ErrorIs(t, err, argos.ErrBadRequest)

	dump := dumpTelemetry(t, e)
	require.Len(t, e.spans.Ended(), 6, "a span per call")
	require.Contains(t, dump, "argos.retry", "the dump holds the retry events")
	require.Contains(t, dump, "argos.client.call.duration", "the dump holds the metrics")
	for _, secret := range []string{email, userID, name, "Planted", "planted", id, e.srv.APIKey} {
		assert.NotContains(t, dump, secret)
	}
}
