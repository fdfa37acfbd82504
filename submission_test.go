package argos_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"errors"

	"github.com/jarcoal/httpmock"
	"github.com/kycgo/argos"
)

func TestGetSubmissionDecodesTheGuideSample(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponderWithQuery(http.MethodGet, mockBase+"/submission", "submission_id=gt7rcxx9l1o%2A%2A%2A%2A%2A",
		jsonResponder(t, 200, "submission_single_guide.json"))

	sub, err := c.GetSubmission(context.Background(), "gt7rcxx9l1o*****")
	require.NoError(t, err)

	assert.Equal(t, "gt7rcxx9l1o*****", sub.ID)
	assert.Equal(t, "test@gmail.com", sub.Email)
	assert.Equal(t, "test1", sub.UserID)
	assert.Equal(t, "홍길동", sub.Data.Name)
	assert.Equal(t, argos.GenderMale, sub.Data.Gender)
	assert.Equal(t, "KOR", sub.Data.Nationality)
	assert.Equal(t, "1998-11-12", sub.Data.DateOfBirth)
	assert.Equal(t, argos.IDGovernmentID, sub.Data.IDType)
	assert.Equal(t, "KOR", sub.Data.IssuingCountry)
	assert.Equal(t, "2016-08-16", sub.Data.DateOfIssue)
	assert.Equal(t, "981112-1******", sub.Data.IdentityNumber)
	assert.Equal(t, "test", sub.Data.CF1)
	assert.Equal(t, argos.KYCRejected, sub.KYC.Status)
	assert.Equal(t, []argos.RejectCode{argos.RejectTooManyRetry}, sub.KYC.CommentCode)
	require.Len(t, sub.KYC.Attempts, 3)

	a1, a2, a3 := sub.KYC.Attempts[0], sub.KYC.Attempts[1], sub.KYC.Attempts[2]
	assert.Equal(t, 1, a1.Count)
	assert.Equal(t, ptr(91), a1.LivenessScore)
	assert.Equal(t, ptr(99), a1.FaceSimilarityScore)
	assert.Equal(t, "fail", a1.VerificationResult)
	assert.Equal(t, "2016-08-15", a1.VerificationParams.DateOfIssue)
	assert.Nil(t, a2.FaceSimilarityScore, "attempt 2 has no face score: absent, not 0")
	assert.Equal(t, ptr(98), a2.LivenessScore)
	assert.Nil(t, a3.LivenessScore, "attempt 3 has no liveness score")
	assert.Equal(t, "success", a3.VerificationResult)
	assert.Contains(t, a3.RetryMsg, "Liveness check failed")

	created, err := sub.Created()
	require.NoError(t, err)
	assert.Equal(t, 2022, created.Year())
}

func TestGetSubmissionDecodesEveryDocumentedField(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonResponder(t, 200, "submission_single_developers.json"))

	sub, err := c.GetSubmission(context.Background(), "{submission_id}")
	require.NoError(t, err)

	var raw struct {
		Items []map[string]json.RawMessage
	}
	require.NoError(t, json.Unmarshal(fixture(t, "submission_single_developers.json"), &raw))
	item := raw.Items[0]

	assert.Equal(t, "Ji Sung", sub.Data.FirstName)
	assert.Equal(t, "Park", sub.Data.LastName)
	assert.Equal(t, "Ji Sung Park", sub.Data.FullName)
	assert.Equal(t, "N/A", sub.Data.AgeGroup)
	assert.NotEmpty(t, sub.DuplicatedInformation)
	assert.NotEmpty(t, sub.UpdatedAt)
	assert.NotEmpty(t, sub.KYCResultAt)
	assert.Equal(t, "system", sub.Reviewer)
	assert.Nil(t, sub.RecognitionScore, "a placeholder string is not a score")
	assert.NotEmpty(t, sub.Images.IDImage)
	assert.NotEmpty(t, sub.Images.SelfieImage)
	assert.JSONEq(t, string(item["project_options"]), string(sub.ProjectOptions))
	assert.JSONEq(t, string(item["OCR_raw"]), string(sub.OCRRaw))
	assert.JSONEq(t, string(item["verification"]), string(sub.Verification))
	assert.NotEmpty(t, sub.OCR.FullName)
	require.NotNil(t, sub.Memo)
	assert.NotEmpty(t, sub.Memo.Text)
}

func TestGetSubmissionWithNoItemIsNotFound(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonResponder(t, 200, "submission_empty.json"))

	_, err := c.GetSubmission(context.Background(), "nope")
	require.ErrorIs(t, err, argos.ErrNotFound)
}

func TestGetSubmissionReturnsOnlyWhatItAskedFor(t *testing.T) {
	answer := func(body string) httpmock.Responder {
		return httpmock.NewStringResponder(http.StatusOK, body).HeaderSet(http.Header{"Content-Type": {"application/json"}})
	}
	t.Run("an answer about someone else is refused and nothing of it is returned", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission",
			answer(`{"Items": [{"submission_id": "someone-else", "email": "other@example.com", "data": {"name": "Other Person"}}]}`))
		sub, err := c.GetSubmission(context.Background(), "mine")
		assert.Nil(t, sub)
		require.ErrorIs(t, err, argos.ErrUnexpectedResponse)
		assert.NotContains(t, err.Error(), "someone-else")
		assert.NotContains(t, err.Error(), "other@example.com")
	})
	t.Run("an item without an ID cannot be told apart, so it is refused too", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission", answer(`{"Items": [{"email": "x@example.com"}]}`))
		sub, err := c.GetSubmission(context.Background(), "mine")
		assert.Nil(t, sub)
		assert.ErrorIs(t, err, argos.ErrUnexpectedResponse)
	})
	t.Run("among several items the one asked for is returned", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission",
			answer(`{"Items": [{"submission_id": "someone-else"}, {"submission_id": "mine", "email": "me@example.com"}]}`))
		sub, err := c.GetSubmission(context.Background(), "mine")
		require.NoError(t, err)
		assert.Equal(t, "mine", sub.ID)
		assert.Equal(t, "me@example.com", sub.Email)
	})
}

func TestEveryNotFoundIsAnAPIError(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission",
		httpmock.NewStringResponder(http.StatusOK, `{"Items": []}`).HeaderSet(http.Header{"Content-Type": {"application/json"}}))
	mt.RegisterResponder(http.MethodDelete, mockBase+"/submission",
		httpmock.NewStringResponder(http.StatusBadRequest, `{"message": "not Exist Submission Data"}`))

	_, getErr := c.GetSubmission(context.Background(), "gone")
	_, delErr := c.DeleteSubmission(context.Background(), &argos.DeleteSubmissionRequest{SubmissionID: "gone"})
	for name, err := range map[string]error{"GetSubmission's empty answer": getErr, "DeleteSubmission's 400": delErr} {
		t.Run(name, func(t *testing.T) {
			assert.ErrorIs(t, err, argos.ErrNotFound)
			var apiErr *argos.APIError
			require.True(t, errors.As(err, &apiErr), "an *APIError: %T", err)
			assert.NotEmpty(t, apiErr.Path)
		})
	}
	assert.Equal(t, "argos: GET /v2/submission: not found: the answer listed no submission with this ID", getErr.Error())
}

func TestSubmissionDeleted(t *testing.T) {
	get := func(t *testing.T, file, id string) *argos.Submission {
		t.Helper()
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission", jsonResponder(t, 200, file))
		sub, err := c.GetSubmission(context.Background(), id)
		require.NoError(t, err)
		return sub
	}

	t.Run("the shape the vendor documents for a deleted submission is deleted", func(t *testing.T) {
		assert.True(t, get(t, "submission_deleted.json", "del9submission01").Deleted())
	})
	t.Run("the fake's deleted submission is deleted", func(t *testing.T) {
		c, _ := fakeClient(t)
		s1 := step1(t, c, "gone@example.com", "gone-user")
		_, err := c.DeleteSubmission(context.Background(), &argos.DeleteSubmissionRequest{SubmissionID: s1.SubmissionID})
		require.NoError(t, err)

		sub, err := c.GetSubmission(context.Background(), s1.SubmissionID)

		require.NoError(t, err)
		assert.True(t, sub.Deleted())
	})
	t.Run("an applicant who typed Deleted Submission as their name is not deleted", func(t *testing.T) {
		sub := get(t, "submission_named_deleted.json", "live9submission1")
		require.Equal(t, "Deleted Submission", sub.Data.Name)

		assert.False(t, sub.Deleted())
	})
	t.Run("the fake's live submission named Deleted Submission is not deleted", func(t *testing.T) {
		c, srv := fakeClient(t)
		id := namedDeletedSubmission(t, c, srv)

		sub, err := c.GetSubmission(context.Background(), id)

		require.NoError(t, err)
		require.Equal(t, "Deleted Submission", sub.Data.Name)
		assert.False(t, sub.Deleted())
	})
	t.Run("a nil submission is not deleted", func(t *testing.T) {
		assert.False(t, (*argos.Submission)(nil).Deleted())
	})
	t.Run("another name is not deleted", func(t *testing.T) {
		sub := get(t, "submission_deleted.json", "del9submission01")
		sub.Data.Name = "Deleted Submission " // not the placeholder, however close

		assert.False(t, sub.Deleted())
	})

	// Each personal field a deletion erases is a signal the applicant cannot
	// clear: the placeholder name with any one of them left is a live submission.
	for _, tc := range []struct {
		field string
		set   func(s *argos.Submission)
	}{
		{"an email", func(s *argos.Submission) { s.Email = "applicant@example.com" }},
		{"a user ID", func(s *argos.Submission) { s.UserID = "user-42" }},
		{"an applicant ID", func(s *argos.Submission) { s.ApplicantID = "app-1" }},
		{"a first name", func(s *argos.Submission) { s.Data.FirstName = "Jane" }},
		{"a last name", func(s *argos.Submission) { s.Data.LastName = "Doe" }},
		{"a full name", func(s *argos.Submission) { s.Data.FullName = "Jane Doe" }},
		{"a birth date", func(s *argos.Submission) { s.Data.DateOfBirth = "1990-01-02" }},
		{"an IP address", func(s *argos.Submission) { s.Data.IPAddress = "*.*.*.*" }},
		{"an identity number", func(s *argos.Submission) { s.Data.IdentityNumber = "900102-2******" }},
		{"a document number", func(s *argos.Submission) { s.Data.DocumentNumber = "X1234567" }},
		{"an SSN", func(s *argos.Submission) { s.Data.SSNNumber = "***-**-1234" }},
		{"a phone number", func(s *argos.Submission) { s.Data.PhoneNumber = "+1 555 0100" }},
		{"a street", func(s *argos.Submission) { s.Data.AddressStreet = "1 Main St" }},
		{"a formatted address", func(s *argos.Submission) { s.Data.AddressFormatted = "1 Main St, Springfield" }},
		{"a typed address", func(s *argos.Submission) { s.Data.AddressInput = "1 main st" }},
	} {
		t.Run("the placeholder name with "+tc.field+" left is not deleted", func(t *testing.T) {
			sub := get(t, "submission_deleted.json", "del9submission01")
			tc.set(sub)

			assert.False(t, sub.Deleted())
		})
	}
}
