package argos_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// startKYC runs Step 1 for an applicant and says how it got the
// submission. When the answer is lost it asks ResolveOutcome whether the
// request landed before sending it again: Argos has no idempotency key, and
// a blind resend makes a second submission.
func startKYC(ctx context.Context, client *argos.Client, req *argos.Step1Request) (id, how string, err error) {
	s1, err := client.SubmitStep1(ctx, req)
	if err == nil {
		return s1.SubmissionID, "answered", nil
	}
	if !errors.Is(err, argos.ErrOutcomeUnknown) {
		return "", "", err
	}
	res, rerr := client.ResolveOutcome(ctx, err) // up to the settle time (30 s)
	if rerr != nil {
		return "", "", rerr // the context ended: resolve again later
	}
	switch res.State {
	case argos.ResolutionLanded:
		return res.SubmissionID, "the lost answer's submission", nil
	case argos.ResolutionNotLanded:
		s1, err := client.SubmitStep1(ctx, req) // safe: the first one can no longer land
		if err != nil {
			return "", "", err
		}
		return s1.SubmissionID, "sent again", nil
	}
	return "", "", fmt.Errorf("step 1 needs a look by hand: %s", res.Reason)
}

// The recovery in an onboarding handler: the answer to Step 1 is cut short
// after Argos created the submission, and the handler carries on with it
// instead of creating a second one.
func ExampleClient_ResolveOutcome() {
	srv := argostest.NewServer()
	defer srv.Close()
	client, err := argos.NewClient(srv.APIKey, argos.WithBaseURL(srv.URL("v3")), argos.WithRootCAs(srv.RootCAs()),
		argos.WithCorrelationField(argos.DataFieldCF3)) // finds a lost Step 1 exactly
	if err != nil {
		log.Fatal(err)
	}
	srv.InjectFault(argostest.Fault{Method: http.MethodPost, Path: "/submission/step1", Truncate: true})

	onboarding := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, how, err := startKYC(r.Context(), client, &argos.Step1Request{
			IssuingCountry: "USA", Email: "jane@example.com", IDType: argos.IDPassport, UserID: "user-1",
			IDImage: &argos.File{Name: "id.png", Body: bytes.NewReader(argostest.SamplePNG())},
		})
		if err != nil {
			http.Error(w, "try again later", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintf(w, "KYC started: %s", how)
	})
	rec := httptest.NewRecorder()
	onboarding.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/onboarding", nil))

	list, err := client.ListSubmissions(context.Background(), &argos.ListSubmissionsParams{UserID: "user-1"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rec.Code, rec.Body.String())
	fmt.Println("submissions of the user:", len(list.Items))
	// Output:
	// 200 KYC started: the lost answer's submission
	// submissions of the user: 1
}
