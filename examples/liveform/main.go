// Command liveform walks through the hosted-liveform journey, the way most
// applicants go through Argos, with the argos SDK:
//
//  1. Put a private-mode token in the project's pool (AddTokens), so the
//     link works for one applicant only.
//  2. Build the applicant's link (argos.LiveformURLEncrypted): your user's
//     ID, a custom field and the token, encrypted with the project's key.
//  3. The applicant fills in the form on Argos' site.
//  4. Their browser lands on your return URL: read it (argos.ParseReturnURL)
//     and confirm what it says with GetSubmission, since anyone can type a
//     URL with kycStatus=approved.
//  5. The webhooks arrive: parse them (argos.ParseWebhook).
//  6. The link is used up: opening it again lands on an error page.
//
// Run it from the module root:
//
//	go run ./examples/liveform
//
// Without ARGOS_API_KEY it starts argostest's fake Argos server in-process,
// with a return URL and a webhook receiver of its own, and plays the form
// with argostest's Server.Liveform, so the whole journey runs on any machine
// with no account and no browser. The first photo of the ID is scripted to
// have glare, so the form's retake shows in the webhooks.
//
// With ARGOS_API_KEY and ARGOS_PROJECT_ID set it prints a link for the real
// form to open in a browser (no token: it adds nothing to your project).
// When the browser has landed on your return URL, run it again with
// ARGOS_RETURN_URL set to that URL to read it and confirm it with
// GetSubmission. ARGOS_BASE_URL overrides the API's base URL.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
	"github.com/kycgo/argos/examples/internal/demo"
)

// The applicant of the run against the fake. The address is of the
// example.com domain, reserved for documentation.
const (
	fakeEmail     = "applicant@example.com"
	fakeProjectID = "demo-project"
	returnURL     = "https://app.example/kyc/done"
)

func main() { demo.Main("liveform", run) }

// run runs the journey and writes a step log to stdout. env looks up the
// environment (os.Getenv in main, a map in tests).
func run(ctx context.Context, stdout io.Writer, env func(string) string) error {
	out := &demo.Log{W: stdout}
	out.Title("Argos KYC: the hosted liveform")
	if demo.UsesRealAPI(env) {
		return runReal(ctx, out, env)
	}
	return runFake(ctx, out)
}

// runFake plays the journey on the in-process fake.
func runFake(ctx context.Context, out *demo.Log) error {
	hooks := newReceiver()
	defer hooks.close()
	srv := argostest.NewServer(argostest.WithReturnURL(returnURL), argostest.WithWebhookURL(hooks.url(), hooks.client()))
	defer srv.Close()
	// The token pool is a v3 endpoint: the client talks to the fake's /v3.
	client, err := argos.NewClient(srv.APIKey, argos.WithBaseURL(srv.URL("v3")), argos.WithRootCAs(srv.RootCAs()))
	if err != nil {
		return fmt.Errorf("creating the client: %w", err)
	}
	defer client.CloseIdleConnections()
	out.Line("Using the in-process fake Argos server at %s (set ARGOS_API_KEY and ARGOS_PROJECT_ID to use the real form).",
		client.BaseURL())

	out.Step("Putting a private-mode token in the project's pool")
	token := argos.NewTokenID()
	if _, err := client.AddTokens(ctx, &argos.TokensRequest{TokenIDs: []string{token}}); err != nil {
		out.Failure(err)
		return fmt.Errorf("adding the token: %w", err)
	}
	out.Detail("token %s…: valid until a submission made with it is decided, or 3 minutes after first use", token[:8])

	out.Step("Building the applicant's link")
	userID := "liveform-" + randomHex(4)
	link, err := argos.LiveformURLEncrypted(&argos.LiveformParams{
		ProjectID: fakeProjectID, Email: fakeEmail, UserID: userID, CF1: "onboarding", Token: token,
	}, srv.APIKey)
	if err != nil {
		return fmt.Errorf("building the link: %w", err)
	}
	out.Detail("%s… (%d characters; only pid is readable, the rest is encrypted)", link[:strings.Index(link, "&")], len(link))

	out.Step("The applicant fills in the form (the fake plays it)")
	srv.ScriptStep1(argostest.Step1Glare) // the first photo of the ID has glare: the form asks for another
	res, err := srv.Liveform(ctx, link, argostest.Applicant{
		Name: "Sample Applicant", DateOfBirth: "1990-01-01", IssuingCountry: "KOR", Outcome: argostest.OutcomeApprove,
	})
	if err != nil {
		return fmt.Errorf("playing the form: %w", err)
	}
	out.Detail("the first ID photo had glare and was retaken; the selfie matched")

	out.Step("The browser lands on the return URL")
	ret, err := readReturn(out, res.ReturnURL)
	if err != nil {
		return err
	}
	if err := confirm(ctx, out, client, ret); err != nil {
		return err
	}

	out.Step("The webhooks arrive")
	if err := srv.FlushWebhooks(ctx); err != nil {
		return fmt.Errorf("waiting for the webhooks: %w", err)
	}
	for _, e := range hooks.events() {
		out.Detail("%-13s %s", e.Trigger, webhookDetail(e))
	}

	out.Step("Opening the link a second time")
	again, err := srv.Liveform(ctx, link, argostest.Applicant{})
	if err != nil {
		return fmt.Errorf("playing the form again: %w", err)
	}
	again2, err := argos.ParseReturnURL(again.ReturnURL)
	if err != nil {
		return fmt.Errorf("reading the second return URL: %w", err)
	}
	out.Detail("error page %s (the token is used up); the return URL carries errorCode=%s and no submission",
		again.ErrorCode, again2.ErrorCode)
	out.Blank()
	out.Line("Done: KYC %s for user %s.", ret.Status, userID)
	return nil
}

// readReturn parses the return URL and shows what it carries, without the
// email.
func readReturn(out *demo.Log, u string) (*argos.ReturnParams, error) {
	ret, err := argos.ParseReturnURL(u)
	if err != nil {
		out.Failure(err)
		return nil, fmt.Errorf("reading the return URL: %w", err)
	}
	if ret.ErrorCode != "" {
		out.Detail("the form stopped on error page %s", ret.ErrorCode)
		return nil, fmt.Errorf("the form stopped on error page %s", ret.ErrorCode)
	}
	out.Detail("submissionId %s, kycStatus %s, userid %s (the URL carries the email too)",
		demo.OrDash(ret.SubmissionID), demo.OrDash(string(ret.Status)), demo.OrDash(ret.UserID))
	return ret, nil
}

// confirm reads the submission the return URL names and compares.
func confirm(ctx context.Context, out *demo.Log, client *argos.Client, ret *argos.ReturnParams) error {
	out.Step("Confirming with GetSubmission: the URL is only what the browser says")
	sub, err := client.GetSubmission(ctx, ret.SubmissionID)
	if err != nil {
		out.Failure(err)
		return fmt.Errorf("reading the submission: %w", err)
	}
	agree := sub.KYC.Status == ret.Status && sub.UserID == ret.UserID
	out.Detail("Argos says %s for user %s: the return URL %s", sub.KYC.Status, demo.OrDash(sub.UserID),
		map[bool]string{true: "agrees", false: "DISAGREES: trust Argos, not the URL"}[agree])
	if !agree {
		return errors.New("the return URL does not match the submission")
	}
	return nil
}

// webhookDetail is what a log line shows of a webhook: status, retry code,
// token condition.
func webhookDetail(e *argos.WebhookEvent) string {
	var parts []string
	if e.Status != "" {
		parts = append(parts, "status "+string(e.Status))
	}
	if e.RetryCode != "" {
		parts = append(parts, "retry code "+string(e.RetryCode))
	}
	if e.ExpiredCondition != "" {
		parts = append(parts, "expired by "+e.ExpiredCondition)
	}
	if e.AMLStatus != "" {
		parts = append(parts, "AML "+e.AMLStatus)
	}
	return strings.Join(parts, ", ")
}

// runReal prints a link for the real form, or reads the return URL the
// browser landed on.
func runReal(ctx context.Context, out *demo.Log, env func(string) string) error {
	conn, err := demo.Connect(env, demo.Options{})
	if err != nil {
		return err
	}
	defer conn.Close()
	out.Line("Using %s.", conn.Describe())
	if u := env("ARGOS_RETURN_URL"); u != "" {
		out.Step("Reading the return URL the browser landed on")
		ret, err := readReturn(out, u)
		if err != nil {
			return err
		}
		return confirm(ctx, out, conn.Client, ret)
	}
	pid := env("ARGOS_PROJECT_ID")
	if pid == "" {
		return errors.New("set ARGOS_PROJECT_ID to the project ID (dashboard) to build a link for the real form")
	}
	out.Step("Building a link for the real form")
	link, err := argos.LiveformURLEncrypted(&argos.LiveformParams{
		ProjectID: pid, UserID: "liveform-" + randomHex(4), CF1: "onboarding",
	}, env("ARGOS_API_KEY"))
	if err != nil {
		return fmt.Errorf("building the link: %w", err)
	}
	out.Detail("open it in a browser: %s", link)
	out.Detail("then run again with ARGOS_RETURN_URL set to the URL the browser lands on")
	return nil
}

// receiver is the application's webhook endpoint, on a TLS test server.
type receiver struct {
	ts *httptest.Server
	mu sync.Mutex
	ev []*argos.WebhookEvent
}

func newReceiver() *receiver {
	rc := &receiver{}
	rc.ts = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, argos.MaxWebhookBody))
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		e, err := argos.ParseWebhook(body)
		if err != nil {
			http.Error(w, "not a webhook", http.StatusBadRequest)
			return
		}
		rc.mu.Lock()
		rc.ev = append(rc.ev, e)
		rc.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	return rc
}

func (rc *receiver) url() string          { return rc.ts.URL + "/argos-webhook" }
func (rc *receiver) client() *http.Client { return rc.ts.Client() }
func (rc *receiver) close()               { rc.ts.Close() }

// events are the webhooks received so far, in order.
func (rc *receiver) events() []*argos.WebhookEvent {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]*argos.WebhookEvent(nil), rc.ev...)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
