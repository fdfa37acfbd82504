package argos_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// recordingFn is a webhook func that records what it was called with.
type recordingFn struct {
	events []*argos.WebhookEvent
	ctxs   []context.Context
	err    error
}

func (f *recordingFn) fn(ctx context.Context, e *argos.WebhookEvent) error {
	f.events = append(f.events, e)
	f.ctxs = append(f.ctxs, ctx)
	return f.err
}

type ctxKey struct{}

// deliver sends one request to h and returns the response.
func deliver(h http.Handler, method string, body io.Reader, contentLength int64) *http.Response {
	req := httptest.NewRequest(method, "/hooks/argos", body)
	req.ContentLength = contentLength
	req = req.WithContext(context.WithValue(req.Context(), ctxKey{}, "request-scoped"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func TestWebhookHandlerStatuses(t *testing.T) {
	approved := fixture(t, "webhooks/approved_update_at.json")
	for _, tc := range []struct {
		name       string
		method     string
		body       []byte
		fnErr      error
		opts       []argos.WebhookOption
		wantStatus int
		wantCalled bool
	}{
		{name: "a valid event is answered 200 after fn ran", method: http.MethodPost, body: approved,
			wantStatus: http.StatusOK, wantCalled: true},
		{name: "an event of an unknown trigger is delivered too", method: http.MethodPost,
			body: fixture(t, "webhooks/unknown_trigger.json"), wantStatus: http.StatusOK, wantCalled: true},
		{name: "a GET is answered 405 and fn is not called", method: http.MethodGet,
			wantStatus: http.StatusMethodNotAllowed},
		{name: "a PUT is answered 405 and fn is not called", method: http.MethodPut, body: approved,
			wantStatus: http.StatusMethodNotAllowed},
		{name: "a body that is not JSON is answered 400 and fn is not called", method: http.MethodPost,
			body: fixture(t, "webhooks/not_json.txt"), wantStatus: http.StatusBadRequest},
		{name: "a body without webhook_trigger is answered 400 and fn is not called", method: http.MethodPost,
			body: fixture(t, "webhooks/no_trigger.json"), wantStatus: http.StatusBadRequest},
		{name: "an empty body is answered 400 and fn is not called", method: http.MethodPost,
			wantStatus: http.StatusBadRequest},
		{name: "an encrypted body without the key is answered 400", method: http.MethodPost,
			body: fixture(t, "webhooks/encrypted_rejected.json"), wantStatus: http.StatusBadRequest},
		{name: "an encrypted body with the key is delivered", method: http.MethodPost,
			body: fixture(t, "webhooks/encrypted_rejected.json"), opts: []argos.WebhookOption{argos.WithWebhookKey(webhookKey)},
			wantStatus: http.StatusOK, wantCalled: true},
		{name: "an fn error is answered 500 so Argos may resend", method: http.MethodPost, body: approved,
			fnErr: errors.New("database down"), wantStatus: http.StatusInternalServerError, wantCalled: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recordingFn{err: tc.fnErr}
			h := newWebhookHandler(t, rec.fn, tc.opts...)

			resp := deliver(h, tc.method, bytes.NewReader(tc.body), int64(len(tc.body)))

			assert.Equal(t, tc.wantStatus, resp.StatusCode)
			assert.Equal(t, tc.wantCalled, len(rec.events) == 1, "fn called")
			if tc.wantStatus == http.StatusMethodNotAllowed {
				assert.Equal(t, http.MethodPost, resp.Header.Get("Allow"))
			}
			body, _ := io.ReadAll(resp.Body)
			assert.NotContains(t, string(body), "database down", "fn's error is not sent back")
		})
	}
}

func TestNewWebhookHandlerRefusesAMisconfiguration(t *testing.T) {
	fn := (&recordingFn{}).fn
	for _, tc := range []struct {
		name  string
		fn    func(context.Context, *argos.WebhookEvent) error
		opts  []argos.WebhookOption
		field string
	}{
		{"an empty key (an unset environment variable)", fn, []argos.WebhookOption{argos.WithWebhookKey("")}, "webhook key"},
		{"a nil confirm client", fn, []argos.WebhookOption{argos.WithConfirm(nil)}, "confirm client"},
		{"a nil logger", fn, []argos.WebhookOption{argos.WithWebhookLogger(nil)}, "webhook logger"},
		{"a nil option", fn, []argos.WebhookOption{nil}, "webhook option 0"},
		{"a nil fn", nil, nil, "webhook handler func"},
	} {
		t.Run(tc.name+" is a ValidationError at construction", func(t *testing.T) {
			h, err := argos.NewWebhookHandler(tc.fn, tc.opts...)
			var ve *argos.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Nil(t, h)
		})
	}
	t.Run("a WebhookHandler NewWebhookHandler did not make answers 500", func(t *testing.T) {
		var h argos.WebhookHandler
		var resp *http.Response
		require.NotPanics(t, func() {
			resp = deliver(&h, http.MethodPost, bytes.NewReader(fixture(t, "webhooks/created.json")), -1)
		})
		assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	})
}

func TestWebhookHandlerBodyLimit(t *testing.T) {
	big := append([]byte(`{"webhook_trigger":"approved","pad":"`), bytes.Repeat([]byte("x"), argos.MaxWebhookBody)...)
	big = append(big, `"}`...)
	for _, tc := range []struct {
		name          string
		contentLength int64
	}{
		{"a body declared larger than MaxWebhookBody is answered 413", int64(len(big))},
		{"a chunked body that grows past MaxWebhookBody is answered 413", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recordingFn{}

			resp := deliver(newWebhookHandler(t, rec.fn), http.MethodPost, bytes.NewReader(big), tc.contentLength)

			assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
			assert.Empty(t, rec.events)
		})
	}

	t.Run("a body of exactly MaxWebhookBody is read", func(t *testing.T) {
		body := []byte(`{"webhook_trigger":"approved","pad":"`)
		body = append(body, bytes.Repeat([]byte("x"), argos.MaxWebhookBody-len(body)-2)...)
		body = append(body, `"}`...)
		require.Len(t, body, argos.MaxWebhookBody)
		rec := &recordingFn{}

		resp := deliver(newWebhookHandler(t, rec.fn), http.MethodPost, bytes.NewReader(body), -1)

		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Len(t, rec.events, 1)
	})
}

func TestWebhookHandlerPassesTheEventAndTheRequestContext(t *testing.T) {
	rec := &recordingFn{}
	h := newWebhookHandler(t, rec.fn)

	resp := deliver(h, http.MethodPost, bytes.NewReader(fixture(t, "webhooks/rejected.json")), -1)

	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Len(t, rec.events, 1)
	got := *rec.events[0]
	got.Raw = nil
	assert.Equal(t, rejectedEvent, got)
	assert.Equal(t, "request-scoped", rec.ctxs[0].Value(ctxKey{}))
}

func TestWebhookHandlerLogsMetadataOnly(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	rec := &recordingFn{err: errors.New("cannot store applicant@example.com")}
	h := newWebhookHandler(t, rec.fn, argos.WithWebhookLogger(logger))

	deliver(h, http.MethodPost, bytes.NewReader(fixture(t, "webhooks/approved_update_at.json")), -1)
	rec.err = nil
	deliver(h, http.MethodPost, bytes.NewReader(fixture(t, "webhooks/unknown_trigger.json")), -1)
	deliver(h, http.MethodPost, bytes.NewReader(fixture(t, "webhooks/not_json.txt")), -1)

	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.Len(t, lines, 3)
	var records []map[string]any
	for _, l := range lines {
		var r map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &r))
		records = append(records, r)
		assert.Contains(t, r, "duration")
	}
	for i, want := range []struct {
		level, trigger, outcome string
		status                  float64
	}{
		{"WARN", "approved", "handler_failed", 500},
		{"INFO", "unknown", "delivered", 200},
		{"WARN", "unknown", "invalid_body", 400},
	} {
		assert.Equal(t, want.level, records[i]["level"], i)
		assert.Equal(t, want.trigger, records[i]["trigger"], i)
		assert.Equal(t, want.outcome, records[i]["outcome"], i)
		assert.Equal(t, want.status, records[i]["status"], i) //nolint:testifylint // JSON numbers are float64
	}
	for _, p := range []string{"applicant@example.com", "user-7f3a", "Test Applicant", "X1234567", "sub_approved_02", "kyb_completed", "/hooks/argos"} {
		assert.NotContains(t, logs.String(), p)
	}
}

func TestWebhookHandlerConfirm(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	// event is the approved sample about submission id.
	event := func(t *testing.T, trigger argos.WebhookTrigger, id string) []byte {
		var m map[string]any
		require.NoError(t, json.Unmarshal(fixture(t, "webhooks/approved_update_at.json"), &m))
		m["webhook_trigger"], m["submission_id"] = trigger, id
		b, err := json.Marshal(m)
		require.NoError(t, err)
		return b
	}

	t.Run("a claimed approval of a pending submission reaches fn with the API's status", func(t *testing.T) {
		c, srv := waitClient(t)
		id := pendingSubmission(t, c, srv)
		rec := &recordingFn{}

		resp := deliver(newWebhookHandler(t, rec.fn, argos.WithConfirm(c)), http.MethodPost, bytes.NewReader(event(t, argos.WebhookApproved, id)), -1)

		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Len(t, rec.events, 1)
		e := rec.events[0]
		assert.Equal(t, argos.WebhookApproved, e.Trigger, "the trigger stays as sent")
		assert.Equal(t, argos.KYCPending, e.Status, "the status is the API's")
		require.NotNil(t, e.Confirmed)
		assert.Equal(t, id, e.Confirmed.ID)
		assert.Equal(t, argos.KYCPending, e.Confirmed.KYC.Status)
	})

	t.Run("a true approval is confirmed", func(t *testing.T) {
		c, srv := waitClient(t)
		id := pendingSubmission(t, c, srv)
		require.NoError(t, srv.SetKYCResult(id, argos.KYCApproved))
		rec := &recordingFn{}

		resp := deliver(newWebhookHandler(t, rec.fn, argos.WithConfirm(c)), http.MethodPost, bytes.NewReader(event(t, argos.WebhookApproved, id)), -1)

		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Len(t, rec.events, 1)
		assert.Equal(t, argos.KYCApproved, rec.events[0].Status)
		assert.Equal(t, argos.KYCApproved, rec.events[0].Confirmed.KYC.Status)
	})

	t.Run("an approval of a submission deleted since carries no status", func(t *testing.T) {
		c, srv := waitClient(t)
		id := pendingSubmission(t, c, srv)
		require.NoError(t, srv.SetKYCResult(id, argos.KYCApproved))
		_, err := c.DeleteSubmission(context.Background(), &argos.DeleteSubmissionRequest{SubmissionID: id})
		require.NoError(t, err)
		rec := &recordingFn{}

		resp := deliver(newWebhookHandler(t, rec.fn, argos.WithConfirm(c)), http.MethodPost, bytes.NewReader(event(t, argos.WebhookApproved, id)), -1)

		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Len(t, rec.events, 1)
		assert.Empty(t, rec.events[0].Status, "what Argos keeps of a deleted submission is no decision to act on")
		require.NotNil(t, rec.events[0].Confirmed)
		assert.True(t, rec.events[0].Confirmed.Deleted())
	})

	t.Run("an event about a submission the API does not know is answered 500 and fn is not called", func(t *testing.T) {
		c, _ := waitClient(t)
		rec := &recordingFn{}

		resp := deliver(newWebhookHandler(t, rec.fn, argos.WithConfirm(c)), http.MethodPost, bytes.NewReader(event(t, argos.WebhookApproved, "forged-id")), -1)

		assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
		assert.Empty(t, rec.events)
	})

	t.Run("a failing look-up is answered 500 and fn is not called", func(t *testing.T) {
		c, srv := waitClient(t)
		id := pendingSubmission(t, c, srv)
		srv.InjectFault(argostest.Fault{Method: http.MethodGet, Path: "/submission", Times: -1, Status: http.StatusServiceUnavailable})
		rec := &recordingFn{}

		resp := deliver(newWebhookHandler(t, rec.fn, argos.WithConfirm(c)), http.MethodPost, bytes.NewReader(event(t, argos.WebhookApproved, id)), -1)

		assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
		assert.Empty(t, rec.events)
	})

	t.Run("an answer about another submission is not taken as confirmation", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonResponder(t, http.StatusOK, "submission_single_guide.json"))
		rec := &recordingFn{}

		resp := deliver(newWebhookHandler(t, rec.fn, argos.WithConfirm(c)), http.MethodPost, bytes.NewReader(event(t, argos.WebhookApproved, "sub-asked-for")), -1)

		assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
		assert.Empty(t, rec.events)
	})

	t.Run("a forged user ID on an approved event is replaced by the submission's", func(t *testing.T) {
		c, srv := waitClient(t)
		s1 := step1(t, c, "attacker@example.com", "attacker")
		srv.ScriptStep2(argostest.OutcomeApprove)
		_, err := step2(t, c, s1.SubmissionID)
		require.NoError(t, err)
		body := `{"webhook_trigger":"approved","submission_id":"` + s1.SubmissionID +
			`","kyc_result":{"status":"approved"},"userid":"victim","email":"victim@example.com"}`
		rec := &recordingFn{}

		resp := deliver(newWebhookHandler(t, rec.fn, argos.WithConfirm(c)), http.MethodPost, strings.NewReader(body), -1)

		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Len(t, rec.events, 1)
		e := rec.events[0]
		assert.Equal(t, argos.KYCApproved, e.Status)
		assert.Equal(t, "attacker", e.UserID, "the API's user ID")
		assert.Equal(t, "attacker@example.com", e.Email, "the API's email")
		assert.Contains(t, string(e.Raw), `"userid":"victim"`, "the claim stays in Raw")
	})

	t.Run("every field of a confirmed event is the API's and the claims stay only in Raw", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonResponder(t, http.StatusOK, "webhooks/confirm_submission.json"))
		body := fixture(t, "webhooks/forged_everything.json")
		rec := &recordingFn{}

		resp := deliver(newWebhookHandler(t, rec.fn, argos.WithConfirm(c)), http.MethodPost, bytes.NewReader(body), -1)

		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Len(t, rec.events, 1)
		got := *rec.events[0]
		require.NotNil(t, got.Confirmed)
		assert.Equal(t, "sub_confirm_01", got.Confirmed.ID)
		assert.Equal(t, json.RawMessage(body), got.Raw, "Raw is the body as received")
		assert.JSONEq(t, `[{"answer":"api-answer","inputValue":"","blockType":"checkbox"}]`, string(got.AdditionalList))
		got.Confirmed, got.Raw, got.AdditionalList = nil, nil, nil
		fields, err := json.Marshal(got)
		require.NoError(t, err)
		assert.NotContains(t, string(fields), "forged", "no field but Raw holds a claim")
		assert.Equal(t, argos.WebhookEvent{
			Trigger: argos.WebhookApproved, SubmissionID: "sub_confirm_01", Email: "api@example.com", UserID: "api-user",
			TokenID: "api-token", ApplicantID: "api-applicant", Status: argos.KYCRejected, CF1: "api-cf1", CF2: "api-cf2",
			UpdatedAt: "2024-05-02T09:14:03.120Z", CreatedAt: "2024-05-02T09:10:41.002Z", KYCResultAt: "2024-05-02T09:14:03.120Z",
			PendingAt: "2024-05-02T09:12:00.000Z", Reviewer: "api-reviewer@example.com",
			Comment: []string{"The ID does not match the data"}, CommentCode: []argos.RejectCode{argos.RejectDataMismatch},
			Attempts: 2, IPAddress: "198.51.100.9", AgeGroup: "30s", Gender: argos.GenderFemale, DateOfBirth: "1991-02-03",
			Nationality: "KOR", FullName: "Api Applicant", FirstName: "Api", LastName: "Applicant", IDType: argos.IDPassport,
			IssuingCountry: "KOR", DateOfIssue: "2021-04-05", DateOfExpiry: "2031-04-04", IdentityNumber: "API1234",
			DocumentNumber: "APIDOC9", DuplicatedInformation: "api-duplicated", AMLStatus: "Red Flag", AMLRiskLevel: "HIGH",
		}, got)
	})

	t.Run("events that cannot be confirmed reach fn with no status whatever they claim", func(t *testing.T) {
		c, srv := waitClient(t)
		id := pendingSubmission(t, c, srv)
		require.NoError(t, srv.SetKYCResult(id, argos.KYCApproved))
		srv.ResetRequests()
		approved := `"kyc_result":{"status":"approved"},"userid":"user-7f3a"`
		for _, tc := range []struct{ name, body string }{
			{"a delete event", `{"webhook_trigger":"delete","submission_id":"` + id + `",` + approved + `}`},
			{"a token_expired event", `{"webhook_trigger":"token_expired","submission_id":"` + id + `",` + approved + `}`},
			{"an event without a submission ID", `{"webhook_trigger":"approved",` + approved + `}`},
			{"an event whose submission ID is a number", `{"webhook_trigger":"approved","submission_id":20240501,` + approved + `}`},
			{"an event whose submission ID is an object", `{"webhook_trigger":"approved","submission_id":{"id":"` + id + `"},` + approved + `}`},
			{"the delete sample", string(fixture(t, "webhooks/delete.json"))},
			{"the token_expired sample", string(fixture(t, "webhooks/token_expired.json"))},
		} {
			t.Run(tc.name, func(t *testing.T) {
				rec := &recordingFn{}

				resp := deliver(newWebhookHandler(t, rec.fn, argos.WithConfirm(c)), http.MethodPost, strings.NewReader(tc.body), -1)

				require.Equal(t, http.StatusOK, resp.StatusCode)
				require.Len(t, rec.events, 1)
				assert.Empty(t, rec.events[0].Status, "no status without confirmation")
				assert.Nil(t, rec.events[0].Confirmed)
				assert.JSONEq(t, tc.body, string(rec.events[0].Raw), "the claims stay in Raw")
			})
		}
		assert.Equal(t, 0, submissionGets(srv), "nothing was looked up")
	})
}

func TestWebhookHandlerLogsWhyItFailed(t *testing.T) {
	approved := fixture(t, "webhooks/approved_update_at.json")
	confirmAnswering := func(t *testing.T, status int) argos.WebhookOption {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission", httpmock.NewStringResponder(status, ""))
		return argos.WithConfirm(c)
	}
	for _, tc := range []struct {
		name    string
		opt     func(t *testing.T) argos.WebhookOption
		body    func(t *testing.T) []byte
		outcome string
		cause   string
	}{
		{name: "a failed confirmation logs the API's answer",
			opt:  func(t *testing.T) argos.WebhookOption { return confirmAnswering(t, http.StatusServiceUnavailable) },
			body: func(*testing.T) []byte { return approved }, outcome: "confirm_failed", cause: "503 Service Unavailable"},
		{name: "a decryption failure logs why it failed",
			opt: func(*testing.T) argos.WebhookOption { return argos.WithWebhookKey(webhookKey) },
			body: func(t *testing.T) []byte {
				return encryptedBody(t, "another-key", approved)
			}, outcome: "invalid_body", cause: "bad padding"},
		{name: "a refused body logs which rule it broke",
			opt: func(t *testing.T) argos.WebhookOption { return confirmAnswering(t, http.StatusOK) },
			body: func(*testing.T) []byte {
				return []byte(`{"webhook_trigger":"approved","WEBHOOK_TRIGGER":"delete","email":"applicant@example.com"}`)
			}, outcome: "invalid_body", cause: "webhook_trigger more than once"},
	} {
		for _, loggerFirst := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s with the logger given first: %v", tc.name, loggerFirst), func(t *testing.T) {
				logs := &recordingHandler{}
				opts := []argos.WebhookOption{tc.opt(t), argos.WithWebhookLogger(slog.New(logs))}
				if loggerFirst {
					opts[0], opts[1] = opts[1], opts[0]
				}
				rec := &recordingFn{}

				deliver(newWebhookHandler(t, rec.fn, opts...), http.MethodPost, bytes.NewReader(tc.body(t)), -1)

				assert.Empty(t, rec.events)
				records := logs.all()
				require.Len(t, records, 1)
				assert.Contains(t, records[0], "outcome="+tc.outcome)
				assert.Regexp(t, `error=argos: .*`+regexp.QuoteMeta(tc.cause), records[0])
				for _, p := range []string{"applicant@example.com", "user-7f3a", "Test Applicant", "X1234567", "1990-01-01", "sub_approved_02", "delete"} {
					assert.NotContains(t, records[0], p, "no personal data or body content")
				}
			})
		}
	}
}
