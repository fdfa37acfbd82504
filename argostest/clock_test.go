package argostest_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// abandoned runs Step 1 and one failed Step 2 try: the submission waits
// for a retry.
func (c *raw) abandoned(email string) string {
	c.t.Helper()
	c.srv.ScriptStep2(argostest.OutcomeFaceMismatch)
	id := c.step1(email)
	require.Equal(c.t, "incomplete", c.step2(id)["kycStatus"])
	return id
}

func TestAdvanceFiresTheAbandonmentTimeout(t *testing.T) {
	start := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	t.Run("a submission left incomplete after a failed try is rejected 24 hours after its Step 1", func(t *testing.T) {
		rc := newReceiver(t)
		c := newRaw(t, rc.option(), argostest.WithClock(func() time.Time { return start }))
		id := c.abandoned("gone@example.com")

		c.srv.Advance(24*time.Hour - time.Millisecond)
		assert.Equal(t, "incomplete", path(c.item(id), "kyc", "result"))

		c.srv.Advance(time.Millisecond)
		it := c.item(id)
		assert.Equal(t, "rejected", path(it, "kyc", "result"))
		assert.Equal(t, []any{"KYC rejected due to timeout"}, path(it, "kyc", "comment"))
		assert.Nil(t, path(it, "kyc", "commentCode"), "no reject code is documented for the timeout")
		assert.Equal(t, "2025-06-02T08:00:00.000Z", path(it, "kyc_result_at"))

		got := flush(t, c.srv)
		assert.Equal(t, []argos.WebhookTrigger{argos.WebhookCreated, argos.WebhookRetry, argos.WebhookRejected}, triggers(got))
		e, err := argos.ParseWebhook(got[2].Body)
		require.NoError(t, err)
		assert.Equal(t, argos.KYCRejected, e.Status)
		assert.Equal(t, []string{"KYC rejected due to timeout"}, e.Comment)
	})
	t.Run("WaitForDecision returns at its first read once the timeout has passed", func(t *testing.T) {
		c := newRaw(t)
		id := c.abandoned("wait@example.com")
		c.srv.Advance(25 * time.Hour)
		client := v3Client(t, c.srv)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()

		sub, err := client.WaitForDecision(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, argos.KYCRejected, sub.KYC.Status)
		gets := 0
		for _, r := range c.srv.Requests() {
			if r.Method == http.MethodGet {
				gets++
			}
		}
		assert.Equal(t, 1, gets, "one read, no poll")
	})
	t.Run("a submission with only its Step 1 stays incomplete", func(t *testing.T) {
		c := newRaw(t)
		id := c.step1("idle@example.com")
		c.srv.Advance(48 * time.Hour)
		assert.Equal(t, "incomplete", path(c.item(id), "kyc", "result"))
	})
	t.Run("timers fire in the order of their deadlines within one Advance", func(t *testing.T) {
		rc := newReceiver(t)
		var back atomic.Int64
		c := newRaw(t, rc.option(), argostest.WithClock(func() time.Time { return start.Add(-time.Duration(back.Load())) }))
		later := c.abandoned("later@example.com")
		back.Store(int64(time.Hour)) // the second one started an hour earlier
		earlier := c.abandoned("earlier@example.com")
		back.Store(0)
		c.srv.Advance(30 * time.Hour)

		var rejected []string
		for _, d := range flush(t, c.srv) {
			if d.Trigger == argos.WebhookRejected {
				rejected = append(rejected, d.SubmissionID)
			}
		}
		assert.Equal(t, []string{earlier, later}, rejected)
	})
	t.Run("the timers fire on the next request when a WithClock clock moves without Advance", func(t *testing.T) {
		var offset atomic.Int64
		c := newRaw(t, argostest.WithClock(func() time.Time { return start.Add(time.Duration(offset.Load())) }))
		id := c.abandoned("clock@example.com")
		offset.Store(int64(25 * time.Hour))
		assert.Equal(t, "rejected", path(c.item(id), "kyc", "result"), "a plain GET sees the timeout")
	})
}

func TestAdvanceMovesTheClock(t *testing.T) {
	start := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	t.Run("timestamps after Advance are WithClock's time plus what was advanced", func(t *testing.T) {
		c := newRaw(t, argostest.WithClock(func() time.Time { return start }))
		c.srv.Advance(90 * time.Minute)
		c.srv.Advance(-time.Hour) // ignored: the clock never goes back
		id := c.step1("later@example.com")
		assert.Equal(t, "2025-06-01T09:30:00.000Z", path(c.item(id), "created_at"))
	})
	t.Run("a Step 1 submission ID is valid for four hours until the first Step 2 try", func(t *testing.T) {
		c := newRaw(t, argostest.WithClock(func() time.Time { return start }))
		id := c.step1("slow@example.com")
		c.srv.Advance(4*time.Hour + time.Millisecond)
		r := c.postMultipart("/submission/step2", step2Fields(id), map[string]file{"faceImage": jpegPart("face.jpg")})
		assert.Equal(t, http.StatusBadRequest, r.Status)
		assert.Equal(t, "invalid submission id", r.Message(t))
	})
	t.Run("Step 2 within four hours is accepted", func(t *testing.T) {
		c := newRaw(t, argostest.WithClock(func() time.Time { return start }))
		id := c.step1("ontime@example.com")
		c.srv.Advance(4 * time.Hour)
		assert.Equal(t, "approved", c.step2(id)["kycStatus"])
	})
	t.Run("a Step 1 retry after four hours is refused", func(t *testing.T) {
		c := newRaw(t, argostest.WithClock(func() time.Time { return start }))
		c.srv.ScriptStep1(argostest.Step1Glare)
		first := c.postMultipart("/submission/step1", step1Fields("retry@example.com"), map[string]file{"idImage": pngPart("x.png")})
		id, _ := first.JSON(t)["submissionId"].(string)
		require.NotEmpty(t, id)
		c.srv.Advance(5 * time.Hour)
		fields := step1Fields("retry@example.com")
		fields["submissionId"] = id
		r := c.postMultipart("/submission/step1", fields, map[string]file{"idImage": pngPart("x.png")})
		assert.Equal(t, "invalid submission id", r.Message(t))
	})
}
