package argostest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// receiver is a webhook receiver over TLS that records every body it gets
// and answers with status.
type receiver struct {
	ts     *httptest.Server
	status atomic.Int32

	mu     sync.Mutex
	bodies [][]byte
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	rc := &receiver{}
	rc.status.Store(http.StatusOK)
	rc.ts = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.bodies = append(rc.bodies, b)
		rc.mu.Unlock()
		w.WriteHeader(int(rc.status.Load()))
	}))
	t.Cleanup(rc.ts.Close)
	return rc
}

// received returns the bodies received so far.
func (rc *receiver) received() [][]byte {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([][]byte(nil), rc.bodies...)
}

// option points a fake at the receiver.
func (rc *receiver) option() argostest.ServerOption {
	return argostest.WithWebhookURL(rc.ts.URL+"/hooks/secret", rc.ts.Client())
}

// v3Client is an SDK client for the fake's v3 routes.
func v3Client(t *testing.T, srv *argostest.Server) *argos.Client {
	t.Helper()
	c, err := argos.NewClient(srv.APIKey, argos.WithBaseURL(srv.URL("v3")), argos.WithRootCAs(srv.RootCAs()))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// flush waits for the fake's webhooks and returns them.
func flush(t *testing.T, srv *argostest.Server) []argostest.WebhookDelivery {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, srv.FlushWebhooks(ctx))
	return srv.Webhooks()
}

// sent is what a test expects of one webhook.
type sent struct {
	trigger argos.WebhookTrigger
	status  argos.KYCStatus
}

// deleteAs deletes a submission naming the admin, as the delete webhook
// requires.
func (c *raw) deleteAs(id, admin string) {
	c.t.Helper()
	q := url.Values{"submission_id": {id}}
	if admin != "" {
		q.Set("admin_name", admin)
	}
	r := c.do(http.MethodDelete, "/submission", q, "", nil)
	require.Equal(c.t, http.StatusOK, r.Status, "delete: %s", r.Body)
}

// transitionFlows each play one submission through the fake and list the
// webhooks it must send.
var transitionFlows = []struct {
	name string
	run  func(t *testing.T, c *raw) string // returns the submission ID
	want []sent
}{
	{"an approved submission sends created, approved and aml", func(t *testing.T, c *raw) string {
		id := c.step1("approved@example.com")
		c.step2(id)
		return id
	}, []sent{{argos.WebhookCreated, argos.KYCIncomplete}, {argos.WebhookApproved, argos.KYCApproved}, {argos.WebhookAML, ""}}},
	{"a submission that fails three tries sends two retries then rejected", func(t *testing.T, c *raw) string {
		c.srv.ScriptStep2(argostest.OutcomeFaceMismatch, argostest.OutcomeLivenessFail, argostest.OutcomeNoFace)
		id := c.step1("retries@example.com")
		c.step2(id)
		c.step2(id)
		c.step2(id)
		return id
	}, []sent{{argos.WebhookCreated, argos.KYCIncomplete}, {argos.WebhookRetry, argos.KYCIncomplete},
		{argos.WebhookRetry, argos.KYCIncomplete}, {argos.WebhookRejected, argos.KYCRejected}}},
	{"a failed Step 1 sends created, a failed retry sends retry, a read retry none", func(t *testing.T, c *raw) string {
		c.srv.ScriptStep1(argostest.Step1Glare, argostest.Step1MissingName)
		first := c.postMultipart("/submission/step1", step1Fields("step1retry@example.com"), map[string]file{"idImage": pngPart("front.png")})
		id, _ := first.JSON(t)["submissionId"].(string)
		require.NotEmpty(t, id, "%s", first.Body)
		fields := step1Fields("step1retry@example.com")
		fields["submissionId"] = id
		for range 2 {
			r := c.postMultipart("/submission/step1", fields, map[string]file{"idImage": pngPart("front.png")})
			require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		}
		return id
	}, []sent{{argos.WebhookCreated, argos.KYCIncomplete}, {argos.WebhookRetry, argos.KYCIncomplete}}},
	{"a pending submission a reviewer approves sends submit, approved and aml", func(t *testing.T, c *raw) string {
		c.srv.ScriptStep2(argostest.OutcomePending)
		id := c.step1("pending@example.com")
		c.step2(id)
		require.NoError(t, c.srv.SetKYCResult(id, argos.KYCApproved))
		return id
	}, []sent{{argos.WebhookCreated, argos.KYCIncomplete}, {argos.WebhookSubmit, argos.KYCPending},
		{argos.WebhookApproved, argos.KYCApproved}, {argos.WebhookAML, ""}}},
	{"a pending submission a reviewer rejects sends submit and rejected", func(t *testing.T, c *raw) string {
		c.srv.ScriptStep2(argostest.OutcomePending)
		id := c.step1("pending-reject@example.com")
		c.step2(id)
		require.NoError(t, c.srv.SetKYCResult(id, argos.KYCRejected, "Blurry ID"))
		return id
	}, []sent{{argos.WebhookCreated, argos.KYCIncomplete}, {argos.WebhookSubmit, argos.KYCPending},
		{argos.WebhookRejected, argos.KYCRejected}}},
	{"a submission rejected at once sends rejected", func(t *testing.T, c *raw) string {
		c.srv.ScriptStep2(argostest.OutcomeReject)
		id := c.step1("reject@example.com")
		c.step2(id)
		return id
	}, []sent{{argos.WebhookCreated, argos.KYCIncomplete}, {argos.WebhookRejected, argos.KYCRejected}}},
	{"AML hits send another aml", func(t *testing.T, c *raw) string {
		id := c.step1("aml@example.com")
		c.step2(id)
		require.NoError(t, c.srv.SetAMLHits(id, 2))
		return id
	}, []sent{{argos.WebhookCreated, argos.KYCIncomplete}, {argos.WebhookApproved, argos.KYCApproved},
		{argos.WebhookAML, ""}, {argos.WebhookAML, ""}}},
	{"a delete naming the admin sends delete", func(t *testing.T, c *raw) string {
		id := c.step1("delete@example.com")
		c.deleteAs(id, "admin@example.com")
		return id
	}, []sent{{argos.WebhookCreated, argos.KYCIncomplete}, {argos.WebhookDelete, ""}}},
	{"an admin's PATCH sends updated", func(t *testing.T, c *raw) string {
		id := c.step1("patch@example.com")
		_, err := v3Client(t, c.srv).UpdateSubmission(context.Background(), &argos.UpdateSubmissionRequest{
			SubmissionID: id, Admin: argostest.DefaultAdmin, Data: argos.SubmissionUpdate{Status: argos.KYCRejected}})
		require.NoError(t, err)
		return id
	}, []sent{{argos.WebhookCreated, argos.KYCIncomplete}, {argos.WebhookUpdated, argos.KYCRejected}}},
	{"a client review of a pending submission sends approved and aml", func(t *testing.T, c *raw) string {
		c.srv.ScriptStep2(argostest.OutcomePending)
		id := c.step1("review@example.com")
		c.step2(id)
		_, err := v3Client(t, c.srv).ReviewSubmission(context.Background(), &argos.ReviewRequest{
			SubmissionID: id, Admin: argostest.DefaultAdmin, Status: argos.KYCApproved})
		require.NoError(t, err)
		return id
	}, []sent{{argos.WebhookCreated, argos.KYCIncomplete}, {argos.WebhookSubmit, argos.KYCPending},
		{argos.WebhookApproved, argos.KYCApproved}, {argos.WebhookAML, ""}}},
	{"AML monitoring of an approved submission sends aml_monitor", func(t *testing.T, c *raw) string {
		id := c.step1("monitor@example.com")
		c.step2(id)
		_, err := v3Client(t, c.srv).MonitorAML(context.Background(), &argos.AMLMonitorRequest{WorklistID: "worklist-1", SubmissionIDs: []string{id}, Admin: argostest.DefaultAdmin})
		require.NoError(t, err)
		return id
	}, []sent{{argos.WebhookCreated, argos.KYCIncomplete}, {argos.WebhookApproved, argos.KYCApproved},
		{argos.WebhookAML, ""}, {argos.WebhookAMLMonitor, ""}}},
	{"a delete without an admin sends nothing", func(t *testing.T, c *raw) string {
		id := c.step1("delete-quiet@example.com")
		c.deleteAs(id, "")
		return id
	}, []sent{{argos.WebhookCreated, argos.KYCIncomplete}}},
}

func TestWebhooksAreDeliveredForEveryTransitionInOrder(t *testing.T) {
	for _, tt := range transitionFlows {
		t.Run(tt.name, func(t *testing.T) {
			rc := newReceiver(t)
			c := newRaw(t, rc.option())
			id := tt.run(t, c)

			got := flush(t, c.srv)
			require.Len(t, got, len(tt.want), "deliveries: %v", got)
			bodies := rc.received()
			require.Len(t, bodies, len(tt.want), "the receiver got each webhook once")
			for i, d := range got {
				assert.Equal(t, tt.want[i].trigger, d.Trigger, "delivery %d", i)
				assert.Equal(t, id, d.SubmissionID, "delivery %d", i)
				assert.Equal(t, http.StatusOK, d.StatusCode, "delivery %d", i)
				require.NoError(t, d.Err, "delivery %d", i)
				assert.Equal(t, bodies[i], d.Body, "the receiver got delivery %d in order", i)
				assert.Equal(t, d.Body, d.Payload, "an unencrypted body is the payload")

				e, err := argos.ParseWebhook(d.Body)
				require.NoError(t, err, "delivery %d parses", i)
				assert.Equal(t, tt.want[i].trigger, e.Trigger)
				assert.Equal(t, id, e.SubmissionID)
				assert.Equal(t, tt.want[i].status, e.Status, "delivery %d (%s)", i, d.Trigger)
			}
		})
	}
}

func TestWebhookBodiesCarryTheTransitionsDetails(t *testing.T) {
	rc := newReceiver(t)
	c := newRaw(t, rc.option())
	c.srv.ScriptStep2(argostest.OutcomeFaceMismatch)
	id := c.step1("details@example.com")
	c.step2(id)
	c.step2(id)
	require.NoError(t, c.srv.SetAMLHits(id, 1))
	c.deleteAs(id, "admin@example.com")

	got := flush(t, c.srv)
	require.Len(t, got, 6)
	events := make([]*argos.WebhookEvent, len(got))
	for i, d := range got {
		e, err := argos.ParseWebhook(d.Body)
		require.NoError(t, err)
		events[i] = e
	}

	t.Run("created carries the custom fields, user ID and a masked IP", func(t *testing.T) {
		e := events[0]
		assert.Equal(t, "test", e.CF1)
		assert.Equal(t, "user-1", e.UserID)
		assert.Equal(t, "127.0.0.*", e.IPAddress)
	})
	t.Run("retry carries the retry code and the tries so far", func(t *testing.T) {
		e := events[1]
		assert.Equal(t, argos.WebhookRetry, e.Trigger)
		assert.Equal(t, argos.RetryFaceCompare, e.RetryCode)
		assert.Equal(t, 1, e.Attempts)
	})
	t.Run("approved carries the applicant and the data Step 2 confirmed", func(t *testing.T) {
		e := events[2]
		assert.Equal(t, argos.WebhookApproved, e.Trigger)
		assert.NotEmpty(t, e.ApplicantID)
		assert.Equal(t, "details@example.com", e.Email)
		assert.Equal(t, "John Smith", e.FullName)
		assert.Equal(t, "1975-08-25", e.DateOfBirth)
		assert.Equal(t, argos.IDPassport, e.IDType)
		assert.NotEmpty(t, e.KYCResultAt)
	})
	t.Run("aml after approval is Not Screened and after hits a Red Flag", func(t *testing.T) {
		assert.Equal(t, "Not Screened", events[3].AMLStatus)
		assert.Equal(t, "Red Flag", events[4].AMLStatus)
		assert.Equal(t, "HIGH", events[4].AMLRiskLevel)
	})
	t.Run("delete names the admin and the time", func(t *testing.T) {
		e := events[5]
		assert.Equal(t, "admin@example.com", e.AccountEmail)
		assert.NotEmpty(t, e.DeleteTime)
		assert.Empty(t, e.Email, "a deleted submission's data is not sent")
	})
}

func TestWebhooksReachNewWebhookHandler(t *testing.T) {
	var mu sync.Mutex
	var got []string
	h, err := argos.NewWebhookHandler(func(_ context.Context, e *argos.WebhookEvent) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, string(e.Trigger)+" "+string(e.Status))
		return nil
	})
	require.NoError(t, err)
	ts := httptest.NewTLSServer(h)
	defer ts.Close()
	c := newRaw(t, argostest.WithWebhookURL(ts.URL, ts.Client()))
	c.srv.ScriptStep2(argostest.OutcomeReject)
	c.step2(c.step1("handler@example.com"))

	for _, d := range flush(t, c.srv) {
		assert.Equal(t, http.StatusOK, d.StatusCode, "%v", d)
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"created incomplete", "rejected rejected"}, got)
}

func TestSetWebhookURLPointsARunningServerAtAReceiver(t *testing.T) {
	c := newRaw(t)
	c.step1("before@example.com")
	rc := newReceiver(t)
	c.srv.SetWebhookURL(rc.ts.URL+"/hooks/secret", rc.ts.Client())
	id := c.step1("after@example.com")

	got := flush(t, c.srv)
	require.Len(t, got, 1, "only the transition after SetWebhookURL sends a webhook")
	assert.Equal(t, argos.WebhookCreated, got[0].Trigger)
	assert.Equal(t, id, got[0].SubmissionID)
	assert.Equal(t, http.StatusOK, got[0].StatusCode)
	assert.Len(t, rc.received(), 1)

	c.srv.SetWebhookURL("", nil)
	c.step1("stopped@example.com")
	assert.Len(t, flush(t, c.srv), 1, `"" stops sending`)
}

func TestFailedWebhooksAreRecordedAndNotRetried(t *testing.T) {
	t.Run("a receiver answering 500 is recorded with its status", func(t *testing.T) {
		rc := newReceiver(t)
		rc.status.Store(http.StatusInternalServerError)
		c := newRaw(t, rc.option())
		c.step1("fail@example.com")

		got := flush(t, c.srv)
		require.Len(t, got, 1)
		assert.Equal(t, http.StatusInternalServerError, got[0].StatusCode)
		require.Error(t, got[0].Err)
		assert.Contains(t, got[0].Err.Error(), "500")
		assert.Len(t, rc.received(), 1, "the fake does not resend")
	})
	t.Run("an unreachable receiver is recorded with the connection error", func(t *testing.T) {
		ts := httptest.NewTLSServer(http.NotFoundHandler())
		u, hc := ts.URL, ts.Client()
		ts.Close()
		c := newRaw(t, argostest.WithWebhookURL(u, hc))
		c.step1("unreachable@example.com")

		got := flush(t, c.srv)
		require.Len(t, got, 1)
		assert.Zero(t, got[0].StatusCode)
		assert.Error(t, got[0].Err)
	})
}

func TestWebhooksAreNotSentWithoutAURL(t *testing.T) {
	c := newRaw(t)
	c.step2(c.step1("nourl@example.com"))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	assert.NoError(t, c.srv.FlushWebhooks(ctx), "nothing was queued")
	assert.ErrorIs(t, c.srv.WaitWebhooks(ctx, 1), context.DeadlineExceeded)
	assert.Empty(t, c.srv.Webhooks())
}

func TestCloseStopsWebhookDelivery(t *testing.T) {
	synctest.Test(t, func(t *testing.T) { // virtual time: Close's wait is exact
		arrived := make(chan struct{}, 10)
		// The receiver holds each webhook until its sender gives up.
		receiver := pipeClient(t, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body) // then net/http watches for the sender hanging up
			arrived <- struct{}{}
			<-r.Context().Done()
		}))
		h := argostest.NewHandler(argostest.WithWebhookURL(pipeBase+"/hooks", receiver))
		defer h.Close()
		client, err := argos.NewClient(h.APIKey(), argos.WithBaseURL(pipeBase+"/v3"), argos.WithHTTPClient(pipeClient(t, h)))
		require.NoError(t, err)
		s1, err := client.SubmitStep1(t.Context(), step1Req("close@example.com"))
		require.NoError(t, err)
		_, err = client.SubmitStep2(t.Context(), step2Req(s1.SubmissionID)) // created, approved, aml queued
		require.NoError(t, err)
		<-arrived // the first one is in flight
		start := time.Now()

		h.Close()

		assert.Zero(t, time.Since(start), "Close does not wait for the receiver")
		got := h.Webhooks()
		require.Len(t, got, 1, "the webhook in flight is recorded, the queued ones are dropped")
		assert.ErrorIs(t, got[0].Err, context.Canceled)
		assert.ErrorIs(t, h.WaitWebhooks(context.Background(), 2), argostest.ErrClosed)
		assert.ErrorIs(t, h.FlushWebhooks(context.Background()), argostest.ErrClosed)
		// synctest.Test fails if the delivery goroutine outlives the bubble.
	})
}

func TestWebhookDeliveryPrintsNoApplicantData(t *testing.T) {
	d := argostest.WebhookDelivery{
		Trigger: argos.WebhookApproved, SubmissionID: "sub1",
		Body: []byte(`{"email":"secret@example.com"}`), Payload: []byte(`{"email":"secret@example.com"}`),
		StatusCode: 500, Err: errors.New("argostest: webhook receiver answered 500"),
	}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("delivery", "d", d)
	for _, s := range []string{fmt.Sprint(d), fmt.Sprintf("%v %+v %#v %s %q", d, d, d, d, d), logged.String()} {
		assert.NotContains(t, s, "secret@example.com")
		assert.Contains(t, s, "sub1")
	}
}
