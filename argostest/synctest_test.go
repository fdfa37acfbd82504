//go:build go1.25

// The module supports Go 1.24; testing/synctest needs 1.25, so this file
// builds only there.

package argostest_test

import (
	"context"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

func TestWaitForDecisionPollsWhileTheFakesClockMoves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := argostest.NewHandler()
		defer h.Close()
		client, err := argos.NewClient(h.APIKey(), argos.WithBaseURL("https://fake.invalid/v3"),
			argos.WithHTTPClient(&http.Client{Transport: inProcess{h}}))
		require.NoError(t, err)
		ctx := context.Background()
		h.ScriptStep2(argostest.OutcomeFaceMismatch)
		s1, err := client.SubmitStep1(ctx, step1Req("poll@example.com"))
		require.NoError(t, err)
		s2, err := client.SubmitStep2(ctx, step2Req(s1.SubmissionID))
		require.NoError(t, err)
		require.Equal(t, argos.KYCIncomplete, s2.Status)

		type answer struct {
			sub *argos.Submission
			err error
		}
		done := make(chan answer, 1)
		started := time.Now()
		go func() {
			sub, err := client.WaitForDecision(ctx, s1.SubmissionID)
			done <- answer{sub, err}
		}()
		synctest.Wait() // WaitForDecision read "incomplete" and waits to poll again
		select {
		case <-done:
			t.Fatal("WaitForDecision returned before a decision")
		default:
		}

		h.Advance(24 * time.Hour) // the applicant never retried
		got := <-done
		require.NoError(t, got.err)
		assert.Equal(t, argos.KYCRejected, got.sub.KYC.Status)
		assert.LessOrEqual(t, time.Since(started), argos.DefaultPollPolicy().MinWait,
			"one poll interval of the bubble's clock passed; nothing slept for real")
	})
}
