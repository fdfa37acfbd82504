package argos_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

func TestDeleteSubmissionFieldsSendsCommaSeparatedLists(t *testing.T) {
	c, got := v3JSON(t, "delete_plain.json")
	res, err := c.DeleteSubmissionFields(context.Background(), &argos.DeleteFieldsRequest{SubmissionID: "gt7rcxx9l1oabcde",
		Fields:     []argos.PartialField{argos.PartialSelfieImage, argos.PartialData, argos.PartialOCRRaw},
		DataFields: []argos.DataField{argos.DataFieldName, argos.DataFieldDateOfBirth},
		Admin:      "dpo@example.com",
	})
	require.NoError(t, err)
	assert.Equal(t, "success", res.Message)
	reqs := got()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodDelete, reqs[0].method)
	assert.Equal(t, "/v3/submission/partial", reqs[0].path)
	assert.Equal(t, url.Values{
		"submission_id": {"gt7rcxx9l1oabcde"},
		"fields":        {"selfie_image,data,OCR_raw"},
		"data_fields":   {"name,date_of_birth"},
		"admin_name":    {"dpo@example.com"},
	}, reqs[0].query)
	assert.Empty(t, reqs[0].body)
}

func TestDeleteSubmissionFieldsAcceptsAnyJSONObject(t *testing.T) {
	c, _ := v3Server(t, http.StatusOK, "application/json", []byte(`{}`))
	res, err := c.DeleteSubmissionFields(context.Background(), &argos.DeleteFieldsRequest{SubmissionID: "s1", Fields: []argos.PartialField{argos.PartialEmail}})
	require.NoError(t, err, "the answer is undocumented: any object is success")
	assert.EqualExportedValues(t, &argos.DeleteResult{}, res)
}

func TestDeleteSubmissionFieldsIsRetriedLikeADelete(t *testing.T) {
	c, got := v3Server(t, http.StatusServiceUnavailable, "application/json", []byte(`{"message":"Service Unavailable"}`))
	_, err := c.DeleteSubmissionFields(context.Background(), &argos.DeleteFieldsRequest{SubmissionID: "s1", Fields: []argos.PartialField{argos.PartialEmail}})
	assert.ErrorIs(t, err, argos.ErrServer)
	assert.NotErrorIs(t, err, argos.ErrOutcomeUnknown, "erasing again leaves the same result: not an unknown outcome")
	assert.Len(t, got(), 1+fastRetries.MaxRetries)
}

func TestDeleteSubmissionFieldsRefusesBadInputBeforeSending(t *testing.T) {
	email := []argos.PartialField{argos.PartialEmail}
	for _, tc := range []struct {
		name  string
		r     *argos.DeleteFieldsRequest
		field string
	}{
		{"a nil request", nil, "DeleteFieldsRequest"},
		{"no field", &argos.DeleteFieldsRequest{SubmissionID: "s1"}, "Fields"},
		{"a misspelt field", &argos.DeleteFieldsRequest{SubmissionID: "s1", Fields: []argos.PartialField{"selfie"}}, "Fields"},
		{"a field in the wrong case", &argos.DeleteFieldsRequest{SubmissionID: "s1", Fields: []argos.PartialField{"ocr_raw"}}, "Fields"},
		{"data fields without PartialData", &argos.DeleteFieldsRequest{SubmissionID: "s1", Fields: email,
			DataFields: []argos.DataField{argos.DataFieldName}}, "DataFields"},
		{"an unknown data field", &argos.DeleteFieldsRequest{SubmissionID: "s1", Fields: []argos.PartialField{argos.PartialData},
			DataFields: []argos.DataField{"nickname"}}, "DataFields"},
		{"no submission ID", &argos.DeleteFieldsRequest{Fields: email}, "SubmissionID"},
		{"an admin with a line break", &argos.DeleteFieldsRequest{SubmissionID: "s1", Fields: email, Admin: "a@example.com\n"}, "Admin"},
	} {
		t.Run(tc.name+" is a ValidationError naming "+tc.field, func(t *testing.T) {
			c, got := v3JSON(t, "delete_plain.json")
			_, err := c.DeleteSubmissionFields(context.Background(), tc.r)
			var ve *argos.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Empty(t, got())
		})
	}
}

func TestFakePartialDeleteErasesExactlyTheNamedFields(t *testing.T) {
	c, srv := fakeV3(t)
	ctx := context.Background()
	id := fakeSubmission(t, c, srv, argostest.OutcomeApprove)
	before, err := c.GetSubmission(ctx, id)
	require.NoError(t, err)
	require.NotEmpty(t, before.Data.Name)
	require.NotEmpty(t, before.Images.SelfieImage)

	_, err = c.DeleteSubmissionFields(ctx, &argos.DeleteFieldsRequest{SubmissionID: id, Fields: []argos.PartialField{argos.PartialSelfieImage, argos.PartialData, argos.PartialUserID},
		DataFields: []argos.DataField{argos.DataFieldName, argos.DataFieldDateOfBirth}})
	require.NoError(t, err)
	after, err := c.GetSubmission(ctx, id)
	require.NoError(t, err)
	assert.Empty(t, after.Data.Name)
	assert.Empty(t, after.Data.DateOfBirth)
	assert.Empty(t, after.UserID)
	assert.Empty(t, after.Images.SelfieImage)
	_, err = c.DownloadImage(ctx, id, argos.ImageSelfie)
	assert.ErrorIs(t, err, argos.ErrBadRequest, "the erased selfie is gone")

	assert.Equal(t, before.Data.Gender, after.Data.Gender, "data fields not named stay")
	assert.Equal(t, before.Data.Nationality, after.Data.Nationality)
	assert.Equal(t, before.Email, after.Email)
	assert.Equal(t, before.Images.IDImage, after.Images.IDImage)
	assert.Equal(t, before.KYC.Status, after.KYC.Status)

	t.Run("the fake also accepts repeated parameters", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodDelete, srv.URL("v3")+"/submission/partial?submission_id="+id+
			"&fields=email&fields=data&data_fields=gender&data_fields=nationality", nil)
		require.NoError(t, err)
		req.Header.Set("x-api-key", srv.APIKey)
		resp, err := srv.HTTPClient().Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusOK, resp.StatusCode)
		s, err := c.GetSubmission(ctx, id)
		require.NoError(t, err)
		assert.Empty(t, s.Email)
		assert.Empty(t, s.Data.Gender)
		assert.Empty(t, s.Data.Nationality)
		assert.Equal(t, after.Data.IDType, s.Data.IDType)
	})
	t.Run("an unknown submission is ErrNotFound", func(t *testing.T) {
		_, err := c.DeleteSubmissionFields(ctx, &argos.DeleteFieldsRequest{SubmissionID: "nosuch", Fields: []argos.PartialField{argos.PartialEmail}})
		assert.ErrorIs(t, err, argos.ErrNotFound)
	})
}
