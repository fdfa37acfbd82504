package argos_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// waitFor polls cond until it holds.
func waitFor(cond func() bool) {
	for !cond() {
		time.Sleep(time.Millisecond)
	}
}

// approveAfterReads approves submission id once the fake has served n reads
// of GET /submission. The returned stop gives up on a waiter that ended
// sooner and waits for the goroutine.
func approveAfterReads(t *testing.T, srv *argostest.Server, id string, n int) (stop func()) {
	var (
		wg      sync.WaitGroup
		stopped atomic.Bool
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		waitFor(func() bool { return submissionGets(srv) >= n || stopped.Load() })
		if !stopped.Load() {
			assert.NoError(t, srv.SetKYCResult(id, argos.KYCApproved))
		}
	}()
	return func() {
		stopped.Store(true)
		wg.Wait()
	}
}

func TestWaitForDecision(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	t.Run("returns the submission once a reviewer decides a pending one", func(t *testing.T) {
		c, srv := waitClient(t)
		id := pendingSubmission(t, c, srv)
		srv.ResetRequests()
		defer approveAfterReads(t, srv, id, 2)() // read while pending, then decided

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
		srv.ResetRequests()
		// Cancelled once a read is done (the second has reached the fake),
		// not after a time that a slow machine could spend connecting.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			waitFor(func() bool { return submissionGets(srv) >= 2 || ctx.Err() != nil })
			cancel()
		}()

		sub, err := c.WaitForDecision(ctx, id)

		require.ErrorIs(t, err, context.Canceled)
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
		// A waiter that reads the submission again is stopped, and fails
		// below with the context's error.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			waitFor(func() bool { return submissionGets(srv) >= 2 || ctx.Err() != nil })
			cancel()
		}()

		// Argos keeps a deleted submission's ID and status and shows it as
		// "Deleted Submission": a pending one would stay pending for ever.
		_, err = c.WaitForDecision(ctx, id)

		require.ErrorIs(t, err, argos.ErrNotFound, "it returned at its first read, without waiting")
		assert.Contains(t, err.Error(), "deleted before a decision")
		assert.Equal(t, 1, submissionGets(srv))
	})

	t.Run("keeps waiting for an applicant who typed Deleted Submission as their name", func(t *testing.T) {
		c, srv := waitClient(t)
		id := namedDeletedSubmission(t, c, srv)
		srv.ResetRequests()
		// Decided once the waiter has seen it pending: a waiter that took the
		// name for a deletion has returned by then.
		defer approveAfterReads(t, srv, id, 1)()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a guard: the decision ends the wait
		defer cancel()

		sub, err := c.WaitForDecision(ctx, id)

		require.NoError(t, err)
		assert.Equal(t, argos.KYCApproved, sub.KYC.Status)
		assert.Equal(t, "Deleted Submission", sub.Data.Name)
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
		// Cancelled once it polled again after the client's own retries (4
		// requests) ran out, whatever the machine's speed.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			waitFor(func() bool { return submissionGets(srv) > 4 || ctx.Err() != nil })
			cancel()
		}()

		_, err := c.WaitForDecision(ctx, "any-submission")

		require.ErrorIs(t, err, context.Canceled)
		require.ErrorIs(t, err, argos.ErrServer)
		assert.Contains(t, err.Error(), "last status: none read")
	})
}

func TestWaitForDecisionNamesOnlyADocumentedStatus(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, tc := range []struct {
		name, result, want string
	}{
		{"a documented status is named", "pending", "last status: pending"},
		{"server text that is no documented status is not quoted", "under review for Jane Doe jane.doe@example.com, ID 900102",
			"last status: undocumented status"},
		{"a documented status with extra text is not quoted", "pending Jane Doe", "last status: undocumented status"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := fmt.Sprintf(`{"Items":[{"submission_id":"sub-1","email":"jane.doe@example.com","kyc":{"result":%q}}]}`, tc.result)
			// The context is cancelled by the second read: the wait ends
			// after it saw the status, whatever the machine's speed.
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			srv, _ := countingServer(t, func(w http.ResponseWriter, _ *http.Request, n int32) {
				if n > 1 {
					cancel()
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(body))
			})
			c := clientFor(t, srv, argos.WithPollPolicy(fastPolls))

			_, err := c.WaitForDecision(ctx, "sub-1")

			require.ErrorIs(t, err, context.Canceled)
			assert.Contains(t, err.Error(), tc.want)
			for _, secret := range []string{"Jane", "jane.doe", "900102", "under review"} {
				assert.NotContains(t, err.Error(), secret)
			}
		})
	}
}

func TestWithPollPolicy(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

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
