package argos_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

func TestNewClientRefusesBadConfiguration(t *testing.T) {
	tests := []struct {
		name string
		key  string
		opts []argos.Option
	}{
		{"an empty API key", "", nil},
		{"a blank API key", "   ", nil},
		{"an API key with a newline", "abc\r\nX-Evil: 1", nil},
		{"a plain-HTTP base URL", testKey, []argos.Option{argos.WithBaseURL("http://rest-api.argoskyc.com/v2")}},
		{"a base URL without scheme", testKey, []argos.Option{argos.WithBaseURL("rest-api.argoskyc.com/v2")}},
		{"a base URL with credentials", testKey, []argos.Option{argos.WithBaseURL("https://u:p@rest-api.argoskyc.com/v2")}},
		{"a base URL with a query", testKey, []argos.Option{argos.WithBaseURL("https://rest-api.argoskyc.com/v2?x=1")}},
		{"a nil option", testKey, []argos.Option{nil}},
		{"a nil HTTP client", testKey, []argos.Option{argos.WithHTTPClient(nil)}},
		{"a negative retry count", testKey, []argos.Option{argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: -1})}},
		{"a minimum wait above the maximum", testKey, []argos.Option{argos.WithRetryPolicy(argos.RetryPolicy{MinWait: time.Second, MaxWait: time.Millisecond})}},
		{"a nil logger", testKey, []argos.Option{argos.WithLogger(nil)}},
		{"a negative timeout", testKey, []argos.Option{argos.WithTimeout(-time.Second)}},
		{"an empty user agent", testKey, []argos.Option{argos.WithUserAgent("")}},
		{"a user agent with a newline", testKey, []argos.Option{argos.WithUserAgent("a\nb")}},
	}
	for _, tc := range tests {
		t.Run("it refuses "+tc.name, func(t *testing.T) {
			c, err := argos.NewClient(tc.key, tc.opts...)
			assert.Nil(t, c)
			require.ErrorIs(t, err, argos.ErrValidation)
			if tc.key != "" && strings.TrimSpace(tc.key) != "" {
				assert.NotContains(t, err.Error(), tc.key)
			}
		})
	}
}

func TestNewClientDefaults(t *testing.T) {
	c, err := argos.NewClient(testKey)
	require.NoError(t, err)
	assert.Equal(t, argos.DefaultBaseURL, c.BaseURL())

	c, err = argos.NewClient(testKey, argos.WithBaseURL(argos.BaseURLV3+"/"))
	require.NoError(t, err)
	assert.Equal(t, argos.BaseURLV3, c.BaseURL(), "a trailing slash is dropped")

	c, mt := newMockClient(t, argos.WithBaseURL(mockBase+"?"))
	assert.Equal(t, mockBase, c.BaseURL(), "an empty query is dropped")
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonResponder(t, http.StatusOK, "submission_single_guide.json"))
	_, err = c.GetSubmission(context.Background(), "gt7rcxx9l1o*****")
	require.NoError(t, err, "requests go to the API's paths")
	_, err = c.ListSubmissions(context.Background(), &argos.ListSubmissionsParams{})
	require.NoError(t, err)
	assert.Equal(t, 2, mt.GetTotalCallCount())
}

func TestARequestWithNoParametersHasNoQuery(t *testing.T) {
	page := fixture(t, "submission_list_guide.json")
	var mu sync.Mutex
	var rawURLs []string
	srv := newConnCountingServerWith(t, false, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		rawURLs = append(rawURLs, r.RequestURI)
		mu.Unlock()
		_, _ = w.Write(page)
	}))
	c, err := argos.NewClient(testKey, argos.WithBaseURL(srv.URL+"/v2"), argos.WithRootCAs(srv.roots()))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	_, err = c.ListSubmissions(context.Background(), &argos.ListSubmissionsParams{})
	require.NoError(t, err)
	_, err = c.ListSubmissions(context.Background(), nil)
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"/v2/submission", "/v2/submission"}, rawURLs)
}

// countingServer answers with handler and counts requests; handler gets
// the 1-based number of the request it serves.
func countingServer(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, n int32)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler(w, r, n.Add(1))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func clientFor(t *testing.T, srv *httptest.Server, opts ...argos.Option) *argos.Client {
	t.Helper()
	c, err := argos.NewClient(testKey, append([]argos.Option{
		argos.WithBaseURL(srv.URL + "/v2"), argos.WithHTTPClient(srv.Client()), argos.WithRetryPolicy(fastRetries),
	}, opts...)...)
	require.NoError(t, err)
	return c
}

func okList(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"Items":[{"submission_id":"s1","kyc":{"result":"approved"}}]}`))
}

func TestTheKeyTravelsOnlyInTheHeader(t *testing.T) {
	var gotKey, gotURL string
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request, n int32) {
		gotKey, gotURL = r.Header.Get("x-api-key"), r.URL.String()
		okList(w)
	})
	_, err := clientFor(t, srv).GetSubmission(context.Background(), "s1")
	require.NoError(t, err)
	assert.Equal(t, testKey, gotKey)
	assert.NotContains(t, gotURL, testKey)
	assert.Equal(t, "/v2/submission?submission_id=s1", gotURL)
}

func TestRedirectsNeverCarryTheKeyToAnotherHost(t *testing.T) {
	var otherKey atomic.Value
	other, otherHits := countingServer(t, func(w http.ResponseWriter, r *http.Request, n int32) {
		otherKey.Store(r.Header.Get("x-api-key"))
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write([]byte("\x89PNG\r\n\x1a\nfake"))
	})
	var sameHostKey atomic.Value
	api, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request, n int32) {
		switch r.URL.Path {
		case "/v2/image":
			http.Redirect(w, r, "/v2/moved-image", http.StatusFound)
		case "/v2/moved-image":
			sameHostKey.Store(r.Header.Get("x-api-key"))
			http.Redirect(w, r, other.URL+"/bucket/selfie.png?sig=abc", http.StatusTemporaryRedirect)
		}
	})
	c := clientFor(t, api)

	d, err := c.Image(context.Background(), "s1", argos.ImageSelfie)
	require.NoError(t, err)
	defer d.Body.Close()

	assert.Equal(t, int32(1), otherHits.Load())
	assert.Equal(t, testKey, sameHostKey.Load(), "a redirect within the API host keeps the key")
	assert.Empty(t, otherKey.Load(), "another host never receives x-api-key")
	assert.Equal(t, "image/png", d.ContentType)
}

func TestRedirectsToPlainHTTPAreRefused(t *testing.T) {
	var plainHits atomic.Int32
	plain := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { plainHits.Add(1) }))
	defer plain.Close()
	api, apiHits := countingServer(t, func(w http.ResponseWriter, r *http.Request, n int32) {
		http.Redirect(w, r, plain.URL+"/steal?email=jane@example.com", http.StatusFound)
	})

	_, err := clientFor(t, api).GetSubmission(context.Background(), "s1")
	require.ErrorIs(t, err, argos.ErrInsecureRedirect)
	assert.Zero(t, plainHits.Load())
	assert.Equal(t, int32(1), apiHits.Load(), "a refused redirect is not retried")
	assert.NotContains(t, err.Error(), "jane@example.com")
}

func TestRedirectLoopsEnd(t *testing.T) {
	api, hits := countingServer(t, func(w http.ResponseWriter, r *http.Request, n int32) {
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	})
	_, err := clientFor(t, api).GetSubmission(context.Background(), "s1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "redirects")
	assert.Equal(t, int32(10), hits.Load(), "ten hops and no retry of the loop")
}

func TestRedirectedPostsAreNotFollowed(t *testing.T) {
	api, hits := countingServer(t, func(w http.ResponseWriter, r *http.Request, n int32) {
		http.Redirect(w, r, "/v2/elsewhere", http.StatusTemporaryRedirect)
	})
	_, err := clientFor(t, api).AddressCode(context.Background(), &argos.AddressCodeRequest{Address: "1 Main St"})
	var apiErr *argos.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusTemporaryRedirect, apiErr.StatusCode)
	assert.Equal(t, int32(1), hits.Load())
}

func TestGetsAreRetriedUntilTheFaultClears(t *testing.T) {
	for _, status := range []int{429, 500, 502, 503, 504} {
		t.Run(fmt.Sprintf("a %d then success recovers", status), func(t *testing.T) {
			api, hits := countingServer(t, func(w http.ResponseWriter, r *http.Request, n int32) {
				if n <= 2 {
					w.WriteHeader(status)
					return
				}
				okList(w)
			})
			sub, err := clientFor(t, api).GetSubmission(context.Background(), "s1")
			require.NoError(t, err)
			assert.Equal(t, "s1", sub.ID)
			assert.Equal(t, int32(3), hits.Load())
		})
	}
}

func TestGetsGiveUpAfterMaxRetries(t *testing.T) {
	api, hits := countingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int32) {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"message":"Service Unavailable"}`))
	})
	_, err := clientFor(t, api).GetSubmission(context.Background(), "s1")
	var apiErr *argos.APIError
	require.ErrorAs(t, err, &apiErr, "the last answer becomes the error")
	assert.ErrorIs(t, err, argos.ErrServer)
	assert.Equal(t, 4, apiErr.Attempts)
	assert.Equal(t, int32(4), hits.Load())
	assert.Equal(t, "Service Unavailable", apiErr.Message)
}

func TestRetryAfterIsHonouredButCapped(t *testing.T) {
	api, hits := countingServer(t, func(w http.ResponseWriter, r *http.Request, n int32) {
		if n == 1 {
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		okList(w)
	})
	start := time.Now()
	_, err := clientFor(t, api, argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 30 * time.Millisecond})).
		GetSubmission(context.Background(), "s1")
	require.NoError(t, err)
	assert.Equal(t, int32(2), hits.Load())
	assert.Less(t, time.Since(start), 5*time.Second, "an hour's Retry-After is capped at MaxWait")
}

func TestAWaitEndsWithTheContext(t *testing.T) {
	api, _ := countingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int32) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	c := clientFor(t, api, argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: 5, MinWait: time.Second, MaxWait: time.Minute}))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.GetSubmission(ctx, "s1")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 2*time.Second)
}

func TestWithTimeoutBoundsACall(t *testing.T) {
	api, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request, n int32) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	start := time.Now()
	_, err := clientFor(t, api, argos.WithTimeout(100*time.Millisecond)).GetSubmission(context.Background(), "s1")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 2*time.Second)
}

func TestAPostThatWasSentIsNeverRepeated(t *testing.T) {
	t.Run("a gateway error after sending is not retried and says the outcome is unknown", func(t *testing.T) {
		api, hits := countingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int32) {
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte(`{"message":"Bad Gateway"}`))
		})
		_, err := clientFor(t, api).AddressCode(context.Background(), &argos.AddressCodeRequest{Address: "1 Main St"})
		assert.ErrorIs(t, err, argos.ErrServer)
		assert.ErrorIs(t, err, argos.ErrOutcomeUnknown)
		assert.Contains(t, err.Error(), "look the submission up")
		assert.Equal(t, int32(1), hits.Load())
	})
	t.Run("a connection dropped after the body was read is not retried", func(t *testing.T) {
		api, hits := countingServer(t, func(w http.ResponseWriter, r *http.Request, n int32) {
			_, _ = bytes.NewBuffer(nil).ReadFrom(r.Body)
			conn, _, err := w.(http.Hijacker).Hijack()
			require.NoError(t, err)
			_ = conn.Close()
		})
		_, err := clientFor(t, api).SubmitStep1(context.Background(), &argos.Step1Request{
			IssuingCountry: "USA", Email: "jane@example.com", IDType: "passport", IDImage: image(t, "id_front.png"), UserID: "u-77"})
		var unknown *argos.OutcomeUnknownError
		require.ErrorAs(t, err, &unknown)
		assert.ErrorIs(t, err, argos.ErrOutcomeUnknown)
		assert.Equal(t, "SubmitStep1", unknown.Op)
		assert.Equal(t, int32(1), hits.Load())
		assert.NotContains(t, err.Error(), "jane@example.com")
	})
	t.Run("a 500 to a step 2 is not retried", func(t *testing.T) {
		api, hits := countingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int32) { w.WriteHeader(500) })
		_, err := clientFor(t, api).SubmitStep2(context.Background(), &argos.Step2Request{SubmissionID: "s",
			FaceImage: image(t, "selfie.jpg"), Name: "J", DateOfBirth: "1990-01-01"})
		assert.ErrorIs(t, err, argos.ErrServer)
		assert.Equal(t, int32(1), hits.Load())
	})
}

// recordingHandler keeps slog records for assertions.
type recordingHandler struct {
	mu      sync.Mutex
	records []string
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	h.mu.Lock()
	h.records = append(h.records, b.String())
	h.mu.Unlock()
	return nil
}
func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler      { return h }

func (h *recordingHandler) all() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.records...)
}

func TestAPostIsRetriedWhenNoConnectionWasMade(t *testing.T) {
	logs := &recordingHandler{}
	c, err := argos.NewClient(testKey, argos.WithBaseURL("https://"+closedPort(t)+"/v2"), argos.WithRetryPolicy(fastRetries),
		argos.WithLogger(slog.New(logs)))
	require.NoError(t, err)
	_, err = c.SubmitStep1(context.Background(), &argos.Step1Request{
		IssuingCountry: "USA", Email: "jane@example.com", IDType: "passport", IDImage: image(t, "id_front.png")})
	require.Error(t, err)
	assert.NotErrorIs(t, err, argos.ErrOutcomeUnknown, "nothing was sent, so the outcome is known")
	assert.Len(t, logs.all(), 4, "the first attempt and three retries")
	assert.Contains(t, logs.all()[3], "attempt=4")
}

func TestLogsCarryMetadataOnly(t *testing.T) {
	api, _ := countingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int32) { okList(w) })
	logs := &recordingHandler{}
	c := clientFor(t, api, argos.WithLogger(slog.New(logs)))
	_, err := c.ListSubmissions(context.Background(), &argos.ListSubmissionsParams{Email: "jane.doe@example.com", UserID: "user-secret-42"})
	require.NoError(t, err)

	recs := logs.all()
	require.Len(t, recs, 1)
	for _, want := range []string{"method=GET", "path=/v2/submission", "status=200", "attempt=1", "duration="} {
		assert.Contains(t, recs[0], want)
	}
	for _, secret := range []string{"jane.doe", "user-secret-42", testKey, "email="} {
		assert.NotContains(t, recs[0], secret)
	}
}

func TestTransportErrorsCarryNoQueryValues(t *testing.T) {
	c, err := argos.NewClient(testKey, argos.WithBaseURL("https://"+closedPort(t)+"/v2"), argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: 0}))
	require.NoError(t, err)

	_, err = c.ListSubmissions(context.Background(), &argos.ListSubmissionsParams{Email: "jane.doe@example.com", UserID: "user-secret-42"})
	require.Error(t, err)
	var netErr *net.OpError
	assert.True(t, errors.As(err, &netErr), "the network error stays in the chain")
	for _, secret := range []string{"jane.doe", "user-secret-42", testKey} {
		assert.NotContains(t, err.Error(), secret)
	}
}

func TestUserAgentNamesTheCaller(t *testing.T) {
	var ua string
	api, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request, n int32) {
		ua = r.Header.Get("User-Agent")
		okList(w)
	})
	_, err := clientFor(t, api, argos.WithUserAgent("acme-onboarding/1.4")).GetSubmission(context.Background(), "s1")
	require.NoError(t, err)
	assert.Equal(t, "acme-onboarding/1.4 argos-go/"+argos.Version, ua)
}

func TestACancelledContextSendsNothing(t *testing.T) {
	api, hits := countingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int32) { okList(w) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := clientFor(t, api).GetSubmission(ctx, "s1")
	require.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, hits.Load())
}
