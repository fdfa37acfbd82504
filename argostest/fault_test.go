package argostest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos/argostest"
)

func TestFaultStatus(t *testing.T) {
	tests := []struct {
		name      string
		fault     argostest.Fault
		wantCT    string
		wantBody  string
		wantRetry string
	}{
		{"a 500 gets the gateway's default body", argostest.Fault{Status: 500}, "application/json", `{"message":"Internal Server Error"}`, ""},
		{"a 502 gets Bad Gateway", argostest.Fault{Status: 502}, "application/json", `{"message":"Bad Gateway"}`, ""},
		{"a 429 carries Retry-After", argostest.Fault{Status: 429, RetryAfter: "2"}, "application/json", `{"message":"Too Many Requests"}`, "2"},
		{"a 503 with an HTTP-date Retry-After", argostest.Fault{Status: 503, RetryAfter: "Wed, 21 Oct 2015 07:28:00 GMT"},
			"application/json", `{"message":"Service Unavailable"}`, "Wed, 21 Oct 2015 07:28:00 GMT"},
		{"a custom body and content type are sent as given", argostest.Fault{Status: 502, Body: "<html>bad gateway</html>", ContentType: "text/html"},
			"text/html", "<html>bad gateway</html>", ""},
		{"the IP allow-list deny can be injected", argostest.Fault{Status: 403, Body: `{"message":"User is not authorized to access this resource with an explicit deny"}`},
			"application/json", `{"message":"User is not authorized to access this resource with an explicit deny"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newRaw(t)
			c.srv.InjectFault(tt.fault)
			r := c.get("/submission", nil)
			assert.Equal(t, tt.fault.Status, r.Status)
			assert.Equal(t, tt.wantCT, r.Header.Get("Content-Type"))
			assert.Equal(t, tt.wantBody, string(r.Body))
			assert.Equal(t, tt.wantRetry, r.Header.Get("Retry-After"))
			assert.Equal(t, http.StatusOK, c.get("/submission", nil).Status, "one use by default")
		})
	}

	t.Run("a fault is matched before the API key is checked", func(t *testing.T) {
		c := newRaw(t)
		c.key = "wrong"
		c.srv.InjectFault(argostest.Fault{Status: 500})
		assert.Equal(t, 500, c.get("/submission", nil).Status)
		assert.Equal(t, 403, c.get("/submission", nil).Status)
	})
	t.Run("Times counts matching requests only", func(t *testing.T) {
		c := newRaw(t)
		c.srv.InjectFault(argostest.Fault{Method: "GET", Path: "/image", Status: 503, Times: 2})
		assert.Equal(t, 200, c.get("/submission", nil).Status)
		assert.Equal(t, 503, c.get("/image", nil).Status)
		assert.Equal(t, 400, c.postForm("/address_code", nil).Status)
		assert.Equal(t, 503, c.get("/image", nil).Status)
		assert.Equal(t, 400, c.get("/image", nil).Status)
	})
	t.Run("the path matches under both v2 and v3", func(t *testing.T) {
		c := newRaw(t)
		c.srv.InjectFault(argostest.Fault{Path: "/submission", Status: 500, Times: 2})
		assert.Equal(t, 500, c.get("/submission", nil).Status)
		r, err := c.srv.HTTPClient().Get(c.srv.URL("v3") + "/submission")
		require.NoError(t, err)
		r.Body.Close()
		assert.Equal(t, 500, r.StatusCode)
	})
	t.Run("the method must match when given", func(t *testing.T) {
		c := newRaw(t)
		c.srv.InjectFault(argostest.Fault{Method: "DELETE", Path: "/submission", Status: 500})
		assert.Equal(t, 200, c.get("/submission", nil).Status)
		assert.Equal(t, 500, c.do(http.MethodDelete, "/submission", nil, "", nil).Status)
	})
	t.Run("faults apply in the order they were injected", func(t *testing.T) {
		c := newRaw(t)
		c.srv.InjectFault(argostest.Fault{Status: 502})
		c.srv.InjectFault(argostest.Fault{Status: 503})
		assert.Equal(t, 502, c.get("/submission", nil).Status)
		assert.Equal(t, 503, c.get("/submission", nil).Status)
		assert.Equal(t, 200, c.get("/submission", nil).Status)
	})
	t.Run("a negative Times applies until ClearFaults", func(t *testing.T) {
		c := newRaw(t)
		c.srv.InjectFault(argostest.Fault{Status: 500, Times: -1})
		for range 5 {
			assert.Equal(t, 500, c.get("/submission", nil).Status)
		}
		c.srv.ClearFaults()
		assert.Equal(t, 200, c.get("/submission", nil).Status)
	})
	t.Run("a status fault does not run the endpoint", func(t *testing.T) {
		c := newRaw(t)
		c.srv.InjectFault(argostest.Fault{Path: "/submission/step1", Status: 500})
		r := c.postMultipart("/submission/step1", step1Fields("a@example.com"), map[string]file{"idImage": pngPart("x.png")})
		assert.Equal(t, 500, r.Status)
		assert.Empty(t, ids(t, c.get("/submission", nil)))
	})
}

// pipeGet sends GET path (below /v2) to h's pipe server with h's key.
func pipeGet(ctx context.Context, t *testing.T, hc *http.Client, h *argostest.Handler, path string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, pipeBase+"/v2"+path, nil)
	require.NoError(t, err)
	req.Header.Set("x-api-key", h.APIKey())
	return hc.Do(req)
}

// newPipeHandler is a fake handler and a client of it over in-memory
// connections (pipeClient), for a synctest bubble.
func newPipeHandler(t *testing.T) (*argostest.Handler, *http.Client) {
	t.Helper()
	h := argostest.NewHandler()
	t.Cleanup(h.Close)
	return h, pipeClient(t, h)
}

// The delays are checked in virtual time (testing/synctest): exactly, not
// "at least", and whatever the machine's speed.
func TestFaultLatency(t *testing.T) {
	for _, tc := range []struct {
		name       string
		fault      argostest.Fault
		wantStatus int
	}{
		{"latency delays a normal response", argostest.Fault{Latency: 50 * time.Millisecond}, http.StatusOK},
		{"latency combines with a status", argostest.Fault{Latency: 20 * time.Millisecond, Status: 504}, http.StatusGatewayTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h, hc := newPipeHandler(t)
				h.InjectFault(tc.fault)
				start := time.Now()

				resp, err := pipeGet(t.Context(), t, hc, h, "/submission")

				require.NoError(t, err)
				assert.Equal(t, tc.fault.Latency, time.Since(start), "virtual time until the headers")
				_, err = io.Copy(io.Discard, resp.Body)
				require.NoError(t, err)
				require.NoError(t, resp.Body.Close())
				assert.Equal(t, tc.wantStatus, resp.StatusCode)
				require.Len(t, h.Requests(), 1)
				assert.True(t, h.Requests()[0].Faulted)
			})
		})
	}
	t.Run("latency ends early when the client gives up", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			h := argostest.NewHandler()
			t.Cleanup(h.Close)
			returned := make(chan struct{})
			hc := pipeClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				defer close(returned)
				h.ServeHTTP(w, r)
			}))
			h.InjectFault(argostest.Fault{Latency: time.Minute})
			ctx, cancel := context.WithCancel(t.Context())
			start := time.Now()
			done := make(chan error, 1)
			go func() {
				resp, err := pipeGet(ctx, t, hc, h, "/submission")
				if err == nil {
					_ = resp.Body.Close()
				}
				done <- err
			}()
			synctest.Wait() // the request waits in the fake's latency

			cancel()
			err := <-done
			synctest.Wait() // the handler notices the client is gone

			require.ErrorIs(t, err, context.Canceled)
			select {
			case <-returned:
			default:
				t.Fatal("the handler still waits although the client is gone")
			}
			assert.Zero(t, time.Since(start), "nothing waited for the minute")
			require.Len(t, h.Requests(), 1)
			assert.Equal(t, 0, h.Requests()[0].Status, "the fake wrote nothing")
		})
	})
}

func TestFaultConnection(t *testing.T) {
	t.Run("Drop closes the connection before the endpoint runs", func(t *testing.T) {
		c := newRaw(t)
		c.srv.InjectFault(argostest.Fault{Path: "/submission/step1", Drop: true})
		ct, body := multipartBody(t, step1Fields("a@example.com"), map[string]file{"idImage": pngPart("x.png")})
		req, _ := http.NewRequest(http.MethodPost, c.srv.BaseURL+"/submission/step1", body)
		req.Header.Set("Content-Type", ct)
		req.Header.Set("x-api-key", c.key)
		_, err := c.srv.HTTPClient().Do(req)
		require.Error(t, err)
		assert.Empty(t, ids(t, c.get("/submission", nil)), "no submission was made")
		reqs := c.srv.Requests()
		require.Len(t, reqs, 2)
		assert.Equal(t, 0, reqs[0].Status)
		assert.True(t, reqs[0].Faulted)
	})
	t.Run("Truncate without a status cuts the real response after it took effect", func(t *testing.T) {
		c := newRaw(t)
		c.srv.InjectFault(argostest.Fault{Path: "/submission/step1", Truncate: true})
		ct, body := multipartBody(t, step1Fields("a@example.com"), map[string]file{"idImage": pngPart("x.png")})
		req, _ := http.NewRequest(http.MethodPost, c.srv.BaseURL+"/submission/step1", body)
		req.Header.Set("Content-Type", ct)
		req.Header.Set("x-api-key", c.key)
		resp, err := c.srv.HTTPClient().Do(req)
		require.NoError(t, err, "the headers arrive")
		defer resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode)
		got, err := io.ReadAll(resp.Body)
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		assert.Less(t, int64(len(got)), resp.ContentLength)
		assert.True(t, strings.HasPrefix(string(got), `{"reviewOCRData"`), "%s", got)
		assert.Len(t, ids(t, c.get("/submission", nil)), 1, "the submission was made")
	})
	t.Run("Truncate with a status sends part of that body", func(t *testing.T) {
		c := newRaw(t)
		c.srv.InjectFault(argostest.Fault{Status: 500, Body: `{"message":"Internal Server Error"}`, Truncate: true})
		resp, err := c.srv.HTTPClient().Get(c.srv.BaseURL + "/submission")
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, 500, resp.StatusCode)
		got, err := io.ReadAll(resp.Body)
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		assert.Equal(t, `{"message":"Inter`, string(got))
	})
	t.Run("StallBody delays the rest of the real body", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) { // virtual time: the stall is exact
			h, hc := newPipeHandler(t)
			h.InjectFault(argostest.Fault{StallBody: 60 * time.Millisecond})
			start := time.Now()

			resp, err := pipeGet(t.Context(), t, hc, h, "/submission")

			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Zero(t, time.Since(start), "the headers come at once")
			assert.Equal(t, 200, resp.StatusCode)
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.JSONEq(t, `{"Items":[]}`, string(body))
			assert.Equal(t, 60*time.Millisecond, time.Since(start), "the rest of the body comes after the stall")
		})
	})
	t.Run("StallBody lets a client give up while reading the body", func(t *testing.T) {
		c := newRaw(t)
		c.srv.InjectFault(argostest.Fault{Status: 200, Body: `{"Items":[]}`, StallBody: time.Minute})
		// No deadline: the client gives up once it has read the half sent
		// before the stall, however long connecting took.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.srv.BaseURL+"/submission", nil)
		resp, err := c.srv.HTTPClient().Do(req)
		require.NoError(t, err, "the headers arrive before the stall")
		defer resp.Body.Close()
		half := make([]byte, len(`{"Item`))
		_, err = io.ReadFull(resp.Body, half)
		require.NoError(t, err)
		assert.Equal(t, `{"Item`, string(half), "half the body comes before the stall")

		cancel()
		rest, err := io.ReadAll(resp.Body)

		require.Error(t, err, "got %q", rest)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Empty(t, rest, "nothing after the stall")
	})
	t.Run("Handler.Close releases a stalled response at once", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			h, hc := newPipeHandler(t)
			h.InjectFault(argostest.Fault{StallBody: time.Hour})
			start := time.Now()
			resp, err := pipeGet(t.Context(), t, hc, h, "/submission")
			require.NoError(t, err)
			defer resp.Body.Close()

			h.Close()
			_, err = io.ReadAll(resp.Body)

			assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "the response ends short of its length")
			assert.Zero(t, time.Since(start), "nothing waited for the hour")
		})
	})
	t.Run("Server.Close returns while a response is stalled", func(t *testing.T) {
		// Real sockets: Close must end the stall before it waits for the
		// requests in progress (a Close that waited would hang the test).
		srv := argostest.NewServer()
		srv.InjectFault(argostest.Fault{StallBody: time.Hour})
		req, _ := http.NewRequest(http.MethodGet, srv.BaseURL+"/submission", nil)
		req.Header.Set("x-api-key", srv.APIKey)
		resp, err := srv.HTTPClient().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()

		srv.Close()
		_, err = io.ReadAll(resp.Body)

		assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "the stalled response was cut")
	})
}

func TestRequests(t *testing.T) {
	t.Run("requests are recorded with fields, files and status", func(t *testing.T) {
		c := newRaw(t)
		before := time.Now()
		id := c.step1("a@example.com")
		after := time.Now()
		c.get("/submission", url.Values{"submission_id": {id}})
		reqs := c.srv.Requests()
		require.Len(t, reqs, 2)

		s1 := reqs[0]
		assert.Equal(t, "POST", s1.Method)
		assert.Equal(t, "v3", s1.Version)
		assert.Equal(t, "/submission/step1", s1.Path)
		assert.Equal(t, 200, s1.Status)
		assert.Equal(t, "a@example.com", s1.Form["email"])
		assert.Equal(t, argostest.FileInfo{Name: "front.png", ContentType: "image/png", Size: len(argostest.SamplePNG())}, s1.Files["idImage"])
		assert.False(t, s1.Time.Before(before) || s1.Time.After(after), "stamped when it arrived: %v not in [%v, %v]", s1.Time, before, after)
		assert.False(t, s1.Faulted)

		assert.Equal(t, id, reqs[1].Query.Get("submission_id"))
		assert.Equal(t, "GET /v3/submission 200", reqs[1].String())
	})
	t.Run("the API key never appears in recorded requests", func(t *testing.T) {
		c := newRaw(t)
		c.step1("a@example.com")
		c.srv.InjectFault(argostest.Fault{Status: 500})
		c.get("/submission", nil)
		reqs := c.srv.Requests()
		require.Len(t, reqs, 2)
		for _, r := range reqs {
			assert.Equal(t, argostest.Redacted, r.Header.Get("X-Api-Key"))
			for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
				out := fmt.Sprintf(format, r)
				assert.NotContains(t, out, c.key, format)
				assert.NotContains(t, out, "a@example.com", format)
			}
		}
		assert.NotContains(t, fmt.Sprintf("%+v", reqs), c.key)
	})
	t.Run("Requests returns copies", func(t *testing.T) {
		c := newRaw(t)
		c.step1("a@example.com")
		reqs := c.srv.Requests()
		reqs[0].Form["email"] = "changed"
		reqs[0].Header.Set("X-Api-Key", "changed")
		assert.Equal(t, "a@example.com", c.srv.Requests()[0].Form["email"])
		assert.Equal(t, argostest.Redacted, c.srv.Requests()[0].Header.Get("X-Api-Key"))
	})
	t.Run("ResetRequests forgets them", func(t *testing.T) {
		c := newRaw(t)
		c.get("/submission", nil)
		c.srv.ResetRequests()
		assert.Empty(t, c.srv.Requests())
		c.get("/submission", nil)
		assert.Len(t, c.srv.Requests(), 1)
	})
	t.Run("an address_code form is recorded", func(t *testing.T) {
		c := newRaw(t)
		c.postForm("/address_code", url.Values{"address": {"1 Main St"}, "language": {"en"}})
		r := c.srv.Requests()[0]
		assert.Equal(t, map[string]string{"address": "1 Main St", "language": "en"}, r.Form)
		assert.Nil(t, r.Files)
	})
}
