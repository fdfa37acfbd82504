package argostest_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

func pngFile() *argos.File {
	return &argos.File{Name: "id.png", Body: bytes.NewReader(argostest.SamplePNG())}
}

func jpegFile() *argos.File {
	return &argos.File{Name: "face.jpg", Body: bytes.NewReader(argostest.SampleJPEG())}
}

func step1Req(email string) *argos.Step1Request {
	return &argos.Step1Request{
		IssuingCountry: "USA", Email: email, IDType: argos.IDPassport,
		IDImage: pngFile(), UserID: "user-1", CF1: "test",
	}
}

func step2Req(id string) *argos.Step2Request {
	return &argos.Step2Request{
		SubmissionID: id, FaceImage: jpegFile(), Name: "John Smith",
		DateOfBirth: "1975-08-25", Gender: "male", Nationality: "USA",
	}
}

func TestSDKFlow(t *testing.T) {
	t.Run("a submission goes from Step 1 to approval, AML report and deletion", func(t *testing.T) {
		client, srv := argostest.NewClient(t)
		ctx := context.Background()

		s1, err := client.SubmitStep1(ctx, step1Req("a@example.com"))
		require.NoError(t, err)
		assert.Len(t, s1.SubmissionID, 16)
		assert.True(t, s1.FileUpload)
		assert.Equal(t, "USA", s1.ReviewOCRData.Nationality)
		assert.False(t, s1.NeedsRetry())

		addr, err := client.AddressCode(ctx, &argos.AddressCodeRequest{Address: "1 Sejongno, Jongno-gu, Seoul, South Korea", Language: "en"})
		require.NoError(t, err)
		assert.Equal(t, "1 Sejongno, Jongno-gu, Seoul, South Korea", addr.FormattedAddress)

		req := step2Req(s1.SubmissionID)
		req.SetAddress(addr)
		s2, err := client.SubmitStep2(ctx, req)
		require.NoError(t, err)
		assert.Equal(t, argos.KYCApproved, s2.KYCStatus)
		require.NotNil(t, s2.FaceSimilarityScore)
		assert.Equal(t, 99.0, *s2.FaceSimilarityScore)
		assert.False(t, s2.CanRetry())

		sub, err := client.GetSubmission(ctx, s1.SubmissionID)
		require.NoError(t, err)
		assert.Equal(t, argos.KYCApproved, sub.KYC.Result)
		assert.Equal(t, "John Smith", sub.Data.Name)
		assert.Equal(t, addr.GlobalCode, sub.Data.AddressGlobalCode)
		assert.Equal(t, "a@example.com", sub.Email)
		assert.NotEmpty(t, sub.ApplicantID)
		require.Len(t, sub.KYC.Attempts, 1)
		created, err := sub.Created()
		require.NoError(t, err)
		assert.WithinDuration(t, time.Now(), created, time.Minute)

		apps, err := client.ApplicantSubmissions(ctx, sub.ApplicantID)
		require.NoError(t, err)
		assert.Equal(t, []argos.ApplicantSubmission{{SubmissionID: s1.SubmissionID, Email: "a@example.com", DuplicatedInformation: sub.DuplicatedInformation}}, apps)

		img, err := client.Image(ctx, s1.SubmissionID, argos.ImageSelfie)
		require.NoError(t, err)
		data, err := io.ReadAll(img.Body)
		img.Body.Close()
		require.NoError(t, err)
		assert.Equal(t, argostest.SampleJPEG(), data)
		assert.Equal(t, "image/jpeg", img.ContentType)
		assert.Equal(t, "selfieImage.jpg", img.Filename)

		require.NoError(t, srv.SetAMLHits(s1.SubmissionID, 1))
		sub, err = client.GetSubmission(ctx, s1.SubmissionID)
		require.NoError(t, err)
		rids := sub.AMLResourceIDs()
		require.Len(t, rids, 1)
		report, err := client.AMLReport(ctx, rids[0])
		require.NoError(t, err)
		pdf, _ := io.ReadAll(report.Body)
		report.Body.Close()
		assert.Equal(t, "application/pdf", report.ContentType)
		assert.Equal(t, "report.pdf", report.Filename)
		assert.True(t, bytes.HasPrefix(pdf, []byte("%PDF-1.4")))

		del, err := client.DeleteSubmission(ctx, s1.SubmissionID)
		require.NoError(t, err)
		assert.Equal(t, "success", del.Message)
		sub, err = client.GetSubmission(ctx, s1.SubmissionID)
		require.NoError(t, err)
		assert.Equal(t, "Deleted Submission", sub.Data.Name)
		assert.Empty(t, sub.Email)
		assert.Equal(t, argos.KYCApproved, sub.KYC.Result)

		_, err = client.Image(ctx, s1.SubmissionID, argos.ImageSelfie)
		assert.ErrorIs(t, err, argos.ErrBadRequest)
		_, err = client.DeleteSubmission(ctx, s1.SubmissionID)
		assert.ErrorIs(t, err, argos.ErrNotFound)
	})
	t.Run("Step 2 retries until the shared limit rejects", func(t *testing.T) {
		client, srv := argostest.NewClient(t)
		ctx := context.Background()
		s1, err := client.SubmitStep1(ctx, step1Req("a@example.com"))
		require.NoError(t, err)
		retry := step1Req("a@example.com")
		retry.SubmissionID = s1.SubmissionID
		_, err = client.SubmitStep1(ctx, retry)
		require.NoError(t, err)

		srv.ScriptStep2(argostest.OutcomeFaceMismatch, argostest.OutcomeNoFace)
		s2, err := client.SubmitStep2(ctx, step2Req(s1.SubmissionID))
		require.NoError(t, err)
		assert.Equal(t, argos.KYCIncomplete, s2.KYCStatus)
		assert.Equal(t, 2, s2.RetryCount)
		assert.Equal(t, 1, s2.RetriesLeft())
		assert.True(t, s2.CanRetry())
		require.Len(t, s2.Retry, 1)
		assert.Equal(t, argos.RetryFaceCompare, s2.Retry[0].Code)

		s2, err = client.SubmitStep2(ctx, step2Req(s1.SubmissionID))
		require.NoError(t, err)
		assert.Equal(t, argos.KYCRejected, s2.KYCStatus)
		assert.Equal(t, 3, s2.RetryCount)
		assert.Nil(t, s2.FaceSimilarityScore, "no face, no score")
		assert.False(t, s2.CanRetry())

		sub, err := client.GetSubmission(ctx, s1.SubmissionID)
		require.NoError(t, err)
		assert.Equal(t, []string{argos.RejectTooManyRetry}, sub.KYC.CommentCode)
		require.Len(t, sub.KYC.Attempts, 2)
		assert.Nil(t, sub.KYC.Attempts[1].LivenessScore)

		_, err = client.SubmitStep2(ctx, step2Req(s1.SubmissionID))
		assert.ErrorIs(t, err, argos.ErrAlreadyProcessed)
	})
	t.Run("a pending submission is approved by SetKYCResult", func(t *testing.T) {
		client, srv := argostest.NewClient(t)
		ctx := context.Background()
		s1, err := client.SubmitStep1(ctx, step1Req("a@example.com"))
		require.NoError(t, err)
		srv.ScriptStep2(argostest.OutcomePending)
		s2, err := client.SubmitStep2(ctx, step2Req(s1.SubmissionID))
		require.NoError(t, err)
		assert.Equal(t, argos.KYCPending, s2.KYCStatus)
		require.NoError(t, srv.SetKYCResult(s1.SubmissionID, argos.KYCApproved))
		sub, err := client.GetSubmission(ctx, s1.SubmissionID)
		require.NoError(t, err)
		assert.Equal(t, argos.KYCApproved, sub.KYC.Result)
	})
}

func TestSDKList(t *testing.T) {
	newListed := func(t *testing.T, n int) (*argos.Client, []string) {
		client, _ := argostest.NewClient(t)
		var ids []string
		for i := range n {
			r := step1Req(fmt.Sprintf("u%d@example.com", i))
			r.UserID = fmt.Sprintf("user-%d", i%2)
			s1, err := client.SubmitStep1(context.Background(), r)
			require.NoError(t, err)
			ids = append([]string{s1.SubmissionID}, ids...)
		}
		return client, ids
	}
	t.Run("AllSubmissions pages through every submission with Count 1", func(t *testing.T) {
		client, want := newListed(t, 5)
		var got []string
		for s, err := range client.AllSubmissions(context.Background(), &argos.ListSubmissionsParams{Count: 1}) {
			require.NoError(t, err)
			got = append(got, s.ID)
		}
		assert.ElementsMatch(t, want, got)
		assert.Len(t, got, 5)
	})
	t.Run("ListSubmissions returns a page key while more remain", func(t *testing.T) {
		client, _ := newListed(t, 3)
		ctx := context.Background()
		page, err := client.ListSubmissions(ctx, &argos.ListSubmissionsParams{Count: 2})
		require.NoError(t, err)
		assert.Len(t, page.Items, 2)
		require.NotNil(t, page.Next)
		page, err = client.ListSubmissions(ctx, &argos.ListSubmissionsParams{Count: 2, Next: page.Next})
		require.NoError(t, err)
		assert.Len(t, page.Items, 1)
		assert.Nil(t, page.Next)
	})
	t.Run("filters by user ID, email and date reach the server", func(t *testing.T) {
		client, _ := newListed(t, 4)
		ctx := context.Background()
		page, err := client.ListSubmissions(ctx, &argos.ListSubmissionsParams{UserID: "user-1"})
		require.NoError(t, err)
		assert.Len(t, page.Items, 2)
		page, err = client.ListSubmissions(ctx, &argos.ListSubmissionsParams{Email: "u2@example.com"})
		require.NoError(t, err)
		require.Len(t, page.Items, 1)
		assert.Equal(t, "u2@example.com", page.Items[0].Email)
		today := time.Now().UTC().Format("2006-01-02")
		page, err = client.ListSubmissions(ctx, &argos.ListSubmissionsParams{StartDate: today, EndDate: today})
		require.NoError(t, err)
		assert.Len(t, page.Items, 4)
		page, err = client.ListSubmissions(ctx, &argos.ListSubmissionsParams{RequestType: argos.RequestKYC})
		require.NoError(t, err)
		assert.Empty(t, page.Items[0].Email, "the kyc projection leaves the email out")
		assert.Equal(t, argos.KYCIncomplete, page.Items[0].KYC.Result)
	})
	t.Run("an unknown submission is not found", func(t *testing.T) {
		client, _ := argostest.NewClient(t)
		_, err := client.GetSubmission(context.Background(), "nosuchsubmission")
		assert.ErrorIs(t, err, argos.ErrNotFound)
	})
}

func TestSDKErrors(t *testing.T) {
	t.Run("a wrong key is an invalid API key and the error does not show it", func(t *testing.T) {
		_, srv := argostest.NewClient(t)
		client, err := argos.NewClient("test_wrong_key_0123456789", argos.WithBaseURL(srv.BaseURL), argos.WithHTTPClient(srv.HTTPClient()))
		require.NoError(t, err)
		_, err = client.ListSubmissions(context.Background(), nil)
		assert.ErrorIs(t, err, argos.ErrInvalidAPIKey)
		assert.ErrorIs(t, err, argos.ErrForbidden)
		assert.NotContains(t, err.Error(), "test_wrong_key_0123456789")
	})
	t.Run("a denied IP is told apart from a wrong key", func(t *testing.T) {
		client, srv := argostest.NewClient(t)
		srv.InjectFault(argostest.Fault{Status: 403, Body: `{"message":"User is not authorized to access this resource with an explicit deny"}`})
		_, err := client.ListSubmissions(context.Background(), nil)
		assert.ErrorIs(t, err, argos.ErrIPNotAllowed)
	})
	t.Run("a business error carries the server's message", func(t *testing.T) {
		client, _ := argostest.NewClient(t)
		_, err := client.SubmitStep2(context.Background(), step2Req("nosuchsubmission"))
		var apiErr *argos.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
		assert.Equal(t, "invalid submission id", apiErr.Message)
	})
	t.Run("the duplicate email message does not leak into the error string", func(t *testing.T) {
		client, _ := argostest.NewClient(t)
		ctx := context.Background()
		s1, err := client.SubmitStep1(ctx, step1Req("dup.person@example.com"))
		require.NoError(t, err)
		_, err = client.SubmitStep2(ctx, step2Req(s1.SubmissionID))
		require.NoError(t, err)
		_, err = client.SubmitStep1(ctx, step1Req("dup.person@example.com"))
		require.ErrorIs(t, err, argos.ErrBadRequest)
		assert.NotContains(t, err.Error(), "dup.person")
	})
	t.Run("DELETE without data and without ID use both documented error shapes", func(t *testing.T) {
		client, _ := argostest.NewClient(t)
		_, err := client.DeleteSubmission(context.Background(), "nosuchsubmission")
		var apiErr *argos.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, "not Exist Submission Data", apiErr.Message)
	})
}

func TestSDKFaults(t *testing.T) {
	ctx := context.Background()
	t.Run("a GET is retried through 503s and succeeds", func(t *testing.T) {
		client, srv := argostest.NewClient(t)
		srv.InjectFault(argostest.Fault{Method: "GET", Path: "/submission", Status: 503, Times: 2, RetryAfter: "0"})
		_, err := client.ListSubmissions(ctx, nil)
		require.NoError(t, err)
		reqs := srv.Requests()
		require.Len(t, reqs, 3)
		assert.Equal(t, []int{503, 503, 200}, []int{reqs[0].Status, reqs[1].Status, reqs[2].Status})
	})
	t.Run("a GET gives up after MaxRetries with a server error", func(t *testing.T) {
		client, srv := argostest.NewClient(t)
		srv.InjectFault(argostest.Fault{Status: 500, Times: -1})
		_, err := client.ListSubmissions(ctx, nil)
		assert.ErrorIs(t, err, argos.ErrServer)
		assert.Len(t, srv.Requests(), 4)
	})
	t.Run("a GET is retried after a dropped connection", func(t *testing.T) {
		client, srv := argostest.NewClient(t)
		srv.InjectFault(argostest.Fault{Path: "/submission", Drop: true})
		_, err := client.ListSubmissions(ctx, nil)
		require.NoError(t, err)
		assert.Len(t, srv.Requests(), 2)
	})
	t.Run("a Step 1 that hit a 502 is not repeated and its outcome is unknown", func(t *testing.T) {
		client, srv := argostest.NewClient(t)
		srv.InjectFault(argostest.Fault{Path: "/submission/step1", Status: 502})
		_, err := client.SubmitStep1(ctx, step1Req("a@example.com"))
		assert.ErrorIs(t, err, argos.ErrServer)
		var apiErr *argos.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.True(t, apiErr.OutcomeUnknown)
		assert.Len(t, srv.Requests(), 1)
	})
	t.Run("a dropped Step 1 is not repeated", func(t *testing.T) {
		client, srv := argostest.NewClient(t)
		srv.InjectFault(argostest.Fault{Path: "/submission/step1", Drop: true})
		_, err := client.SubmitStep1(ctx, step1Req("a@example.com"))
		assert.ErrorIs(t, err, argos.ErrOutcomeUnknown)
		assert.Len(t, srv.Requests(), 1)
	})
	t.Run("a Step 1 whose answer was cut off took effect and can be found", func(t *testing.T) {
		client, srv := argostest.NewClient(t)
		srv.InjectFault(argostest.Fault{Path: "/submission/step1", Truncate: true})
		_, err := client.SubmitStep1(ctx, step1Req("lost@example.com"))
		assert.ErrorIs(t, err, argos.ErrOutcomeUnknown)
		page, err := client.ListSubmissions(ctx, &argos.ListSubmissionsParams{Email: "lost@example.com"})
		require.NoError(t, err)
		assert.Len(t, page.Items, 1)
	})
	t.Run("a stalled body runs into the client's timeout", func(t *testing.T) {
		client, srv := argostest.NewClient(t, argos.WithTimeout(100*time.Millisecond), argos.WithRetryPolicy(argos.RetryPolicy{}))
		srv.InjectFault(argostest.Fault{Status: 200, Body: `{"Items":[]}`, StallBody: time.Minute, Times: -1})
		start := time.Now()
		_, err := client.ListSubmissions(ctx, nil)
		assert.Error(t, err)
		assert.Less(t, time.Since(start), 10*time.Second)
	})
	t.Run("a cancelled context ends a slow request", func(t *testing.T) {
		client, srv := argostest.NewClient(t)
		srv.InjectFault(argostest.Fault{Latency: time.Minute})
		cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		_, err := client.ListSubmissions(cctx, nil)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
}

func TestSDKRequests(t *testing.T) {
	t.Run("what the SDK sends is recorded without the key", func(t *testing.T) {
		client, srv := argostest.NewClient(t)
		ctx := context.Background()
		s1, err := client.SubmitStep1(ctx, step1Req("a@example.com"))
		require.NoError(t, err)
		_, err = client.SubmitStep2(ctx, step2Req(s1.SubmissionID))
		require.NoError(t, err)
		_, _ = client.GetSubmission(ctx, s1.SubmissionID)

		reqs := srv.Requests()
		require.Len(t, reqs, 3)
		assert.Equal(t, "a@example.com", reqs[0].Form["email"])
		assert.Equal(t, "passport", reqs[0].Form["idType"])
		assert.Equal(t, "image/png", reqs[0].Files["idImage"].ContentType)
		assert.Equal(t, "id.png", reqs[0].Files["idImage"].Name)
		assert.Equal(t, "1975-08-25", reqs[1].Form["date_of_birth"])
		assert.Equal(t, "image/jpeg", reqs[1].Files["faceImage"].ContentType)
		assert.Equal(t, s1.SubmissionID, reqs[2].Query.Get("submission_id"))
		for _, r := range reqs {
			assert.Equal(t, argostest.Redacted, r.Header.Get("X-Api-Key"))
			assert.NotContains(t, fmt.Sprintf("%+v %#v %s", r, r, r), srv.APIKey)
		}
	})
	t.Run("parallel Step 1s through one client all succeed", func(t *testing.T) {
		client, srv := argostest.NewClient(t)
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := client.SubmitStep1(context.Background(), step1Req(fmt.Sprintf("p%d@example.com", i)))
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			assert.NoError(t, err)
		}
		page, err := client.ListSubmissions(context.Background(), &argos.ListSubmissionsParams{Count: 100})
		require.NoError(t, err)
		assert.Len(t, page.Items, 20)
		assert.Len(t, srv.Requests(), 21)
	})
	t.Run("NewClient options override the defaults", func(t *testing.T) {
		client, _ := argostest.NewClient(t, argos.WithBaseURL("https://127.0.0.1:1/v3"))
		assert.Equal(t, "https://127.0.0.1:1/v3", client.BaseURL())
		client, srv := argostest.NewClient(t)
		assert.Equal(t, srv.BaseURL, client.BaseURL())
	})
}
