package argos_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// These tests run the SDK against the fake Argos server end to end.

func TestTheWholeFlowAgainstTheFake(t *testing.T) {
	c, srv := fakeClient(t)
	ctx := context.Background()

	s1 := step1(t, c, "flow@example.com", "flow-user")
	require.NotEmpty(t, s1.SubmissionID)

	s2, err := step2(t, c, s1.SubmissionID)
	require.NoError(t, err)
	assert.Equal(t, argos.KYCApproved, s2.Status)
	require.NotNil(t, s2.FaceSimilarityScore)

	sub, err := c.GetSubmission(ctx, s1.SubmissionID)
	require.NoError(t, err)
	assert.Equal(t, argos.KYCApproved, sub.KYC.Status)
	assert.Equal(t, "flow@example.com", sub.Email)
	assert.Equal(t, "flow-user", sub.UserID)
	assert.Equal(t, "Test Applicant", sub.Data.Name)
	assert.NotEmpty(t, sub.ApplicantID)

	page, err := c.ListSubmissions(ctx, &argos.ListSubmissionsParams{UserID: "flow-user"})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)

	for typ, file := range map[argos.ImageType]string{argos.ImageID: "id_front.png", argos.ImageSelfie: "selfie.jpg"} {
		d, err := c.DownloadImage(ctx, s1.SubmissionID, typ)
		require.NoError(t, err)
		data, err := io.ReadAll(d.Body)
		require.NoError(t, d.Body.Close())
		require.NoError(t, err)
		assert.Equal(t, readImage(t, file), data, "%s comes back byte for byte", typ)
	}

	res, err := c.DeleteSubmission(ctx, &argos.DeleteSubmissionRequest{SubmissionID: s1.SubmissionID})
	require.NoError(t, err)
	assert.Equal(t, "success", res.Message)
	after, err := c.GetSubmission(ctx, s1.SubmissionID)
	require.NoError(t, err)
	assert.Empty(t, after.Email)
	assert.NotEqual(t, "Test Applicant", after.Data.Name)
	assert.Empty(t, after.Data.DateOfBirth)
	_, err = c.DownloadImage(ctx, s1.SubmissionID, argos.ImageSelfie)
	assert.ErrorIs(t, err, argos.ErrBadRequest)

	for _, r := range srv.Requests() {
		assert.NotContains(t, r.String(), srv.APIKey)
	}
}

func TestThreeFailedTriesRejectTheSubmission(t *testing.T) {
	c, srv := fakeClient(t)
	s1 := step1(t, c, "three@example.com", "u3")
	srv.ScriptStep2(argostest.OutcomeFaceMismatch, argostest.OutcomeLivenessFail, argostest.OutcomeNoFace)

	var last *argos.Step2Result
	for try := 1; try <= 3; try++ {
		s2, err := step2(t, c, s1.SubmissionID)
		require.NoError(t, err)
		assert.Equal(t, try, s2.RetryCount)
		assert.Equal(t, try < 3, s2.CanRetry(), "try %d", try)
		last = s2
	}
	assert.Equal(t, argos.KYCRejected, last.Status)

	_, err := step2(t, c, s1.SubmissionID)
	assert.ErrorIs(t, err, argos.ErrAlreadyProcessed)

	sub, err := c.GetSubmission(context.Background(), s1.SubmissionID)
	require.NoError(t, err)
	assert.Equal(t, []argos.RejectCode{argos.RejectTooManyRetry}, sub.KYC.CommentCode)
	assert.Len(t, sub.KYC.Attempts, 3)
}

func TestAPendingSubmissionIsDecidedByAReviewer(t *testing.T) {
	c, srv := fakeClient(t)
	s1 := step1(t, c, "pending@example.com", "up")
	srv.ScriptStep2(argostest.OutcomePending)
	s2, err := step2(t, c, s1.SubmissionID)
	require.NoError(t, err)
	assert.Equal(t, argos.KYCPending, s2.Status)
	assert.False(t, s2.CanRetry())

	require.NoError(t, srv.SetKYCResult(s1.SubmissionID, argos.KYCRejected, "document looks edited"))
	sub, err := c.GetSubmission(context.Background(), s1.SubmissionID)
	require.NoError(t, err)
	assert.Equal(t, argos.KYCRejected, sub.KYC.Status)
	assert.True(t, sub.KYC.Status.Final())
}

func TestGetsRecoverFromFaultsAtTheFake(t *testing.T) {
	c, srv := fakeClient(t)
	s1 := step1(t, c, "faults@example.com", "uf")
	srv.ResetRequests()
	srv.InjectFault(argostest.Fault{Method: http.MethodGet, Path: "/submission", Status: 503})
	srv.InjectFault(argostest.Fault{Method: http.MethodGet, Path: "/submission", Truncate: true})
	srv.InjectFault(argostest.Fault{Method: http.MethodGet, Path: "/submission", Status: 429, RetryAfter: "0"})

	sub, err := c.GetSubmission(context.Background(), s1.SubmissionID)
	require.NoError(t, err)
	assert.Equal(t, s1.SubmissionID, sub.ID)
	assert.Len(t, srv.Requests(), 4, "three faults, then the answer")
}

func TestPostsAreNotRepeatedAtTheFake(t *testing.T) {
	tests := []struct {
		name  string
		fault argostest.Fault
		// tookEffect: Argos processed the request before its answer was lost.
		tookEffect bool
		// giveUp: the caller cancels once the answer's headers arrived.
		giveUp bool
	}{
		{"a 503 from the gateway", argostest.Fault{Status: 503}, false, false},
		{"a dropped connection", argostest.Fault{Drop: true}, false, false},
		{"an answer cut short after Argos processed it", argostest.Fault{Truncate: true}, true, false},
		{"an answer stalled until the caller gave up", argostest.Fault{StallBody: time.Minute}, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name+" leaves the outcome unknown and is not resent", func(t *testing.T) {
			srv := argostest.NewServer()
			t.Cleanup(srv.Close)
			// No deadline: a stalled answer is given up on once its headers
			// arrived, so the test does not race the machine's speed.
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			tr := &onHeaders{base: srv.HTTPClient().Transport, then: func() {
				if tc.giveUp {
					cancel()
				}
			}}
			c, err := argos.NewClient(srv.APIKey, argos.WithBaseURL(srv.BaseURL), argos.WithHTTPClient(&http.Client{Transport: tr}),
				argos.WithRetryPolicy(fastRetries))
			require.NoError(t, err)
			tc.fault.Method, tc.fault.Path = http.MethodPost, "/submission/step1"
			srv.InjectFault(tc.fault)

			_, lost := c.SubmitStep1(ctx, &argos.Step1Request{
				IssuingCountry: "USA", Email: "post@example.com", IDType: "passport", UserID: "post-user",
				IDImage: &argos.File{Body: bytes.NewReader(readImage(t, "id_front.png"))}})

			require.ErrorIs(t, lost, argos.ErrOutcomeUnknown)
			assert.Contains(t, lost.Error(), "Client.ResolveOutcome")
			// The fake puts a request on record when it arrives, before any
			// answer or hang-up can reach the client.
			assert.Len(t, srv.Requests(), 1)
			assert.NotContains(t, lost.Error(), "post@example.com")

			// What the error says to do: resolve it. The fake is done with
			// the request (it recorded its end), so no settle time is needed.
			res, err := c.ResolveOutcome(context.Background(), lost, argos.WithSettleTime(0))
			require.NoError(t, err)
			if tc.tookEffect {
				assert.Equal(t, argos.ResolutionLanded, res.State, "the request took effect")
				page, err := c.ListSubmissions(context.Background(), &argos.ListSubmissionsParams{UserID: "post-user"})
				require.NoError(t, err)
				require.Len(t, page.Items, 1)
				assert.Equal(t, page.Items[0].ID, res.SubmissionID)
			} else {
				assert.Equal(t, argos.ResolutionNotLanded, res.State)
			}
		})
	}
}

// onHeaders is a transport that calls then each time an answer's headers
// arrived.
type onHeaders struct {
	base http.RoundTripper
	then func()
}

func (o *onHeaders) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := o.base.RoundTrip(r)
	if err == nil {
		o.then()
	}
	return resp, err
}

func TestAStep1RetryCountsTowardsTheThreeTries(t *testing.T) {
	c, srv := fakeClient(t)
	srv.ScriptStep1(argostest.Step1Glare) // the first photo fails: Step 1 is retried
	s1 := step1(t, c, "retry1@example.com", "ur")
	retry, err := c.SubmitStep1(context.Background(), &argos.Step1Request{
		IssuingCountry: "USA", Email: "retry1@example.com", IDType: "passport", SubmissionID: s1.SubmissionID,
		IDImage: &argos.File{Body: bytes.NewReader(readImage(t, "id_back.png"))}})
	require.NoError(t, err)
	assert.Equal(t, s1.SubmissionID, retry.SubmissionID)

	srv.ScriptStep2(argostest.OutcomeFaceMismatch)
	s2, err := step2(t, c, s1.SubmissionID)
	require.NoError(t, err)
	assert.Equal(t, 2, s2.RetryCount, "one failed Step 1 and one failed Step 2")
	assert.Equal(t, 1, s2.RetriesLeft())
}

func TestPagingThroughTheFakeWithCountOne(t *testing.T) {
	c, _ := fakeClient(t)
	want := map[string]bool{}
	for i := range 5 {
		want[step1(t, c, fmt.Sprintf("page%d@example.com", i), "pager").SubmissionID] = true
	}
	got := map[string]bool{}
	for sub, err := range c.AllSubmissions(context.Background(), &argos.ListSubmissionsParams{Count: 1, UserID: "pager"}) {
		require.NoError(t, err)
		assert.False(t, got[sub.ID], "no submission twice")
		got[sub.ID] = true
	}
	assert.Equal(t, want, got)
}

func TestAWrongKeyIsForbiddenAtTheFake(t *testing.T) {
	_, srv := fakeClient(t)
	c, err := argos.NewClient("wrong", argos.WithBaseURL(srv.BaseURL), argos.WithHTTPClient(srv.HTTPClient()))
	require.NoError(t, err)
	_, err = c.ListSubmissions(context.Background(), nil)
	assert.ErrorIs(t, err, argos.ErrForbidden)
	assert.ErrorIs(t, err, argos.ErrInvalidAPIKey)
}

func TestADownloadReadStopsWithTheContext(t *testing.T) {
	c, srv := fakeClient(t)
	s1 := step1(t, c, "stall@example.com", "us")
	srv.InjectFault(argostest.Fault{Method: http.MethodGet, Path: "/image", StallBody: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	d, err := c.DownloadImage(ctx, s1.SubmissionID, argos.ImageID)
	require.NoError(t, err)
	defer d.Body.Close()
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err = io.ReadAll(d.Body)
	require.ErrorIs(t, err, context.Canceled, "the read ends with the caller's cancel, not with the minute-long stall")
}
