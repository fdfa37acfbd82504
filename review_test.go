package argos_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

func TestReviewSubmissionSendsTheDocumentedBody(t *testing.T) {
	c, got := v3Server(t, http.StatusOK, "application/json",
		[]byte(`{"submissionId":"rv7pending0001","message":"Success to review submission.","finalStatus":"rejected"}`))
	res, err := c.ReviewSubmission(context.Background(), &argos.ReviewRequest{
		SubmissionID: "rv7pending0001", Admin: "reviewer@sample.com", Status: argos.KYCRejected,
		RejectComment: "Document photo is unreadable",
		UpdateFields: &argos.ReviewFields{FullName: "Jane Doe", Gender: argos.GenderFemale, DateOfIssue: "2020-02-25",
			DateOfExpiry: "2030-02-24", DateOfBirth: "1990-01-02", IDType: argos.IDPassport},
	})
	require.NoError(t, err)
	assert.EqualExportedValues(t, &argos.ReviewResult{SubmissionID: "rv7pending0001", Message: "Success to review submission.", Status: argos.KYCRejected}, res)
	reqs := got()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodPost, reqs[0].method)
	assert.Equal(t, "/v3/submission/review", reqs[0].path)
	assert.JSONEq(t, string(fixture(t, "v3/review_request.json")), string(reqs[0].body))
}

func TestReviewSubmissionDecodesTheDocumentedAnswer(t *testing.T) {
	c, got := v3JSON(t, "v3/review_success.json")
	res, err := c.ReviewSubmission(context.Background(), &argos.ReviewRequest{SubmissionID: "rv7pending0001",
		Admin: "reviewer@sample.com", Status: argos.KYCApproved})
	require.NoError(t, err)
	assert.Equal(t, argos.KYCApproved, res.Status)
	assert.Equal(t, "Success to review submission.", res.Message)
	assert.JSONEq(t, `{"submissionId":"rv7pending0001","admin":"reviewer@sample.com","status":"approved"}`, string(got()[0].body))

	t.Run("an answer about another submission is refused", func(t *testing.T) {
		c, _ := v3JSON(t, "v3/review_success.json")
		_, err := c.ReviewSubmission(context.Background(), &argos.ReviewRequest{SubmissionID: "other", Admin: "a@example.com", Status: argos.KYCApproved})
		assert.ErrorIs(t, err, argos.ErrUnexpectedResponse)
	})
}

func TestReviewSubmissionRefusesBadInputBeforeSending(t *testing.T) {
	for _, tc := range []struct {
		name  string
		req   *argos.ReviewRequest
		field string
	}{
		{"a nil request", nil, "ReviewRequest"},
		{"a rejection without a comment", &argos.ReviewRequest{SubmissionID: "s1", Admin: "a@example.com", Status: argos.KYCRejected}, "RejectComment"},
		{"an approval with a reject comment", &argos.ReviewRequest{SubmissionID: "s1", Admin: "a@example.com", Status: argos.KYCApproved,
			RejectComment: "why"}, "RejectComment"},
		{"a pending status", &argos.ReviewRequest{SubmissionID: "s1", Admin: "a@example.com", Status: argos.KYCPending}, "Status"},
		{"no status", &argos.ReviewRequest{SubmissionID: "s1", Admin: "a@example.com"}, "Status"},
		{"no admin", &argos.ReviewRequest{SubmissionID: "s1", Status: argos.KYCApproved}, "Admin"},
		{"no submission ID", &argos.ReviewRequest{Admin: "a@example.com", Status: argos.KYCApproved}, "SubmissionID"},
		{"empty update fields", &argos.ReviewRequest{SubmissionID: "s1", Admin: "a@example.com", Status: argos.KYCApproved,
			UpdateFields: &argos.ReviewFields{}}, "UpdateFields"},
		{"an update with a bad date", &argos.ReviewRequest{SubmissionID: "s1", Admin: "a@example.com", Status: argos.KYCApproved,
			UpdateFields: &argos.ReviewFields{DateOfBirth: "02/01/1990"}}, "UpdateFields.DateOfBirth"},
	} {
		t.Run(tc.name+" is a ValidationError naming "+tc.field, func(t *testing.T) {
			c, got := v3JSON(t, "v3/review_success.json")
			_, err := c.ReviewSubmission(context.Background(), tc.req)
			var ve *argos.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Empty(t, got())
		})
	}
}

func TestFakeReviewDecidesAPendingSubmission(t *testing.T) {
	c, srv := fakeV3(t)
	ctx := context.Background()
	review := func(id string, status argos.KYCStatus, comment string) (*argos.ReviewResult, error) {
		return c.ReviewSubmission(ctx, &argos.ReviewRequest{SubmissionID: id, Admin: argostest.DefaultAdmin, Status: status, RejectComment: comment})
	}

	t.Run("an approval approves and corrects the data", func(t *testing.T) {
		id := fakeSubmission(t, c, srv, argostest.OutcomePending)
		res, err := c.ReviewSubmission(ctx, &argos.ReviewRequest{SubmissionID: id, Admin: argostest.DefaultAdmin,
			Status: argos.KYCApproved, UpdateFields: &argos.ReviewFields{FullName: "Jane Q Doe"}})
		require.NoError(t, err)
		assert.Equal(t, argos.KYCApproved, res.Status)
		s, err := c.GetSubmission(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, argos.KYCApproved, s.KYC.Status)
		assert.Equal(t, "Jane Q Doe", s.Data.Name)
		assert.Equal(t, argostest.DefaultAdmin, s.Reviewer)

		_, err = review(id, argos.KYCRejected, "too late")
		assert.ErrorIs(t, err, argos.ErrNotPending, "a decided submission cannot be reviewed again")
	})
	t.Run("a rejection keeps the comment", func(t *testing.T) {
		id := fakeSubmission(t, c, srv, argostest.OutcomePending)
		res, err := review(id, argos.KYCRejected, "Blurred document")
		require.NoError(t, err)
		assert.Equal(t, argos.KYCRejected, res.Status)
		s, err := c.GetSubmission(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, []string{"Blurred document"}, s.KYC.Comment)
	})
	t.Run("an approved submission is ErrNotPending", func(t *testing.T) {
		_, err := review(fakeSubmission(t, c, srv, argostest.OutcomeApprove), argos.KYCApproved, "")
		assert.ErrorIs(t, err, argos.ErrNotPending)
	})
	t.Run("an unknown submission is ErrNotFound", func(t *testing.T) {
		_, err := review("nosuchsubmission", argos.KYCApproved, "")
		assert.ErrorIs(t, err, argos.ErrNotFound)
	})
	t.Run("an unregistered admin is ErrInvalidAdmin", func(t *testing.T) {
		_, err := c.ReviewSubmission(ctx, &argos.ReviewRequest{SubmissionID: "x", Admin: "who@example.com", Status: argos.KYCApproved})
		assert.ErrorIs(t, err, argos.ErrInvalidAdmin)
	})
	t.Run("a project reviewed by Argos refuses client reviews", func(t *testing.T) {
		c, srv := fakeV3(t, argostest.WithArgosReviewer())
		id := fakeSubmission(t, c, srv, argostest.OutcomePending)
		_, err := c.ReviewSubmission(ctx, &argos.ReviewRequest{SubmissionID: id, Admin: argostest.DefaultAdmin, Status: argos.KYCApproved})
		var apiErr *argos.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, "This submission cannot be reviewed by client", apiErr.Message)
	})
	t.Run("the fake's own checks answer the documented messages", func(t *testing.T) {
		for _, tc := range []struct{ body, msg string }{
			{`{"submissionId":"x","status":"rejected","admin":"` + argostest.DefaultAdmin + `"}`, "Reject comment is required"},
			{`{"submissionId":"x","status":"maybe","admin":"` + argostest.DefaultAdmin + `"}`, "Invalid status"},
			{`{"submissionId":"x","status":"approved","admin":"` + argostest.DefaultAdmin + `","updateFields":"fullName"}`, "Invalid data format."},
			{`{"status":"approved","admin":"` + argostest.DefaultAdmin + `"}`, "Submission Id is required."},
			{`{"submissionId":"x","status":"approved"}`, "admin is required."},
		} {
			assert.Equal(t, tc.msg, rawPost(t, srv, "/submission/review", tc.body), tc.body)
		}
	})
}
