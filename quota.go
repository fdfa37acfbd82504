package argos

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"time"
)

// ErrQuotaExceeded matches a 429 answer that says the project's daily quota
// of API calls is spent: 500,000 calls a day, GETs and POSTs together,
// reset every day at 00:00 UTC
// (https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/submit-via-api).
// Such a call is not retried (retrying until midnight helps no one);
// APIError.QuotaResetsAt and the error's text say when the quota resets.
//
// It also matches ErrRateLimited, because the split rests on an inference:
// Argos documents no 429 at all, and its gateway (Amazon API Gateway)
// answers a spent usage-plan quota with {"message":"Limit Exceeded"} and
// throttling with {"message":"Too Many Requests"}, both 429
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
// Only the first is ErrQuotaExceeded; throttling stays ErrRateLimited alone
// and is retried like a 5xx (for GET and DELETE).
var ErrQuotaExceeded = errors.New("argos: daily quota exceeded")

// quotaMessage is the gateway's message for a spent quota, lower-cased.
const quotaMessage = "limit exceeded"

// isQuotaAnswer reports whether a 429's body is the spent quota's answer.
// The body is read leniently: the message in any of the shapes newAPIError
// decodes, or plain text.
func isQuotaAnswer(status int, body []byte) bool {
	return status == http.StatusTooManyRequests && strings.Contains(strings.ToLower(string(body)), quotaMessage)
}

// isQuota reports whether the error answer e is a spent quota.
func (e *APIError) isQuota() bool {
	return e.StatusCode == http.StatusTooManyRequests &&
		strings.Contains(strings.ToLower(e.Code+" "+e.Message), quotaMessage)
}

// QuotaResetsAt returns when the project's daily quota resets, for an
// answer matching ErrQuotaExceeded: the first midnight UTC after the
// answer came. It is the zero time for any other answer.
func (e *APIError) QuotaResetsAt() time.Time {
	if !e.isQuota() {
		return time.Time{}
	}
	at := e.at
	if at.IsZero() {
		at = time.Now()
	}
	return at.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
}

// quotaHint is what the error of a spent quota adds to its text.
func (e *APIError) quotaHint() string {
	return "the project's daily quota of API calls is spent; it resets at midnight UTC (" +
		e.QuotaResetsAt().Format(time.RFC3339) + "); the call was not retried"
}

// Limiter paces the client's requests: Wait blocks until one request may be
// sent, or returns an error (the context's, when it ends first). A
// *rate.Limiter from golang.org/x/time/rate is one.
type Limiter interface {
	Wait(ctx context.Context) error
}

// WithRateLimiter makes the client wait for l before every request it
// sends: each attempt of a call, its retries and every read of
// WaitForDecision and ResolveOutcome included (net/http's own replays and
// redirect hops are not). The wait ends with the call's context. Share one
// limiter between every client and goroutine that uses the same API key:
// the API's limits (5,000 calls a second, 500,000 a day,
// https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/submit-via-api)
// are the key's, not a client's.
//
// To stay under both, pace to the tighter one for your traffic: a job
// that may run all day at a steady pace stays within the daily quota at
// 5 calls a second (rate.NewLimiter(5, 5): 432,000 calls in 24 hours), while
// a burst that must finish quickly may run up to the per-second limit as
// long as its total fits what is left of the day.
func WithRateLimiter(l Limiter) Option {
	return func(c *Client) error {
		if l == nil {
			return &ValidationError{Field: "rate limiter", Reason: "is nil"}
		}
		if v := reflect.ValueOf(l); v.Kind() == reflect.Pointer && v.IsNil() {
			return &ValidationError{Field: "rate limiter", Reason: "is a nil pointer"}
		}
		c.limiter = l
		return nil
	}
}

// pace waits for the client's Limiter, if any, before an attempt of r.
// Nothing of the attempt is sent yet, so an error here is never an unknown
// outcome.
func (c *Client) pace(ctx context.Context, r *call) error {
	if c.limiter == nil {
		return nil
	}
	if err := c.limiter.Wait(ctx); err != nil {
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			err = fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
		return fmt.Errorf("argos: %s: waiting for the rate limiter: %w", r.op, err)
	}
	return nil
}
