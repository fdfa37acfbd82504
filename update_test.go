package argos_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

func TestUpdateSubmissionSendsTheDocumentedBody(t *testing.T) {
	c, got := v3JSON(t, "v3/update_success.json")
	res, err := c.UpdateSubmission(context.Background(), &argos.UpdateSubmissionRequest{
		SubmissionID: "6xx28lo115832", Admin: "yourAdmin@sample.com",
		Data: argos.SubmissionUpdate{
			IDType: argos.IDDriversLicense, IssuingCountry: "KOR", FullName: "hong kil dong", Gender: argos.GenderMale,
			DateOfBirth: "1999-11-30", Nationality: "USA", Status: argos.KYCApproved, DateOfIssue: "2017-10-19",
			DateOfExpiry: "2027-10-18", IdentityNumber: "991131-1111111", DocumentNumber: "05-167-U0815", SerialNumber: "07PN10",
		},
	})
	require.NoError(t, err)
	assert.Equal(t, "Data Processing Success.", res.Message)
	reqs := got()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodPatch, reqs[0].method)
	assert.Equal(t, "/v3/submission", reqs[0].path)
	assert.Equal(t, "application/json", reqs[0].header.Get("Content-Type"))
	assert.Equal(t, testKey, reqs[0].header.Get("x-api-key"))
	assert.JSONEq(t, string(fixture(t, "v3/update_request.json")), string(reqs[0].body))
}

func TestUpdateSubmissionSendsOnlyTheFieldsSet(t *testing.T) {
	c, got := v3JSON(t, "v3/update_success.json")
	_, err := c.UpdateSubmission(context.Background(), &argos.UpdateSubmissionRequest{
		SubmissionID: "s1", Admin: "a@example.com", Data: argos.SubmissionUpdate{Status: argos.KYCRejected}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"submissionId":"s1","admin":"a@example.com","data":{"kycStatus":"rejected"}}`, string(got()[0].body))
}

func TestUpdateSubmissionDecodesBothDocumentedSuccessMessages(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"v3/update_success.json", "Data Processing Success."},
		{"v3/update_success_gitbook.json", "success to edit."},
	} {
		t.Run(tc.want+" is returned as the message", func(t *testing.T) {
			c, _ := v3JSON(t, tc.file)
			res, err := c.UpdateSubmission(context.Background(), &argos.UpdateSubmissionRequest{
				SubmissionID: "s1", Admin: "a@example.com", Data: argos.SubmissionUpdate{FullName: "X Y"}})
			require.NoError(t, err)
			assert.Equal(t, tc.want, res.Message)
		})
	}
	t.Run("an answer without a message is unexpected", func(t *testing.T) {
		c, _ := v3Server(t, http.StatusOK, "application/json", []byte(`{"ok":true}`))
		_, err := c.UpdateSubmission(context.Background(), &argos.UpdateSubmissionRequest{
			SubmissionID: "s1", Admin: "a@example.com", Data: argos.SubmissionUpdate{FullName: "X Y"}})
		assert.ErrorIs(t, err, argos.ErrUnexpectedResponse)
	})
}

func TestUpdateSubmissionRefusesBadInputBeforeSending(t *testing.T) {
	ok := func() *argos.UpdateSubmissionRequest {
		return &argos.UpdateSubmissionRequest{SubmissionID: "s1", Admin: "a@example.com", Data: argos.SubmissionUpdate{FullName: "X"}}
	}
	for _, tc := range []struct {
		name  string
		edit  func(r *argos.UpdateSubmissionRequest) *argos.UpdateSubmissionRequest
		field string
	}{
		{"a nil request", func(*argos.UpdateSubmissionRequest) *argos.UpdateSubmissionRequest { return nil }, "UpdateSubmissionRequest"},
		{"no submission ID", func(r *argos.UpdateSubmissionRequest) *argos.UpdateSubmissionRequest { r.SubmissionID = ""; return r }, "SubmissionID"},
		{"no admin", func(r *argos.UpdateSubmissionRequest) *argos.UpdateSubmissionRequest { r.Admin = ""; return r }, "Admin"},
		{"no field to change", func(r *argos.UpdateSubmissionRequest) *argos.UpdateSubmissionRequest {
			r.Data = argos.SubmissionUpdate{}
			return r
		}, "Data"},
		{"a status that is not a decision", func(r *argos.UpdateSubmissionRequest) *argos.UpdateSubmissionRequest {
			r.Data.Status = argos.KYCPending
			return r
		}, "Data.Status"},
		{"a birth date that is not a date", func(r *argos.UpdateSubmissionRequest) *argos.UpdateSubmissionRequest {
			r.Data.DateOfBirth = "1999-11-31"
			return r
		}, "Data.DateOfBirth"},
		{"a lower-case country", func(r *argos.UpdateSubmissionRequest) *argos.UpdateSubmissionRequest {
			r.Data.IssuingCountry = "kor"
			return r
		}, "Data.IssuingCountry"},
		{"a control character in a name", func(r *argos.UpdateSubmissionRequest) *argos.UpdateSubmissionRequest {
			r.Data.LastName = "a\nb"
			return r
		}, "Data.LastName"},
	} {
		t.Run(tc.name+" is a ValidationError naming "+tc.field, func(t *testing.T) {
			c, got := v3JSON(t, "v3/update_success.json")
			_, err := c.UpdateSubmission(context.Background(), tc.edit(ok()))
			var ve *argos.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Empty(t, got(), "nothing may be sent")
		})
	}
}

// parseForm reads a multipart body the way a server would.
func parseForm(t *testing.T, r seen) (fields map[string]string, fileNames map[string]string) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(r.header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/form-data", mt)
	fields, fileNames = map[string]string{}, map[string]string{}
	mr := multipart.NewReader(bytes.NewReader(r.body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return fields, fileNames
		}
		require.NoError(t, err)
		b, err := io.ReadAll(p)
		require.NoError(t, err)
		fields[p.FormName()] = string(b)
		if p.FileName() != "" {
			fileNames[p.FormName()] = p.FileName()
		}
	}
}

func TestUpdateImagesSendsEachImageAsBase64Text(t *testing.T) {
	c, got := v3JSON(t, "v3/images_success.json")
	res, err := c.UpdateImages(context.Background(), &argos.UpdateImagesRequest{
		SubmissionID: "s1", Admin: "a@example.com", IDType: argos.IDPassport,
		IDImage: image(t, "id_front.png"), SelfieImage: &argos.File{Body: bytes.NewReader(readImage(t, "selfie.jpg"))},
		// A reader that cannot seek streams once, with no known size.
		AddressImage: &argos.File{Body: io.MultiReader(bytes.NewReader(readImage(t, "address.png")))},
	})
	require.NoError(t, err)
	assert.Equal(t, "complete to update image.", res.Message)
	reqs := got()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodPut, reqs[0].method)
	assert.Equal(t, "/v3/submission/image", reqs[0].path)
	fields, files := parseForm(t, reqs[0])
	assert.Empty(t, files, "images are text fields, not file parts")
	assert.Equal(t, "s1", fields["submissionId"])
	assert.Equal(t, "a@example.com", fields["admin"])
	assert.Equal(t, "passport", fields["idType"])
	for field, name := range map[string]string{"idImage": "id_front.png", "selfieImage": "selfie.jpg", "addressImage": "address.png"} {
		assert.Equal(t, base64.StdEncoding.EncodeToString(readImage(t, name)), fields[field], field)
	}
	assert.NotContains(t, fields, "idBackImage")
}

func TestUpdateImagesRefusesBadInputBeforeSending(t *testing.T) {
	png := func() *argos.File { return &argos.File{Body: bytes.NewReader(readImage(t, "id_front.png"))} }
	for _, tc := range []struct {
		name  string
		req   *argos.UpdateImagesRequest
		field string
	}{
		{"a nil request", nil, "UpdateImagesRequest"},
		{"no image", &argos.UpdateImagesRequest{SubmissionID: "s1", Admin: "a@example.com", IDType: argos.IDPassport}, "UpdateImagesRequest"},
		{"an ID image without an ID type", &argos.UpdateImagesRequest{SubmissionID: "s1", Admin: "a@example.com", IDImage: png()}, "IDType"},
		{"an ID back image without an ID type", &argos.UpdateImagesRequest{SubmissionID: "s1", Admin: "a@example.com", IDBackImage: png()}, "IDType"},
		{"no admin", &argos.UpdateImagesRequest{SubmissionID: "s1", SelfieImage: png()}, "Admin"},
		{"no submission ID", &argos.UpdateImagesRequest{Admin: "a@example.com", SelfieImage: png()}, "SubmissionID"},
		{"a text file", &argos.UpdateImagesRequest{SubmissionID: "s1", Admin: "a@example.com",
			SelfieImage: &argos.File{Body: strings.NewReader("not an image at all")}}, "SelfieImage"},
		{"an image over 2 MB", &argos.UpdateImagesRequest{SubmissionID: "s1", Admin: "a@example.com",
			AddressImage: &argos.File{Body: bytes.NewReader(append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, argos.MaxImageSize)...))}}, "AddressImage"},
	} {
		t.Run(tc.name+" is a ValidationError naming "+tc.field, func(t *testing.T) {
			c, got := v3JSON(t, "v3/images_success.json")
			_, err := c.UpdateImages(context.Background(), tc.req)
			var ve *argos.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Empty(t, got(), "nothing may be sent")
		})
	}
	t.Run("an unseekable image over 2 MB fails while streaming and is not an unknown outcome", func(t *testing.T) {
		c, _ := v3JSON(t, "v3/images_success.json")
		big := io.MultiReader(strings.NewReader("\x89PNG\r\n\x1a\n"), bytes.NewReader(make([]byte, argos.MaxImageSize)))
		_, err := c.UpdateImages(context.Background(), &argos.UpdateImagesRequest{SubmissionID: "s1", Admin: "a@example.com",
			AddressImage: &argos.File{Body: big}})
		var ve *argos.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "AddressImage", ve.Field)
	})
}

func TestFakeUpdateSubmissionChangesTheStoredDataAndStatus(t *testing.T) {
	c, srv := fakeV3(t)
	ctx := context.Background()
	id := fakeSubmission(t, c, srv, argostest.OutcomePending)
	res, err := c.UpdateSubmission(ctx, &argos.UpdateSubmissionRequest{SubmissionID: id, Admin: argostest.DefaultAdmin,
		Data: argos.SubmissionUpdate{FullName: "Janet Doe", DateOfBirth: "1991-02-03", DocumentNumber: "P1234567", Status: argos.KYCApproved}})
	require.NoError(t, err)
	assert.Equal(t, "Data Processing Success.", res.Message)
	s, err := c.GetSubmission(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "Janet Doe", s.Data.Name)
	assert.Equal(t, "1991-02-03", s.Data.DateOfBirth)
	assert.Equal(t, "P1234567", s.Data.DocumentNumber)
	assert.Equal(t, "female", string(s.Data.Gender), "fields not sent stay")
	assert.Equal(t, argos.KYCApproved, s.KYC.Status)
	assert.NotEmpty(t, s.ApplicantID, "an approval assigns the applicant ID")

	t.Run("an unknown admin is ErrInvalidAdmin", func(t *testing.T) {
		_, err := c.UpdateSubmission(ctx, &argos.UpdateSubmissionRequest{SubmissionID: id, Admin: "stranger@example.com",
			Data: argos.SubmissionUpdate{FullName: "X"}})
		assert.ErrorIs(t, err, argos.ErrInvalidAdmin)
	})
	t.Run("an unknown submission is ErrNotFound", func(t *testing.T) {
		_, err := c.UpdateSubmission(ctx, &argos.UpdateSubmissionRequest{SubmissionID: "nosuchsubmission", Admin: argostest.DefaultAdmin,
			Data: argos.SubmissionUpdate{FullName: "X"}})
		assert.ErrorIs(t, err, argos.ErrNotFound)
	})
}

func TestFakeUpdateImagesReplacesWhatImageDownloads(t *testing.T) {
	c, srv := fakeV3(t)
	ctx := context.Background()
	id := fakeSubmission(t, c, srv, argostest.OutcomeApprove)
	selfie := readImage(t, "selfie.png")
	_, err := c.UpdateImages(ctx, &argos.UpdateImagesRequest{SubmissionID: id, Admin: argostest.DefaultAdmin,
		SelfieImage: &argos.File{Body: bytes.NewReader(selfie)}, AddressImage: image(t, "address.png")})
	require.NoError(t, err)
	for typ, want := range map[argos.ImageType][]byte{argos.ImageSelfie: selfie, argos.ImageAddress: readImage(t, "address.png")} {
		d, err := c.DownloadImage(ctx, id, typ)
		require.NoError(t, err)
		b, err := io.ReadAll(d.Body)
		require.NoError(t, d.Body.Close())
		require.NoError(t, err)
		assert.Equal(t, want, b, "GET /image serves the replaced %s", typ)
		assert.Equal(t, "image/png", d.ContentType)
	}
	t.Run("an unknown admin is ErrInvalidAdmin", func(t *testing.T) {
		_, err := c.UpdateImages(ctx, &argos.UpdateImagesRequest{SubmissionID: id, Admin: "x@example.com", SelfieImage: image(t, "selfie.jpg")})
		assert.ErrorIs(t, err, argos.ErrInvalidAdmin)
	})
	t.Run("an unknown submission is ErrNotFound", func(t *testing.T) {
		_, err := c.UpdateImages(ctx, &argos.UpdateImagesRequest{SubmissionID: "nosuch", Admin: argostest.DefaultAdmin, SelfieImage: image(t, "selfie.jpg")})
		assert.ErrorIs(t, err, argos.ErrNotFound)
	})
}
