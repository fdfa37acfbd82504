package argostest

import (
	"net/http"
	"sync"
	"time"
)

// The API gateway's answers to a client over its limits: API Gateway's
// QUOTA_EXCEEDED ("Limit Exceeded") and THROTTLED ("Too Many Requests")
// gateway responses, both 429
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
// Argos documents no 429; that its gateway sends these two is an inference.
const (
	msgQuotaExceeded = "Limit Exceeded"
	msgThrottled     = "Too Many Requests"
)

// WithDailyQuota makes the fake allow n API calls a day (the API allows
// 500,000, reset at 00:00 UTC:
// https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/submit-via-api).
// Past n, every call until the next midnight UTC of the fake's clock (see
// WithClock) is answered 429 {"message":"Limit Exceeded"} and not served.
// Calls refused by WithRateLimit do not count. n <= 0 means no quota.
func WithDailyQuota(n int) ServerOption {
	return func(c *config) { limitsOf(c).perDay = n }
}

// WithRateLimit makes the fake serve at most n API calls in each second of
// its clock (the API allows 5,000); the others are answered 429
// {"message":"Too Many Requests"} and not served. n <= 0 means no limit.
func WithRateLimit(n int) ServerOption {
	return func(c *config) { limitsOf(c).perSecond = n }
}

// limits counts the calls of the current day and second.
type limits struct {
	perDay, perSecond int

	mu           sync.Mutex
	day, second  time.Time // the current windows' starts
	inDay, inSec int
}

// limitsOf returns the limits of c, made on first use.
func limitsOf(c *config) *limits {
	if c.limits == nil {
		c.limits = &limits{}
	}
	return c.limits
}

// overLimit answers a call the limits refuse and reports whether it did.
// Faults come first; the API key is checked before (a usage plan belongs to
// a key).
func (h *Handler) overLimit(w http.ResponseWriter) bool {
	l := h.cfg.limits
	if l == nil {
		return false
	}
	h.mu.Lock()
	now := h.now()
	h.mu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	if day := now.Truncate(24 * time.Hour); !day.Equal(l.day) {
		l.day, l.inDay = day, 0
	}
	if sec := now.Truncate(time.Second); !sec.Equal(l.second) {
		l.second, l.inSec = sec, 0
	}
	switch {
	case l.perDay > 0 && l.inDay >= l.perDay:
		writeMessage(w, http.StatusTooManyRequests, msgQuotaExceeded)
		return true
	case l.perSecond > 0 && l.inSec >= l.perSecond:
		writeMessage(w, http.StatusTooManyRequests, msgThrottled)
		return true
	}
	l.inDay++
	l.inSec++
	return false
}
