package argostest_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/kycgo/argos/argostest"
)

// handClock is a clock the test moves by hand.
type handClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *handClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *handClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestLimitsAnswerWithTheGatewaysMessages(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opt     argostest.ServerOption
		message string
		start   time.Time
		pass    time.Duration // how far the clock moves before the call passes again
		still   time.Duration // a move that is not enough
	}{
		{"a spent daily quota is Limit Exceeded until midnight UTC", argostest.WithDailyQuota(2), "Limit Exceeded",
			time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC), 12 * time.Hour, 12*time.Hour - time.Millisecond},
		{"a busy second is Too Many Requests until the next second", argostest.WithRateLimit(2), "Too Many Requests",
			time.Date(2025, 3, 1, 12, 0, 0, 500_000_000, time.UTC), 500 * time.Millisecond, 500*time.Millisecond - time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := &handClock{now: tc.start}
			c := newRaw(t, tc.opt, argostest.WithClock(clock.Now))
			for range 2 {
				assert.Equal(t, http.StatusOK, c.get("/submission", nil).Status, "within the limit")
			}

			over := c.get("/submission", nil)
			clock.Add(tc.still)
			stillOver := c.get("/submission", nil)
			clock.Add(tc.pass - tc.still)
			again := c.get("/submission", nil)

			assert.Equal(t, http.StatusTooManyRequests, over.Status)
			assert.Equal(t, tc.message, over.Message(t))
			assert.Equal(t, http.StatusTooManyRequests, stillOver.Status)
			assert.Equal(t, http.StatusOK, again.Status, "the window moved on")
		})
	}
}

func TestLimitsCheckTheKeyFirst(t *testing.T) {
	c := newRaw(t, argostest.WithDailyQuota(1))
	c.key = "wrong"
	assert.Equal(t, http.StatusForbidden, c.get("/submission", nil).Status)
	c.key = c.srv.APIKey
	assert.Equal(t, http.StatusOK, c.get("/submission", nil).Status, "a refused key used none of the quota")
}
