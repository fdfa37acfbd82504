package argos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// MaxWebhookBody is the largest webhook body NewWebhookHandler reads
// (1 MiB); a larger one is answered 413. The documented payloads are a few
// KiB.
const MaxWebhookBody = 1 << 20

// WebhookOption configures ParseWebhook and NewWebhookHandler.
type WebhookOption func(*webhookConfig)

// webhookConfig is what the WebhookOptions set. err is the first invalid
// option: ParseWebhook returns it and the handler answers 500 to every
// request (WebhookOption cannot return an error).
type webhookConfig struct {
	key     string
	logger  *slog.Logger
	confirm *Client
	err     error
}

// newWebhookConfig applies every option, even after an invalid one, so that
// a logger given after it still logs why the handler fails; it returns the
// first invalid option's error.
func newWebhookConfig(opts []WebhookOption) (*webhookConfig, error) {
	cfg := &webhookConfig{logger: slog.New(slog.DiscardHandler)}
	for i, opt := range opts {
		if opt == nil {
			cfg.fail(fmt.Sprintf("webhook option %d", i), "is nil")
			continue
		}
		opt(cfg)
	}
	return cfg, cfg.err
}

func (cfg *webhookConfig) fail(field, reason string) {
	if cfg.err == nil {
		cfg.err = &ValidationError{Field: field, Reason: reason}
	}
}

// WithWebhookKey decrypts encrypted webhook bodies ({"data": "<Base64>"},
// sent when the project's Secure Data Transmission option covers webhooks)
// with apiKey, the project's API key, as DecryptPayload does. With it, a
// body that is not encrypted is refused: only a sender who knows the key can
// produce a body that decrypts to JSON. That is not a signature (the
// vendor's AES-ECB has no integrity check and lets blocks of captured bodies
// be rearranged), so still confirm decisions with GetSubmission.
//
// Argos docs: https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/data-encryption-decryption-options-example
func WithWebhookKey(apiKey string) WebhookOption {
	return func(cfg *webhookConfig) {
		if apiKey == "" {
			cfg.fail("webhook key", "is empty")
			return
		}
		cfg.key = apiKey
	}
}

// WithWebhookLogger makes NewWebhookHandler log one record per request:
// trigger (a documented one, else "unknown"), HTTP status, outcome and
// duration, and for a request that failed in the SDK (a refused body, a
// body that does not decrypt, a failed confirmation, an invalid option) its
// cause as "error": the SDK's error text, which says which rule or call
// failed and holds no body, personal data or key. It never logs the body,
// the event's fields, fn's error text or the request URL (which may carry
// your secret path). It takes effect wherever it stands among the options.
// ParseWebhook ignores it.
func WithWebhookLogger(l *slog.Logger) WebhookOption {
	return func(cfg *webhookConfig) {
		if l == nil {
			cfg.fail("webhook logger", "is nil")
			return
		}
		cfg.logger = l
	}
}

// WithConfirm makes NewWebhookHandler look each event's submission up with
// client.GetSubmission before calling fn, so fn acts on what Argos stores,
// not on what the request claims: the event's Confirmed is the API's answer,
// and every field fn may act on is taken from it — Status (kyc.result),
// UserID, Email, ApplicantID, TokenID, CF1–CF3, the person's data (names,
// date of birth, ID document, IP address), the kyc timestamps, reviewer and
// comments, Attempts (the number of kyc.attempts), AdditionalList and the AML
// result. A field the submission does not carry (RetryCode, FullNameEN,
// AMLRecords, the details of "updated" and "delete" events) is left empty.
// The sender's claims remain only in Raw. Base decisions on Status or
// Confirmed, never on Trigger, which stays as sent.
//
// An event that cannot be confirmed reaches fn with Confirmed nil and no
// status (Status ""), whatever its kyc_result claims: a "delete" event (the
// submission is gone), a "token_expired" event (it is about a token), and an
// event without a submission_id sent as a JSON string. So with WithConfirm a
// Status that is not "" is always the API's. When the look-up fails (not
// found included) the handler answers 500 without calling fn, so Argos may
// send the event again.
//
// Each request then costs one API call, so an attacker who finds the
// endpoint can spend your rate limit: put the handler behind a secret path
// (see the package example) and check it first. ParseWebhook ignores this
// option.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/network-security/webhook
func WithConfirm(client *Client) WebhookOption {
	return func(cfg *webhookConfig) {
		if client == nil {
			cfg.fail("confirm client", "is nil")
			return
		}
		cfg.confirm = client
	}
}

// NewWebhookHandler returns an http.Handler for the webhook URL set in the
// Argos dashboard. For each request it:
//
//   - answers 405 (with Allow: POST) to any method but POST;
//   - answers 413 to a body over MaxWebhookBody;
//   - answers 400 to a body ParseWebhook refuses, without calling fn;
//   - with WithConfirm, looks the submission up (see WithConfirm) and
//     answers 500 if that fails, without calling fn;
//   - calls fn with the request's context and the event, and answers 500
//     when fn returns an error (so Argos may send the event again) and 200
//     otherwise.
//
// fn runs before the answer is sent, and Argos' delivery timeout is not
// documented: keep fn short (store the event, queue the work) and make it
// idempotent, since an event may arrive more than once. An invalid option
// (an empty key, a nil logger or client) or a nil fn makes every request
// fail with 500.
//
// Argos documents no signature or other way to authenticate a webhook: a
// request to this handler may come from anyone who knows the URL. Use a
// secret URL path or query token compared in constant time, and confirm any
// decision that matters with GetSubmission (or WithConfirm) before acting on
// it.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/webhooks/overview
// and https://developers.argosidentity.com/en/idcheck/network-security/webhook
func NewWebhookHandler(fn func(ctx context.Context, e *WebhookEvent) error, opts ...WebhookOption) http.Handler {
	cfg, err := newWebhookConfig(opts)
	if err == nil && fn == nil {
		err = &ValidationError{Field: "webhook handler func", Reason: "is nil"}
	}
	return &webhookHandler{fn: fn, cfg: cfg, err: err}
}

type webhookHandler struct {
	fn  func(context.Context, *WebhookEvent) error
	cfg *webhookConfig
	err error
}

// Outcomes the handler logs.
const (
	outcomeDelivered     = "delivered"
	outcomeMethod        = "method_not_allowed"
	outcomeTooLarge      = "body_too_large"
	outcomeReadFailed    = "read_failed"
	outcomeInvalid       = "invalid_body"
	outcomeConfirmFailed = "confirm_failed"
	outcomeHandlerFailed = "handler_failed"
	outcomeMisconfigured = "misconfigured"
)

func (h *webhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	res := h.serve(w, r)
	if res.status != http.StatusOK {
		http.Error(w, http.StatusText(res.status), res.status)
	} else {
		w.WriteHeader(res.status)
	}
	logTrigger := "unknown"
	if res.trigger.Known() {
		logTrigger = string(res.trigger)
	}
	level := slog.LevelInfo
	if res.status != http.StatusOK {
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{
		slog.String("trigger", logTrigger),
		slog.Int("status", res.status),
		slog.String("outcome", res.outcome),
		slog.Duration("duration", time.Since(start)),
	}
	if res.cause != nil {
		attrs = append(attrs, slog.String("error", res.cause.Error()))
	}
	h.cfg.logger.LogAttrs(r.Context(), level, "argos webhook", attrs...)
}

// served is what the handler did with one request.
type served struct {
	status  int            // the HTTP status to answer with
	outcome string         // one of the outcome constants
	trigger WebhookTrigger // the event's, "" before parsing
	// cause is why the request failed, for the log: an SDK error or one of
	// reading the body, whose text holds no body, personal data or key. nil
	// when fn failed, since fn's error text is the user's and may hold
	// anything.
	cause error
}

// serve handles one request.
func (h *webhookHandler) serve(w http.ResponseWriter, r *http.Request) served {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return served{status: http.StatusMethodNotAllowed, outcome: outcomeMethod}
	}
	if h.err != nil {
		return served{status: http.StatusInternalServerError, outcome: outcomeMisconfigured, cause: h.err}
	}
	if r.ContentLength > MaxWebhookBody {
		return served{status: http.StatusRequestEntityTooLarge, outcome: outcomeTooLarge}
	}
	body, truncated, err := readCapped(r.Body, MaxWebhookBody, r.ContentLength)
	switch {
	case truncated:
		return served{status: http.StatusRequestEntityTooLarge, outcome: outcomeTooLarge}
	case err != nil:
		return served{status: http.StatusBadRequest, outcome: outcomeReadFailed, cause: err}
	}
	parsed, err := h.cfg.parse(body)
	if err != nil {
		return served{status: http.StatusBadRequest, outcome: outcomeInvalid, cause: err}
	}
	ctx := r.Context()
	e, err := h.cfg.confirmEvent(ctx, parsed)
	if err != nil {
		return served{status: http.StatusInternalServerError, outcome: outcomeConfirmFailed, trigger: parsed.event.Trigger, cause: err}
	}
	if err := h.fn(ctx, e); err != nil {
		return served{status: http.StatusInternalServerError, outcome: outcomeHandlerFailed, trigger: e.Trigger}
	}
	return served{status: http.StatusOK, outcome: outcomeDelivered, trigger: e.Trigger}
}

// confirmEvent returns the event fn gets: as parsed without WithConfirm;
// else as the API's copy of the submission tells it (confirmedEvent), or
// with no status when it cannot be confirmed (see WithConfirm).
func (cfg *webhookConfig) confirmEvent(ctx context.Context, w *webhookBody) (*WebhookEvent, error) {
	e := w.event
	if cfg.confirm == nil {
		return e, nil
	}
	if !w.confirmable() {
		e.Status = ""
		return e, nil
	}
	sub, err := cfg.confirm.GetSubmission(ctx, e.SubmissionID)
	if err != nil {
		return nil, err
	}
	if sub.ID != "" && sub.ID != e.SubmissionID {
		return nil, errors.New("argos: confirming a webhook: the API answered with another submission")
	}
	c := confirmedEvent(e, sub)
	if sub.Deleted() {
		// What Argos keeps of a deleted submission: its status is no longer
		// a decision anyone can act on.
		c.Status = ""
	}
	return c, nil
}

// confirmedEvent is e as the API's copy of its submission tells it: every
// field fn may act on comes from sub, the trigger stays as sent, and the
// sender's claims stay only in Raw. A field the submission does not carry
// (RetryCode, FullNameEN, AMLRecords, the details of "updated", "delete" and
// "token_expired" events) is left empty, and so is any field added to
// WebhookEvent later until it is mapped here.
func confirmedEvent(e *WebhookEvent, sub *Submission) *WebhookEvent {
	d := &sub.Data
	aml := readObject(sub.AML, "aml.", new(string)) // the webhook's aml_result names, when the answer uses them
	c := &WebhookEvent{
		Trigger: e.Trigger, SubmissionID: e.SubmissionID, Email: sub.Email, UserID: sub.UserID, TokenID: sub.TokenID,
		ApplicantID: sub.ApplicantID, Status: sub.KYC.Result, CF1: d.CF1, CF2: d.CF2, CF3: d.CF3,

		UpdatedAt: sub.UpdatedAt, CreatedAt: sub.CreatedAt, KYCResultAt: sub.KYCResultAt, PendingAt: sub.PendingAt,
		Reviewer: sub.Reviewer, Comment: sub.KYC.Comment, CommentCode: sub.KYC.CommentCode,

		Attempts: len(sub.KYC.Attempts), IPAddress: d.IPAddress,

		AgeGroup: d.AgeGroup, Gender: d.Gender, DateOfBirth: d.DateOfBirth, Nationality: d.Nationality,
		FullName: firstNonEmpty(d.FullName, d.Name), FirstName: d.FirstName, LastName: d.LastName, IDType: d.IDType,
		IssuingCountry: d.IssuingCountry, IssueDate: d.IssueDate, ExpireDate: d.ExpireDate,
		IdentityNumber: d.IdentityNumber, DocumentNumber: d.DocumentNumber,
		DuplicatedInformation: sub.DuplicatedInformation,

		AMLStatus: aml.str("currentstatus"), AMLRiskLevel: aml.str("risk_level_summary"),

		Confirmed: sub, Raw: e.Raw,
	}
	if len(sub.AdditionalList) > 0 && string(sub.AdditionalList) != "null" {
		c.AdditionalList = append(json.RawMessage(nil), sub.AdditionalList...)
	}
	return c
}

// confirmable reports whether the event names a submission to read: a
// submission_id sent as a JSON string, and a trigger that leaves a
// submission behind (not "delete", and not "token_expired", which is about a
// token).
func (w *webhookBody) confirmable() bool {
	switch w.event.Trigger {
	case WebhookDelete, WebhookTokenExpired:
		return false
	}
	return w.idIsString && w.event.SubmissionID != ""
}
