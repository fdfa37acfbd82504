package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestRun(t *testing.T) {
	t.Run("plays the liveform journey on the fake when no API key is set", func(t *testing.T) {
		defer goleak.VerifyNone(t)
		ctx := t.Context()
		var out bytes.Buffer

		err := run(ctx, &out, envOf(nil))

		require.NoError(t, err, out.String())
		log := out.String()
		for _, want := range []string{
			"Using the in-process fake Argos server at https://127.0.0.1:",
			"1. Putting a private-mode token in the project's pool",
			"2. Building the applicant's link\n   https://form.argosidentity.com/?pid=demo-project…",
			"3. The applicant fills in the form (the fake plays it)",
			"kycStatus approved, userid liveform-",
			"the return URL agrees",
			"   created       status incomplete, retry code glare_detected\n",
			"   approved      status approved\n",
			"   aml           AML Not Screened\n",
			"   token_expired expired by count\n",
			"error page TK-10001 (the token is used up); the return URL carries errorCode=TK-10001",
		} {
			assert.Contains(t, log, want)
		}
		lines := strings.Split(strings.TrimSpace(log), "\n")
		assert.Regexp(t, `^Done: KYC approved for user liveform-[0-9a-f]{8}\.$`, lines[len(lines)-1])
		assert.NotContains(t, log, "applicant@example.com", "the log shows no email")
	})
	t.Run("against the real API it prints a link for the browser without sending anything", func(t *testing.T) {
		var out bytes.Buffer
		env := envOf(map[string]string{"ARGOS_API_KEY": "live_key_for_the_test", "ARGOS_PROJECT_ID": "my-project"})

		err := run(context.Background(), &out, env)

		require.NoError(t, err)
		assert.Contains(t, out.String(), "open it in a browser: https://form.argosidentity.com/?pid=my-project&encrypted=")
		assert.NotContains(t, out.String(), "live_key_for_the_test")
	})
	t.Run("against the real API it needs the project ID", func(t *testing.T) {
		var out bytes.Buffer
		err := run(context.Background(), &out, envOf(map[string]string{"ARGOS_API_KEY": "k"}))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "ARGOS_PROJECT_ID")
	})
	t.Run("a return URL that is not one is refused before reading anything", func(t *testing.T) {
		var out bytes.Buffer
		env := envOf(map[string]string{"ARGOS_API_KEY": "k", "ARGOS_RETURN_URL": "https://app.example/?submissionId=a&submissionId=b"})
		err := run(context.Background(), &out, env)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "reading the return URL")
	})
}
