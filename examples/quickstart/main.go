// Command quickstart walks through the whole Argos KYC flow with the argos SDK:
//
//  1. Step 1: upload an ID image; Argos reads it (OCR) and opens a submission.
//  2. Step 2: upload a selfie with the data the applicant confirmed; Argos
//     compares the faces and answers with the KYC status. When it asks for a
//     retry, the reasons are printed and Step 2 is sent again.
//  3. Wait (client.WaitForDecision) until the KYC result is final.
//  4. List the submissions of the user ID this run used.
//  5. Download the selfie.
//  6. Delete the submission, and look it up again to see what Argos keeps.
//
// Run it from the module root:
//
//	go run ./examples/quickstart
//
// Without ARGOS_API_KEY it starts argostest's fake Argos server in-process
// and runs against it, so it works on any machine with no account and no
// network. The fake is scripted to reject the first selfie as a face mismatch,
// so the retry path shows.
//
// With ARGOS_API_KEY set it talks to the real API (ARGOS_BASE_URL overrides
// the base URL, default argos.DefaultBaseURL) and needs ARGOS_EMAIL, the
// applicant email to submit with. The bundled images are drawings, not a real
// ID or face, so the real API will refuse or reject them: the program prints
// what Argos answers and deletes the submission it created.
//
// With ARGOS_ENCRYPT=1 the client uses Secure Data Transmission
// (argos.WithSecureTransmission): the submission reads travel encrypted. On
// the fake, the fake project has the option on too
// (argostest.WithSecureTransmission) and refuses plain reads; on the real
// API, turn the option on for the project in the dashboard first.
//
//	ARGOS_ENCRYPT=1 go run ./examples/quickstart
//
// The sample images (examples/internal/demo) were drawn by
// internal/cmd/genimages and show no real person or document.
package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
	"github.com/kycgo/argos/examples/internal/demo"
)

// The ID the sample image stands for, and the data a real app would have the
// applicant confirm when OCR could not read it.
const (
	sampleCountry     = "USA"
	sampleIDType      = argos.IDGovernmentID
	fallbackName      = "Sample Applicant"
	fallbackBirthDate = "1990-01-01"
	fakeEmail         = "applicant@example.com"
)

func main() { demo.Main("quickstart", run) }

// settings are what differs between the fake and the real API.
type settings struct {
	email string
	// pollEvery is the client's first wait between reads (its PollPolicy's
	// MinWait), for the step log; pollFor bounds the wait.
	pollEvery time.Duration
	pollFor   time.Duration
}

// run runs the flow and writes a step log to stdout. env looks up the
// environment (os.Getenv in main, a map in tests).
func run(ctx context.Context, stdout io.Writer, env func(string) string) error {
	encrypted, err := strconv.ParseBool(cmp.Or(env("ARGOS_ENCRYPT"), "0"))
	if err != nil {
		return errors.New("ARGOS_ENCRYPT must be 1 (Secure Data Transmission on) or 0")
	}
	email, err := demo.Email(env, fakeEmail)
	if err != nil {
		return err
	}
	// WaitForDecision reads every 2 s at first against the real API, then
	// less often; the fake decides at once.
	cfg := settings{email: email, pollFor: 5 * time.Second}
	poll := argos.PollPolicy{MinWait: 100 * time.Millisecond, MaxWait: time.Second}
	hint := " (set ARGOS_API_KEY and ARGOS_EMAIL to use the real API)."
	if demo.UsesRealAPI(env) {
		cfg.pollFor, hint = time.Minute, "."
		poll = argos.PollPolicy{MinWait: 2 * time.Second, MaxWait: 15 * time.Second}
	}
	cfg.pollEvery = poll.MinWait
	opts := demo.Options{Client: []argos.Option{argos.WithPollPolicy(poll)}}
	if encrypted {
		opts.Client = append(opts.Client, argos.WithSecureTransmission())
		opts.Fake = append(opts.Fake, argostest.WithSecureTransmission())
	}
	conn, err := demo.Connect(env, opts)
	if err != nil {
		return err
	}
	defer conn.Close()
	if conn.Fake != nil {
		// The fake decides what "verification" concludes: here the first
		// selfie does not match the ID photo and the second one passes.
		conn.Fake.ScriptStep2(argostest.OutcomeFaceMismatch, argostest.OutcomeApprove)
	}

	out := &demo.Log{W: stdout}
	out.Title("Argos KYC quickstart")
	out.Line("Using %s%s", conn.Describe(), hint)
	if encrypted {
		out.Line("Secure Data Transmission is on: submission reads go out and come back encrypted ({\"data\": …}).")
	}
	q := &quickstart{client: conn.Client, out: out, cfg: cfg, userID: "quickstart-" + randomHex(4)}
	return q.run(ctx)
}

type quickstart struct {
	client *argos.Client
	out    *demo.Log
	cfg    settings
	userID string
	// status is the last KYC status seen.
	status argos.KYCStatus
}

func (q *quickstart) run(ctx context.Context) error {
	out := q.out
	out.Step("Step 1: uploading the sample ID image (%s, %s, %d bytes)", demo.IDFront.Name, sampleCountry, len(demo.IDFront.Data))
	s1, err := q.client.SubmitStep1(ctx, &argos.Step1Request{
		IssuingCountry: sampleCountry,
		Email:          q.cfg.email,
		IDType:         sampleIDType,
		IDImage:        demo.IDFront.File(),
		UserID:         q.userID, // your own user's ID: lets you list their submissions later
	})
	if err != nil {
		out.Failure(err)
		return fmt.Errorf("step 1: %w", err)
	}
	id := s1.SubmissionID
	out.Detail("submission %s opened for user %s", id, q.userID)

	// Whatever happens from here on, remove what this run created.
	flowErr := q.afterStep1(ctx, s1)

	// Deleting must not depend on the flow's context still being alive
	// (Ctrl-C), so it gets its own short deadline.
	delCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := q.deleteAndLookUp(delCtx, id); err != nil {
		out.Blank()
		out.Line("Stopped: submission %s could not be deleted; delete it in the Argos dashboard.", id)
		return errors.Join(flowErr, err)
	}
	out.Blank()
	if flowErr != nil {
		out.Line("Stopped early (see above); the submission was deleted.")
		return flowErr
	}
	out.Line("Done: KYC %s, submission deleted.", demo.OrDash(string(q.status)))
	return nil
}

// afterStep1 runs Step 2, polling, listing and the image download.
func (q *quickstart) afterStep1(ctx context.Context, s1 *argos.Step1Result) error {
	out := q.out
	if s1.CanRetry() || s1.Status == argos.KYCRejected {
		q.status = s1.Status
		out.Detail("Argos could not use the ID image (KYC status: %s)", s1.Status)
		out.RetryReasons(s1.Retry)
		out.Detail("a real app would ask for another photo of the ID; this run stops here and cleans up")
		return nil
	}
	step2 := q.confirm(s1)

	// Step 2: the selfie, and once more if Argos asks for a retry (a real app
	// asks the applicant for a new selfie; here the sample is sent again).
	out.Step("Step 2: uploading the selfie (%s, %d bytes)", demo.Selfie.Name, len(demo.Selfie.Data))
	s2, err := q.step2(ctx, step2)
	if err == nil && s2.CanRetry() {
		out.Step("Step 2 again, with a new selfie from the applicant (try %d of %d)", s2.RetryCount+1, argos.MaxAttempts)
		s2, err = q.step2(ctx, step2)
	}
	if err != nil {
		return err
	}
	if s2.Status == argos.KYCIncomplete {
		// Nothing to wait for: Argos decides only once it gets a usable
		// selfie (or the tries run out).
		out.Detail("not retrying again: the submission stays incomplete until the applicant sends a new selfie")
	} else if err := q.poll(ctx, s1.SubmissionID); err != nil {
		return err
	}

	// List by the user ID this run sent in Step 1.
	out.Step("Listing the submissions of user %s", q.userID)
	list, err := q.client.ListSubmissions(ctx, &argos.ListSubmissionsParams{UserID: q.userID})
	if err != nil {
		out.Failure(err)
		return fmt.Errorf("listing submissions: %w", err)
	}
	out.Detail("%s", demo.Plural(len(list.Items), "submission"))
	for _, s := range list.Items {
		out.Detail("  %s  %-10s  created %s", s.ID, s.KYC.Status, demo.Created(&s, "2006-01-02 15:04:05 UTC"))
	}

	// Download the selfie. Download.Body streams from the network; close it.
	out.Step("Downloading the selfie")
	img, err := q.client.DownloadImage(ctx, s1.SubmissionID, argos.ImageSelfie)
	if err != nil {
		out.Failure(err)
		return fmt.Errorf("downloading the selfie: %w", err)
	}
	defer img.Body.Close()
	n, err := io.Copy(io.Discard, img.Body) // a real app would save or forward it
	if err != nil {
		out.Failure(err)
		return fmt.Errorf("downloading the selfie: %w", err)
	}
	out.Detail("received %s, %d bytes", demo.OrDash(img.ContentType), n)
	return nil
}

// confirm is the applicant reviewing the OCR data; a real app shows it in a
// form. Here it is taken as is, with sample values where OCR read nothing.
func (q *quickstart) confirm(s1 *argos.Step1Result) *argos.Step2Request {
	ocr := s1.ReviewOCRData
	q.out.Detail("OCR read: name %q, born %s, gender %s, nationality %s",
		demo.OrDash(ocr.Name), demo.OrDash(ocr.DateOfBirth), demo.OrDash(ocr.Gender), demo.OrDash(ocr.Nationality))
	r := &argos.Step2Request{SubmissionID: s1.SubmissionID, Name: ocr.Name, DateOfBirth: ocr.DateOfBirth,
		Gender: argos.Gender(ocr.Gender), Nationality: ocr.Nationality}
	if r.Name == "" || r.DateOfBirth == "" {
		q.out.Detail("OCR read no name or birth date: confirming the sample values %q, %s instead", fallbackName, fallbackBirthDate)
		r.Name, r.DateOfBirth = fallbackName, fallbackBirthDate
	}
	if _, err := time.Parse(time.DateOnly, r.DateOfBirth); err != nil {
		r.DateOfBirth = fallbackBirthDate
	}
	if len(r.Nationality) != 3 {
		r.Nationality = ""
	}
	return r
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
