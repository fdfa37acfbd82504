package argos_test

import (
	"bytes"
	"context"
	"crypto/subtle"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

func ExampleParseWebhook() {
	body := []byte(`{
		"webhook_trigger": "rejected",
		"submission_id": "sub_123",
		"kyc_result": {"status": "rejected", "update_at": "2024-05-03T11:00:00Z", "comment": "Too many retry"},
		"userid": "user-42",
		"future_field": {"ignored": true}
	}`)
	e, err := argos.ParseWebhook(body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(e.Trigger, e.SubmissionID, e.Status, e.UpdatedAt, e.Comment)
	fmt.Println(e) // printing redacts the applicant's data

	// With Secure Data Transmission on, Argos sends {"data": "<Base64>"}:
	// pass the project's API key.
	ciphertext, _ := argos.EncryptPayload("your-api-key", body)
	e, err = argos.ParseWebhook([]byte(`{"data":"`+ciphertext+`"}`), argos.WithWebhookKey("your-api-key"))
	fmt.Println(e.Status, err)

	_, err = argos.ParseWebhook([]byte(`{"submission_id": "sub_123"}`))
	fmt.Println(err)
	// Output:
	// rejected sub_123 rejected 2024-05-03T11:00:00Z [Too many retry]
	// argos.WebhookEvent{Trigger:rejected SubmissionID:sub_123 Status:rejected Data:[REDACTED]}
	// rejected <nil>
	// argos: invalid webhook: no webhook_trigger
}

// Argos signs nothing, so anyone who learns the webhook URL can post to it.
// Register a URL with a long random secret in its path
// (https://example.com/hooks/argos/<secret>), compare it in constant time,
// and confirm a decision with GetSubmission before acting on it.
func ExampleNewWebhookHandler() {
	client, srv := exampleClient() // argos.NewClient(os.Getenv("ARGOS_API_KEY")) in production
	defer srv.Close()
	id := exampleApproved(context.Background(), client, "user-42")
	secret := "3f9c2a7e5b1d4c8a9e6f0b2d7a4c1e8f" // from your secret store: 32+ random characters

	hook, err := argos.NewWebhookHandler(func(ctx context.Context, e *argos.WebhookEvent) error {
		if e.Trigger != argos.WebhookApproved && e.Trigger != argos.WebhookRejected {
			return nil
		}
		// The request's word is not proof: ask the API.
		sub, err := client.GetSubmission(ctx, e.SubmissionID)
		if err != nil {
			return err // 500: Argos may send the event again
		}
		fmt.Println("confirmed:", sub.KYC.Status) // act on sub, e.g. unlock the account
		return nil
	})
	if err != nil {
		log.Fatal(err) // a nil fn or a bad option: fail at start, not on every webhook
	}
	mux := http.NewServeMux()
	mux.Handle("/hooks/argos/{secret}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.PathValue("secret")), []byte(secret)) != 1 {
			http.NotFound(w, r)
			return
		}
		hook.ServeHTTP(w, r)
	}))
	web := httptest.NewServer(mux) // your HTTPS server
	defer web.Close()

	body := `{"webhook_trigger":"approved","submission_id":"` + id + `","kyc_result":{"status":"approved"}}`
	for _, path := range []string{"/hooks/argos/" + secret, "/hooks/argos/guessed"} {
		resp, err := http.Post(web.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	// Output:
	// confirmed: approved
	// 200
	// 404
}

// WithConfirm has the handler look the submission up before calling fn:
// Status, UserID and every other field fn may act on are then the API's,
// whatever the request claimed (the claims stay in Raw).
func ExampleWithConfirm() {
	client, srv := exampleClient()
	defer srv.Close()
	ctx := context.Background()
	s1 := exampleStep1(ctx, client, "user-42")
	srv.ScriptStep2(argostest.OutcomePending) // held for a reviewer
	if _, err := client.SubmitStep2(ctx, &argos.Step2Request{SubmissionID: s1.SubmissionID,
		FaceImage: &argos.File{Body: bytes.NewReader(argostest.SampleJPEG())}, Name: "Test Applicant", DateOfBirth: "1990-01-01"}); err != nil {
		log.Fatal(err)
	}

	hook, err := argos.NewWebhookHandler(func(_ context.Context, e *argos.WebhookEvent) error {
		fmt.Println("claimed:", e.Trigger, "confirmed:", e.Status, e.UserID, e.Confirmed != nil)
		return nil
	}, argos.WithConfirm(client))
	if err != nil {
		log.Fatal(err)
	}

	forged := `{"webhook_trigger":"approved","submission_id":"` + s1.SubmissionID + `","kyc_result":{"status":"approved"},"userid":"victim"}`
	rec := httptest.NewRecorder()
	hook.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/hooks/argos", strings.NewReader(forged)))
	fmt.Println(rec.Code)
	// Output:
	// claimed: approved confirmed: pending user-42 true
	// 200
}

func ExampleClient_WaitForDecision() {
	srv := argostest.NewServer()
	defer srv.Close()
	client, err := argos.NewClient(srv.APIKey, argos.WithBaseURL(srv.BaseURL), argos.WithRootCAs(srv.RootCAs()),
		argos.WithPollPolicy(argos.PollPolicy{MinWait: 10 * time.Millisecond, MaxWait: 50 * time.Millisecond})) // default: 2 s up to 1 min
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	s1 := exampleStep1(ctx, client, "user-42")
	srv.ScriptStep2(argostest.OutcomePending)
	s2, err := client.SubmitStep2(ctx, &argos.Step2Request{SubmissionID: s1.SubmissionID,
		FaceImage: &argos.File{Body: bytes.NewReader(argostest.SampleJPEG())}, Name: "Test Applicant", DateOfBirth: "1990-01-01"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s2.Status)

	time.AfterFunc(100*time.Millisecond, func() { _ = srv.SetKYCResult(s1.SubmissionID, argos.KYCApproved) }) // a reviewer decides

	ctx, cancel := context.WithTimeout(ctx, time.Minute) // a manual review can take hours: bound the wait
	defer cancel()
	sub, err := client.WaitForDecision(ctx, s1.SubmissionID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sub.KYC.Status)
	// Output:
	// pending
	// approved
}
