package argostest_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// exampleClient returns an SDK client for srv, as NewClient does in tests.
func exampleClient(srv *argostest.Server) *argos.Client {
	client, err := argos.NewClient(srv.APIKey,
		argos.WithBaseURL(srv.BaseURL),
		argos.WithHTTPClient(srv.HTTPClient()),
		argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond}),
	)
	if err != nil {
		log.Fatal(err)
	}
	return client
}

// The fake decides each Step 2 try as scripted: here the first selfie does
// not match the ID and the second one is approved.
func Example() {
	srv := argostest.NewServer(argostest.WithSubmissionIDs(func() string { return "1cz94l9ksfi1bokk" }))
	defer srv.Close()
	client := exampleClient(srv)
	ctx := context.Background()

	s1, err := client.SubmitStep1(ctx, &argos.Step1Request{
		IssuingCountry: "USA",
		Email:          "applicant@example.com",
		IDType:         argos.IDPassport,
		IDImage:        &argos.File{Name: "id.png", Body: bytes.NewReader(argostest.SamplePNG())},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("submission", s1.SubmissionID)

	srv.ScriptStep2(argostest.OutcomeFaceMismatch)
	for {
		s2, err := client.SubmitStep2(ctx, &argos.Step2Request{
			SubmissionID: s1.SubmissionID,
			FaceImage:    &argos.File{Name: "selfie.jpg", Body: bytes.NewReader(argostest.SampleJPEG())},
			Name:         "John Smith",
			DateOfBirth:  "1975-08-25",
		})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(s2.Status, "after", s2.RetryCount, "failed tries")
		if !s2.CanRetry() {
			break
		}
		if len(s2.Retry) > 0 { // Retry may be empty even when CanRetry is true
			fmt.Println("retry:", s2.Retry[0].Code)
		}
	}
	// Output:
	// submission 1cz94l9ksfi1bokk
	// incomplete after 1 failed tries
	// retry: face_compare_underscore
	// approved after 1 failed tries
}

// NewClient gives a test an SDK client wired to a fresh fake server that is
// closed when the test ends.
func ExampleNewClient() {
	var t *testing.T // the test's *testing.T
	client, srv := argostest.NewClient(t)
	srv.ScriptStep2(argostest.OutcomePending)

	// … run the code under test with client, then check what it sent:
	_ = client
	for _, r := range srv.Requests() {
		fmt.Println(r) // method, path and status only
	}
}

// Injected faults make the next matching requests fail. The SDK retries a
// GET through two 503s; Requests shows what happened.
func ExampleServer_InjectFault() {
	srv := argostest.NewServer()
	defer srv.Close()
	client := exampleClient(srv)

	srv.InjectFault(argostest.Fault{Method: "GET", Path: "/submission", Status: 503, RetryAfter: "0", Times: 2})
	list, err := client.ListSubmissions(context.Background(), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(list.Items), "submissions")
	for _, r := range srv.Requests() {
		fmt.Println(r)
	}
	// Output:
	// 0 submissions
	// GET /v3/submission 503
	// GET /v3/submission 503
	// GET /v3/submission 200
}

// SetAMLHits turns an approved submission's AML result into a "Red Flag"
// whose reports the fake serves as PDFs.
func ExampleServer_SetAMLHits() {
	srv := argostest.NewServer()
	defer srv.Close()
	client := exampleClient(srv)
	ctx := context.Background()

	s1, err := client.SubmitStep1(ctx, &argos.Step1Request{
		IssuingCountry: "KOR", Email: "applicant@example.com", IDType: argos.IDGovernmentID,
		IDImage: &argos.File{Name: "id.png", Body: bytes.NewReader(argostest.SamplePNG())},
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.SubmitStep2(ctx, &argos.Step2Request{
		SubmissionID: s1.SubmissionID, Name: "Hong Gildong", DateOfBirth: "1998-11-12",
		FaceImage: &argos.File{Name: "selfie.jpg", Body: bytes.NewReader(argostest.SampleJPEG())},
	}); err != nil {
		log.Fatal(err)
	}
	if err := srv.SetAMLHits(s1.SubmissionID, 2); err != nil {
		log.Fatal(err)
	}

	sub, err := client.GetSubmission(ctx, s1.SubmissionID)
	if err != nil {
		log.Fatal(err)
	}
	ids := sub.AMLResourceIDs()
	fmt.Println(len(ids), "AML hits")

	report, err := client.DownloadAMLReport(ctx, ids[0])
	if err != nil {
		log.Fatal(err)
	}
	defer report.Body.Close()
	pdf, err := io.ReadAll(report.Body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(report.ContentType, report.Filename, string(pdf[:8]))
	// Output:
	// 2 AML hits
	// application/pdf report.pdf %PDF-1.4
}

// WithClock makes timestamps deterministic.
func ExampleWithClock() {
	at := time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)
	srv := argostest.NewServer(argostest.WithClock(func() time.Time { return at }))
	defer srv.Close()
	client := exampleClient(srv)

	s1, err := client.SubmitStep1(context.Background(), &argos.Step1Request{
		IssuingCountry: "USA", Email: "applicant@example.com", IDType: argos.IDDriversLicense,
		IDImage: &argos.File{Name: "id.png", Body: bytes.NewReader(argostest.SamplePNG())},
	})
	if err != nil {
		log.Fatal(err)
	}
	sub, err := client.GetSubmission(context.Background(), s1.SubmissionID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sub.CreatedAt, sub.KYC.Status)
	// Output:
	// 2024-03-01T09:30:00.000Z incomplete
}

// SetKYCResult plays the reviewer of a submission that Step 2 left pending.
func ExampleServer_SetKYCResult() {
	srv := argostest.NewServer()
	defer srv.Close()
	client := exampleClient(srv)
	ctx := context.Background()

	s1, err := client.SubmitStep1(ctx, &argos.Step1Request{
		IssuingCountry: "USA", Email: "applicant@example.com", IDType: argos.IDPassport,
		IDImage: &argos.File{Name: "id.png", Body: bytes.NewReader(argostest.SamplePNG())},
	})
	if err != nil {
		log.Fatal(err)
	}
	srv.ScriptStep2(argostest.OutcomePending)
	s2, err := client.SubmitStep2(ctx, &argos.Step2Request{
		SubmissionID: s1.SubmissionID, Name: "John Smith", DateOfBirth: "1975-08-25",
		FaceImage: &argos.File{Name: "selfie.jpg", Body: bytes.NewReader(argostest.SampleJPEG())},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("after Step 2:", s2.Status)

	if err := srv.SetKYCResult(s1.SubmissionID, argos.KYCRejected, "ID photo is blurred"); err != nil {
		log.Fatal(err)
	}
	sub, err := client.GetSubmission(ctx, s1.SubmissionID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("after review:", sub.KYC.Status, sub.KYC.CommentCode)
	// Output:
	// after Step 2: pending
	// after review: rejected [other]
}

// The fake POSTs a webhook for each transition to a receiver; here the
// receiver is the SDK's own handler on a test TLS server. FlushWebhooks
// waits for the deliveries, which are asynchronous as with the real
// service.
func ExampleWithWebhookURL() {
	hook, err := argos.NewWebhookHandler(func(_ context.Context, e *argos.WebhookEvent) error {
		fmt.Println("received", e.Trigger, e.Status)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	receiver := httptest.NewTLSServer(hook)
	defer receiver.Close()

	srv := argostest.NewServer(argostest.WithWebhookURL(receiver.URL, receiver.Client()))
	defer srv.Close()
	client := exampleClient(srv)
	ctx := context.Background()

	s1, err := client.SubmitStep1(ctx, &argos.Step1Request{
		IssuingCountry: "USA", Email: "applicant@example.com", IDType: argos.IDPassport,
		IDImage: &argos.File{Name: "id.png", Body: bytes.NewReader(argostest.SamplePNG())},
	})
	if err != nil {
		log.Fatal(err)
	}
	srv.ScriptStep2(argostest.OutcomeReject)
	_, err = client.SubmitStep2(ctx, &argos.Step2Request{
		SubmissionID: s1.SubmissionID, Name: "John Smith", DateOfBirth: "1975-08-25",
		FaceImage: &argos.File{Name: "selfie.jpg", Body: bytes.NewReader(argostest.SampleJPEG())},
	})
	if err != nil {
		log.Fatal(err)
	}

	if err := srv.FlushWebhooks(ctx); err != nil {
		log.Fatal(err)
	}
	for _, d := range srv.Webhooks() {
		fmt.Println("delivered", d.Trigger, d.StatusCode)
	}
	// Output:
	// received created incomplete
	// received rejected rejected
	// delivered created 200
	// delivered rejected 200
}

// With the project's Secure Data Transmission option on, GET /submission
// takes its query encrypted in the single parameter data and answers
// {"data": "<Base64>"}; argos.WithSecureTransmission does both.
func ExampleWithSecureTransmission() {
	srv := argostest.NewServer(argostest.WithSecureTransmission())
	defer srv.Close()
	client, err := argos.NewClient(srv.APIKey, argos.WithBaseURL(srv.BaseURL), argos.WithRootCAs(srv.RootCAs()),
		argos.WithSecureTransmission())
	if err != nil {
		log.Fatal(err)
	}
	defer client.CloseIdleConnections()

	list, err := client.ListSubmissions(context.Background(), &argos.ListSubmissionsParams{UserID: "u1"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(list.Items), "submissions")
	data := srv.Requests()[0].Query.Get("data")
	query, err := argos.DecryptPayload(srv.APIKey, data)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("the fake received:", string(query))
	// Output:
	// 0 submissions
	// the fake received: {"userid":"u1"}
}

// The hosted liveform, offline: build the link as the application does,
// let the applicant fill it in, and read where their browser lands.
func ExampleServer_Liveform() {
	srv := argostest.NewServer(
		argostest.WithReturnURL("https://app.example/kyc/done"),
		argostest.WithSubmissionIDs(func() string { return "lf0000000000001a" }),
	)
	defer srv.Close()
	client := exampleClient(srv)
	ctx := context.Background()

	link, err := argos.LiveformURLEncrypted(&argos.LiveformParams{
		ProjectID: "my-project", Email: "applicant@example.com", UserID: "user-42",
		AllowedCountries: []string{"KOR", "JPN"},
	}, srv.APIKey)
	if err != nil {
		log.Fatal(err)
	}
	res, err := srv.Liveform(ctx, link, argostest.Applicant{IssuingCountry: "KOR", Outcome: argostest.OutcomeApprove})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.ReturnURL)

	// The return URL is only what the browser says: confirm it.
	ret, err := argos.ParseReturnURL(res.ReturnURL)
	if err != nil {
		log.Fatal(err)
	}
	sub, err := client.GetSubmission(ctx, ret.SubmissionID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sub.KYC.Status, sub.UserID)
	// Output:
	// https://app.example/kyc/done?email=applicant%40example.com&kycStatus=approved&submissionId=lf0000000000001a&userid=user-42
	// approved user-42
}

// A link whose startValidUntil has passed stops on an error page: no
// submission, and the return URL carries the error code.
func ExampleServer_Liveform_expiredLink() {
	now := time.Date(2026, 4, 30, 15, 0, 0, 0, time.UTC)
	srv := argostest.NewServer(argostest.WithReturnURL("https://app.example/kyc/done"),
		argostest.WithClock(func() time.Time { return now }))
	defer srv.Close()

	link, err := argos.LiveformURLEncrypted(&argos.LiveformParams{
		ProjectID: "my-project", UserID: "user-42", StartValidUntil: now.Add(24 * time.Hour),
	}, srv.APIKey)
	if err != nil {
		log.Fatal(err)
	}
	srv.Advance(25 * time.Hour) // the applicant opens the link a day late
	res, err := srv.Liveform(context.Background(), link, argostest.Applicant{Email: "applicant@example.com"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.ErrorCode, res.SubmissionID == "")
	fmt.Println(res.ReturnURL)
	// Output:
	// PV-40018 true
	// https://app.example/kyc/done?errorCode=PV-40018&userid=user-42
}

// Time without sleeping: an applicant fails a selfie on the form and
// never retries; 24 hours later Argos rejects the submission, and
// WaitForDecision sees it at its first read.
func ExampleServer_Advance() {
	srv := argostest.NewServer()
	defer srv.Close()
	client := exampleClient(srv)
	ctx := context.Background()

	link, err := argos.LiveformURL(&argos.LiveformParams{ProjectID: "my-project", Email: "applicant@example.com"})
	if err != nil {
		log.Fatal(err)
	}
	res, err := srv.Liveform(ctx, link, argostest.Applicant{Outcome: argostest.OutcomeFaceMismatch})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.ReturnURL == "", "(the applicant left)")

	srv.Advance(24 * time.Hour)
	sub, err := client.WaitForDecision(ctx, res.SubmissionID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sub.KYC.Status, sub.KYC.Comment)
	// Output:
	// true (the applicant left)
	// rejected [KYC rejected due to timeout]
}

// Step 1 fails the documented ways: here glare, then the retry reads the ID.
func ExampleServer_ScriptStep1() {
	srv := argostest.NewServer()
	defer srv.Close()
	client := exampleClient(srv)
	ctx := context.Background()
	srv.ScriptStep1(argostest.Step1Glare)

	req := &argos.Step1Request{
		IssuingCountry: "USA", Email: "applicant@example.com", IDType: argos.IDPassport,
		IDImage: &argos.File{Name: "id.png", Body: bytes.NewReader(argostest.SamplePNG())},
	}
	s1, err := client.SubmitStep1(ctx, req)
	if err != nil {
		log.Fatal(err)
	}
	for _, why := range s1.Retry { // Retry may be empty even when CanRetry is true
		fmt.Println(s1.Status, why.Code, s1.CanRetry(), s1.RetriesLeft())
	}

	req.SubmissionID = s1.SubmissionID // a new photo of the ID, same submission
	req.IDImage = &argos.File{Name: "id.png", Body: bytes.NewReader(argostest.SamplePNG())}
	again, err := client.SubmitStep1(ctx, req)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(again.ReviewOCRData.Name != "", again.CanRetry())
	// Output:
	// incomplete glare_detected true 2
	// true false
}

// A populated project for trying a tool: 1,000 submissions in every state.
func ExampleServer_AddSubmissions() {
	srv := argostest.NewServer()
	defer srv.Close()
	ids := srv.AddSubmissions(1000)
	fmt.Println(len(ids))
	// Output: 1000
}
