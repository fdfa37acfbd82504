package argos_test

import (
	"context"
	"crypto/x509"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

// deadlineRecorder answers GET /submission with the guide's sample and
// records how far away each request's deadline was (0: none).
func deadlineRecorder(t *testing.T, mt *httpmock.MockTransport) *[]time.Duration {
	t.Helper()
	var left []time.Duration
	ok := jsonResponder(t, http.StatusOK, "submission_single_guide.json")
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", func(r *http.Request) (*http.Response, error) {
		var d time.Duration
		if dl, has := r.Context().Deadline(); has {
			d = time.Until(dl)
		}
		left = append(left, d)
		return ok(r)
	})
	return &left
}

func TestOptionsGivenToOneCallApplyToThatCallOnly(t *testing.T) {
	ctx := context.Background()
	const id = "gt7rcxx9l1o*****"
	t.Run("WithTimeout gives one call a longer deadline than the client's", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) { // virtual time: the deadlines are exact
			c, mt := newMockClient(t, argos.WithTimeout(time.Minute))
			left := deadlineRecorder(t, mt)
			_, err := c.GetSubmission(ctx, id, argos.WithTimeout(10*time.Minute))
			require.NoError(t, err)
			_, err = c.GetSubmission(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, []time.Duration{10 * time.Minute, time.Minute}, *left,
				"the call's own timeout, then the client's again")
		})
	})
	t.Run("WithTimeout(0) leaves one call to the caller's context", func(t *testing.T) {
		c, mt := newMockClient(t, argos.WithTimeout(time.Minute))
		left := deadlineRecorder(t, mt)
		_, err := c.GetSubmission(ctx, id, argos.WithTimeout(0))
		require.NoError(t, err)
		assert.Equal(t, []time.Duration{0}, *left)
	})
	t.Run("WithRetryPolicy without retries sends one read once", func(t *testing.T) {
		c, mt := newMockClient(t) // fastRetries: 3 retries
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission", httpmock.NewStringResponder(http.StatusServiceUnavailable, `{"message":"Service Unavailable"}`))
		_, err := c.GetSubmission(ctx, id, argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: 0}))
		require.ErrorIs(t, err, argos.ErrServer)
		assert.Equal(t, 1, mt.GetTotalCallCount(), "no retry for this call")
		_, err = c.GetSubmission(ctx, id)
		require.ErrorIs(t, err, argos.ErrServer)
		assert.Equal(t, 1+1+fastRetries.MaxRetries, mt.GetTotalCallCount(), "the client's policy for the next one")
	})
	t.Run("WithRetryPolicy reaches every page AllSubmissions reads", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission", httpmock.NewStringResponder(http.StatusBadGateway, `{"message":"Bad Gateway"}`))
		for _, err := range c.AllSubmissions(ctx, nil, argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: 0})) {
			require.ErrorIs(t, err, argos.ErrServer)
		}
		assert.Equal(t, 1, mt.GetTotalCallCount())
	})
	t.Run("WithUserAgent names the caller of one write", func(t *testing.T) {
		c, mt := newMockClient(t)
		var agents []string
		mt.RegisterResponder(http.MethodDelete, mockBase+"/submission", func(r *http.Request) (*http.Response, error) {
			agents = append(agents, r.Header.Get("User-Agent"))
			return jsonResponder(t, http.StatusOK, "delete_plain.json")(r)
		})
		_, err := c.DeleteSubmission(ctx, &argos.DeleteSubmissionRequest{SubmissionID: "s1"}, argos.WithUserAgent("gdpr-job/2"))
		require.NoError(t, err)
		_, err = c.DeleteSubmission(ctx, &argos.DeleteSubmissionRequest{SubmissionID: "s1"})
		require.NoError(t, err)
		require.Len(t, agents, 2)
		assert.Regexp(t, `^gdpr-job/2 argos-go/`, agents[0])
		assert.Regexp(t, `^argos-go/`, agents[1])
	})
}

func TestOptionsOfAWholeClientAreRefusedForOneCall(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		opt  argos.Option
	}{
		{"WithHTTPClient", argos.WithHTTPClient(http.DefaultClient)},
		{"WithRootCAs", argos.WithRootCAs(x509.NewCertPool())},
		{"WithBaseURL", argos.WithBaseURL(argos.BaseURLV3)},
		{"WithSecureTransmission", argos.WithSecureTransmission()},
	} {
		t.Run(tc.name+" given to a call is a ValidationError and nothing is sent", func(t *testing.T) {
			c, mt := newMockClient(t)
			_, err := c.GetSubmission(ctx, "s1", tc.opt)
			var ve *argos.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "option "+tc.name, ve.Field)
			_, err = c.SubmitStep1(ctx, &argos.Step1Request{}, tc.opt)
			require.ErrorAs(t, err, &ve, "a write refuses it too, before checking its request")
			assert.Equal(t, "option "+tc.name, ve.Field)
			assert.Zero(t, mt.GetTotalCallCount())
		})
	}
	t.Run("a nil option given to a call is a ValidationError", func(t *testing.T) {
		c, mt := newMockClient(t)
		_, err := c.ListSubmissions(ctx, nil, nil)
		assert.ErrorIs(t, err, argos.ErrValidation)
		assert.Zero(t, mt.GetTotalCallCount())
	})
	t.Run("an invalid option given to a call is refused as NewClient refuses it", func(t *testing.T) {
		c, mt := newMockClient(t)
		_, err := c.ListApplicantSubmissions(ctx, "a1", argos.WithTimeout(-time.Second))
		var ve *argos.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "timeout", ve.Field)
		assert.Zero(t, mt.GetTotalCallCount())
	})
}
