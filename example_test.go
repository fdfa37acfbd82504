package argos_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// exampleClient starts the in-process fake Argos server and a client for it.
// Against the real API: argos.NewClient(os.Getenv("ARGOS_API_KEY")).
func exampleClient() (*argos.Client, *argostest.Server) {
	srv := argostest.NewServer()
	client, err := argos.NewClient(srv.APIKey, argos.WithBaseURL(srv.BaseURL), argos.WithRootCAs(srv.RootCAs()))
	if err != nil {
		log.Fatal(err)
	}
	return client, srv
}

var exampleSeq atomic.Int32

// exampleStep1 starts a submission for userID.
func exampleStep1(ctx context.Context, client *argos.Client, userID string) *argos.Step1Result {
	s1, err := client.SubmitStep1(ctx, &argos.Step1Request{
		IssuingCountry: "USA", Email: fmt.Sprintf("applicant%d@example.com", exampleSeq.Add(1)), IDType: argos.IDDriversLicense, UserID: userID,
		IDImage: &argos.File{Name: "id.png", Body: bytes.NewReader(argostest.SamplePNG())},
	})
	if err != nil {
		log.Fatal(err)
	}
	return s1
}

// exampleApproved runs Step 1 and Step 2 to an approval.
func exampleApproved(ctx context.Context, client *argos.Client, userID string) string {
	s1 := exampleStep1(ctx, client, userID)
	if _, err := client.SubmitStep2(ctx, &argos.Step2Request{
		SubmissionID: s1.SubmissionID, FaceImage: &argos.File{Body: bytes.NewReader(argostest.SampleJPEG())},
		Name: "Test Applicant", DateOfBirth: "1990-01-01", Nationality: "USA", Gender: "male",
	}); err != nil {
		log.Fatal(err)
	}
	return s1.SubmissionID
}

func ExampleNewClient() {
	client, err := argos.NewClient("your-api-key") // argos.DefaultBaseURL, the v3 API
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.BaseURL())

	_, err = argos.NewClient("your-api-key", argos.WithBaseURL("http://rest-api.argosidentity.com/v3"))
	fmt.Println(errors.Is(err, argos.ErrValidation))
	// Output:
	// https://rest-api.argosidentity.com/v3
	// true
}

// Options given to a call apply to that call alone.
func ExampleOption() {
	client, srv := exampleClient()
	defer srv.Close()
	ctx := context.Background()

	// A read that must answer fast: no retry, two seconds at most.
	_, err := client.GetSubmission(ctx, "no-such-submission",
		argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: 0}), argos.WithTimeout(2*time.Second))
	fmt.Println(errors.Is(err, argos.ErrNotFound))

	// What configures the whole client cannot be given to one call.
	_, err = client.GetSubmission(ctx, "s1", argos.WithBaseURL(argos.BaseURLV2))
	fmt.Println(err)
	// Output:
	// true
	// argos: invalid option WithBaseURL: applies to a whole client: give it to NewClient, not to one call
}

func ExampleClient_SubmitStep1() {
	client, srv := exampleClient()
	defer srv.Close()

	s1, err := client.SubmitStep1(context.Background(), &argos.Step1Request{
		IssuingCountry: "USA", Email: "applicant@example.com", IDType: argos.IDDriversLicense, UserID: "user-42",
		IDImage: &argos.File{Name: "id.png", Body: bytes.NewReader(argostest.SamplePNG())},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s1.SubmissionID != "", s1.FileUpload, s1.ReviewOCRData.Nationality)
	// Output: true true USA
}

func ExampleClient_SubmitStep2() {
	client, srv := exampleClient()
	defer srv.Close()
	ctx := context.Background()
	s1 := exampleStep1(ctx, client, "user-42")

	srv.ScriptStep2(argostest.OutcomeFaceMismatch, argostest.OutcomeApprove)
	for {
		s2, err := client.SubmitStep2(ctx, &argos.Step2Request{
			SubmissionID: s1.SubmissionID, FaceImage: &argos.File{Body: bytes.NewReader(argostest.SampleJPEG())},
			Name: "Test Applicant", DateOfBirth: "1990-01-01",
		})
		if err != nil {
			log.Fatal(err)
		}
		if s2.CanRetry() {
			reason := "(no reason given)" // Retry may be empty even when CanRetry is true
			if len(s2.Retry) > 0 {
				reason = string(s2.Retry[0].Code)
			}
			fmt.Println(s2.Status, reason, "retries left:", s2.RetriesLeft())
			continue // ask the applicant for another selfie
		}
		fmt.Println(s2.Status)
		break
	}
	// Output:
	// incomplete face_compare_underscore retries left: 2
	// approved
}

func ExampleClient_GetSubmission() {
	client, srv := exampleClient()
	defer srv.Close()
	ctx := context.Background()
	id := exampleApproved(ctx, client, "user-42")

	sub, err := client.GetSubmission(ctx, id)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sub.KYC.Status, len(sub.KYC.Attempts), sub.UserID)

	_, err = client.GetSubmission(ctx, "no-such-submission")
	fmt.Println(errors.Is(err, argos.ErrNotFound))
	// Output:
	// approved 1 user-42
	// true
}

func ExampleClient_ListSubmissions() {
	client, srv := exampleClient()
	defer srv.Close()
	ctx := context.Background()
	exampleApproved(ctx, client, "user-42")
	exampleApproved(ctx, client, "user-42")
	exampleApproved(ctx, client, "someone-else")

	page, err := client.ListSubmissions(ctx, &argos.ListSubmissionsParams{UserID: "user-42", Count: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(page.Items), page.Next != nil)
	// Output: 1 true
}

func ExampleClient_AllSubmissions() {
	client, srv := exampleClient()
	defer srv.Close()
	ctx := context.Background()
	for range 5 {
		exampleApproved(ctx, client, "user-42")
	}

	n := 0
	for sub, err := range client.AllSubmissions(ctx, &argos.ListSubmissionsParams{Count: 2}) {
		if err != nil {
			log.Fatal(err)
		}
		_ = sub.ID
		n++
	}
	fmt.Println(n, "submissions")
	// Output: 5 submissions
}

func ExampleClient_DeleteSubmission() {
	client, srv := exampleClient()
	defer srv.Close()
	ctx := context.Background()
	id := exampleApproved(ctx, client, "user-42")

	res, err := client.DeleteSubmission(ctx, &argos.DeleteSubmissionRequest{SubmissionID: id})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Message)

	_, err = client.DownloadImage(ctx, id, argos.ImageSelfie)
	fmt.Println("selfie gone:", err != nil)
	// Output:
	// success
	// selfie gone: true
}

func ExampleClient_ListApplicantSubmissions() {
	client, srv := exampleClient()
	defer srv.Close()
	ctx := context.Background()
	id := exampleApproved(ctx, client, "user-42")
	sub, err := client.GetSubmission(ctx, id)
	if err != nil {
		log.Fatal(err)
	}

	subs, err := client.ListApplicantSubmissions(ctx, sub.ApplicantID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(subs), subs[0].SubmissionID == id)
	// Output: 1 true
}

func ExampleClient_LookupAddressCode() {
	client, srv := exampleClient()
	defer srv.Close()

	addr, err := client.LookupAddressCode(context.Background(), &argos.AddressCodeRequest{
		Address: "1 Sejongno, Jongno-gu, Seoul, South Korea", Language: "en"})
	if err != nil {
		log.Fatal(err)
	}
	var step2 argos.Step2Request
	step2.SetAddress(addr) // Step 2 sends them back as globalCode, compoundCode, formatted_address
	fmt.Println(step2.FormattedAddress, step2.GlobalCode != "")
	// Output: 1 Sejongno, Jongno-gu, Seoul, South Korea true
}

func ExampleClient_DownloadImage() {
	client, srv := exampleClient()
	defer srv.Close()
	ctx := context.Background()
	id := exampleApproved(ctx, client, "user-42")

	img, err := client.DownloadImage(ctx, id, argos.ImageSelfie)
	if err != nil {
		log.Fatal(err)
	}
	defer img.Body.Close()
	data, err := io.ReadAll(img.Body) // or io.Copy to a file: the body streams
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(img.ContentType, bytes.Equal(data, argostest.SampleJPEG()))
	// Output: image/jpeg true
}

func ExampleDownload_SaveFile() {
	client, srv := exampleClient()
	defer srv.Close()
	ctx := context.Background()
	id := exampleApproved(ctx, client, "user-42")

	img, err := client.DownloadImage(ctx, id, argos.ImageSelfie)
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "kyc")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	// Streams to disk through one 32 KiB buffer, closes the body; the file
	// is readable by its owner only and appears complete or not at all.
	n, err := img.SaveFile(filepath.Join(dir, "selfie.jpg"))
	if err != nil {
		log.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, "selfie.jpg"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n == int64(len(argostest.SampleJPEG())), info.Mode().Perm())
	// Output: true -rw-------
}

func ExampleNewTransport() {
	srv := argostest.NewServer()
	defer srv.Close()

	// Wrap the SDK's pooled transport rather than http.DefaultTransport, so
	// the wrapped client keeps 64 reusable connections per host.
	base := argos.NewTransport()
	base.TLSClientConfig.RootCAs = srv.RootCAs() // only because the fake has its own CA
	metrics := &countingTransport{base: base}    // standing in for otelhttp.NewTransport(base)
	client, err := argos.NewClient(srv.APIKey, argos.WithBaseURL(srv.BaseURL),
		argos.WithHTTPClient(&http.Client{Transport: metrics}))
	if err != nil {
		log.Fatal(err)
	}
	defer client.CloseIdleConnections()

	exampleStep1(context.Background(), client, "user-42")
	fmt.Println(metrics.n.Load(), base.MaxConnsPerHost)
	// Output: 1 64
}

func ExampleClient_DownloadAMLReport() {
	client, srv := exampleClient()
	defer srv.Close()
	ctx := context.Background()
	id := exampleApproved(ctx, client, "user-42")
	if err := srv.SetAMLHits(id, 1); err != nil { // the fake's "Red Flag"
		log.Fatal(err)
	}
	sub, err := client.GetSubmission(ctx, id)
	if err != nil {
		log.Fatal(err)
	}

	report, err := client.DownloadAMLReport(ctx, sub.AMLResourceIDs()[0])
	if err != nil {
		log.Fatal(err)
	}
	defer report.Body.Close()
	head := make([]byte, 5)
	if _, err := io.ReadFull(report.Body, head); err != nil {
		log.Fatal(err)
	}
	fmt.Println(report.ContentType, report.Filename, string(head))
	// Output: application/pdf report.pdf %PDF-
}

func ExampleAPIError() {
	srv := argostest.NewServer()
	defer srv.Close()
	client, err := argos.NewClient("wrong-key", argos.WithBaseURL(srv.BaseURL), argos.WithHTTPClient(srv.HTTPClient()))
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.GetSubmission(context.Background(), "any")
	var apiErr *argos.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Message)
	}
	fmt.Println(errors.Is(err, argos.ErrForbidden), errors.Is(err, argos.ErrInvalidAPIKey), errors.Is(err, argos.ErrIPNotAllowed))
	// Output:
	// 403 Forbidden
	// true true false
}
