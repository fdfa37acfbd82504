package argos_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

func TestDeleteSubmissionAcceptsEveryDocumentedAnswer(t *testing.T) {
	for _, name := range []string{"delete_hash.json", "delete_plain.json", "delete_statuscode.json"} {
		t.Run(name+" decodes", func(t *testing.T) {
			c, mt := newMockClient(t)
			var q url.Values
			mt.RegisterResponder(http.MethodDelete, mockBase+"/submission", func(r *http.Request) (*http.Response, error) {
				q = r.URL.Query()
				return jsonResponder(t, 200, name)(r)
			})
			res, err := c.DeleteSubmission(context.Background(), &argos.DeleteSubmissionRequest{SubmissionID: "gt7rcxx9l1oabcde"})
			require.NoError(t, err)
			assert.Equal(t, "success", res.Message)
			assert.Contains(t, res.Content, "gt7rcxx9l1oabcde")
			assert.Equal(t, url.Values{"submission_id": {"gt7rcxx9l1oabcde"}}, q)
		})
	}
}

func TestDeleteSubmissionNamesTheAdmin(t *testing.T) {
	c, mt := newMockClient(t)
	var q url.Values
	mt.RegisterResponder(http.MethodDelete, mockBase+"/submission", func(r *http.Request) (*http.Response, error) {
		q = r.URL.Query()
		return jsonResponder(t, 200, "delete_statuscode.json")(r)
	})
	res, err := c.DeleteSubmission(context.Background(), &argos.DeleteSubmissionRequest{SubmissionID: "gt7rcxx9l1oabcde", Admin: "admin@example.com"})
	require.NoError(t, err)
	assert.Equal(t, 200, res.StatusCode)
	assert.Equal(t, "admin@example.com", q.Get("admin_name"))
}

func TestDeleteErrorsAreTyped(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		notFound bool
	}{
		{"the newer shape for a missing ID", string(fixture(t, "errors/message_statuscode.json")), false},
		{"the older shape for a missing ID", string(fixture(t, "errors/errorcode_only.json")), false},
		{"an unknown submission", `{"message":"not Exist Submission Data","statusCode":400}`, true},
		{"an unknown submission in the older shape", `{"errorCode":"not Exist Submission Data"}`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name+" is a 400 APIError", func(t *testing.T) {
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodDelete, mockBase+"/submission", httpmock.NewStringResponder(400, tc.body))
			_, err := c.DeleteSubmission(context.Background(), &argos.DeleteSubmissionRequest{SubmissionID: "gt7rcxx9l1oabcde"})
			var apiErr *argos.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, 400, apiErr.StatusCode)
			assert.ErrorIs(t, err, argos.ErrBadRequest)
			assert.Equal(t, tc.notFound, errors.Is(err, argos.ErrNotFound))
			assert.Equal(t, 1, apiErr.Attempts, "a 400 is not retried")
		})
	}
}
