package argos_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// secureFake starts a fake whose project has Secure Data Transmission on
// (when serverOn) and a client with the option (when clientOn).
func secureFake(t *testing.T, serverOn, clientOn bool, sopts ...argostest.ServerOption) (*argos.Client, *argostest.Server) {
	t.Helper()
	if serverOn {
		sopts = append(sopts, argostest.WithSecureTransmission())
	}
	srv := argostest.NewServer(sopts...)
	t.Cleanup(srv.Close)
	opts := []argos.Option{argos.WithBaseURL(srv.BaseURL), argos.WithRootCAs(srv.RootCAs()), argos.WithRetryPolicy(fastRetries)}
	if clientOn {
		opts = append(opts, argos.WithSecureTransmission())
	}
	c, err := argos.NewClient(srv.APIKey, opts...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c, srv
}

// sentQueries decrypts the data parameter of every GET /submission the
// fake received.
func sentQueries(t *testing.T, srv *argostest.Server) []map[string]string {
	t.Helper()
	var out []map[string]string
	for _, r := range srv.Requests() {
		if r.Method != http.MethodGet || r.Path != "/submission" {
			continue
		}
		require.Equal(t, []string{"data"}, keys(r.Query), "data is the only query parameter")
		plain, err := argos.DecryptPayload(srv.APIKey, r.Query.Get("data"))
		require.NoError(t, err)
		var m map[string]string
		require.NoError(t, json.Unmarshal(plain, &m))
		out = append(out, m)
	}
	return out
}

func keys(q url.Values) []string {
	out := make([]string, 0, len(q))
	for k := range q {
		out = append(out, k)
	}
	return out
}

func TestSecureTransmissionAgainstTheFake(t *testing.T) {
	ctx := context.Background()

	t.Run("an encrypted client reads submissions from a project with the option on", func(t *testing.T) {
		c, srv := secureFake(t, true, true)
		s1 := step1(t, c, "enc@example.com", "enc-user")
		_, err := step2(t, c, s1.SubmissionID)
		require.NoError(t, err)
		srv.ResetRequests()

		sub, err := c.GetSubmission(ctx, s1.SubmissionID)
		require.NoError(t, err)
		assert.Equal(t, s1.SubmissionID, sub.ID)
		assert.Equal(t, "enc@example.com", sub.Email)
		list, err := c.ListSubmissions(ctx, &argos.ListSubmissionsParams{UserID: "enc-user", Count: 10})
		require.NoError(t, err)
		require.Len(t, list.Items, 1)
		n := 0
		for s, err := range c.AllSubmissions(ctx, nil) {
			require.NoError(t, err)
			assert.Equal(t, s1.SubmissionID, s.ID)
			n++
		}
		assert.Equal(t, 1, n)

		assert.Equal(t, []map[string]string{
			{"submission_id": s1.SubmissionID},
			{"userid": "enc-user", "count": "10"},
			{},
		}, sentQueries(t, srv))
		for _, r := range srv.Requests() {
			assert.NotContains(t, r.Query.Encode(), "enc-user", "the user ID never travels in clear")
		}
	})

	t.Run("calls the docs do not cover travel in clear", func(t *testing.T) {
		c, srv := secureFake(t, true, true)
		s1 := step1(t, c, "clear@example.com", "clear-user")
		_, err := c.DeleteSubmission(ctx, &argos.DeleteSubmissionRequest{SubmissionID: s1.SubmissionID})
		require.NoError(t, err)

		reqs := srv.Requests()
		require.Len(t, reqs, 2)
		assert.Equal(t, "clear@example.com", reqs[0].Form["email"], "Step 1's form is plain")
		assert.Equal(t, s1.SubmissionID, reqs[1].Query.Get("submission_id"), "DELETE's query is plain")
	})

	t.Run("a plain client is refused by a project with the option on", func(t *testing.T) {
		c, _ := secureFake(t, true, false)

		_, err := c.ListSubmissions(ctx, &argos.ListSubmissionsParams{UserID: "u1"})

		var apiErr *argos.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
		assert.ErrorIs(t, err, argos.ErrBadRequest)
		assert.Contains(t, err.Error(), "Decryption is Failed. Please check the api-key")
	})

	t.Run("an encrypted client refuses the plain answer of a project with the option off", func(t *testing.T) {
		c, _ := secureFake(t, false, true)

		_, err := c.ListSubmissions(ctx, nil)

		require.ErrorIs(t, err, argos.ErrUnexpectedResponse)
		assert.NotErrorIs(t, err, argos.ErrDecrypt)
		assert.Contains(t, err.Error(), "not encrypted")
	})

	t.Run("a refused encrypted GET is retried with the same sealed query", func(t *testing.T) {
		c, srv := secureFake(t, true, true)
		srv.InjectFault(argostest.Fault{Method: http.MethodGet, Path: "/submission", Status: http.StatusServiceUnavailable})

		list, err := c.ListSubmissions(ctx, &argos.ListSubmissionsParams{UserID: "u1"})

		require.NoError(t, err)
		assert.Empty(t, list.Items)
		assert.Equal(t, []map[string]string{{"userid": "u1"}, {"userid": "u1"}}, sentQueries(t, srv))
	})

	t.Run("an encrypted error answer is decrypted and classified", func(t *testing.T) {
		c, srv := secureFake(t, true, true)
		body, err := argos.EncryptPayload(srv.APIKey, []byte(`{"message":"invalid submission id"}`))
		require.NoError(t, err)
		srv.InjectFault(argostest.Fault{Method: http.MethodGet, Path: "/submission", Status: http.StatusBadRequest,
			Body: `{"data":"` + body + `"}`})

		_, err = c.GetSubmission(ctx, "abc123")

		require.ErrorIs(t, err, argos.ErrNotFound)
		var apiErr *argos.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, "invalid submission id", apiErr.Message)
	})
}

func TestSecureTransmissionRefusesBadCiphertext(t *testing.T) {
	const secretKey = "another_projects_key_0123456789"
	const secret = "leaky-applicant@example.com"
	wrongKey, err := argos.EncryptPayload(secretKey, []byte(`{"Items":[{"email":"`+secret+`"}]}`))
	require.NoError(t, err)
	tests := []struct {
		name        string
		body        func(key string) string
		wantDecrypt bool
	}{
		{"data that is not Base64", func(string) string { return `{"data":"` + secret + `"}` }, true},
		{"data under another key", func(string) string { return `{"data":"` + wrongKey + `"}` }, true},
		{"data cut short", func(string) string { return `{"data":"` + wrongKey[:len(wrongKey)-8] + `"}` }, true},
		{"empty data", func(string) string { return `{"data":""}` }, true},
		{"data that decrypts to something that is not JSON", func(key string) string {
			ct, err := argos.EncryptPayload(key, []byte(secret))
			require.NoError(t, err)
			return `{"data":"` + ct + `"}`
		}, false},
		{"data that is not a string", func(string) string { return `{"data":{"email":"` + secret + `"}}` }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is a clean error without the bytes", func(t *testing.T) {
			// A fixed key: under a random one, data sealed with another key
			// decrypts to valid padding about once in 256 runs, and is then
			// "not JSON" rather than ErrDecrypt.
			c, srv := secureFake(t, true, true, argostest.WithAPIKey("this_projects_key_0123456789abcd"))
			body := tt.body(srv.APIKey)
			srv.InjectFault(argostest.Fault{Method: http.MethodGet, Path: "/submission", Status: http.StatusOK, Body: body})

			list, err := c.ListSubmissions(context.Background(), nil)

			assert.Nil(t, list)
			require.ErrorIs(t, err, argos.ErrUnexpectedResponse)
			assert.Equal(t, tt.wantDecrypt, errors.Is(err, argos.ErrDecrypt))
			assert.NotContains(t, err.Error(), secret)
			assert.NotContains(t, err.Error(), wrongKey[:24])
			assert.NotContains(t, err.Error(), body)
		})
	}
}
