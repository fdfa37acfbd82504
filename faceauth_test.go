package argos_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

const testAddOnKey = "addon_5ecret_k3y_do_not_print"

func TestFaceAuthSendsTheAddOnKeyAndTheForm(t *testing.T) {
	c, got := v3JSON(t, "v3/faceauth.json", argos.WithAddOnKey(testAddOnKey))
	res, err := c.FaceAuth(context.Background(), &argos.FaceAuthRequest{SubmissionID: "s1", FaceImage: image(t, "selfie.jpg"),
		UserID: "user-9", CF1: "a", CF3: "c"})
	require.NoError(t, err)
	assert.EqualExportedValues(t, &argos.FaceAuthResult{AuthID: "fa0199cb937c1e7a", Status: argos.KYCRejected,
		Scores:    argos.FaceAuthScores{FaceSimilarity: ptr(41.5), Occluded: ptr(0), FaceCover: ptr(3), HeadCover: ptr(1)},
		CreatedAt: "2025-10-09T08:07:06.000Z", FailCodes: []argos.FaceAuthFailCode{argos.FaceAuthFailFaceCompare},
		RejectedComments: []string{"The face does not match the submission's face."}}, res)
	reqs := got()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodPost, reqs[0].method)
	assert.Equal(t, "/v3/faceauth", reqs[0].path)
	assert.Equal(t, testAddOnKey, reqs[0].header.Get("x-api-key"), "the Add-on key, not the project key")
	fields, files := parseForm(t, reqs[0])
	assert.Equal(t, "selfie.jpg", files["faceImage"])
	assert.Equal(t, string(readImage(t, "selfie.jpg")), fields["faceImage"])
	assert.Equal(t, map[string]string{"submissionId": "s1", "userId": "user-9", "cf1": "a", "cf3": "c",
		"faceImage": fields["faceImage"]}, fields, "userId in camelCase; empty fields not sent")
}

func TestOnlyTheFaceAuthCallsSendTheAddOnKey(t *testing.T) {
	c, got := v3JSON(t, "submission_single_guide.json", argos.WithAddOnKey(testAddOnKey))
	_, _ = c.GetSubmission(context.Background(), "gt7rcxx9l1o*****")
	_, _ = c.DeleteTokens(context.Background(), &argos.TokensRequest{TokenIDs: []string{"token-0001"}})
	_, _ = c.DownloadFaceAuthImage(context.Background(), "fa1")
	reqs := got()
	require.Len(t, reqs, 3)
	assert.Equal(t, testKey, reqs[0].header.Get("x-api-key"))
	assert.Equal(t, testKey, reqs[1].header.Get("x-api-key"))
	assert.Equal(t, testAddOnKey, reqs[2].header.Get("x-api-key"))
}

func TestFaceAuthNeedsTheAddOnKey(t *testing.T) {
	c, got := v3JSON(t, "v3/faceauth.json")
	_, err := c.FaceAuth(context.Background(), &argos.FaceAuthRequest{SubmissionID: "s1", FaceImage: image(t, "selfie.jpg")})
	var ve *argos.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "add-on key", ve.Field)
	assert.Contains(t, err.Error(), "WithAddOnKey")
	_, err = c.DownloadFaceAuthImage(context.Background(), "fa1")
	assert.ErrorIs(t, err, argos.ErrValidation)
	assert.Empty(t, got())

	for _, key := range []string{"", " ", "a\nb"} {
		_, err := argos.NewClient(testKey, argos.WithAddOnKey(key))
		assert.ErrorIs(t, err, argos.ErrValidation, "WithAddOnKey(%q)", key)
	}
}

func TestFaceAuthRefusesBadInputBeforeSending(t *testing.T) {
	for _, tc := range []struct {
		name  string
		req   *argos.FaceAuthRequest
		field string
	}{
		{"a nil request", nil, "FaceAuthRequest"},
		{"no submission ID", &argos.FaceAuthRequest{FaceImage: image(t, "selfie.jpg")}, "SubmissionID"},
		{"no face image", &argos.FaceAuthRequest{SubmissionID: "s1"}, "FaceImage"},
		{"a face image that is text", &argos.FaceAuthRequest{SubmissionID: "s1", FaceImage: &argos.File{Body: strings.NewReader("hello, world")}}, "FaceImage"},
	} {
		t.Run(tc.name+" is a ValidationError naming "+tc.field, func(t *testing.T) {
			c, got := v3JSON(t, "v3/faceauth.json", argos.WithAddOnKey(testAddOnKey))
			_, err := c.FaceAuth(context.Background(), tc.req)
			var ve *argos.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Empty(t, got())
		})
	}
}

func TestFaceAuthImageDecodesTheBase64Answer(t *testing.T) {
	jpeg := readImage(t, "selfie.jpg")
	b64 := base64.StdEncoding.EncodeToString(jpeg)
	wrapped := ""
	for i := 0; i < len(b64); i += 76 {
		wrapped += b64[i:min(i+76, len(b64))] + "\r\n"
	}
	for _, tc := range []struct{ name, ct, body string }{
		{"bare Base64 text", "text/plain", string(fixture(t, "v3/faceauth_image.txt"))},
		{"a JSON string", "application/json", `"` + strings.ReplaceAll(b64, "/", `\/`) + `"`},
		{"a data: URL", "text/plain", "data:image/jpeg;base64," + b64},
		{"MIME-wrapped lines", "text/plain", wrapped},
	} {
		t.Run(tc.name+" decodes to the image", func(t *testing.T) {
			c, got := v3Server(t, http.StatusOK, tc.ct, []byte(tc.body), argos.WithAddOnKey(testAddOnKey))
			d, err := c.DownloadFaceAuthImage(context.Background(), "fa0199cb937c1e7a")
			require.NoError(t, err)
			assert.Equal(t, "image/jpeg", d.ContentType)
			assert.EqualValues(t, -1, d.ContentLength)
			b, err := io.ReadAll(d.Body)
			require.NoError(t, err)
			require.NoError(t, d.Body.Close())
			assert.True(t, bytes.Equal(jpeg, b), "the decoded bytes are the image")
			assert.Equal(t, "/v3/faceauth/image", got()[0].path)
			assert.Equal(t, "fa0199cb937c1e7a", got()[0].query.Get("authId"))
		})
	}
	for _, body := range []string{`{"data":"encrypted"}`, "<html>portal</html>", "aGVsbG8gd29ybGQ=", ""} {
		t.Run("an answer that is not an image is ErrUnexpectedResponse: "+body, func(t *testing.T) {
			c, _ := v3Server(t, http.StatusOK, "text/plain", []byte(body), argos.WithAddOnKey(testAddOnKey))
			_, err := c.DownloadFaceAuthImage(context.Background(), "fa1")
			assert.ErrorIs(t, err, argos.ErrUnexpectedResponse)
		})
	}
}

func TestFakeFaceAuthComparesWithTheSelfie(t *testing.T) {
	c, srv := fakeV3(t)
	ctx := context.Background()
	id := fakeSubmission(t, c, srv, argostest.OutcomeApprove)
	face := func() *argos.File { return &argos.File{Body: bytes.NewReader(argostest.SampleJPEG())} }

	res, err := c.FaceAuth(ctx, &argos.FaceAuthRequest{SubmissionID: id, FaceImage: face()})
	require.NoError(t, err)
	assert.Equal(t, argos.KYCApproved, res.Status)
	assert.Equal(t, ptr(99), res.Scores.FaceSimilarity, "the submission's own selfie")

	d, err := c.DownloadFaceAuthImage(ctx, res.AuthID)
	require.NoError(t, err)
	b, err := io.ReadAll(d.Body)
	require.NoError(t, d.Body.Close())
	require.NoError(t, err)
	assert.Equal(t, argostest.SampleJPEG(), b, "GET /faceauth/image serves the try's face")

	srv.ScriptFaceAuth(argostest.FaceAuthMismatch, argostest.FaceAuthHeadCover)
	for _, want := range []argos.FaceAuthFailCode{argos.FaceAuthFailFaceCompare, argos.FaceAuthFailHeadCover} {
		res, err := c.FaceAuth(ctx, &argos.FaceAuthRequest{SubmissionID: id, FaceImage: face()})
		require.NoError(t, err)
		assert.Equal(t, argos.KYCRejected, res.Status)
		assert.Equal(t, []argos.FaceAuthFailCode{want}, res.FailCodes)
	}

	t.Run("a pending submission cannot be authenticated against", func(t *testing.T) {
		_, err := c.FaceAuth(ctx, &argos.FaceAuthRequest{SubmissionID: fakeSubmission(t, c, srv, argostest.OutcomePending), FaceImage: face()})
		var apiErr *argos.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, "submission_not_approved", apiErr.Code)
	})
	t.Run("an unknown authentication ID is ErrNotFound", func(t *testing.T) {
		_, err := c.DownloadFaceAuthImage(ctx, "nosuchauth")
		assert.ErrorIs(t, err, argos.ErrNotFound)
	})
	t.Run("the project key is refused", func(t *testing.T) {
		wrong, err := argos.NewClient(srv.APIKey, argos.WithBaseURL(srv.URL("v3")), argos.WithRootCAs(srv.RootCAs()),
			argos.WithAddOnKey(srv.APIKey))
		require.NoError(t, err)
		_, err = wrong.FaceAuth(ctx, &argos.FaceAuthRequest{SubmissionID: id, FaceImage: face()})
		assert.ErrorIs(t, err, argos.ErrInvalidAPIKey)
	})
}
