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

// WebhookOption configures ParseWebhook and NewWebhookHandler. An invalid
// option (an empty key, a nil logger or client) is an error of the call it
// is given to, never a failure of every webhook later.
type WebhookOption func(*webhookConfig) error

// webhookConfig is what the WebhookOptions set.
type webhookConfig struct {
	key     string
	logger  *slog.Logger
	confirm *Client
}

func newWebhookConfig(opts []WebhookOption) (*webhookConfig, error) {
	cfg := &webhookConfig{logger: slog.New(slog.DiscardHandler)}
	for i, opt := range opts {
		if opt == nil {
			return nil, &ValidationError{Field: fmt.Sprintf("webhook option %d", i), Reason: "is nil"}
		}
		if err := opt(cfg); err != nil {
			return nil, err
		}
	}
	return cfg, nil
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
	return func(cfg *webhookConfig) error {
		if apiKey == "" {
			return &ValidationError{Field: "webhook key", Reason: "is empty"}
		}
		cfg.key = apiKey
		return nil
	}
}

// WithWebhookLogger makes NewWebhookHandler log one record per request:
// trigger (a documented one, else "unknown"), HTTP status, outcome and
// duration. It never logs the body, the event's fields, fn's error text or
// the request URL (which may carry your secret path). ParseWebhook ignores
// it.
func WithWebhookLogger(l *slog.Logger) WebhookOption {
	return func(cfg *webhookConfig) error {
		if l == nil {
			return &ValidationError{Field: "webhook logger", Reason: "is nil"}
		}
		cfg.logger = l
		return nil
	}
}

// WithConfirm makes NewWebhookHandler look each event's submission up with
// client.GetSubmission before calling fn: the event's Confirmed is the API's
// answer and its Status is replaced by the API's kyc.result, so fn acts on
// what Argos stores, not on what the request claims. Base decisions on
// Status or Confirmed, never on Trigger, which stays as sent.
//
// Events without a submission ID and "delete" events (the submission is
// gone) are passed on unconfirmed, with Confirmed nil. When the look-up
// fails (not found included) the handler answers 500 without calling fn, so
// Argos may send the event again.
//
// Each request then costs one API call, so an attacker who finds the
// endpoint can spend your rate limit: put the handler behind a secret path
// (see the package example) and check it first. ParseWebhook ignores this
// option.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/network-security/webhook
func WithConfirm(client *Client) WebhookOption {
	return func(cfg *webhookConfig) error {
		if client == nil {
			return &ValidationError{Field: "confirm client", Reason: "is nil"}
		}
		cfg.confirm = client
		return nil
	}
}

// NewWebhookHandler returns the handler for the webhook URL set in the Argos
// dashboard. A nil fn or an invalid option (an empty key, a nil logger or
// client) is a *ValidationError here, so that a misconfigured service fails
// at start rather than answering 500 to webhooks Argos does not resend. For
// each request the handler:
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
// idempotent, since an event may arrive more than once.
//
// Argos documents no signature or other way to authenticate a webhook: a
// request to this handler may come from anyone who knows the URL. Use a
// secret URL path or query token compared in constant time, and confirm any
// decision that matters with GetSubmission (or WithConfirm) before acting on
// it.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/webhooks/overview
// and https://developers.argosidentity.com/en/idcheck/network-security/webhook
func NewWebhookHandler(fn func(ctx context.Context, e *WebhookEvent) error, opts ...WebhookOption) (*WebhookHandler, error) {
	if fn == nil {
		return nil, &ValidationError{Field: "webhook handler func", Reason: "is nil"}
	}
	cfg, err := newWebhookConfig(opts)
	if err != nil {
		return nil, err
	}
	return &WebhookHandler{fn: fn, cfg: cfg}, nil
}

// WebhookHandler is the http.Handler NewWebhookHandler returns. A
// WebhookHandler that NewWebhookHandler did not make answers 500 to every
// request.
type WebhookHandler struct {
	fn  func(context.Context, *WebhookEvent) error
	cfg *webhookConfig
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

// ServeHTTP handles one webhook request (see NewWebhookHandler).
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
	if h.cfg == nil {
		return // not made by NewWebhookHandler: no logger
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
func (h *WebhookHandler) serve(w http.ResponseWriter, r *http.Request) served {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return served{status: http.StatusMethodNotAllowed, outcome: outcomeMethod}
	}
	if h.fn == nil || h.cfg == nil {
		return served{status: http.StatusInternalServerError, outcome: outcomeMisconfigured,
			cause: errors.New("argos: the WebhookHandler was not made by NewWebhookHandler")}
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
		ApplicantID: sub.ApplicantID, Status: sub.KYC.Status, CF1: d.CF1, CF2: d.CF2, CF3: d.CF3,

		UpdatedAt: sub.UpdatedAt, CreatedAt: sub.CreatedAt, KYCResultAt: sub.KYCResultAt, PendingAt: sub.PendingAt,
		Reviewer: sub.Reviewer, Comment: sub.KYC.Comment, CommentCode: sub.KYC.CommentCode,

		Attempts: len(sub.KYC.Attempts), IPAddress: d.IPAddress,

		AgeGroup: d.AgeGroup, Gender: d.Gender, DateOfBirth: d.DateOfBirth, Nationality: d.Nationality,
		FullName: firstNonEmpty(d.FullName, d.Name), FirstName: d.FirstName, LastName: d.LastName, IDType: d.IDType,
		IssuingCountry: d.IssuingCountry, DateOfIssue: d.DateOfIssue, DateOfExpiry: d.DateOfExpiry,
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
