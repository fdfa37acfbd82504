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
// The images are embedded with go:embed. They were drawn by
// internal/cmd/genimages and show no real person or document.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

var (
	//go:embed id_front.png
	sampleIDImage []byte
	//go:embed selfie.jpg
	sampleSelfie []byte
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

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Stdout, os.Getenv)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// settings are what differs between the fake and the real API.
type settings struct {
	email string
	// pollEvery is the client's first wait between reads (its PollPolicy's
	// MinWait), for the step log; pollFor bounds the wait.
	pollEvery    time.Duration
	pollFor      time.Duration
	describeHost string
	encrypted    bool
}

// run runs the flow and writes a step log to stdout. env looks up the
// environment (os.Getenv in main, a map in tests).
func run(ctx context.Context, stdout io.Writer, env func(string) string) error {
	out := &logger{w: stdout}
	client, cfg, cleanup, err := newClient(env)
	if err != nil {
		return err
	}
	defer cleanup()

	out.title("Argos KYC quickstart")
	out.line("%s", cfg.describeHost)
	if cfg.encrypted {
		out.line("Secure Data Transmission is on: submission reads go out and come back encrypted ({\"data\": …}).")
	}

	userID := "quickstart-" + randomHex(4)
	q := &quickstart{client: client, out: out, cfg: cfg, userID: userID}
	return q.run(ctx)
}

// newClient returns a client for the real API when ARGOS_API_KEY is set, and
// otherwise one for a fake server started here (stopped by cleanup).
func newClient(env func(string) string) (*argos.Client, settings, func(), error) {
	encrypted := false
	if v := env("ARGOS_ENCRYPT"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, settings{}, nil, errors.New("ARGOS_ENCRYPT must be 1 (Secure Data Transmission on) or 0")
		}
		encrypted = b
	}
	var secure []argos.Option
	if encrypted {
		secure = append(secure, argos.WithSecureTransmission())
	}
	if key := env("ARGOS_API_KEY"); key != "" {
		email := env("ARGOS_EMAIL")
		if email == "" {
			return nil, settings{}, nil, errors.New("ARGOS_API_KEY is set, so the real API would be used: " +
				"set ARGOS_EMAIL to the applicant email to submit with (or unset ARGOS_API_KEY to use the fake server)")
		}
		opts := secure
		if u := env("ARGOS_BASE_URL"); u != "" {
			opts = append(opts, argos.WithBaseURL(u))
		}
		// WaitForDecision reads every 2 s at first, then less often.
		poll := argos.PollPolicy{MinWait: 2 * time.Second, MaxWait: 15 * time.Second}
		opts = append(opts, argos.WithPollPolicy(poll))
		client, err := argos.NewClient(key, opts...)
		if err != nil {
			return nil, settings{}, nil, fmt.Errorf("creating the client: %w", err)
		}
		return client, settings{
			email:        email,
			pollEvery:    poll.MinWait,
			pollFor:      time.Minute,
			describeHost: "Using the real Argos API at " + client.BaseURL() + ".",
			encrypted:    encrypted,
		}, func() {}, nil
	}

	var fakeOpts []argostest.ServerOption
	if encrypted {
		fakeOpts = append(fakeOpts, argostest.WithSecureTransmission())
	}
	srv := argostest.NewServer(fakeOpts...)
	// The fake decides what "verification" concludes: here the first selfie
	// does not match the ID photo and the second one passes.
	srv.ScriptStep2(argostest.OutcomeFaceMismatch, argostest.OutcomeApprove)
	poll := argos.PollPolicy{MinWait: 100 * time.Millisecond, MaxWait: time.Second}
	client, err := argos.NewClient(srv.APIKey, append(secure,
		argos.WithBaseURL(srv.BaseURL),
		argos.WithRootCAs(srv.RootCAs()), // trusts the fake's TLS certificate, keeps the pooled transport
		argos.WithPollPolicy(poll),
	)...)
	if err != nil {
		srv.Close()
		return nil, settings{}, nil, fmt.Errorf("creating the client: %w", err)
	}
	email := env("ARGOS_EMAIL")
	if email == "" {
		email = fakeEmail
	}
	return client, settings{
		email:     email,
		pollEvery: poll.MinWait,
		pollFor:   5 * time.Second,
		describeHost: "Using the in-process fake Argos server at " + srv.BaseURL +
			" (set ARGOS_API_KEY and ARGOS_EMAIL to use the real API).",
		encrypted: encrypted,
	}, srv.Close, nil
}

type quickstart struct {
	client *argos.Client
	out    *logger
	cfg    settings
	userID string
	// status is the last KYC status seen.
	status argos.KYCStatus
}

func (q *quickstart) run(ctx context.Context) error {
	out := q.out

	// Step 1: the ID image.
	out.step("Step 1: uploading the sample ID image (%s, %s, %d bytes)", "id_front.png", sampleCountry, len(sampleIDImage))
	s1, err := q.client.SubmitStep1(ctx, &argos.Step1Request{
		IssuingCountry: sampleCountry,
		Email:          q.cfg.email,
		IDType:         sampleIDType,
		IDImage:        &argos.File{Name: "id_front.png", Body: bytes.NewReader(sampleIDImage)},
		UserID:         q.userID, // your own user's ID: lets you list their submissions later
	})
	if err != nil {
		out.failure(err)
		return fmt.Errorf("step 1: %w", err)
	}
	id := s1.SubmissionID
	out.detail("submission %s opened for user %s", id, q.userID)

	// Whatever happens from here on, remove what this run created.
	flowErr := q.afterStep1(ctx, s1)

	// Deleting must not depend on the flow's context still being alive
	// (Ctrl-C), so it gets its own short deadline.
	delCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := q.deleteAndLookUp(delCtx, id); err != nil {
		out.blank()
		out.line("Stopped: submission %s could not be deleted; delete it in the Argos dashboard.", id)
		return errors.Join(flowErr, err)
	}
	if flowErr != nil {
		out.blank()
		out.line("Stopped early (see above); the submission was deleted.")
		return flowErr
	}
	out.blank()
	out.line("Done: KYC %s, submission deleted.", orDash(string(q.status)))
	return nil
}

// afterStep1 runs Step 2, polling, listing and the image download.
func (q *quickstart) afterStep1(ctx context.Context, s1 *argos.Step1Response) error {
	out := q.out
	id := s1.SubmissionID
	if s1.CanRetry() || s1.KYCStatus == argos.KYCRejected {
		q.status = s1.KYCStatus
		out.detail("Argos could not use the ID image (KYC status: %s)", s1.KYCStatus)
		printRetry(out, s1.Retry)
		out.detail("a real app would ask for another photo of the ID; this run stops here and cleans up")
		return nil
	}
	ocr := s1.ReviewOCRData
	out.detail("OCR read: name %q, born %s, gender %s, nationality %s",
		orDash(ocr.Name), orDash(ocr.BirthDate), orDash(ocr.Gender), orDash(ocr.Nationality))

	// The applicant reviews the OCR data; a real app shows it in a form.
	// Here it is taken as is, with sample values where OCR read nothing.
	step2 := &argos.Step2Request{
		SubmissionID: id,
		Name:         ocr.Name,
		DateOfBirth:  ocr.BirthDate,
		Gender:       argos.Gender(ocr.Gender),
		Nationality:  ocr.Nationality,
	}
	if step2.Name == "" || step2.DateOfBirth == "" {
		out.detail("OCR read no name or birth date: confirming the sample values %q, %s instead", fallbackName, fallbackBirthDate)
		step2.Name, step2.DateOfBirth = fallbackName, fallbackBirthDate
	}
	if _, err := time.Parse(time.DateOnly, step2.DateOfBirth); err != nil {
		step2.DateOfBirth = fallbackBirthDate
	}
	if len(step2.Nationality) != 3 {
		step2.Nationality = ""
	}

	// Step 2: the selfie, and once more if Argos asks for a retry.
	out.step("Step 2: uploading the selfie (%s, %d bytes)", "selfie.jpg", len(sampleSelfie))
	s2, err := q.step2(ctx, step2)
	if err != nil {
		return err
	}
	if s2.CanRetry() {
		// A real app asks the applicant for a new selfie; here the sample is
		// sent again.
		out.step("Step 2 again, with a new selfie from the applicant (try %d of %d)", s2.RetryCount+1, argos.MaxAttempts)
		if s2, err = q.step2(ctx, step2); err != nil {
			return err
		}
	}
	if s2.KYCStatus == argos.KYCIncomplete {
		// Nothing to wait for: Argos decides only once it gets a usable
		// selfie (or the tries run out).
		out.detail("not retrying again: the submission stays incomplete until the applicant sends a new selfie")
	} else if err := q.poll(ctx, id); err != nil {
		// Poll until the result is final: pending means a person at Argos
		// (or the project's rules) still has to decide.
		return err
	}

	// List by the user ID this run sent in Step 1.
	out.step("Listing the submissions of user %s", q.userID)
	list, err := q.client.ListSubmissions(ctx, &argos.ListSubmissionsParams{UserID: q.userID})
	if err != nil {
		out.failure(err)
		return fmt.Errorf("listing submissions: %w", err)
	}
	out.detail("%s", plural(len(list.Items), "submission"))
	for _, s := range list.Items {
		out.detail("  %s  %-10s  created %s", s.ID, s.KYC.Result, created(&s))
	}

	// Download the selfie. Download.Body streams from the network; close it.
	out.step("Downloading the selfie")
	img, err := q.client.Image(ctx, id, argos.ImageSelfie)
	if err != nil {
		out.failure(err)
		return fmt.Errorf("downloading the selfie: %w", err)
	}
	n, err := io.Copy(io.Discard, img.Body) // a real app would save or forward it
	img.Body.Close()
	if err != nil {
		out.failure(err)
		return fmt.Errorf("downloading the selfie: %w", err)
	}
	out.detail("received %s, %d bytes", orDash(img.ContentType), n)
	return nil
}

// step2 sends Step 2 and prints the answer: status, scores and, when Argos
// asks for another try, its reasons and the tries left.
func (q *quickstart) step2(ctx context.Context, r *argos.Step2Request) (*argos.Step2Response, error) {
	out := q.out
	r.FaceImage = &argos.File{Name: "selfie.jpg", Body: bytes.NewReader(sampleSelfie)}
	resp, err := q.client.SubmitStep2(ctx, r)
	if err != nil {
		out.failure(err)
		return nil, fmt.Errorf("step 2: %w", err)
	}
	q.status = resp.KYCStatus
	out.detail("KYC status: %s%s", resp.KYCStatus, scores(resp.FaceSimilarityScore, resp.LivenessScore))
	printRetry(out, resp.Retry)
	if resp.KYCStatus == argos.KYCIncomplete {
		out.detail("retries left: %d, can retry: %t", resp.RetriesLeft(), resp.CanRetry())
	}
	return resp, nil
}

// poll waits, with WaitForDecision, until the KYC result is final or
// cfg.pollFor has passed.
func (q *quickstart) poll(ctx context.Context, id string) error {
	out := q.out
	out.step("Waiting for the final KYC result (checking every %s or more, for up to %s)", q.cfg.pollEvery, q.cfg.pollFor)
	if !q.status.Final() {
		out.detail("%5s  KYC status: %s", "0s", orDash(string(q.status)))
	}
	pollCtx, cancel := context.WithTimeout(ctx, q.cfg.pollFor)
	defer cancel()
	sub, err := q.client.WaitForDecision(pollCtx, id)
	switch {
	case err != nil && ctx.Err() != nil:
		return ctx.Err()
	case err != nil && pollCtx.Err() != nil:
		out.detail("still %s after %s: Argos will decide later (poll again, or use its webhook)", orDash(string(q.status)), q.cfg.pollFor)
		return nil
	case err != nil:
		out.failure(err)
		return fmt.Errorf("reading the submission: %w", err)
	}
	q.status = sub.KYC.Result
	out.detail("KYC status: %s after %s", sub.KYC.Result, plural(len(sub.KYC.Attempts), "attempt"))
	for _, a := range sub.KYC.Attempts {
		msg := a.RetryMsg
		if msg == "" {
			msg = "passed"
		}
		out.detail("  attempt %d: %s", a.Count, msg)
	}
	if len(sub.KYC.Comment) > 0 {
		out.detail("comment: %s (%s)", strings.Join(sub.KYC.Comment, "; "), strings.Join(sub.KYC.CommentCode, ", "))
	}
	return nil
}

// deleteAndLookUp deletes the submission and shows what Argos keeps of it.
func (q *quickstart) deleteAndLookUp(ctx context.Context, id string) error {
	out := q.out
	out.step("Deleting submission %s (its personal data and images, for good)", id)
	res, err := q.client.DeleteSubmission(ctx, id)
	if err != nil {
		out.failure(err)
		return fmt.Errorf("deleting the submission: %w", err)
	}
	out.detail("Argos answered: %s: %s", res.Message, res.Content)

	out.step("Looking the deleted submission up again")
	sub, err := q.client.GetSubmission(ctx, id)
	if errors.Is(err, argos.ErrNotFound) {
		out.detail("not found: nothing of it is kept")
		return nil
	}
	if err != nil {
		out.failure(err)
		return fmt.Errorf("reading the deleted submission: %w", err)
	}
	out.detail("kept: id %s, KYC status %s, ID type %s, created %s",
		sub.ID, orDash(string(sub.KYC.Result)), orDash(string(sub.Data.IDType)), created(sub))
	if left := personalData(sub); len(left) > 0 {
		out.detail("still present: %s", strings.Join(left, ", "))
	} else {
		out.detail("gone: email, name (it reads %q), birth date, gender, nationality, images", sub.Data.Name)
	}
	return nil
}

// deletedName is what Argos shows as the name of a deleted submission.
const deletedName = "Deleted Submission"

// personalData names the personal fields a submission still has (without
// their values).
func personalData(s *argos.Submission) []string {
	var left []string
	for _, f := range []struct {
		name    string
		present bool
	}{
		{"email", s.Email != ""},
		{"name", s.Data.Name != "" && s.Data.Name != deletedName},
		{"birth date", s.Data.DateOfBirth != ""},
		{"gender", s.Data.Gender != ""},
		{"nationality", s.Data.Nationality != ""},
		{"images", s.Images != (argos.ImageKeys{})},
	} {
		if f.present {
			left = append(left, f.name)
		}
	}
	return left
}

func printRetry(out *logger, reasons []argos.RetryReason) {
	for _, r := range reasons {
		out.detail("retry reason: %s (%s)", r.Message, r.Code)
	}
}

// logger writes the step log: numbered steps with indented details.
type logger struct {
	w     io.Writer
	steps int
}

func (l *logger) title(s string) { fmt.Fprintf(l.w, "%s\n%s\n", s, strings.Repeat("=", len(s))) }

func (l *logger) line(format string, args ...any) { fmt.Fprintf(l.w, format+"\n", args...) }

func (l *logger) blank() { fmt.Fprintln(l.w) }

func (l *logger) step(format string, args ...any) {
	l.steps++
	fmt.Fprintf(l.w, "\n%d. %s\n", l.steps, fmt.Sprintf(format, args...))
}

func (l *logger) detail(format string, args ...any) {
	fmt.Fprintf(l.w, "   %s\n", fmt.Sprintf(format, args...))
}

// failure prints an SDK error with a hint. The SDK's error strings never
// contain the API key or applicant data, so they are safe to show.
func (l *logger) failure(err error) {
	l.detail("failed: %v", err)
	var apiErr *argos.APIError
	switch {
	case errors.Is(err, argos.ErrIPNotAllowed):
		l.detail("hint: add this machine's IP address to the project's allow-list in the Argos dashboard")
	case errors.Is(err, argos.ErrInvalidAPIKey):
		l.detail("hint: check ARGOS_API_KEY (dashboard, Settings)")
	case errors.Is(err, argos.ErrOutcomeUnknown):
		l.detail("hint: the request may have been processed; list the user's submissions to find out")
	case errors.Is(err, argos.ErrValidation):
		l.detail("hint: the SDK refused the input before sending anything")
	case errors.As(err, &apiErr) && apiErr.StatusCode < 500:
		l.detail("hint: that is Argos' answer; the bundled images are drawings, which the real API may refuse")
	}
}

// scores formats the scores Argos reported; an absent score is left out
// (absent is not 0).
func scores(face, liveness *float64) string {
	var parts []string
	if face != nil {
		parts = append(parts, fmt.Sprintf("face similarity %g", *face))
	}
	if liveness != nil {
		parts = append(parts, fmt.Sprintf("liveness %g", *liveness))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func created(s *argos.Submission) string {
	t, err := s.Created()
	if err != nil {
		return orDash(s.CreatedAt)
	}
	return t.Format("2006-01-02 15:04:05 UTC")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
