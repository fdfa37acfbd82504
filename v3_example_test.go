package argos_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"strings"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// exampleV3Client starts the fake and a client for its /v3 base URL, with
// the Add-on key FaceAuth needs. Against the real API:
// argos.NewClient(key, argos.WithBaseURL(argos.BaseURLV3), argos.WithAddOnKey(addOnKey)).
func exampleV3Client() (*argos.Client, *argostest.Server) {
	srv := argostest.NewServer()
	client, err := argos.NewClient(srv.APIKey, argos.WithBaseURL(srv.URL("v3")), argos.WithRootCAs(srv.RootCAs()),
		argos.WithAddOnKey(srv.AddOnKey))
	if err != nil {
		log.Fatal(err)
	}
	return client, srv
}

// examplePending runs Step 1 and Step 2 to a submission held for review.
func examplePending(ctx context.Context, client *argos.Client, srv *argostest.Server) string {
	srv.ScriptStep2(argostest.OutcomePending)
	return exampleApproved(ctx, client, "user-pending")
}

func ExampleClient_UpdateSubmission() {
	client, srv := exampleV3Client()
	defer srv.Close()
	ctx := context.Background()
	id := examplePending(ctx, client, srv)

	res, err := client.UpdateSubmission(ctx, &argos.UpdateSubmissionRequest{
		SubmissionID: id, Admin: argostest.DefaultAdmin,
		Data: argos.SubmissionUpdate{FullName: "Test Applicant-Smith", Status: argos.KYCApproved},
	})
	if err != nil {
		log.Fatal(err)
	}
	s, err := client.GetSubmission(ctx, id)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Message, s.KYC.Status)
	// Output: Data Processing Success. approved
}

func ExampleClient_UpdateImages() {
	client, srv := exampleV3Client()
	defer srv.Close()
	ctx := context.Background()
	id := exampleApproved(ctx, client, "user-images")

	// The images are sent as Base64 text, encoded while the request streams.
	res, err := client.UpdateImages(ctx, &argos.UpdateImagesRequest{
		SubmissionID: id, Admin: argostest.DefaultAdmin,
		AddressImage: &argos.File{Name: "utility-bill.png", Body: bytes.NewReader(argostest.SamplePNG())},
	})
	if err != nil {
		log.Fatal(err)
	}
	d, err := client.DownloadImage(ctx, id, argos.ImageAddress)
	if err != nil {
		log.Fatal(err)
	}
	n, err := d.WriteTo(io.Discard)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Message, d.ContentType, n == int64(len(argostest.SamplePNG())))
	// Output: complete to update image. image/png true
}

func ExampleClient_DeleteSubmissionFields() {
	client, srv := exampleV3Client()
	defer srv.Close()
	ctx := context.Background()
	id := exampleApproved(ctx, client, "user-erase")

	// A data-subject request: erase the selfie, the date of birth and the
	// email, keep the rest.
	_, err := client.DeleteSubmissionFields(ctx, &argos.DeleteFieldsRequest{SubmissionID: id,
		Fields:     []argos.PartialField{argos.PartialSelfieImage, argos.PartialData, argos.PartialEmail},
		DataFields: []argos.DataField{argos.DataFieldDateOfBirth},
		Admin:      argostest.DefaultAdmin,
	})
	if err != nil {
		log.Fatal(err)
	}
	s, err := client.GetSubmission(ctx, id)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("birth date %q, email %q, selfie %q, name kept: %t\n", s.Data.DateOfBirth, s.Email, s.Images.SelfieImage, s.Data.Name != "")
	// Output: birth date "", email "", selfie "", name kept: true
}

func ExampleClient_MigrateSubmission() {
	client, srv := exampleV3Client()
	defer srv.Close()
	ctx := context.Background()

	res, err := client.MigrateSubmission(ctx, &argos.MigrationRequest{
		Admin: argostest.DefaultAdmin, Email: "migrated@example.com", FullName: "Test Applicant",
		DateOfBirth: "1990-01-01", Status: argos.KYCApproved, IDType: argos.IDPassport, IssuingCountry: "USA",
		UserID: "legacy-42",
	})
	if err != nil {
		log.Fatal(err)
	}
	list, err := client.ListSubmissions(ctx, &argos.ListSubmissionsParams{UserID: "legacy-42"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Message, len(list.Items), list.Items[0].ID == res.SubmissionID)
	// Output: success 1 true
}

func ExampleClient_ReviewSubmission() {
	client, srv := exampleV3Client()
	defer srv.Close()
	ctx := context.Background()
	id := examplePending(ctx, client, srv)

	res, err := client.ReviewSubmission(ctx, &argos.ReviewRequest{
		SubmissionID: id, Admin: argostest.DefaultAdmin, Status: argos.KYCRejected,
		RejectComment: "The ID photo is unreadable",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Status)

	// A second reviewer is too late.
	_, err = client.ReviewSubmission(ctx, &argos.ReviewRequest{SubmissionID: id, Admin: argostest.DefaultAdmin, Status: argos.KYCApproved})
	fmt.Println(errors.Is(err, argos.ErrNotPending))
	// Output:
	// rejected
	// true
}

func ExampleClient_AddTokens() {
	client, srv := exampleV3Client()
	defer srv.Close()
	ctx := context.Background()

	ids := make([]string, 250)
	for i := range ids {
		ids[i] = argos.NewTokenID()
	}
	// Sent in three requests of at most MaxTokensPerRequest IDs.
	res, err := client.AddTokens(ctx, &argos.TokensRequest{TokenIDs: ids})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Processed, res.CurrentCount)
	// Output: 250 250
}

func ExampleClient_DeleteTokens() {
	client, srv := exampleV3Client()
	defer srv.Close()
	ctx := context.Background()
	token := argos.NewTokenID()
	if _, err := client.AddTokens(ctx, &argos.TokensRequest{TokenIDs: []string{token}}); err != nil {
		log.Fatal(err)
	}

	res, err := client.DeleteTokens(ctx, &argos.TokensRequest{TokenIDs: []string{token, "never-added-1"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Deleted, res.NotFound)
	// Output: 1 1
}

func ExampleNewTokenID() {
	id := argos.NewTokenID()
	fmt.Println(len(id))
	// Output: 32
}

func ExampleClient_MonitorAML() {
	client, srv := exampleV3Client()
	defer srv.Close()
	ctx := context.Background()
	approved := exampleApproved(ctx, client, "user-aml")
	pending := examplePending(ctx, client, srv)

	res, err := client.MonitorAML(ctx, &argos.AMLMonitorRequest{WorklistID: "worklist-1", SubmissionIDs: []string{approved, pending}, Admin: argostest.DefaultAdmin})
	if err != nil {
		log.Fatal(err)
	}
	// Partial success is a result: the pending submission was not registered.
	fmt.Println(res.SuccessCount, res.FailedCount)
	// Output: 1 1
}

func ExampleClient_GetAMLMonitorRecord() {
	client, srv := exampleV3Client()
	defer srv.Close()
	ctx := context.Background()
	id := exampleApproved(ctx, client, "user-aml-record")
	res, err := client.MonitorAML(ctx, &argos.AMLMonitorRequest{WorklistID: "worklist-1", SubmissionIDs: []string{id}, Admin: argostest.DefaultAdmin})
	if err != nil {
		log.Fatal(err)
	}

	rec, err := client.GetAMLMonitorRecord(ctx, "worklist-1", res.Succeeded[0].RecordIDs[0])
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rec.SubmissionID == id, rec.Status)
	// Printing it shows no name, birth date or email.
	fmt.Println(strings.NewReplacer(rec.ID, "<record>", id, "<submission>").Replace(fmt.Sprint(rec)))
	// Output:
	// true screenedNoMatches
	// argos.AMLMonitorRecord{ID:<record> SubmissionID:<submission> Status:screenedNoMatches Open:0 FalsePositive:0 TruePositive:0 Discarded:0 [REDACTED]}
}

func ExampleClient_FaceAuth() {
	client, srv := exampleV3Client()
	defer srv.Close()
	ctx := context.Background()
	id := exampleApproved(ctx, client, "user-returning")

	res, err := client.FaceAuth(ctx, &argos.FaceAuthRequest{
		SubmissionID: id, FaceImage: &argos.File{Body: bytes.NewReader(argostest.SampleJPEG())},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Status, *res.Scores.FaceSimilarity)

	srv.ScriptFaceAuth(argostest.FaceAuthMismatch)
	res, err = client.FaceAuth(ctx, &argos.FaceAuthRequest{
		SubmissionID: id, FaceImage: &argos.File{Body: bytes.NewReader(argostest.SampleJPEG())},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Status, res.FailCodes)
	// Output:
	// approved 99
	// rejected [face_compare_underscore]
}

func ExampleClient_DownloadFaceAuthImage() {
	client, srv := exampleV3Client()
	defer srv.Close()
	ctx := context.Background()
	id := exampleApproved(ctx, client, "user-face-image")
	res, err := client.FaceAuth(ctx, &argos.FaceAuthRequest{
		SubmissionID: id, FaceImage: &argos.File{Body: bytes.NewReader(argostest.SampleJPEG())},
	})
	if err != nil {
		log.Fatal(err)
	}

	// Argos answers Base64 text; the Download holds the decoded image.
	d, err := client.DownloadFaceAuthImage(ctx, res.AuthID)
	if err != nil {
		log.Fatal(err)
	}
	var img bytes.Buffer
	if _, err := d.WriteTo(&img); err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.ContentType, bytes.Equal(img.Bytes(), argostest.SampleJPEG()))
	// Output: image/jpeg true
}

func ExampleWithAddOnKey() {
	client, err := argos.NewClient("project-api-key")
	if err != nil {
		log.Fatal(err)
	}
	// Without the Add-on key FaceAuth refuses before sending anything.
	_, err = client.FaceAuth(context.Background(), &argos.FaceAuthRequest{SubmissionID: "s1"})
	fmt.Println(errors.Is(err, argos.ErrValidation))

	// On a /v2 base URL every v3-only call refuses, naming the fix.
	v2, err := argos.NewClient("project-api-key", argos.WithBaseURL(argos.BaseURLV2), argos.WithAddOnKey("add-on-key"))
	if err != nil {
		log.Fatal(err)
	}
	_, err = v2.FaceAuth(context.Background(), &argos.FaceAuthRequest{SubmissionID: "s1"})
	fmt.Println(err)
	// Output:
	// true
	// argos: invalid base URL: FaceAuth is documented only for the v3 API; create the client with WithBaseURL(BaseURLV3) (the base URL ends in /v2)
}
