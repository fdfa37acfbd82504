package argos

import (
	"encoding/json"
	"errors"
	"strings"
)

// WebhookTrigger is a webhook's event type (webhook_trigger). The set is
// open: a trigger the constants do not name is kept as sent.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/webhooks/overview
// and https://argos-kyc.gitbook.io/client-guide-1/dealing-the-data/webhook-guide
type WebhookTrigger string

// Documented webhook triggers.
const (
	// WebhookCreated: a submission was created (kyc_result.status
	// "incomplete").
	WebhookCreated WebhookTrigger = "created"
	// WebhookRetry: a try failed and the applicant may try again (retryCode,
	// attempts).
	WebhookRetry WebhookTrigger = "retry"
	// WebhookSubmit: the submission became pending. The GitBook guide also
	// says no webhook is sent for the Submit status; handle it if it comes.
	WebhookSubmit WebhookTrigger = "submit"
	// WebhookApproved: the submission was approved.
	WebhookApproved WebhookTrigger = "approved"
	// WebhookRejected: the submission was rejected (kyc_result.comment says
	// why).
	WebhookRejected WebhookTrigger = "rejected"
	// WebhookUpdated: an admin changed the submission in the dashboard
	// (data.update lists the fields, data.kyc_result the status).
	WebhookUpdated WebhookTrigger = "updated"
	// WebhookDelete: the submission was deleted (sent for API deletes that
	// named an admin_name).
	WebhookDelete WebhookTrigger = "delete"
	// WebhookInjection: an additional process (such as an address) was
	// injected into an existing submission. Argos publishes no sample.
	WebhookInjection WebhookTrigger = "injection"
	// WebhookAML: the AML screening of an approved submission finished
	// (aml_result).
	WebhookAML WebhookTrigger = "aml"
	// WebhookAMLMonitor: ongoing AML monitoring found new records.
	WebhookAMLMonitor WebhookTrigger = "aml_monitor"
	// WebhookTokenExpired: a private-mode token expired (expired_condition
	// "count" or "time"); sent only when token expiry is enabled.
	WebhookTokenExpired WebhookTrigger = "token_expired"
)

// Known reports whether t is one of the documented triggers.
func (t WebhookTrigger) Known() bool {
	switch t {
	case WebhookCreated, WebhookRetry, WebhookSubmit, WebhookApproved, WebhookRejected, WebhookUpdated,
		WebhookDelete, WebhookInjection, WebhookAML, WebhookAMLMonitor, WebhookTokenExpired:
		return true
	}
	return false
}

// ErrInvalidWebhook matches every error of ParseWebhook about the body: it
// is not JSON, not a JSON object, has no webhook_trigger, holds a field
// ParseWebhook reads more than once (in any letter case), is encrypted but no
// key was given (WithWebhookKey), is not encrypted although a key was given,
// or does not decrypt (then errors.Is(err, ErrDecrypt) holds too). The error
// says which (naming the repeated field), never what the body held.
var ErrInvalidWebhook = errors.New("argos: invalid webhook")

// invalidWebhook is the error behind ErrInvalidWebhook.
type invalidWebhook struct {
	reason string
	err    error // optional cause
}

func (e *invalidWebhook) Error() string {
	s := "argos: invalid webhook: " + e.reason
	if e.err != nil {
		s += ": " + strings.TrimPrefix(e.err.Error(), "argos: ")
	}
	return s
}

func (e *invalidWebhook) Unwrap() error { return e.err }

func (e *invalidWebhook) Is(target error) bool { return target == ErrInvalidWebhook }

// WebhookEvent is one webhook as Argos sends it. Fields the event does not
// carry are zero: Argos sends only what the submission has (an optional item
// such as cf1 that was never entered is absent), and each trigger carries a
// different set (see the field comments).
//
// A webhook is not authenticated by Argos (no signature is documented), so
// the fields are the sender's word: confirm a decision with GetSubmission,
// or let the handler do it (WithConfirm: the fields then come from the API's
// copy of the submission), before acting on it.
//
// Printing or logging an event shows its trigger, submission ID and status
// only; read the fields for the applicant's data.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/webhooks/overview,
// https://argos-kyc.gitbook.io/client-guide-1/dealing-the-data/webhook-guide
// and the per-event pages such as
// https://developers.argosidentity.com/en/idcheck/webhooks/idcheck-updated
//
//nolint:misspell // "imcomplete" is the vendor's spelling
type WebhookEvent struct {
	Trigger      WebhookTrigger // webhook_trigger, as sent
	SubmissionID string         // submission_id
	Email        string         // email
	UserID       string         // userid
	TokenID      string         // tokenId
	ApplicantID  string         // applicant_id (approved, rejected)
	// Status is kyc_result.status, or data.kyc_result for "updated"; the
	// documented misspelling "imcomplete" reads as KYCIncomplete. "" when
	// the event has none. With WithConfirm it is the API's kyc.result, and
	// "" for an event that cannot be confirmed (see WithConfirm).
	Status        KYCStatus
	CF1, CF2, CF3 string // cf.cf1 … cf.cf3

	// kyc_result details (approved, rejected; PendingAt and Reviewer also
	// from data.* of "updated"). Timestamps are as sent (UTC); see
	// ParseTimestamp.
	UpdatedAt   string       // kyc_result.updated_at, or update_at as one page spells it
	CreatedAt   string       // kyc_result.created_at
	KYCResultAt string       // kyc_result.kyc_result_at
	PendingAt   string       // kyc_result.pending_at or data.pending_at
	Reviewer    string       // kyc_result.reviewer or data.reviewer
	Comment     []string     // kyc_result.comment (rejected: why), or the deletion comment (delete)
	CommentCode []RejectCode // kyc_result.commentCode, if sent

	RetryCode RetryCode // retryCode (created, retry)
	Attempts  int       // attempts (created, retry)
	IPAddress string    // ipAddress

	// Applicant data (approved, rejected, updated), present only when the
	// submission has it.
	AgeGroup       string // age_group
	Gender         Gender // gender
	DateOfBirth    string // date_of_birth
	Nationality    string // nationality
	FullName       string // fullName, or full_name ("updated")
	FullNameEN     string // full_name_en
	FirstName      string // first_name
	LastName       string // last_name
	IDType         IDType // idType
	IssuingCountry string // issuingCountry
	DateOfIssue    string // issueDate
	DateOfExpiry   string // expireDate
	IdentityNumber string // identityNumber
	DocumentNumber string // documentNumber
	// AdditionalList is additional_list as sent (its shape varies by
	// project).
	AdditionalList        json.RawMessage
	DuplicatedInformation string // duplicated_information

	AMLStatus    string             // aml_result.currentstatus ("Not Screened", "Red Flag")
	AMLRiskLevel string             // aml_result.risk_level_summary ("Not Screened", "HIGH", "MEDIUM", "LOW")
	AMLRecords   []WebhookAMLRecord // records (aml_monitor)

	UpdatedFields []string // data.update: the fields an admin changed ("updated")
	Admin         string   // admin: the dashboard admin who changed it ("updated")
	UpdateTime    string   // update_time ("updated")

	AccountEmail string // account_email ("delete")
	DeleteTime   string // delete_time ("delete")

	ExpiredCondition string // expired_condition: "count" or "time" ("token_expired")

	// Confirmed is the submission as GetSubmission returned it when the
	// handler confirmed the event (WithConfirm), and the fields above are
	// then taken from it; nil otherwise.
	Confirmed *Submission

	// Raw is the event's JSON as received (decrypted when the body was
	// encrypted), for the fields above do not cover. With WithConfirm it is
	// the only place the sender's claims remain.
	Raw json.RawMessage
}

// WebhookAMLRecord is one entry of an aml_monitor webhook's records: the
// worklist and record IDs that ongoing AML monitoring's GET endpoint takes.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/webhooks/idcheck-aml-ongoing-result
type WebhookAMLRecord struct {
	RecordID   string // recordId
	WorklistID string // worklistId
	CreatedAt  string // created_at
}

// ParseWebhook decodes a webhook body. It is lenient: numbers sent as
// strings, both spellings of kyc_result.updated_at, the "imcomplete"
// status, unknown fields and unknown triggers (kept as sent, with Raw) never
// fail it. It fails, with an error matching ErrInvalidWebhook, on a body
// that is not a JSON object or has no webhook_trigger.
//
// It reads each field by its exact name, the way the vendor's samples spell
// it ("UserID" is not userid), and refuses a body that holds a field it
// reads more than once in any letter case ({"webhook_trigger": "approved",
// "WEBHOOK_TRIGGER": "delete"}), at the top or inside the objects it reads
// (kyc_result, cf, data, aml_result, records): encoding/json alone would
// match names in any case and keep the last one, so the event would differ
// from what a log or another parser shows of the same body.
//
// A body {"data": "<Base64>"} is encrypted (the project's Secure Data
// Transmission option): WithWebhookKey decrypts it, and with that option a
// body that is not encrypted is refused. Other options are ignored here.
//
// ParseWebhook does not bound the body's size; NewWebhookHandler does.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/webhooks/overview
// and https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/data-encryption-decryption-options-example
//
//nolint:misspell // "imcomplete" is the vendor's spelling
func ParseWebhook(body []byte, opts ...WebhookOption) (*WebhookEvent, error) {
	cfg, err := newWebhookConfig(opts)
	if err != nil {
		return nil, err
	}
	w, err := cfg.parse(body)
	if err != nil {
		return nil, err
	}
	return w.event, nil
}

// parse decodes body, decrypting it with the configured key.
func (cfg *webhookConfig) parse(body []byte) (*webhookBody, error) {
	w, err := decodeWebhook(body)
	if err != nil {
		return nil, err
	}
	switch {
	case w.encrypted && cfg.key == "":
		return nil, &invalidWebhook{reason: `the body is encrypted ({"data": …}): pass WithWebhookKey`}
	case !w.encrypted && cfg.key != "":
		return nil, &invalidWebhook{reason: "the body is not encrypted although WithWebhookKey was given"}
	case w.encrypted:
		plain, err := DecryptPayload(cfg.key, w.ciphertext)
		if err != nil {
			return nil, &invalidWebhook{reason: "encrypted body", err: err}
		}
		body = plain
		if w, err = decodeWebhook(body); err != nil {
			return nil, err
		}
	}
	if w.event.Trigger == "" {
		return nil, &invalidWebhook{reason: "no webhook_trigger"}
	}
	w.event.Raw = append(json.RawMessage(nil), body...)
	return w, nil
}
