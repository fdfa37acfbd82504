package argostest_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// These tests run the SDK against the fake to check that the two agree on
// the wire: field names, query parameters and response shapes. The SDK's own
// behaviour against the fake (retries, errors, outcome-unknown POSTs) is
// tested in the root package (integration_test.go, faults_test.go).

func TestSDKFlow(t *testing.T) {
	t.Run("every endpoint answers in a shape the SDK decodes, from Step 1 to deletion", func(t *testing.T) {
		client, srv := argostest.NewClient(t)
		ctx := context.Background()
		before := time.Now().Truncate(time.Millisecond) // created_at has milliseconds

		s1, err := client.SubmitStep1(ctx, step1Req("a@example.com"))
		after := time.Now()
		require.NoError(t, err)
		assert.Len(t, s1.SubmissionID, 16)
		assert.True(t, s1.FileUpload)
		assert.Equal(t, "USA", s1.ReviewOCRData.Nationality)
		assert.False(t, s1.CanRetry())

		addr, err := client.LookupAddressCode(ctx, &argos.AddressCodeRequest{Address: "1 Sejongno, Jongno-gu, Seoul, South Korea", Language: "en"})
		require.NoError(t, err)
		assert.Equal(t, "1 Sejongno, Jongno-gu, Seoul, South Korea", addr.FormattedAddress)

		req := step2Req(s1.SubmissionID)
		req.SetAddress(addr)
		s2, err := client.SubmitStep2(ctx, req)
		require.NoError(t, err)
		assert.Equal(t, argos.KYCApproved, s2.Status)
		require.NotNil(t, s2.FaceSimilarityScore)
		assert.Equal(t, 99.0, *s2.FaceSimilarityScore)
		assert.False(t, s2.CanRetry())

		sub, err := client.GetSubmission(ctx, s1.SubmissionID)
		require.NoError(t, err)
		assert.Equal(t, argos.KYCApproved, sub.KYC.Status)
		assert.Equal(t, "John Smith", sub.Data.Name)
		assert.Equal(t, addr.GlobalCode, sub.Data.AddressGlobalCode)
		assert.Equal(t, "a@example.com", sub.Email)
		assert.NotEmpty(t, sub.ApplicantID)
		require.Len(t, sub.KYC.Attempts, 1)
		created, err := sub.Created()
		require.NoError(t, err)
		assert.False(t, created.Before(before) || created.After(after), "created during Step 1: %v not in [%v, %v]", created, before, after)

		apps, err := client.ListApplicantSubmissions(ctx, sub.ApplicantID)
		require.NoError(t, err)
		assert.Equal(t, []argos.ApplicantSubmission{{SubmissionID: s1.SubmissionID, Email: "a@example.com", DuplicatedInformation: sub.DuplicatedInformation}}, apps)

		img, err := client.DownloadImage(ctx, s1.SubmissionID, argos.ImageSelfie)
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
		report, err := client.DownloadAMLReport(ctx, rids[0])
		require.NoError(t, err)
		pdf, _ := io.ReadAll(report.Body)
		report.Body.Close()
		assert.Equal(t, "application/pdf", report.ContentType)
		assert.Equal(t, "report.pdf", report.Filename)
		assert.True(t, bytes.HasPrefix(pdf, []byte("%PDF-1.4")))

		del, err := client.DeleteSubmission(ctx, &argos.DeleteSubmissionRequest{SubmissionID: s1.SubmissionID})
		require.NoError(t, err)
		assert.Equal(t, "success", del.Message)
		sub, err = client.GetSubmission(ctx, s1.SubmissionID)
		require.NoError(t, err)
		assert.Equal(t, "Deleted Submission", sub.Data.Name)
		assert.Empty(t, sub.Email)
		assert.Equal(t, argos.KYCApproved, sub.KYC.Status)

		_, err = client.DownloadImage(ctx, s1.SubmissionID, argos.ImageSelfie)
		assert.ErrorIs(t, err, argos.ErrBadRequest)
		_, err = client.DeleteSubmission(ctx, &argos.DeleteSubmissionRequest{SubmissionID: s1.SubmissionID})
		assert.ErrorIs(t, err, argos.ErrNotFound)
	})
}

func TestSDKList(t *testing.T) {
	// listed makes n submissions whose user IDs alternate between user-0
	// and user-1.
	listed := func(t *testing.T, n int) *argos.Client {
		client, _ := argostest.NewClient(t)
		for i := range n {
			r := step1Req(fmt.Sprintf("u%d@example.com", i))
			r.UserID = fmt.Sprintf("user-%d", i%2)
			_, err := client.SubmitStep1(context.Background(), r)
			require.NoError(t, err)
		}
		return client
	}
	t.Run("filters by user ID, email and date reach the server", func(t *testing.T) {
		client := listed(t, 4)
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
		assert.Equal(t, argos.KYCIncomplete, page.Items[0].KYC.Status)
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
	t.Run("NewClient takes the server's options and the client follows the v3 base", func(t *testing.T) {
		client, srv := argostest.NewClient(t, argostest.WithAPIKey("test_key_of_the_project"))
		assert.Equal(t, "test_key_of_the_project", srv.APIKey)
		assert.Equal(t, srv.BaseURL, client.BaseURL())
		assert.True(t, strings.HasSuffix(srv.BaseURL, "/v3"), "the fake's base is v3, as argos.DefaultBaseURL")
		_, err := client.ListSubmissions(t.Context(), nil)
		require.NoError(t, err, "the client sends the server's key")
	})
	t.Run("Server.NewClient options override the defaults", func(t *testing.T) {
		srv := argostest.NewServer()
		t.Cleanup(srv.Close)
		client, err := srv.NewClient(argos.WithBaseURL(srv.URL("v2")))
		require.NoError(t, err)
		t.Cleanup(client.CloseIdleConnections)
		assert.Equal(t, srv.URL("v2"), client.BaseURL())
		_, err = client.ListSubmissions(t.Context(), nil)
		require.NoError(t, err, "a second client of the same fake trusts its certificate")
	})
}
