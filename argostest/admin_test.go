package argostest_test

import (
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// admin sends a raw request to an admin endpoint, as curl would.
func (c *raw) admin(method, name, body string) *response {
	c.t.Helper()
	u := strings.TrimSuffix(c.srv.URL(""), "/") + argostest.ControlPrefix + name
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	require.NoError(c.t, err)
	req.Header.Set("x-api-key", c.key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.srv.HTTPClient().Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return &response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

func TestAdminEndpointsDriveTheFake(t *testing.T) {
	t.Run("a scripted Step 2 outcome decides the next try", func(t *testing.T) {
		c := newRaw(t, argostest.WithControlAPI())
		r := c.admin(http.MethodPost, "step2-script", `{"outcomes":["face_mismatch","reject"]}`)
		require.Equal(t, http.StatusNoContent, r.Status, "%s", r.Body)
		id := c.step1("script@example.com")
		assert.Equal(t, "incomplete", c.step2(id)["kycStatus"])
		assert.Equal(t, "rejected", c.step2(id)["kycStatus"])
	})
	t.Run("a KYC result finishes a pending submission", func(t *testing.T) {
		c := newRaw(t, argostest.WithControlAPI())
		c.srv.ScriptStep2(argostest.OutcomePending)
		id := c.step1("review@example.com")
		c.step2(id)
		r := c.admin(http.MethodPost, "kyc-result", `{"submission_id":"`+id+`","result":"rejected","comment":["Blurry ID"]}`)
		require.Equal(t, http.StatusNoContent, r.Status, "%s", r.Body)
		assert.Equal(t, "rejected", path(c.item(id), "kyc", "result"))
		assert.Equal(t, []any{"Blurry ID"}, path(c.item(id), "kyc", "comment"))
	})
	t.Run("AML hits make an approved submission a Red Flag", func(t *testing.T) {
		c := newRaw(t, argostest.WithControlAPI())
		id := c.step1("aml@example.com")
		c.step2(id)
		r := c.admin(http.MethodPost, "aml-hits", `{"submission_id":"`+id+`","hits":2}`)
		require.Equal(t, http.StatusNoContent, r.Status, "%s", r.Body)
		assert.Equal(t, "Red Flag", path(c.item(id), "aml", "currentstatus"))
		assert.Len(t, path(c.item(id), "aml", "resourceIds"), 2)
	})
	t.Run("an injected fault answers the API until cleared but never the admin", func(t *testing.T) {
		c := newRaw(t, argostest.WithControlAPI())
		r := c.admin(http.MethodPost, "faults", `{"method":"GET","times":-1,"status":503,"retry_after":"1"}`)
		require.Equal(t, http.StatusNoContent, r.Status, "%s", r.Body)
		got := c.get("/submission", nil)
		assert.Equal(t, http.StatusServiceUnavailable, got.Status)
		assert.Equal(t, "1", got.Header.Get("Retry-After"))
		assert.Equal(t, http.StatusOK, c.admin(http.MethodGet, "webhooks", "").Status, "faults do not apply to the admin")

		require.Equal(t, http.StatusNoContent, c.admin(http.MethodDelete, "faults", "").Status)
		assert.Equal(t, http.StatusOK, c.get("/submission", nil).Status)
	})
	t.Run("a webhook URL set with its CA receives the webhooks, listed afterwards", func(t *testing.T) {
		rc := newReceiver(t)
		c := newRaw(t, argostest.WithControlAPI())
		caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: rc.ts.Certificate().Raw})
		body, err := json.Marshal(map[string]string{"url": rc.ts.URL + "/hook", "ca_pem": string(caPEM)})
		require.NoError(t, err)
		r := c.admin(http.MethodPut, "webhook-url", string(body))
		require.Equal(t, http.StatusNoContent, r.Status, "%s", r.Body)
		id := c.step1("hook@example.com")

		r = c.admin(http.MethodGet, "webhooks", "")
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		var list []struct {
			Trigger      string          `json:"trigger"`
			SubmissionID string          `json:"submission_id"`
			StatusCode   int             `json:"status_code"`
			Error        string          `json:"error"`
			Body         json.RawMessage `json:"body"`
		}
		require.NoError(t, json.Unmarshal(r.Body, &list))
		require.Len(t, list, 1)
		assert.Equal(t, "created", list[0].Trigger)
		assert.Equal(t, id, list[0].SubmissionID)
		assert.Equal(t, http.StatusOK, list[0].StatusCode)
		assert.Empty(t, list[0].Error)
		e, err := argos.ParseWebhook(list[0].Body)
		require.NoError(t, err)
		assert.Equal(t, id, e.SubmissionID)
		assert.Len(t, rc.received(), 1)
	})
	t.Run("a scripted Step 1 outcome fails the next Step 1 with its retry code", func(t *testing.T) {
		c := newRaw(t, argostest.WithControlAPI())
		r := c.admin(http.MethodPost, "step1-script", `{"outcomes":["document_expired","read"]}`)
		require.Equal(t, http.StatusNoContent, r.Status, "%s", r.Body)
		got := c.postMultipart("/submission/step1", step1Fields("s1@example.com"), map[string]file{"idImage": pngPart("x.png")})
		assert.Equal(t, "document_expired", path(got.JSON(t), "retry").([]any)[0].(map[string]any)["retryCode"])
	})
	t.Run("advance moves the clock and fires the timers", func(t *testing.T) {
		c := newRaw(t, argostest.WithControlAPI())
		id := c.abandoned("advance@example.com")
		r := c.admin(http.MethodPost, "advance", `{"duration":"24h"}`)
		require.Equal(t, http.StatusNoContent, r.Status, "%s", r.Body)
		assert.Equal(t, "rejected", path(c.item(id), "kyc", "result"))
	})
	t.Run("liveform plays a link and answers where the browser lands", func(t *testing.T) {
		c := newRaw(t, argostest.WithControlAPI(), argostest.WithReturnURL("https://app.example/done"))
		body, err := json.Marshal(map[string]any{
			"link":      plainLink(t, &argos.LiveformParams{ProjectID: "p", UserID: "u-9"}),
			"applicant": map[string]string{"email": "admin-form@example.com", "outcome": "pending", "issuing_country": "KOR"},
		})
		require.NoError(t, err)
		r := c.admin(http.MethodPost, "liveform", string(body))
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		var res struct{ ReturnURL, SubmissionID, ErrorCode string }
		m := r.JSON(t)
		res.ReturnURL, res.SubmissionID, res.ErrorCode = m["return_url"].(string), m["submission_id"].(string), m["error_code"].(string)
		ret, err := argos.ParseReturnURL(res.ReturnURL)
		require.NoError(t, err)
		assert.Equal(t, argos.KYCPending, ret.Status)
		assert.Equal(t, "u-9", ret.UserID)
		assert.Equal(t, res.SubmissionID, ret.SubmissionID)
		assert.Empty(t, res.ErrorCode)
		assert.Equal(t, "KOR", path(c.item(res.SubmissionID), "data", "idcard_issuingCountry"))
	})
	t.Run("submissions seeds the project", func(t *testing.T) {
		c := newRaw(t, argostest.WithControlAPI())
		r := c.admin(http.MethodPost, "submissions", `{"count":25}`)
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		ids, _ := r.JSON(t)["submission_ids"].([]any)
		require.Len(t, ids, 25)
		c.item(ids[0].(string))
	})
	t.Run("admin requests are not recorded as API requests", func(t *testing.T) {
		c := newRaw(t, argostest.WithControlAPI())
		c.admin(http.MethodGet, "webhooks", "")
		assert.Empty(t, c.srv.Requests())
	})
}

func TestAdminEndpointsRefuseBadRequests(t *testing.T) {
	tests := []struct {
		name, method, path, body string
		status                   int
		message                  string
	}{
		{"an unknown outcome is named with the valid ones", http.MethodPost, "step2-script", `{"outcomes":["maybe"]}`,
			http.StatusBadRequest, `unknown outcome "maybe": use one of approve, face_mismatch`},
		{"an unknown field is refused", http.MethodPost, "aml-hits", `{"submission":"x"}`,
			http.StatusBadRequest, "invalid JSON body"},
		{"a KYC result for an unknown submission says so", http.MethodPost, "kyc-result", `{"submission_id":"nope","result":"approved"}`,
			http.StatusBadRequest, `no submission "nope"`},
		{"a fault with an impossible status is refused", http.MethodPost, "faults", `{"status":42}`,
			http.StatusBadRequest, "status 42 is not an HTTP status"},
		{"a relative webhook URL is refused", http.MethodPut, "webhook-url", `{"url":"/hooks"}`,
			http.StatusBadRequest, "url must be an absolute http or https URL"},
		{"a CA that is not PEM is refused", http.MethodPut, "webhook-url", `{"url":"https://example.com","ca_pem":"nope"}`,
			http.StatusBadRequest, "ca_pem holds no PEM certificate"},
		{"an unknown Step 1 outcome is named with the valid ones", http.MethodPost, "step1-script", `{"outcomes":["blurry"]}`,
			http.StatusBadRequest, `unknown Step 1 outcome "blurry": use one of barcode_protocol_fail`},
		{"a duration that is not one is refused", http.MethodPost, "advance", `{"duration":"tomorrow"}`,
			http.StatusBadRequest, "duration must be a positive Go duration"},
		{"a negative duration is refused", http.MethodPost, "advance", `{"duration":"-1h"}`,
			http.StatusBadRequest, "duration must be a positive Go duration"},
		{"a link the fake cannot play is refused without quoting it", http.MethodPost, "liveform",
			`{"link":"https://elsewhere.example/?email=who@example.com"}`, http.StatusBadRequest, "argos: invalid link: is not a link to the hosted liveform"},
		{"a liveform outcome that is not one is refused", http.MethodPost, "liveform",
			`{"link":"https://form.argosidentity.com/?pid=p","applicant":{"outcome":"maybe"}}`, http.StatusBadRequest, `unknown outcome "maybe"`},
		{"a seed count of zero is refused", http.MethodPost, "submissions", `{"count":0}`,
			http.StatusBadRequest, "count must be between 1 and 100000"},
		{"a seed count over the bound is refused", http.MethodPost, "submissions", `{"count":100001}`,
			http.StatusBadRequest, "count must be between 1 and 100000"},
		{"a wrong method is refused", http.MethodGet, "kyc-result", "", http.StatusMethodNotAllowed, "use POST"},
		{"an unknown endpoint is not found", http.MethodGet, "nothing", "", http.StatusNotFound, "no admin endpoint /_admin/nothing"},
	}
	c := newRaw(t, argostest.WithControlAPI())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.admin(tt.method, tt.path, tt.body)
			assert.Equal(t, tt.status, r.Status)
			assert.Contains(t, r.Message(t), tt.message)
			assert.NotContains(t, string(r.Body), "who@example.com", "no applicant data in an error")
		})
	}
	t.Run("a wrong key is forbidden", func(t *testing.T) {
		bad := &raw{t: t, srv: c.srv, key: "wrong"}
		r := bad.admin(http.MethodGet, "webhooks", "")
		assert.Equal(t, http.StatusForbidden, r.Status)
	})
	t.Run("without WithAdmin the path is unknown to the API", func(t *testing.T) {
		plain := newRaw(t)
		r := plain.admin(http.MethodGet, "webhooks", "")
		assert.Equal(t, http.StatusNotFound, r.Status)
		assert.Equal(t, "Not Found", r.Message(t))
	})
}
