package argos_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

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
	_, delErr := c.DeleteSubmission(context.Background(), "gone")
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
