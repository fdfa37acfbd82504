package argostest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/kycgo/argos"
)

// WebhookDelivery is one webhook the fake sent (or tried to send), as
// Server.Webhooks lists it.
//
// Printing or logging a delivery shows its trigger, submission ID, status
// and error only: Body and Payload hold the applicant's data.
type WebhookDelivery struct {
	Trigger      argos.WebhookTrigger // webhook_trigger
	SubmissionID string               // submission_id; "" for an event without one
	// Body is the request body as POSTed: the JSON payload, or
	// {"data": "<encrypted payload>"} when the project encrypts webhooks.
	Body []byte
	// Payload is the JSON payload before encryption; the same bytes as Body
	// when webhooks are not encrypted.
	Payload    []byte
	StatusCode int       // the receiver's status; 0 when no response came
	Err        error     // nil exactly when the receiver answered 2xx
	Time       time.Time // when the delivery finished (time.Now, not WithClock)
}

// String returns the trigger, submission ID, status and error only, never
// the body.
func (d WebhookDelivery) String() string {
	s := fmt.Sprintf("%s %s %d", d.Trigger, d.SubmissionID, d.StatusCode)
	if d.Err != nil {
		s += " " + d.Err.Error()
	}
	return s
}

// GoString is String, so %#v does not print the body either.
func (d WebhookDelivery) GoString() string { return "argostest.WebhookDelivery{" + d.String() + "}" }

// Format prints String for every verb.
func (d WebhookDelivery) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, d.String()) }

// LogValue implements slog.LogValuer: trigger, submission ID, status and
// error only.
func (d WebhookDelivery) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("trigger", string(d.Trigger)),
		slog.String("submission_id", d.SubmissionID),
		slog.Int("status", d.StatusCode),
	}
	if d.Err != nil {
		attrs = append(attrs, slog.String("error", d.Err.Error()))
	}
	return slog.GroupValue(attrs...)
}

// webhookDetail is what a transition's webhook carries beyond the
// submission's own state.
type webhookDetail struct {
	RetryCode string   // retry: the reason of the failed try (retryCode)
	Admin     string   // updated: admin; delete: account_email
	Updated   []string // updated: data.update, the fields that changed
	Comment   string   // delete: comment
	// Extra is merged into the payload last, for triggers whose fields the
	// submission does not hold (token_expired: tokenId, expired_condition;
	// aml_monitor: records).
	Extra map[string]any
}

// notify queues the webhook of a transition of s (nil for an event without a
// submission), built from s as it is now. Caller holds fk.mu, and calls it
// after changing s. It does nothing unless a webhook URL is set. Delivery is
// asynchronous and in the order of the notify calls.
func (fk *fake) notify(trigger argos.WebhookTrigger, s *submission, d webhookDetail) {
	fk.notifyAt(trigger, s, d, time.Time{})
}

// notifyAt is notify for a transition that happened at at; a zero at reads
// the clock. Caller holds fk.mu.
func (fk *fake) notifyAt(trigger argos.WebhookTrigger, s *submission, d webhookDetail, at time.Time) {
	if !fk.hooks.enabled() {
		return
	}
	if at.IsZero() {
		at = fk.now()
	}
	payload := webhookPayload(trigger, s, d, at)
	id := ""
	if s != nil {
		id = s.id
	}
	fk.hooks.enqueue(trigger, id, payload, fk.cfg.secure, fk.cfg.apiKey)
}

// notifyDecision queues the webhooks of a submission whose Step 2, review or
// timer has just decided, at at (zero: read the clock): submit (pending),
// rejected, or approved followed by aml (the fake's project has AML
// screening on, and screening follows every approval). A decided submission
// uses up the private-mode token it was made with: token_expired
// (expired_condition "count") follows. Caller holds fk.mu.
func (fk *fake) notifyDecision(s *submission, at time.Time) {
	switch s.result {
	case resultPending:
		fk.notifyAt(argos.WebhookSubmit, s, webhookDetail{}, at)
	case resultRejected:
		fk.notifyAt(argos.WebhookRejected, s, webhookDetail{}, at)
	case resultApproved:
		fk.notifyAt(argos.WebhookApproved, s, webhookDetail{}, at)
		fk.notifyAt(argos.WebhookAML, s, webhookDetail{}, at)
	}
	if s.tokenID != "" && s.result != resultIncomplete {
		if at.IsZero() {
			at = s.updated
		}
		fk.expireToken(s.tokenID, "count", at)
	}
}

// webhookPayload builds the JSON of a webhook in the shapes of the vendor's
// samples (https://developers.argosidentity.com/en/idcheck/webhooks/overview
// and the pages it links). Like the real service it leaves out what the
// submission does not have.
func webhookPayload(trigger argos.WebhookTrigger, s *submission, d webhookDetail, now time.Time) []byte {
	p := obj{"webhook_trigger": string(trigger)}
	if s != nil {
		p.set("submission_id", s.id)
		switch trigger {
		case argos.WebhookCreated, argos.WebhookRetry:
			s.creationFields(p, trigger, d)
		case argos.WebhookSubmit, argos.WebhookApproved, argos.WebhookRejected:
			s.decisionFields(p)
		case argos.WebhookAML:
			s.amlFields(p)
		case argos.WebhookUpdated:
			s.updatedFields(p, d, now)
		case argos.WebhookDelete:
			p.set("account_email", d.Admin)
			p.set("delete_time", fmtTime(now))
			p.set("comment", d.Comment)
		default:
			p.set("email", s.email)
			p.set("userid", s.userID)
			p.set("cf", s.cfObject())
		}
	}
	for k, v := range d.Extra {
		p[k] = v
	}
	b, err := json.Marshal(p)
	if err != nil {
		// Only a caller's Extra can fail to marshal; send what is certain.
		b, _ = json.Marshal(obj{"webhook_trigger": string(trigger), "submission_id": p["submission_id"]})
	}
	return b
}

// obj is a JSON object under construction.
type obj map[string]any

// set adds k unless v is empty: webhooks carry only what the submission
// has.
func (o obj) set(k string, v any) {
	switch v := v.(type) {
	case string:
		if v == "" {
			return
		}
	case []string:
		if len(v) == 0 {
			return
		}
	case obj:
		if len(v) == 0 {
			return
		}
	}
	o[k] = v
}

// cfObject is the cf object: only the custom fields that were sent.
func (s *submission) cfObject() obj {
	cf := obj{}
	for i, v := range s.cf {
		cf.set(fmt.Sprintf("cf%d", i+1), v)
	}
	return cf
}

// creationFields are those of "created" and "retry" (the vendor's "Create
// and Retry" page).
func (s *submission) creationFields(p obj, trigger argos.WebhookTrigger, d webhookDetail) {
	p.set("kyc_result", obj{"status": s.result})
	p.set("cf", s.cfObject())
	p.set("userid", s.userID)
	p.set("tokenId", s.tokenID)
	p.set("ipAddress", maskIP(s.ip))
	if d.RetryCode != "" {
		p.set("retryCode", d.RetryCode)
		p["attempts"] = s.retryCount
	}
}

// decisionFields are those of "submit", "approved" and "rejected" (the
// GitBook guide's "KYC Status Change" table).
func (s *submission) decisionFields(p obj) {
	kyc := obj{}
	kyc.set("status", s.result)
	kyc.set("updated_at", fmtTime(s.updated))
	kyc.set("created_at", fmtTime(s.created))
	kyc.set("kyc_result_at", fmtTime(s.resultAt))
	kyc.set("pending_at", fmtTime(s.pendingAt))
	kyc.set("reviewer", cmp.Or(s.reviewer, "system"))
	if s.result == resultRejected {
		kyc.set("comment", s.comment)
		kyc.set("commentCode", s.commentCode)
	}
	p.set("kyc_result", kyc)
	p.set("applicant_id", s.applicantID)
	p.set("email", s.email)
	p.set("tokenId", s.tokenID)
	p.set("cf", s.cfObject())
	p.set("userid", s.userID)
	s.personFields(p)
	p.set("ipAddress", maskIP(s.ip))
	p.set("fullName", s.fullName())
	p.set("idType", s.idType)
	p.set("issuingCountry", s.issuingCountry)
	issue := s.issueDate
	if issue == "" {
		issue = s.ocr.IssueDate
	}
	p.set("issueDate", issue)
	p.set("expireDate", s.expiryDate)
	if s.identityNumber != "" {
		p.set("identityNumber", maskID(s.identityNumber))
	}
	p.set("documentNumber", s.documentNumber)
}

// personFields are gender, date_of_birth and nationality, which status
// webhooks carry when the submission has them.
func (s *submission) personFields(p obj) {
	p.set("gender", s.renderGender())
	p.set("date_of_birth", s.renderDOB())
	p.set("nationality", s.renderNationality())
}

// amlFields are those of "aml" (developers version, with
// duplicated_information).
func (s *submission) amlFields(p obj) {
	p.set("duplicated_information", s.dupInfo)
	p.set("email", s.email)
	p.set("userid", s.userID)
	p.set("cf", s.cfObject())
	aml := obj{"currentstatus": "Not Screened", "risk_level_summary": "Not Screened"}
	if s.aml != nil {
		aml = obj{"currentstatus": s.aml.status, "risk_level_summary": s.aml.risk}
	}
	p.set("aml_result", aml)
	p.set("tokenId", s.tokenID)
}

// updatedFields are those of "updated": d.Updated lists the changed fields
// and d.Admin who changed them.
func (s *submission) updatedFields(p obj, d webhookDetail, now time.Time) {
	p.set("duplicated_information", s.dupInfo)
	p.set("email", s.email)
	data := obj{"update": append([]string{}, d.Updated...), "kyc_result": s.result}
	data.set("pending_at", fmtTime(s.pendingAt))
	data.set("reviewer", d.Admin)
	p.set("data", data)
	p.set("admin", d.Admin)
	p.set("update_time", fmtTime(now))
	s.personFields(p)
	name := s.fullName()
	p.set("full_name", name)
	if i := strings.LastIndexByte(name, ' '); i > 0 {
		p.set("first_name", name[:i])
		p.set("last_name", name[i+1:])
	}
	p.set("userid", s.userID)
}
