package argos_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

func TestWaitForDecision(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	t.Run("returns the submission once a reviewer decides a pending one", func(t *testing.T) {
		c, srv := waitClient(t)
		id := pendingSubmission(t, c, srv)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(60 * time.Millisecond)
			assert.NoError(t, srv.SetKYCResult(id, argos.KYCApproved))
		}()
		defer wg.Wait()

		sub, err := c.WaitForDecision(context.Background(), id)

		require.NoError(t, err)
		assert.Equal(t, id, sub.ID)
		assert.Equal(t, argos.KYCApproved, sub.KYC.Status)
		assert.Greater(t, submissionGets(srv), 1, "it polled while the submission was pending")
	})

	t.Run("returns a rejection the same way", func(t *testing.T) {
		c, srv := waitClient(t)
		id := pendingSubmission(t, c, srv)
		require.NoError(t, srv.SetKYCResult(id, argos.KYCRejected, "document looks edited"))

		sub, err := c.WaitForDecision(context.Background(), id)

		require.NoError(t, err)
		assert.Equal(t, argos.KYCRejected, sub.KYC.Status)
		assert.Equal(t, []string{"document looks edited"}, sub.KYC.Comment)
	})

	t.Run("returns a decided submission after one read", func(t *testing.T) {
		c, srv := waitClient(t)
		s1 := step1(t, c, "decided@example.com", "decided-user")
		_, err := step2(t, c, s1.SubmissionID)
		require.NoError(t, err)
		srv.ResetRequests()

		sub, err := c.WaitForDecision(context.Background(), s1.SubmissionID)

		require.NoError(t, err)
		assert.Equal(t, argos.KYCApproved, sub.KYC.Status)
		assert.Equal(t, 1, submissionGets(srv))
	})

	t.Run("ends with the context and names the last status seen", func(t *testing.T) {
		c, srv := waitClient(t)
		id := pendingSubmission(t, c, srv)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()

		sub, err := c.WaitForDecision(ctx, id)

		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Nil(t, sub)
		assert.Contains(t, err.Error(), "last status: pending")
		assert.NotContains(t, err.Error(), "waiting@example.com")
	})

	t.Run("stops at once on a context already cancelled", func(t *testing.T) {
		c, srv := waitClient(t)
		id := pendingSubmission(t, c, srv)
		srv.ResetRequests()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()

		_, err := c.WaitForDecision(ctx, id)

		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 0, submissionGets(srv))
	})

	t.Run("returns not-found at once for a submission that does not exist", func(t *testing.T) {
		c, srv := waitClient(t)

		_, err := c.WaitForDecision(context.Background(), "no-such-submission")

		require.ErrorIs(t, err, argos.ErrNotFound)
		assert.Equal(t, 1, submissionGets(srv))
	})

	t.Run("returns not-found at once when the submission is deleted while waiting", func(t *testing.T) {
		c, srv := waitClient(t)
		id := pendingSubmission(t, c, srv)
		_, err := c.DeleteSubmission(context.Background(), &argos.DeleteSubmissionRequest{SubmissionID: id})
		require.NoError(t, err)

		srv.ResetRequests()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()

		// Argos keeps a deleted submission's ID and status and shows it as
		// "Deleted Submission": a pending one would stay pending for ever.
		_, err = c.WaitForDecision(ctx, id)

		require.ErrorIs(t, err, argos.ErrNotFound)
		require.NoError(t, ctx.Err(), "it did not wait for the deadline")
		assert.Contains(t, err.Error(), "deleted before a decision")
		assert.Equal(t, 1, submissionGets(srv))
	})

	t.Run("returns a forbidden answer at once", func(t *testing.T) {
		c, srv := waitClient(t)
		srv.InjectFault(argostest.Fault{Method: http.MethodGet, Path: "/submission", Times: -1, Status: http.StatusForbidden})

		_, err := c.WaitForDecision(context.Background(), "any-submission")

		require.ErrorIs(t, err, argos.ErrForbidden)
		assert.Equal(t, 1, submissionGets(srv))
	})

	t.Run("refuses an empty submission ID before sending anything", func(t *testing.T) {
		c, srv := waitClient(t)

		_, err := c.WaitForDecision(context.Background(), "")

		require.ErrorIs(t, err, argos.ErrValidation)
		assert.Equal(t, 0, submissionGets(srv))
	})
}

func TestWaitForDecisionRetriesTransientFailures(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, tc := range []struct {
		name  string
		fault argostest.Fault
	}{
		// The client itself retries 3 times (4 requests); 6 failures make
		// the first poll fail and the second succeed on its third request.
		{"keeps polling through 503s that outlast the client's retries", argostest.Fault{Status: http.StatusServiceUnavailable}},
		{"keeps polling through 429s", argostest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "0"}},
		{"keeps polling through dropped connections", argostest.Fault{Drop: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, srv := waitClient(t)
			id := pendingSubmission(t, c, srv)
			require.NoError(t, srv.SetKYCResult(id, argos.KYCApproved))
			srv.ResetRequests()
			f := tc.fault
			f.Method, f.Path, f.Times = http.MethodGet, "/submission", 6
			srv.InjectFault(f)

			sub, err := c.WaitForDecision(context.Background(), id)

			require.NoError(t, err)
			assert.Equal(t, argos.KYCApproved, sub.KYC.Status)
			assert.Equal(t, 7, submissionGets(srv), "6 failed requests over two polls, then the answer")
		})
	}

	t.Run("wraps the last failure when the context ends during an outage", func(t *testing.T) {
		c, srv := waitClient(t)
		srv.InjectFault(argostest.Fault{Method: http.MethodGet, Path: "/submission", Times: -1, Status: http.StatusBadGateway})
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()

		_, err := c.WaitForDecision(ctx, "any-submission")

		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.ErrorIs(t, err, argos.ErrServer)
		assert.Contains(t, err.Error(), "last status: none read")
		assert.Greater(t, submissionGets(srv), 4, "it polled again after the client's own retries ran out")
	})
}

func TestWithPollPolicy(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	t.Run("the default policy waits seconds between reads", func(t *testing.T) {
		c, srv := fakeClient(t)
		id := pendingSubmission(t, c, srv)
		srv.ResetRequests()
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()

		_, err := c.WaitForDecision(ctx, id)

		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 1, submissionGets(srv), "the second read is due after at least DefaultPollPolicy.MinWait/2")
	})

	t.Run("a short policy reads many times in a longer span", func(t *testing.T) {
		c, srv := waitClient(t)
		id := pendingSubmission(t, c, srv)
		srv.ResetRequests()
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()

		_, err := c.WaitForDecision(ctx, id)

		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Greater(t, submissionGets(srv), 3, "reads at most 10 ms apart (about 18 in 200 ms when idle)")
	})

	for _, tc := range []struct {
		name string
		p    argos.PollPolicy
	}{
		{"a negative MinWait", argos.PollPolicy{MinWait: -time.Second}},
		{"a negative MaxWait", argos.PollPolicy{MaxWait: -time.Second}},
		{"a MinWait longer than MaxWait", argos.PollPolicy{MinWait: time.Minute, MaxWait: time.Second}},
	} {
		t.Run(tc.name+" is refused by NewClient", func(t *testing.T) {
			_, err := argos.NewClient(testKey, argos.WithPollPolicy(tc.p))

			require.ErrorIs(t, err, argos.ErrValidation)
		})
	}

	t.Run("a MinWait alone over the default MaxWait is accepted", func(t *testing.T) {
		_, err := argos.NewClient(testKey, argos.WithPollPolicy(argos.PollPolicy{MinWait: 2 * time.Minute}))

		require.NoError(t, err)
	})
}
