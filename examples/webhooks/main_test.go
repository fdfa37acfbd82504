package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/kycgo/argos"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestRun(t *testing.T) {
	t.Run("receives every webhook of a submission from the fake when no API key is set", func(t *testing.T) {
		defer goleak.VerifyNone(t)
		ctx := t.Context()
		var out bytes.Buffer

		require.NoError(t, run(ctx, &out, envOf(nil)), out.String())

		var received []string
		for _, line := range strings.Split(out.String(), "\n") {
			if f := strings.Fields(line); len(f) > 1 && f[0] == "received" {
				received = append(received, strings.Join(append([]string{f[1]}, f[3:]...), " "))
			}
		}
		assert.Equal(t, []string{
			"created status=incomplete",
			"retry status=incomplete retryCode=face_compare_underscore attempts=1",
			"submit status=pending",
			"approved status=approved",
			`aml status=- aml="Not Screened" risk="Not Screened"`,
			`aml status=- aml="Red Flag" risk="HIGH"`,
			"delete status=-",
		}, received, out.String())
		assert.Contains(t, out.String(), "The fake delivered 7 webhooks, 0 failed.")
		assert.Contains(t, out.String(), "got 404 and reached no handler")
		assert.NotContains(t, out.String(), "applicant@example.com", "no personal data is printed")
	})
	t.Run("refuses real mode without a long webhook secret", func(t *testing.T) {
		var out bytes.Buffer
		err := run(context.Background(), &out, envOf(map[string]string{"ARGOS_API_KEY": "live_secret_key_123", "WEBHOOK_SECRET": "short"}))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "WEBHOOK_SECRET")
		assert.NotContains(t, err.Error(), "live_secret_key_123")
	})
}

func TestReceiver(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("..", "..", "testdata", "webhooks", "retry.json"))
	require.NoError(t, err)
	const secret = "0123456789abcdef0123456789abcdef"
	var got []string
	handler, err := newReceiver(secret, func(_ context.Context, e *argos.WebhookEvent) error {
		got = append(got, e.SubmissionID)
		return nil
	})
	require.NoError(t, err)
	rcv := httptest.NewServer(handler)
	defer rcv.Close()

	tests := []struct {
		name, path string
		want       int
	}{
		{"the secret path reaches the handler", hookPath + secret, http.StatusOK},
		{"a wrong secret is not found", hookPath + "0123456789abcdef0123456789abcdee", http.StatusNotFound},
		{"a secret's prefix is not found", hookPath + secret[:8], http.StatusNotFound},
		{"no secret is not found", hookPath, http.StatusNotFound},
		{"another path is not found", "/", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.Post(rcv.URL+tt.path, "application/json", bytes.NewReader(body))
			require.NoError(t, err)
			_ = resp.Body.Close()
			assert.Equal(t, tt.want, resp.StatusCode)
		})
	}
	assert.Equal(t, []string{"sub_retry_01"}, got, "only the request on the secret path was handled")
}
