package argos_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
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

	d, err := c.DownloadImage(context.Background(), "s1", argos.ImageSelfie)
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
	_, err := clientFor(t, api).LookupAddressCode(context.Background(), &argos.AddressCodeRequest{Address: "1 Main St"})
	var apiErr *argos.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusTemporaryRedirect, apiErr.StatusCode)
	assert.Equal(t, int32(1), hits.Load())
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

func TestEveryWriteRefusesANilRequestBeforeSending(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, field string
		call        func(c *argos.Client) error
	}{
		{"SubmitStep1", "Step1Request", func(c *argos.Client) error { _, err := c.SubmitStep1(ctx, nil); return err }},
		{"SubmitStep2", "Step2Request", func(c *argos.Client) error { _, err := c.SubmitStep2(ctx, nil); return err }},
		{"LookupAddressCode", "AddressCodeRequest", func(c *argos.Client) error { _, err := c.LookupAddressCode(ctx, nil); return err }},
		{"DeleteSubmission", "DeleteSubmissionRequest", func(c *argos.Client) error { _, err := c.DeleteSubmission(ctx, nil); return err }},
		{"DeleteSubmissionFields", "DeleteFieldsRequest", func(c *argos.Client) error { _, err := c.DeleteSubmissionFields(ctx, nil); return err }},
		{"UpdateSubmission", "UpdateSubmissionRequest", func(c *argos.Client) error { _, err := c.UpdateSubmission(ctx, nil); return err }},
		{"UpdateImages", "UpdateImagesRequest", func(c *argos.Client) error { _, err := c.UpdateImages(ctx, nil); return err }},
		{"MigrateSubmission", "MigrationRequest", func(c *argos.Client) error { _, err := c.MigrateSubmission(ctx, nil); return err }},
		{"ReviewSubmission", "ReviewRequest", func(c *argos.Client) error { _, err := c.ReviewSubmission(ctx, nil); return err }},
		{"AddTokens", "TokensRequest", func(c *argos.Client) error { _, err := c.AddTokens(ctx, nil); return err }},
		{"DeleteTokens", "TokensRequest", func(c *argos.Client) error { _, err := c.DeleteTokens(ctx, nil); return err }},
		{"MonitorAML", "AMLMonitorRequest", func(c *argos.Client) error { _, err := c.MonitorAML(ctx, nil); return err }},
		{"FaceAuth", "FaceAuthRequest", func(c *argos.Client) error { _, err := c.FaceAuth(ctx, nil); return err }},
	} {
		t.Run(tc.name+" with a nil request is a ValidationError naming "+tc.field, func(t *testing.T) {
			c, mt := newMockClient(t, argos.WithBaseURL("https://api.argos.test/v3"), argos.WithAddOnKey("add-on-key"))
			var err error
			require.NotPanics(t, func() { err = tc.call(c) })
			var ve *argos.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Zero(t, mt.GetTotalCallCount(), "nothing is sent")
		})
	}
}
