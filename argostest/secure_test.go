package argostest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// sealedQuery is the query of an encrypted GET: data holding obj.
func sealedQuery(t *testing.T, key, obj string) url.Values {
	t.Helper()
	ct, err := argos.EncryptPayload(key, []byte(obj))
	require.NoError(t, err)
	return url.Values{"data": {ct}}
}

// opened decrypts a {"data": …} answer.
func opened(t *testing.T, key string, r *response) map[string]any {
	t.Helper()
	var env struct{ Data string }
	require.NoError(t, json.Unmarshal(r.Body, &env), "body: %s", r.Body)
	plain, err := argos.DecryptPayload(key, env.Data)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(plain, &m))
	return m
}

func TestWithSecureTransmission(t *testing.T) {
	c := newRaw(t, argostest.WithSecureTransmission())
	s1 := c.postMultipart("/submission/step1", step1Fields("sec@example.com"), map[string]file{"idImage": pngPart("id.png")})
	require.Equal(t, http.StatusOK, s1.Status, "Step 1 is not covered and takes a plain form: %s", s1.Body)
	id, _ := s1.JSON(t)["submissionId"].(string)
	require.NotEmpty(t, id)

	t.Run("an encrypted query gets an encrypted answer", func(t *testing.T) {
		r := c.get("/submission", sealedQuery(t, c.key, `{"submission_id":"`+id+`"}`))

		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		assert.NotContains(t, string(r.Body), "sec@example.com")
		items, _ := opened(t, c.key, r)["Items"].([]any)
		require.Len(t, items, 1)
		assert.Equal(t, id, items[0].(map[string]any)["submission_id"])
	})
	t.Run("an encrypted empty query lists everything", func(t *testing.T) {
		r := c.get("/submission", sealedQuery(t, c.key, `{}`))

		require.Equal(t, http.StatusOK, r.Status)
		assert.Len(t, opened(t, c.key, r)["Items"], 1)
	})

	refused := []struct {
		name  string
		query url.Values
	}{
		{"a plain query", url.Values{"submission_id": {id}}},
		{"no query at all", nil},
		{"a plain parameter beside data", func() url.Values {
			q := sealedQuery(t, c.key, `{}`)
			q.Set("userid", "u1")
			return q
		}()},
		{"data under another key", sealedQuery(t, "not_the_projects_key", `{"submission_id":"`+id+`"}`)},
		{"data that is not Base64", url.Values{"data": {"submission_id=" + id}}},
		{"data that is not a JSON object", sealedQuery(t, c.key, `"`+id+`"`)},
	}
	for _, tt := range refused {
		t.Run(tt.name+" is refused with 400", func(t *testing.T) {
			r := c.get("/submission", tt.query)

			assert.Equal(t, http.StatusBadRequest, r.Status)
			assert.Equal(t, "Decryption is Failed. Please check the api-key.", r.Message(t))
			assert.NotContains(t, string(r.Body), id)
		})
	}

	t.Run("an error from the endpoint itself stays plain", func(t *testing.T) {
		r := c.get("/submission", sealedQuery(t, c.key, `{"request_type":"bogus"}`))

		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Equal(t, "Invalid Query String parameters", r.Message(t))
	})
	t.Run("Requests records the encrypted query as it travelled", func(t *testing.T) {
		c.srv.ResetRequests()
		c.get("/submission", sealedQuery(t, c.key, `{"submission_id":"`+id+`"}`))

		reqs := c.srv.Requests()
		require.Len(t, reqs, 1)
		assert.Equal(t, []string{"data"}, mapKeys(reqs[0].Query))
	})
	t.Run("DELETE /submission is not covered and takes a plain query", func(t *testing.T) {
		r := c.do(http.MethodDelete, "/submission", url.Values{"submission_id": {id}}, "", nil)

		assert.Equal(t, http.StatusOK, r.Status, string(r.Body))
		assert.Equal(t, "success", r.Message(t))
	})
}

func mapKeys(q url.Values) []string {
	out := make([]string, 0, len(q))
	for k := range q {
		out = append(out, k)
	}
	return out
}
