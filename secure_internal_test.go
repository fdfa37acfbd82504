package argos

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos/internal/endpoint"
	"github.com/kycgo/argos/internal/securewire"
)

const secureTestKey = "sk_test_secure_0123456789"

// seen is one request as the test server received it.
type seen struct {
	method, contentType, query string
	body                       []byte
}

// secureServer answers every request with answer (encrypted as an
// envelope when sealAnswer) and records what it received.
func secureServer(t *testing.T, answer string, sealAnswer bool) (*Client, *[]seen) {
	t.Helper()
	var got []seen
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, seen{r.Method, r.Header.Get("Content-Type"), r.URL.RawQuery, b})
		out := answer
		if sealAnswer {
			ct, err := EncryptPayload(secureTestKey, []byte(answer))
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			out = `{"data":"` + ct + `"}`
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, out)
	}))
	t.Cleanup(ts.Close)
	c, err := NewClient(secureTestKey, WithBaseURL(ts.URL+"/v3"), WithHTTPClient(ts.Client()), WithSecureTransmission(),
		WithRetryPolicy(RetryPolicy{MaxRetries: 0}))
	require.NoError(t, err)
	return c, &got
}

// jsonCall is a call with a JSON body, as the v3 endpoints build them.
func jsonCall(method string, mode wireMode, contentType, body string) *call {
	return &call{
		op: "Test", method: method, path: "/submission", secure: mode, contentType: contentType,
		body:    func() io.ReadCloser { return io.NopCloser(strings.NewReader(body)) },
		bodyLen: int64(len(body)),
	}
}

func TestSecureTransmissionSealsBodies(t *testing.T) {
	const plain = `{"submissionId":"s1","admin":"admin@example.com","data":{"kycStatus":"approved"}}`
	tests := []struct {
		name            string
		call            *call
		wantFlag        bool
		wantContentType string
	}{
		{"a sealed PATCH body is the data envelope, as JSON", jsonCall(http.MethodPatch, wireSealed, "application/json", plain), false, "application/json"},
		{"a sealed body keeps the endpoint's text/plain (the tokens calls)", jsonCall(http.MethodPost, wireSealed, "text/plain", plain), false, "text/plain"},
		{"a sealed DELETE body is sealed too", jsonCall(http.MethodDelete, wireSealed, "text/plain", plain), false, "text/plain"},
		{"a flagged body has isEncrypted beside data (migration)", jsonCall(http.MethodPost, wireFlagged, "application/json", plain), true, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, got := secureServer(t, `{"message":"success"}`, true)
			var out struct{ Message string }

			require.NoError(t, c.doJSON(context.Background(), tt.call, &out, false))

			assert.Equal(t, "success", out.Message, "the answer was decrypted")
			require.Len(t, *got, 1)
			req := (*got)[0]
			assert.Equal(t, tt.wantContentType, req.contentType)
			assert.Empty(t, req.query)
			assert.NotContains(t, string(req.body), "admin@example.com")
			var env struct {
				IsEncrypted *bool  `json:"isEncrypted"`
				Data        string `json:"data"`
			}
			require.NoError(t, json.Unmarshal(req.body, &env))
			if tt.wantFlag {
				require.NotNil(t, env.IsEncrypted)
				assert.True(t, *env.IsEncrypted)
			} else {
				assert.Nil(t, env.IsEncrypted)
			}
			dec, err := DecryptPayload(secureTestKey, env.Data)
			require.NoError(t, err)
			assert.Equal(t, plain, string(dec))
		})
	}
}

func TestSecureTransmissionLeavesPlainCallsAlone(t *testing.T) {
	t.Run("a call the docs do not cover is sent and read in clear", func(t *testing.T) {
		c, got := secureServer(t, `{"message":"success"}`, false)
		var out struct{ Message string }

		require.NoError(t, c.doJSON(context.Background(), jsonCall(http.MethodPost, wirePlain, "application/json", `{"a":"b"}`), &out, false))

		assert.Equal(t, "success", out.Message)
		assert.Equal(t, `{"a":"b"}`, string((*got)[0].body))
	})
	t.Run("a GET without parameters sends data holding {}", func(t *testing.T) {
		c, got := secureServer(t, `{"Items":[]}`, true)

		_, err := c.ListSubmissions(context.Background(), nil)

		require.NoError(t, err)
		require.Len(t, *got, 1)
		q := (*got)[0].query
		require.True(t, strings.HasPrefix(q, "data="), q)
		assert.NotContains(t, q, "&")
	})
}

func TestSealedCallsKeepThePlainValuesForMasking(t *testing.T) {
	t.Run("the sealed GET masks the plain query's values and the ciphertext in error strings", func(t *testing.T) {
		c, err := NewClient(secureTestKey, WithSecureTransmission())
		require.NoError(t, err)
		r := &call{op: "ListSubmissions", method: http.MethodGet, path: "/submission", secure: wireSealed,
			query: query{{"userid", "secret-user-42"}, {"count", "10"}}, ep: endpoint.ListSubmissions}

		w, err := c.seal(r)

		require.NoError(t, err)
		require.Len(t, w.query, 1)
		assert.Equal(t, "data", w.query[0].key)
		masked := w.maskedValues()
		assert.Contains(t, masked, "secret-user-42", "the plain user ID is still masked")
		assert.Contains(t, masked, w.query[0].value, "so is the ciphertext")
		assert.NotContains(t, masked, "10", "count is a public field, as in the plain call")
	})
}

func FuzzSecureAnswer(f *testing.F) {
	ct, err := EncryptPayload(secureTestKey, []byte(`{"Items":[]}`))
	require.NoError(f, err)
	f.Add([]byte(`{"data":"` + ct + `"}`))
	f.Add([]byte(`{"data":""}`))
	f.Add([]byte(`{"data":"AAAAAAAAAAAAAAAAAAAAAA=="}`))
	f.Add([]byte(`{"Items":[]}`))
	f.Add([]byte(`<html>`))
	c, err := NewClient(secureTestKey, WithSecureTransmission())
	require.NoError(f, err)
	r := &call{op: "ListSubmissions", method: http.MethodGet, path: "/submission", secure: wireSealed}
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}}
	f.Fuzz(func(t *testing.T, body []byte) {
		plain, err := c.open(r, resp, body)
		if err == nil {
			var list SubmissionList
			err = decode(r.op, resp, plain, &list, false)
		}
		if err != nil {
			assert.ErrorIs(t, err, ErrUnexpectedResponse)
			if len(body) >= 16 {
				assert.NotContains(t, err.Error(), string(body))
			}
		}
	})
}

func TestSealedWebhookBodiesParse(t *testing.T) {
	t.Run("a webhook body sealed the fake's way is read by ParseWebhook with the key", func(t *testing.T) {
		body, err := securewire.SealBody(secureTestKey, []byte(`{"webhook_trigger":"approved","submission_id":"s1"}`), securewire.Sealed)
		require.NoError(t, err)

		e, err := ParseWebhook(body, WithWebhookKey(secureTestKey))

		require.NoError(t, err)
		assert.Equal(t, WebhookApproved, e.Trigger)
		assert.Equal(t, "s1", e.SubmissionID)
	})
}
