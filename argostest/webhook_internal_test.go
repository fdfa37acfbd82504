package argostest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

// hookFake returns a fake that sends its webhooks to a TLS receiver that
// answers 200, with one approved submission "sub1" in it.
func hookFake(t *testing.T, opts ...ServerOption) *fake {
	t.Helper()
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	t.Cleanup(ts.Close)
	fk := newFake(append([]ServerOption{WithWebhookURL(ts.URL, ts.Client())}, opts...))
	t.Cleanup(func() { fk.hooks.close() })
	now := fk.now()
	fk.subs["sub1"] = &submission{
		id: "sub1", created: now, updated: now, email: "a@example.com", userID: "u1",
		name: "Jane Doe", dob: "1990-01-02", gender: "female", nationality: "KOR",
		result: resultPending, pendingAt: now, images: map[string]*storedImage{},
	}
	return fk
}

func flushed(t *testing.T, fk *fake) []WebhookDelivery {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, fk.FlushWebhooks(ctx))
	return fk.Webhooks()
}

func TestEncryptedWebhooks(t *testing.T) {
	fk := hookFake(t, WithAPIKey("sk_test_webhook_key"), WithSecureTransmission())
	require.NoError(t, fk.SetKYCResult("sub1", argos.KYCApproved))

	got := flushed(t, fk)
	require.Len(t, got, 2, "approved and aml")
	for _, d := range got {
		t.Run(string(d.Trigger)+" is sent as {\"data\": …} that the API key decrypts", func(t *testing.T) {
			var wire map[string]string
			require.NoError(t, json.Unmarshal(d.Body, &wire))
			require.Len(t, wire, 1)
			require.NotEmpty(t, wire["data"])

			plain, err := argos.DecryptPayload("sk_test_webhook_key", wire["data"])
			require.NoError(t, err)
			assert.JSONEq(t, string(d.Payload), string(plain))

			e, err := argos.ParseWebhook(d.Body, argos.WithWebhookKey("sk_test_webhook_key"))
			require.NoError(t, err)
			assert.Equal(t, d.Trigger, e.Trigger)
			assert.Equal(t, "sub1", e.SubmissionID)
			_, err = argos.ParseWebhook(d.Body)
			assert.ErrorIs(t, err, argos.ErrInvalidWebhook, "without the key it does not parse")
		})
	}
}

func TestNotifyUpdated(t *testing.T) {
	fk := hookFake(t)
	fk.mu.Lock()
	s := fk.subs["sub1"]
	fk.approve(s, fk.now())
	fk.notify(argos.WebhookUpdated, s, webhookDetail{Admin: "admin@example.com", Updated: []string{"kycStatus"}})
	fk.mu.Unlock()

	got := flushed(t, fk)
	require.Len(t, got, 1)
	e, err := argos.ParseWebhook(got[0].Body)
	require.NoError(t, err)
	assert.Equal(t, argos.WebhookUpdated, e.Trigger)
	assert.Equal(t, argos.KYCApproved, e.Status, "data.kyc_result")
	assert.Equal(t, []string{"kycStatus"}, e.UpdatedFields)
	assert.Equal(t, "admin@example.com", e.Admin)
	assert.NotEmpty(t, e.UpdateTime)
	assert.Equal(t, "Jane Doe", e.FullName)
	assert.Equal(t, "Jane", e.FirstName)
	assert.Equal(t, "Doe", e.LastName)
	assert.Equal(t, argos.Gender("female"), e.Gender)
}

func TestNotifyWithoutASubmission(t *testing.T) {
	fk := hookFake(t)
	fk.mu.Lock()
	fk.notify(argos.WebhookTokenExpired, nil, webhookDetail{Extra: map[string]any{"tokenId": "tok1", "expired_condition": "time"}})
	fk.mu.Unlock()

	got := flushed(t, fk)
	require.Len(t, got, 1)
	assert.Empty(t, got[0].SubmissionID)
	e, err := argos.ParseWebhook(got[0].Body)
	require.NoError(t, err)
	assert.Equal(t, argos.WebhookTokenExpired, e.Trigger)
	assert.Equal(t, "tok1", e.TokenID)
	assert.Equal(t, "time", e.ExpiredCondition)
}
