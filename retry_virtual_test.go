package argos_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

// virtualRetries waits long enough that a wait of MinWait–MaxWait could not
// pass for a Retry-After.
var virtualRetries = argos.RetryPolicy{MaxRetries: 2, MinWait: 100 * time.Millisecond, MaxWait: 30 * time.Second}

// stalledBody is a body whose Read blocks until ctx ends.
type stalledBody struct{ ctx context.Context }

func (b stalledBody) Read([]byte) (int, error) {
	<-b.ctx.Done()
	return 0, b.ctx.Err()
}

func (stalledBody) Close() error { return nil }

// retryAfterThenOK answers 429 with the Retry-After retryAfter() gives, then
// a correct answer.
func retryAfterThenOK(retryAfter func() string) func(n int32, r *http.Request) (*http.Response, error) {
	return func(n int32, _ *http.Request) (*http.Response, error) {
		if n == 1 {
			resp := httpmock.NewStringResponse(http.StatusTooManyRequests, `{"message":"Too Many Requests"}`)
			resp.Header.Set("Retry-After", retryAfter())
			return resp, nil
		}
		return okSubmission(nil)
	}
}

// okSubmission is a correct GET /submission answer.
func okSubmission(*http.Request) (*http.Response, error) {
	return httpmock.NewStringResponse(http.StatusOK, `{"Items":[{"submission_id":"s1"}]}`), nil
}

// unavailableFor30s answers 503 with Retry-After: 30.
func unavailableFor30s(int32, *http.Request) (*http.Response, error) {
	resp := httpmock.NewStringResponse(http.StatusServiceUnavailable, "")
	resp.Header.Set("Retry-After", "30")
	return resp, nil
}

// noAnswer never answers: it returns when the request's context ends.
func noAnswer(_ int32, r *http.Request) (*http.Response, error) {
	<-r.Context().Done()
	return nil, r.Context().Err()
}

// TestWaitsAndTimeoutsInVirtualTime checks how long a call waits, in virtual
// time (testing/synctest) against an in-memory transport: the durations are
// exact, whatever the machine's speed.
func TestWaitsAndTimeoutsInVirtualTime(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []argos.Option
		// ctxTimeout, when set, is the caller's deadline; cancelAfter, when
		// set, cancels the caller's context after that long.
		ctxTimeout, cancelAfter time.Duration
		answer                  func(n int32, r *http.Request) (*http.Response, error)
		wantErr                 error // nil: the call succeeds
		wantHits                int32
		// want is how long the call takes; upTo, when set, allows up to
		// that long (jitter).
		want, upTo time.Duration
	}{
		{
			name:   "a 429 with Retry-After: 2 is waited on for 2 s, then the call succeeds",
			answer: retryAfterThenOK(func() string { return "2" }), wantHits: 2, want: 2 * time.Second,
		},
		{
			name: "a Retry-After as an HTTP date is waited on until that date",
			answer: retryAfterThenOK(func() string {
				return time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)
			}),
			wantHits: 2, want: 3 * time.Second,
		},
		{
			name:   "an hour's Retry-After is capped at MaxWait",
			answer: retryAfterThenOK(func() string { return "3600" }), wantHits: 2, want: virtualRetries.MaxWait,
		},
		{
			name: "a backoff wait without Retry-After lies between MinWait/2 and MinWait",
			answer: func(n int32, r *http.Request) (*http.Response, error) {
				if n == 1 {
					return httpmock.NewStringResponse(http.StatusServiceUnavailable, ""), nil
				}
				return okSubmission(r)
			},
			wantHits: 2, want: virtualRetries.MinWait / 2, upTo: virtualRetries.MinWait,
		},
		{
			name:       "a backoff wait longer than the caller's deadline ends with the deadline",
			answer:     unavailableFor30s,
			ctxTimeout: 100 * time.Millisecond, wantErr: context.DeadlineExceeded, wantHits: 1, want: 100 * time.Millisecond,
		},
		{
			name:        "a backoff wait ends when the caller cancels",
			answer:      unavailableFor30s,
			cancelAfter: 50 * time.Millisecond, wantErr: context.Canceled, wantHits: 1, want: 50 * time.Millisecond,
		},
		{
			name:   "WithTimeout ends a call whose answer never comes",
			opts:   []argos.Option{argos.WithTimeout(time.Second)},
			answer: noAnswer, wantErr: context.DeadlineExceeded, wantHits: 1, want: time.Second,
		},
		{
			name:       "the caller's deadline ends a call whose answer never comes",
			ctxTimeout: 1500 * time.Millisecond,
			answer:     noAnswer, wantErr: context.DeadlineExceeded, wantHits: 1, want: 1500 * time.Millisecond,
		},
		{
			name: "WithTimeout ends a call whose body stalls after the headers",
			opts: []argos.Option{argos.WithTimeout(time.Second)},
			answer: func(_ int32, r *http.Request) (*http.Response, error) {
				return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
					Body: stalledBody{r.Context()}, Request: r}, nil
			},
			wantErr: context.DeadlineExceeded, wantHits: 1, want: time.Second,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var hits atomic.Int32
				c, mt := newMockClient(t, append([]argos.Option{argos.WithRetryPolicy(virtualRetries)}, tc.opts...)...)
				mt.RegisterResponder(http.MethodGet, mockBase+"/submission", func(r *http.Request) (*http.Response, error) {
					return tc.answer(hits.Add(1), r)
				})
				ctx, cancel := context.WithCancel(context.Background())
				if tc.ctxTimeout > 0 {
					ctx, cancel = context.WithTimeout(context.Background(), tc.ctxTimeout)
				}
				defer cancel()
				if tc.cancelAfter > 0 {
					time.AfterFunc(tc.cancelAfter, cancel)
				}
				start := time.Now()

				_, err := c.GetSubmission(ctx, "s1")

				took := time.Since(start)
				if tc.wantErr == nil {
					require.NoError(t, err)
				} else {
					require.ErrorIs(t, err, tc.wantErr)
				}
				assert.Equal(t, tc.wantHits, hits.Load(), "requests sent")
				if tc.upTo > 0 {
					assert.GreaterOrEqual(t, took, tc.want, "virtual time the call took")
					assert.LessOrEqual(t, took, tc.upTo, "virtual time the call took")
					return
				}
				assert.Equal(t, tc.want, took, "virtual time the call took")
			})
		})
	}
}

// TestADownloadWithAStalledBodyEndsAtWithTimeoutInVirtualTime: the Download
// is handed over with the headers, and reading its stalled body fails when
// WithTimeout runs out, not before.
func TestADownloadWithAStalledBodyEndsAtWithTimeoutInVirtualTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mt := newMockClient(t, argos.WithTimeout(2*time.Second))
		mt.RegisterResponder(http.MethodGet, "=~^"+mockBase+"/image", func(r *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"image/png"}},
				Body: io.NopCloser(io.MultiReader(strings.NewReader("\x89PNG\r\n"), stalledBody{r.Context()})), Request: r}, nil
		})
		start := time.Now()

		d, err := c.DownloadImage(context.Background(), "s1", argos.ImageID)
		require.NoError(t, err, "the Download is handed over with the headers")
		defer d.Body.Close()
		assert.Zero(t, time.Since(start))
		_, err = io.ReadAll(d.Body)

		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 2*time.Second, time.Since(start), "virtual time the read took")
	})
}
