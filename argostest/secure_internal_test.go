package argostest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos/internal/securewire"
)

// echo answers 200 with the body the endpoint received, or 400 when told.
func echo(_ *Handler, w http.ResponseWriter, r *http.Request, b *body) {
	if r.URL.Query().Get("fail") != "" {
		badRequest(w, msgBadQuery)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"got": string(b.raw)})
}

// serveEcho sends method and body through ep wrapped as wrap says, on a
// handler with the option as secure says.
func serveEcho(t *testing.T, secure bool, wrap func(endpoint) endpoint, method, target, contentType, reqBody string) *httptest.ResponseRecorder {
	t.Helper()
	opts := []ServerOption{WithAPIKey("test_key_for_secure")}
	if secure {
		opts = append(opts, WithSecureTransmission())
	}
	h := NewHandler(opts...)
	r := httptest.NewRequest(method, target, strings.NewReader(reqBody))
	r.Header.Set("Content-Type", contentType)
	w := httptest.NewRecorder()
	wrap(echo)(h, w, r, readBody(w, r))
	return w
}

// openAnswer decrypts a {"data": …} answer.
func openAnswer(t *testing.T, body []byte) map[string]string {
	t.Helper()
	plain, sealed, err := securewire.Open("test_key_for_secure", body)
	require.NoError(t, err)
	require.True(t, sealed, "the answer is an envelope: %s", body)
	var m map[string]string
	require.NoError(t, json.Unmarshal(plain, &m))
	return m
}

func TestSecureEndpoints(t *testing.T) {
	const plain = `{"tokenId":["abcdefgh"]}`
	sealedBody, err := securewire.SealBody("test_key_for_secure", []byte(plain), securewire.Sealed)
	require.NoError(t, err)
	flaggedBody, err := securewire.SealBody("test_key_for_secure", []byte(plain), securewire.Flagged)
	require.NoError(t, err)
	bare, err := securewire.Encrypt("test_key_for_secure", []byte(plain))
	require.NoError(t, err)

	accepted := []struct {
		name        string
		wrap        func(endpoint) endpoint
		contentType string
		body        string
	}{
		{"an envelope body reaches the endpoint decrypted", sealed, "application/json", string(sealedBody)},
		{"a bare Base64 text/plain body reaches the endpoint decrypted", sealed, "text/plain", bare},
		{"a flagged envelope reaches a migration endpoint decrypted", flagged, "application/json", string(flaggedBody)},
	}
	for _, tt := range accepted {
		t.Run(tt.name+" and its answer is encrypted", func(t *testing.T) {
			w := serveEcho(t, true, tt.wrap, http.MethodPost, "/v3/x", tt.contentType, tt.body)

			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
			assert.NotContains(t, w.Body.String(), "abcdefgh")
			assert.Equal(t, map[string]string{"got": plain}, openAnswer(t, w.Body.Bytes()))
		})
	}

	refused := []struct {
		name string
		wrap func(endpoint) endpoint
		body string
	}{
		{"a plain JSON body", sealed, plain},
		{"an empty body", sealed, ""},
		{"an envelope without isEncrypted on migration", flagged, string(sealedBody)},
		{"a bare Base64 body on migration", flagged, bare},
		{"an envelope under another key", sealed, `{"data":"` + mustEncrypt(t, "other_key", plain) + `"}`},
		{"an envelope cut short", sealed, `{"data":"` + bare[:len(bare)-8] + `"}`},
	}
	for _, tt := range refused {
		t.Run(tt.name+" is refused with the documented 400", func(t *testing.T) {
			w := serveEcho(t, true, tt.wrap, http.MethodPost, "/v3/x", "application/json", tt.body)

			assert.Equal(t, http.StatusBadRequest, w.Code)
			assert.JSONEq(t, `{"message":"Decryption is Failed. Please check the api-key."}`, w.Body.String())
		})
	}

	t.Run("an error answer stays plain", func(t *testing.T) {
		w := serveEcho(t, true, sealed, http.MethodPost, "/v3/x?fail=1", "application/json", string(sealedBody))

		assert.Equal(t, http.StatusBadRequest, w.Code)
		assert.JSONEq(t, `{"message":"Invalid Query String parameters"}`, w.Body.String())
	})
	t.Run("without the option the endpoint is served in clear", func(t *testing.T) {
		w := serveEcho(t, false, sealed, http.MethodPost, "/v3/x", "application/json", plain)

		assert.Equal(t, http.StatusOK, w.Code)
		assert.JSONEq(t, `{"got":"{\"tokenId\":[\"abcdefgh\"]}"}`, w.Body.String())
	})
}

func mustEncrypt(t *testing.T, key, s string) string {
	t.Helper()
	ct, err := securewire.Encrypt(key, []byte(s))
	require.NoError(t, err)
	return ct
}
