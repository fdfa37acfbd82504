package argostest_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// TestRecorderScrubsTheV3Bodies records every v3 management call against
// the fake and checks that no fixture keeps the applicant's data, the
// admin's email, a token ID or an image sent or received as Base64.
func TestRecorderScrubsTheV3Bodies(t *testing.T) {
	const (
		name, dob, idNum, docNum, email = "Ottilie Vandersloot", "1984-07-23", "840723-2345678", "M87654321", "ottilie@example.net"
		admin, comment, token           = "boss.admin@example.org", "Ottilie's photo is blurred", "tok-secret-4455"
	)
	srv := argostest.NewServer(argostest.WithAdmins(admin))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	rec, err := argostest.NewRecorder(dir, srv.HTTPClient().Transport)
	require.NoError(t, err)
	c, err := argos.NewClient(srv.APIKey, argos.WithBaseURL(srv.URL("v3")), argos.WithHTTPClient(rec.Client()),
		argos.WithAddOnKey(srv.AddOnKey))
	require.NoError(t, err)
	ctx := context.Background()
	face := argostest.SampleJPEG()

	mig, err := c.MigrateSubmission(ctx, &argos.MigrationRequest{Admin: admin, Email: email, FullName: name, DateOfBirth: dob,
		Status: argos.KYCApproved, IdentityNumber: idNum, DocumentNumber: docNum})
	require.NoError(t, err)
	id := mig.SubmissionID
	_, err = c.UpdateSubmission(ctx, &argos.UpdateSubmissionRequest{SubmissionID: id, Admin: admin,
		Data: argos.SubmissionUpdate{FullName: name, DateOfBirth: dob, IdentityNumber: idNum, SerialNumber: docNum}})
	require.NoError(t, err)
	_, err = c.UpdateImages(ctx, &argos.UpdateImagesRequest{SubmissionID: id, Admin: admin,
		SelfieImage: &argos.File{Body: bytes.NewReader(face)}, AddressImage: &argos.File{Body: bytes.NewReader(argostest.SamplePNG())}})
	require.NoError(t, err)
	fa, err := c.FaceAuth(ctx, &argos.FaceAuthRequest{SubmissionID: id, FaceImage: &argos.File{Body: bytes.NewReader(face)}})
	require.NoError(t, err)
	d, err := c.DownloadFaceAuthImage(ctx, fa.AuthID)
	require.NoError(t, err)
	got, err := io.ReadAll(d.Body)
	require.NoError(t, err)
	require.NoError(t, d.Body.Close())
	assert.Equal(t, face, got, "the caller gets the real image")
	mon, err := c.MonitorAML(ctx, &argos.AMLMonitorRequest{WorklistID: "wl-1", SubmissionIDs: []string{id}, Admin: admin})
	require.NoError(t, err)
	require.Len(t, mon.Succeeded, 1)
	_, err = c.GetAMLMonitorRecord(ctx, "wl-1", mon.Succeeded[0].RecordIDs[0])
	require.NoError(t, err)
	_, err = c.AddTokens(ctx, &argos.TokensRequest{TokenIDs: []string{token}})
	require.NoError(t, err)
	_, err = c.ReviewSubmission(ctx, &argos.ReviewRequest{SubmissionID: id, Admin: admin, Status: argos.KYCRejected,
		RejectComment: comment, UpdateFields: &argos.ReviewFields{FullName: name, DateOfBirth: dob}})
	require.ErrorIs(t, err, argos.ErrNotPending)
	_, err = c.DeleteSubmissionFields(ctx, &argos.DeleteFieldsRequest{SubmissionID: id, Fields: []argos.PartialField{argos.PartialData}, Admin: admin})
	require.NoError(t, err)
	require.NoError(t, rec.Err())

	files := fixtureFiles(t, dir)
	require.Equal(t, 10, len(files), "one fixture per call")
	faceB64 := base64.StdEncoding.EncodeToString(face)
	for file, data := range files {
		for _, secret := range []string{name, "Ottilie", dob, idNum, docNum, email, admin, token, "blurred",
			faceB64[:40], base64.StdEncoding.EncodeToString(argostest.SamplePNG())[:40]} {
			assert.NotContains(t, string(data), secret, file)
		}
	}
	var images string
	for file, data := range files {
		if strings.Contains(file, "PUT_v3_submission_image") {
			images = string(data)
		}
	}
	assert.Contains(t, images, `"selfieImage"`, "the image fields are recorded, with placeholders")
}
