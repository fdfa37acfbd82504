package argos_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

func TestApplicantSubmissionsDecodesTheBareArray(t *testing.T) {
	for _, name := range []string{"applicant.json", "applicant_old.json"} {
		t.Run(name+" decodes", func(t *testing.T) {
			c, mt := newMockClient(t)
			mt.RegisterResponderWithQuery(http.MethodGet, mockBase+"/submission/applicant", "applicant_id=app1", jsonResponder(t, 200, name))
			subs, err := c.ListApplicantSubmissions(context.Background(), "app1")
			require.NoError(t, err)
			require.Len(t, subs, 3)
			assert.Equal(t, "{submission_id1}", subs[0].SubmissionID)
			assert.Equal(t, "{email3}", subs[2].Email)
			assert.Equal(t, name == "applicant.json", subs[0].DuplicatedInformation != "")
		})
	}
}

func TestApplicantSubmissionsRefusesAnObject(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission/applicant", jsonResponder(t, 200, "submission_empty.json"))
	_, err := c.ListApplicantSubmissions(context.Background(), "app1")
	var de *argos.DecodeError
	require.ErrorAs(t, err, &de)
	assert.ErrorIs(t, err, argos.ErrUnexpectedResponse)
}

func TestApplicantSubmissionsRefusesAnArrayOfAnotherShape(t *testing.T) {
	for _, body := range []string{`[1,2,3]`, `[{"Items":[]}]`, `[null]`} {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, mockBase+"/submission/applicant", httpmock.NewStringResponder(200, body))
		_, err := c.ListApplicantSubmissions(context.Background(), "app1")
		assert.ErrorIs(t, err, argos.ErrUnexpectedResponse, body)
	}
}

func TestANumericSubmissionIDIsAnIDEverywhere(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission/applicant",
		httpmock.NewStringResponder(200, `[{"submission_id":12345,"email":"a@example.com"}]`))
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission",
		httpmock.NewStringResponder(200, `{"Items":[{"submission_id":12345,"kyc":{"result":"approved"}}]}`))

	subs, err := c.ListApplicantSubmissions(context.Background(), "app1")
	require.NoError(t, err, "ListApplicantSubmissions reads a numeric ID")
	require.Len(t, subs, 1)
	assert.Equal(t, "12345", subs[0].SubmissionID)

	s, err := c.GetSubmission(context.Background(), "12345")
	require.NoError(t, err, "as GetSubmission does")
	assert.Equal(t, "12345", s.ID)
}
