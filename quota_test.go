//go:build go1.25

package argos_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// The quota and rate tests run in a synctest bubble against the fake over
// in-memory connections: the fake's day and second windows and the client's
// backoffs run on virtual time, which starts at 2000-01-01 00:00 UTC.

func TestDailyQuotaIsNotThrottling(t *testing.T) {
	midnight := time.Date(2000, 1, 2, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		fake  []argostest.ServerOption
		retry argos.RetryPolicy
		check func(t *testing.T, err error, sent int)
	}{
		{"a spent daily quota is ErrQuotaExceeded, also ErrRateLimited, and is not retried",
			[]argostest.ServerOption{argostest.WithDailyQuota(1)}, fastRetries,
			func(t *testing.T, err error, sent int) {
				require.ErrorIs(t, err, argos.ErrQuotaExceeded)
				assert.ErrorIs(t, err, argos.ErrRateLimited, "the split rests on an inferred message: a quota is still a 429")
				assert.Equal(t, 2, sent, "the first call and one attempt of the second: retrying until midnight helps no one")
			}},
		{"a spent daily quota says it resets at midnight UTC",
			[]argostest.ServerOption{argostest.WithDailyQuota(1)}, fastRetries,
			func(t *testing.T, err error, _ int) {
				var apiErr *argos.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, midnight, apiErr.QuotaResetsAt())
				assert.Contains(t, err.Error(), "daily quota")
				assert.Contains(t, err.Error(), "midnight UTC (2000-01-02T00:00:00Z)")
			}},
		{"throttling stays ErrRateLimited and is not taken for the quota",
			[]argostest.ServerOption{argostest.WithRateLimit(1)}, argos.RetryPolicy{MaxRetries: 0},
			func(t *testing.T, err error, sent int) {
				require.ErrorIs(t, err, argos.ErrRateLimited)
				assert.NotErrorIs(t, err, argos.ErrQuotaExceeded)
				var apiErr *argos.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.True(t, apiErr.QuotaResetsAt().IsZero(), "no quota reset for throttling")
				assert.Equal(t, 2, sent)
			}},
		{"throttling is retried, and passes once the second is over",
			[]argostest.ServerOption{argostest.WithRateLimit(1)},
			argos.RetryPolicy{MaxRetries: 3, MinWait: time.Second, MaxWait: 4 * time.Second},
			func(t *testing.T, err error, sent int) {
				require.NoError(t, err)
				assert.GreaterOrEqual(t, sent, 3, "the first call, a throttled attempt and a retry")
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fake := newPipeFake(t, nil, tc.fake...)
				c := fake.client(t, argos.WithRetryPolicy(tc.retry))
				_, err := c.ListSubmissions(t.Context(), nil)
				require.NoError(t, err, "the first call is within the limits")

				_, err = c.ListSubmissions(t.Context(), nil)

				tc.check(t, err, len(fake.Requests()))
			})
		})
	}
}

func TestDailyQuotaResetsAtMidnightUTC(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fake := newPipeFake(t, nil, argostest.WithDailyQuota(1))
		c := fake.client(t)
		_, err := c.ListSubmissions(t.Context(), nil)
		require.NoError(t, err)
		_, err = c.ListSubmissions(t.Context(), nil)
		var apiErr *argos.APIError
		require.ErrorAs(t, err, &apiErr)
		require.ErrorIs(t, err, argos.ErrQuotaExceeded)

		time.Sleep(time.Until(apiErr.QuotaResetsAt()))

		_, err = c.ListSubmissions(t.Context(), nil)
		assert.NoError(t, err, "a new day, a new quota")
	})
}

func TestWaitForDecisionStopsAtASpentQuota(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fake := newPipeFake(t, nil, argostest.WithDailyQuota(3))
		c := fake.client(t)
		fake.ScriptStep2(argostest.OutcomePending)
		id := step1(t, c, "quota@example.com", "").SubmissionID
		_, err := step2(t, c, id)
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
		defer cancel()

		_, err = c.WaitForDecision(ctx, id) // one read within the quota, the next past it

		require.ErrorIs(t, err, argos.ErrQuotaExceeded)
		assert.NoError(t, ctx.Err(), "it returned at the quota, instead of polling until the context ended")
	})
}

// countingLimiter counts its waits and refuses with err, when set.
type countingLimiter struct {
	waits atomic.Int32
	err   error
}

func (l *countingLimiter) Wait(ctx context.Context) error {
	l.waits.Add(1)
	if l.err != nil {
		return l.err
	}
	return ctx.Err()
}

// blockingLimiter never grants a request: Wait ends with the context.
type blockingLimiter struct{}

func (blockingLimiter) Wait(ctx context.Context) error {
	<-ctx.Done()
	return ctx.Err()
}

func TestRateLimiterIsConsultedBeforeEveryAttempt(t *testing.T) {
	errRefused := errors.New("limiter refused")
	for _, tc := range []struct {
		name  string
		limit *countingLimiter
		run   func(t *testing.T, fake *pipeFake, c *argos.Client) error
		check func(t *testing.T, err error, l *countingLimiter, fake *pipeFake)
	}{
		{"a call waits before its first attempt and before each retry", &countingLimiter{},
			func(t *testing.T, fake *pipeFake, c *argos.Client) error {
				fake.InjectFault(argostest.Fault{Method: http.MethodGet, Path: "/submission", Status: 503, Times: 2})
				_, err := c.ListSubmissions(t.Context(), nil)
				return err
			},
			func(t *testing.T, err error, l *countingLimiter, fake *pipeFake) {
				require.NoError(t, err)
				assert.EqualValues(t, 3, l.waits.Load(), "two 503s and the answer")
				assert.Len(t, fake.Requests(), 3)
			}},
		{"WaitForDecision's polls wait for it too", &countingLimiter{},
			func(t *testing.T, fake *pipeFake, c *argos.Client) error {
				fake.ScriptStep2(argostest.OutcomePending)
				id := step1(t, c, "limiter@example.com", "").SubmissionID
				if _, err := step2(t, c, id); err != nil {
					return err
				}
				ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
				defer cancel()
				_, err := c.WaitForDecision(ctx, id)
				return err
			},
			func(t *testing.T, err error, l *countingLimiter, fake *pipeFake) {
				require.ErrorIs(t, err, context.DeadlineExceeded, "the submission stays pending")
				assert.EqualValues(t, len(fake.Requests()), l.waits.Load(), "one wait per request, polls included")
				assert.Greater(t, len(fake.Requests()), 3, "Step 1, Step 2 and several polls")
			}},
		{"a limiter's error ends the call before anything is sent", &countingLimiter{err: errRefused},
			func(t *testing.T, _ *pipeFake, c *argos.Client) error {
				_, err := c.ListSubmissions(t.Context(), nil)
				return err
			},
			func(t *testing.T, err error, _ *countingLimiter, fake *pipeFake) {
				require.ErrorIs(t, err, errRefused)
				assert.NotErrorIs(t, err, argos.ErrOutcomeUnknown)
				assert.Empty(t, fake.Requests())
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fake := newPipeFake(t, nil)
				c := fake.client(t, argos.WithRateLimiter(tc.limit), argos.WithPollPolicy(argos.PollPolicy{MinWait: time.Second, MaxWait: 2 * time.Second}))
				err := tc.run(t, fake, c)
				tc.check(t, err, tc.limit, fake)
			})
		})
	}
}

func TestRateLimiterWaitEndsWithTheContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fake := newPipeFake(t, nil)
		c := fake.client(t, argos.WithRateLimiter(blockingLimiter{}))
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()

		_, err := c.SubmitStep1(ctx, step1Request("wait@example.com", ""))

		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.NotErrorIs(t, err, argos.ErrOutcomeUnknown, "nothing was sent")
		assert.Empty(t, fake.Requests())
	})
}

func TestRateLimiterPacesCalls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fake := newPipeFake(t, nil, argostest.WithRateLimit(2))
		// One limiter shared by two clients of the same key, as the docs advise.
		limiter := rate.NewLimiter(2, 1)
		a := fake.client(t, argos.WithRateLimiter(limiter), argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: 0}))
		b := fake.client(t, argos.WithRateLimiter(limiter), argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: 0}))
		start := time.Now()

		for i := range 10 {
			_, err := []*argos.Client{a, b}[i%2].ListSubmissions(t.Context(), nil)
			require.NoError(t, err, "call %d: the limiter keeps the clients under the fake's 2 a second", i)
		}

		assert.GreaterOrEqual(t, time.Since(start), 4500*time.Millisecond, "10 calls at 2 a second (virtual time)")
	})
}

func TestWithRateLimiterRefusesNil(t *testing.T) {
	_, err := argos.NewClient(testKey, argos.WithRateLimiter(nil))
	require.ErrorIs(t, err, argos.ErrValidation)
	var typedNil *rate.Limiter
	_, err = argos.NewClient(testKey, argos.WithRateLimiter(typedNil))
	require.ErrorIs(t, err, argos.ErrValidation)
}
