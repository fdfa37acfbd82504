package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
	"github.com/kycgo/argos/examples/internal/demo"
)

// runFake starts the receiver and a fake Argos that sends it webhooks, plays
// one submission through the fake and prints what arrived.
func runFake(ctx context.Context, p *printer) error {
	secret := newSecret()
	handler, err := newReceiver(secret, p.event)
	if err != nil {
		return err
	}
	receiver := httptest.NewTLSServer(handler)
	defer receiver.Close()
	hookURL := receiver.URL + hookPath + secret

	// The fake POSTs each webhook to hookURL, trusting the receiver's test
	// certificate through its client.
	srv := argostest.NewServer(argostest.WithWebhookURL(hookURL, receiver.Client()))
	defer srv.Close()
	client, err := argos.NewClient(srv.APIKey, argos.WithBaseURL(srv.BaseURL), argos.WithRootCAs(srv.RootCAs()))
	if err != nil {
		return fmt.Errorf("creating the client: %w", err)
	}
	defer client.CloseIdleConnections()

	p.line("Receiving webhooks at %s%s<secret>, sent by the in-process fake Argos at %s", receiver.URL, hookPath, srv.BaseURL)
	p.line("(set ARGOS_API_KEY and WEBHOOK_SECRET to receive the real Argos's webhooks).")
	if err := playSubmission(ctx, p, client, srv); err != nil {
		return err
	}

	// Deliveries are asynchronous, as with the real service: wait for them.
	if err := srv.FlushWebhooks(ctx); err != nil {
		return fmt.Errorf("waiting for the webhooks: %w", err)
	}
	failed := 0
	for _, d := range srv.Webhooks() {
		if d.Err != nil {
			failed++
			p.line("  delivery failed: %v", d)
		}
	}
	p.line("The fake delivered %d webhooks, %d failed.", len(srv.Webhooks()), failed)

	code, err := forge(ctx, receiver)
	if err != nil {
		return err
	}
	p.line("A forged \"approved\" posted without the secret path got %d and reached no handler.", code)
	return nil
}

// playSubmission runs one submission through the fake: a face mismatch, a
// second try held for review, a reviewer's approval, an AML hit, a delete.
func playSubmission(ctx context.Context, p *printer, client *argos.Client, srv *argostest.Server) error {
	p.line("Step 1: uploading an ID image")
	s1, err := client.SubmitStep1(ctx, &argos.Step1Request{
		IssuingCountry: "USA", Email: "applicant@example.com", IDType: argos.IDPassport,
		IDImage: demo.IDFront.File(),
	})
	if err != nil {
		return fmt.Errorf("step 1: %w", err)
	}
	id := s1.SubmissionID

	srv.ScriptStep2(argostest.OutcomeFaceMismatch, argostest.OutcomePending)
	for try := 1; try <= 2; try++ {
		p.line("Step 2, try %d: uploading a selfie", try)
		_, err := client.SubmitStep2(ctx, &argos.Step2Request{
			SubmissionID: id, Name: "John Smith", DateOfBirth: "1975-08-25",
			FaceImage: demo.Selfie.File(),
		})
		if err != nil {
			return fmt.Errorf("step 2: %w", err)
		}
	}
	p.line("A reviewer approves the submission")
	if err := srv.SetKYCResult(id, argos.KYCApproved); err != nil {
		return err
	}
	p.line("AML screening finds a hit")
	if err := srv.SetAMLHits(id, 1); err != nil {
		return err
	}
	p.line("Deleting the submission as admin@example.com")
	if _, err := client.DeleteSubmission(ctx, &argos.DeleteSubmissionRequest{SubmissionID: id, Admin: "admin@example.com"}); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	return nil
}

// forge posts an "approved" webhook to the receiver without the secret, as
// anyone who guessed the host could.
func forge(ctx context.Context, receiver *httptest.Server) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, receiver.URL+hookPath+"guess",
		strings.NewReader(`{"webhook_trigger":"approved","submission_id":"x","kyc_result":{"status":"approved"}}`))
	if err != nil {
		return 0, err
	}
	resp, err := receiver.Client().Do(req)
	if err != nil {
		return 0, fmt.Errorf("forged request: %w", err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}
