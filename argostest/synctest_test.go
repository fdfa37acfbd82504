package argostest_test

// Tests in virtual time (testing/synctest): the client, the fake and their
// timers share a bubble whose clock moves only when every goroutine in it
// waits, so a duration is checked exactly, whatever the machine's speed.

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
	"github.com/kycgo/argos/internal/pipenet"
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

// pipeBase is the base URL of a pipeClient's server.
const pipeBase = "https://fake.test"

// pipeClient serves h with an http.Server over in-memory connections
// (net.Pipe) and returns a client of it: HTTP as on the wire (headers sent
// before a stalled body, a client that hangs up) without a socket, so that a
// synctest bubble holds both ends. Call it inside the bubble; everything is
// closed when the test ends.
func pipeClient(t *testing.T, h http.Handler) *http.Client {
	t.Helper()
	ln := pipenet.New()
	srv := &http.Server{Handler: h, ReadHeaderTimeout: time.Minute}
	tr := &http.Transport{DialTLSContext: ln.Dial}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		_ = srv.Close()
	})
	return &http.Client{Transport: tr}
}
