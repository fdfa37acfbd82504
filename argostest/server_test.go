package argostest_test

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos/argostest"
)

func TestServerSetup(t *testing.T) {
	t.Run("the base URL is https on 127.0.0.1 with the v3 prefix", func(t *testing.T) {
		c := newRaw(t)
		assert.Regexp(t, `^https://127\.0\.0\.1:\d+/v3$`, c.srv.BaseURL)
		assert.Equal(t, strings.TrimSuffix(c.srv.BaseURL, "/v3")+"/v2", c.srv.URL("v2"))
		assert.Equal(t, c.srv.BaseURL, c.srv.URL("/v3/"))
	})
	t.Run("each server gets its own random key", func(t *testing.T) {
		a, b := newRaw(t), newRaw(t)
		assert.Regexp(t, regexp.MustCompile(`^test_[0-9a-f]{32}$`), a.srv.APIKey)
		assert.NotEqual(t, a.srv.APIKey, b.srv.APIKey)
	})
	t.Run("WithAPIKey sets the key", func(t *testing.T) {
		c := newRaw(t, argostest.WithAPIKey("my-key"))
		assert.Equal(t, "my-key", c.srv.APIKey)
		assert.Equal(t, http.StatusOK, c.get("/submission", nil).Status)
	})
	t.Run("a client with the CertPEM pool trusts the server", func(t *testing.T) {
		c := newRaw(t)
		pool := x509.NewCertPool()
		require.True(t, pool.AppendCertsFromPEM(c.srv.CertPEM()))
		hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
		defer hc.CloseIdleConnections()
		req, _ := http.NewRequest(http.MethodGet, c.srv.BaseURL+"/submission", nil)
		req.Header.Set("x-api-key", c.key)
		resp, err := hc.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	})
	t.Run("a client without the certificate is refused", func(t *testing.T) {
		c := newRaw(t)
		hc := &http.Client{Transport: &http.Transport{}}
		defer hc.CloseIdleConnections()
		_, err := hc.Get(c.srv.BaseURL + "/submission")
		require.Error(t, err)
		var uerr x509.UnknownAuthorityError
		assert.ErrorAs(t, err, &uerr)
	})
	t.Run("the HTTP client does not change how redirects are followed", func(t *testing.T) {
		c := newRaw(t)
		assert.Nil(t, c.srv.HTTPClient().CheckRedirect)
	})
}

func TestGateway(t *testing.T) {
	tests := []struct {
		name       string
		key        string // "" → no header; "good" → the server's key
		method     string
		path       string
		opts       []argostest.ServerOption
		wantStatus int
		wantMsg    string
	}{
		{"a request without a key is forbidden", "", http.MethodGet, "/v2/submission", nil, 403, "Forbidden"},
		{"a request with a wrong key is forbidden", "wrong", http.MethodGet, "/v2/submission", nil, 403, "Forbidden"},
		{"the key is checked before the path", "wrong", http.MethodGet, "/v2/nope", nil, 403, "Forbidden"},
		{"an unknown path is not found", "good", http.MethodGet, "/v2/nope", nil, 404, "Not Found"},
		{"a path without a version is not found", "good", http.MethodGet, "/submission", nil, 404, "Not Found"},
		{"an unknown version is not found", "good", http.MethodGet, "/v1/submission", nil, 404, "Not Found"},
		{"a wrong method gets API Gateway's missing token answer", "good", http.MethodPut, "/v2/submission", nil, 403, "Missing Authentication Token"},
		{"GET on step1 gets API Gateway's missing token answer", "good", http.MethodGet, "/v3/submission/step1", nil, 403, "Missing Authentication Token"},
		{"v2 serves the endpoints", "good", http.MethodGet, "/v2/submission", nil, 200, ""},
		{"v3 serves the same endpoints", "good", http.MethodGet, "/v3/submission", nil, 200, ""},
		{"a denied IP gets the explicit deny even with the right key", "good", http.MethodGet, "/v2/submission",
			[]argostest.ServerOption{argostest.WithIPDenied()}, 403,
			"User is not authorized to access this resource with an explicit deny"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newRaw(t, tt.opts...)
			base := strings.TrimSuffix(c.srv.BaseURL, "/v3")
			req, err := http.NewRequest(tt.method, base+tt.path, nil)
			require.NoError(t, err)
			switch tt.key {
			case "good":
				req.Header.Set("x-api-key", c.key)
			case "":
			default:
				req.Header.Set("x-api-key", tt.key)
			}
			resp, err := c.srv.HTTPClient().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			r := &response{Status: resp.StatusCode}
			r.Body = readAll(t, resp)
			assert.Equal(t, tt.wantStatus, r.Status, "body: %s", r.Body)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			if tt.wantMsg != "" {
				assert.Equal(t, tt.wantMsg, r.Message(t))
			}
		})
	}
}

func TestAddressCode(t *testing.T) {
	t.Run("it returns the documented codes deterministically", func(t *testing.T) {
		c := newRaw(t)
		form := url.Values{"address": {"  1 Sejongno, Jongno-gu,  Seoul, South Korea "}, "language": {"en"}}
		r := c.postForm("/address_code", form)
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		m := r.JSON(t)
		assert.Equal(t, "1 Sejongno, Jongno-gu, Seoul, South Korea", m["formatted_address"])
		global, _ := m["global_code"].(string)
		assert.Regexp(t, `^[2-9C][2-9CFGHJMPQRVWX]{7}\+[2-9CFGHJMPQRVWX]{2}$`, global)
		assert.Equal(t, global[4:]+" Seoul, South Korea", m["compound_code"])

		again := c.postForm("/address_code", form).JSON(t)
		assert.Equal(t, m, again)
		other := newRaw(t).postForm("/address_code", form).JSON(t)
		assert.Equal(t, m, other, "another server derives the same codes")
	})
	t.Run("a different address gets different codes", func(t *testing.T) {
		c := newRaw(t)
		a := c.postForm("/address_code", url.Values{"address": {"1 Sejongno, Seoul"}}).JSON(t)
		b := c.postForm("/address_code", url.Values{"address": {"2 Sejongno, Seoul"}}).JSON(t)
		assert.NotEqual(t, a["global_code"], b["global_code"])
	})
	t.Run("a multipart body is accepted too", func(t *testing.T) {
		c := newRaw(t)
		r := c.postMultipart("/address_code", map[string]string{"address": "Main St, Springfield"}, nil)
		require.Equal(t, http.StatusOK, r.Status)
		assert.Contains(t, r.JSON(t)["compound_code"], " Main St, Springfield")
	})
	t.Run("a missing address is a bad request", func(t *testing.T) {
		c := newRaw(t)
		for _, form := range []url.Values{{}, {"address": {"   "}}, {"language": {"en"}}} {
			r := c.postForm("/address_code", form)
			assert.Equal(t, http.StatusBadRequest, r.Status)
			assert.Equal(t, "missing required parameters", r.Message(t))
		}
	})
}

func TestEveryAnswerCarriesARequestID(t *testing.T) {
	srv := argostest.NewServer()
	t.Cleanup(srv.Close)
	hc := srv.HTTPClient()
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for _, key := range []string{srv.APIKey, "wrong-key"} { // an answer and a refusal
		req, err := http.NewRequest(http.MethodGet, srv.BaseURL+"/submission?count=1", nil)
		require.NoError(t, err)
		req.Header.Set("x-api-key", key)
		resp, err := hc.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		id := resp.Header.Get("x-amzn-RequestId")
		assert.Regexp(t, uuid, id)
		assert.False(t, seen[id], "each answer has its own ID")
		seen[id] = true
	}
}
