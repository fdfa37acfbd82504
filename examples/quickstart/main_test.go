package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
	"github.com/kycgo/argos/examples/internal/demo"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestRun(t *testing.T) {
	t.Run("runs the whole flow against the fake when no API key is set", func(t *testing.T) {
		defer goleak.VerifyNone(t)
		ctx := t.Context()
		var out bytes.Buffer

		err := run(ctx, &out, envOf(nil))

		require.NoError(t, err, out.String())
		log := out.String()
		for _, want := range []string{
			"Using the in-process fake Argos server at https://127.0.0.1:",
			"1. Step 1: uploading the sample ID image",
			"2. Step 2: uploading the selfie",
			"   KYC status: incomplete\n",
			"retry reason: The face doesn’t match. Please retry with another face image. (face_compare_underscore)",
			"retries left: 2, can retry: true",
			"3. Step 2 again",
			"   KYC status: approved (face similarity 99, liveness 95)",
			"4. Waiting for the final KYC result",
			"KYC status: approved after 2 attempts",
			"5. Listing the submissions of user quickstart-",
			"   1 submission\n",
			"6. Downloading the selfie",
			"received image/jpeg, 6692 bytes",
			"7. Deleting submission ",
			"Argos answered: success: Submission #",
			"8. Looking the deleted submission up again",
			"gone: email, name (it reads \"Deleted Submission\"), birth date, gender, nationality, images",
		} {
			assert.Contains(t, log, want)
		}
		lines := strings.Split(strings.TrimSpace(log), "\n")
		assert.Equal(t, "Done: KYC approved, submission deleted.", lines[len(lines)-1])
		assert.NotContains(t, log, "applicant@example.com", "the log shows no email")
	})

	t.Run("runs the whole flow encrypted with ARGOS_ENCRYPT=1", func(t *testing.T) {
		defer goleak.VerifyNone(t)
		ctx := t.Context()
		var out bytes.Buffer

		err := run(ctx, &out, envOf(map[string]string{"ARGOS_ENCRYPT": "1"}))

		require.NoError(t, err, out.String())
		log := out.String()
		assert.Contains(t, log, "Secure Data Transmission is on")
		assert.Contains(t, log, "KYC status: approved after 2 attempts")
		assert.Contains(t, log, "   1 submission\n")
		lines := strings.Split(strings.TrimSpace(log), "\n")
		assert.Equal(t, "Done: KYC approved, submission deleted.", lines[len(lines)-1])
	})

	t.Run("refuses an ARGOS_ENCRYPT that is not a boolean", func(t *testing.T) {
		var out bytes.Buffer

		err := run(context.Background(), &out, envOf(map[string]string{"ARGOS_ENCRYPT": "yes please"}))

		require.Error(t, err)
		assert.Contains(t, err.Error(), "ARGOS_ENCRYPT")
		assert.Empty(t, out.String())
	})

	t.Run("refuses real mode without ARGOS_EMAIL and sends nothing", func(t *testing.T) {
		var out bytes.Buffer

		err := run(context.Background(), &out, envOf(map[string]string{"ARGOS_API_KEY": "live_secret_key_123"}))

		require.Error(t, err)
		assert.Contains(t, err.Error(), "ARGOS_EMAIL")
		assert.NotContains(t, err.Error(), "live_secret_key_123")
		assert.Empty(t, out.String())
	})

	t.Run("never shows the API key, even when the client cannot be created", func(t *testing.T) {
		var out bytes.Buffer

		err := run(context.Background(), &out, envOf(map[string]string{
			"ARGOS_API_KEY":  "live_secret_key_123",
			"ARGOS_EMAIL":    "applicant@example.com",
			"ARGOS_BASE_URL": "http://rest-api.example.invalid/v2",
		}))

		require.Error(t, err)
		assert.Contains(t, err.Error(), "https")
		assert.NotContains(t, err.Error()+out.String(), "live_secret_key_123")
	})

	t.Run("stops when the context is cancelled", func(t *testing.T) {
		defer goleak.VerifyNone(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var out bytes.Buffer

		err := run(ctx, &out, envOf(nil))

		require.ErrorIs(t, err, context.Canceled)
		assert.Contains(t, out.String(), "1. Step 1")
		assert.NotContains(t, out.String(), "2. Step 2")
	})
}

// newQuickstart returns a quickstart on a fake server the test scripts.
func newQuickstart(t *testing.T, out *bytes.Buffer, pollFor time.Duration) (*quickstart, *argostest.Server) {
	t.Helper()
	return newQuickstartWith(t, out, pollFor, nil, nil)
}

// newQuickstartWith is newQuickstart with options for the fake and the
// client.
func newQuickstartWith(t *testing.T, out *bytes.Buffer, pollFor time.Duration, sopts []argostest.ServerOption,
	copts []argos.Option,
) (*quickstart, *argostest.Server) {
	t.Helper()
	srv := argostest.NewServer(sopts...)
	t.Cleanup(srv.Close)
	poll := argos.PollPolicy{MinWait: 20 * time.Millisecond, MaxWait: 20 * time.Millisecond}
	client, err := argos.NewClient(srv.APIKey, append(copts, argos.WithBaseURL(srv.BaseURL), argos.WithHTTPClient(srv.HTTPClient()),
		argos.WithPollPolicy(poll))...)
	require.NoError(t, err)
	return &quickstart{
		client: client,
		out:    &demo.Log{W: out},
		cfg:    settings{email: fakeEmail, pollEvery: poll.MinWait, pollFor: pollFor},
		userID: "quickstart-test",
	}, srv
}

func TestPolling(t *testing.T) {
	t.Run("prints pending until a reviewer decides", func(t *testing.T) {
		var out bytes.Buffer
		q, srv := newQuickstart(t, &out, 5*time.Second)
		srv.ScriptStep2(argostest.OutcomePending)
		done := make(chan struct{})
		defer close(done)
		go func() {
			// Decide once the quickstart has read the pending submission,
			// however long its uploads took.
			for {
				select {
				case <-done:
					return
				default:
				}
				var id string
				reads := 0
				for _, r := range srv.Requests() {
					switch {
					case r.Path == "/submission/step2":
						id = r.Form["submissionId"]
					case id != "" && r.Method == http.MethodGet && r.Path == "/submission":
						reads++
					}
				}
				if reads > 0 {
					_ = srv.SetKYCResult(id, argos.KYCRejected, "Document looks altered")
					return
				}
				time.Sleep(time.Millisecond)
			}
		}()

		err := q.run(context.Background())

		require.NoError(t, err, out.String())
		log := out.String()
		assert.Contains(t, log, "   KYC status: pending (face similarity 88, liveness 91)")
		assert.Contains(t, log, "  KYC status: pending\n")
		assert.Contains(t, log, "KYC status: rejected after 1 attempt")
		assert.Contains(t, log, "comment: Document looks altered (other)")
		assert.Contains(t, log, "Done: KYC rejected, submission deleted.")
	})

	t.Run("gives up waiting at the deadline and still cleans up", func(t *testing.T) {
		var out bytes.Buffer
		q, srv := newQuickstart(t, &out, 100*time.Millisecond)
		srv.ScriptStep2(argostest.OutcomePending)

		err := q.run(context.Background())

		require.NoError(t, err, out.String())
		log := out.String()
		assert.Contains(t, log, "Argos will decide later")
		assert.Contains(t, log, "Deleting submission")
		assert.Contains(t, log, "Done: KYC pending, submission deleted.")
	})

	t.Run("does not wait for an incomplete submission after the one retry", func(t *testing.T) {
		var out bytes.Buffer
		q, srv := newQuickstart(t, &out, time.Second)
		srv.ScriptStep2(argostest.OutcomeNoFace, argostest.OutcomeNoFace, argostest.OutcomeNoFace)

		err := q.run(context.Background())

		require.NoError(t, err, out.String())
		log := out.String()
		assert.Contains(t, log, "retries left: 2, can retry: true")
		assert.Contains(t, log, "retries left: 1, can retry: true")
		assert.Contains(t, log, "not retrying again")
		assert.NotContains(t, log, "Waiting for the final KYC result")
		assert.Contains(t, log, "Done: KYC incomplete, submission deleted.")
	})

	t.Run("deletes the submission even when a later step fails", func(t *testing.T) {
		var out bytes.Buffer
		q, srv := newQuickstart(t, &out, time.Second)
		srv.InjectFault(argostest.Fault{Method: "POST", Path: "/submission/step2", Status: 500})

		err := q.run(context.Background())

		require.ErrorIs(t, err, argos.ErrServer)
		require.ErrorIs(t, err, argos.ErrOutcomeUnknown, "a 500 to a write may have landed")
		log := out.String()
		assert.Contains(t, log, "failed: argos: SubmitStep2: POST /v3/submission/step2: 500 Internal Server Error")
		assert.Contains(t, log, "Client.ResolveOutcome")
		assert.Contains(t, log, "Argos answered: success: Submission #")
		assert.Contains(t, log, "Stopped early (see above); the submission was deleted.")
	})
}

func TestEncryptedFlow(t *testing.T) {
	t.Run("every submission read travels encrypted and nothing else does", func(t *testing.T) {
		var out bytes.Buffer
		q, srv := newQuickstartWith(t, &out, 5*time.Second,
			[]argostest.ServerOption{argostest.WithSecureTransmission()}, []argos.Option{argos.WithSecureTransmission()})
		srv.ScriptStep2(argostest.OutcomeFaceMismatch, argostest.OutcomeApprove)

		err := q.run(context.Background())

		require.NoError(t, err, out.String())
		assert.Contains(t, out.String(), "Done: KYC approved, submission deleted.")
		reads := 0
		for _, r := range srv.Requests() {
			assert.Less(t, r.Status, 300, "%s was answered %d", r, r.Status)
			if r.Method == "GET" && r.Path == "/submission" {
				reads++
				assert.Len(t, r.Query, 1, "data is the only parameter")
				assert.NotEmpty(t, r.Query.Get("data"))
				assert.NotContains(t, r.Query.Encode(), q.userID, "the user ID is not sent in clear")
			}
		}
		assert.GreaterOrEqual(t, reads, 3, "the flow waited, listed and looked the submission up again")
	})

	t.Run("a client without the option is refused by the encrypted fake", func(t *testing.T) {
		var out bytes.Buffer
		q, srv := newQuickstartWith(t, &out, time.Second, []argostest.ServerOption{argostest.WithSecureTransmission()}, nil)
		srv.ScriptStep2(argostest.OutcomeApprove)

		err := q.run(context.Background())

		require.ErrorIs(t, err, argos.ErrBadRequest, out.String())
		assert.Contains(t, out.String(), "Decryption is Failed. Please check the api-key")
	})
}
