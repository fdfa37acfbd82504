package main

import (
	"encoding/json"
	"time"

	"github.com/kycgo/argos"
)

// eventLine is how "webhooks listen" prints one argos.WebhookEvent: the
// webhook's own field names, with those of kyc_result, aml_result and cf
// lifted to the top level (kyc_result.status is "status",
// aml_result.currentstatus "currentstatus", data.update "update"), fields
// the event does not carry left out, and received_at added.
//
// Unless --show-pii is given, the applicant's personal data is masked as in
// the other commands (emails, names, birth date, ID and document numbers,
// dates of the ID, IP address, duplicated_information), and additional_list
// and raw (the whole body as received, decrypted), which may hold anything,
// are left out. The submission ID, user ID, token ID, statuses, custom
// fields and the rest stay.
type eventLine struct {
	ReceivedAt   string               `json:"received_at"`
	Trigger      argos.WebhookTrigger `json:"webhook_trigger"`
	SubmissionID string               `json:"submission_id,omitempty"`
	Status       argos.KYCStatus      `json:"status,omitempty"`
	Email        string               `json:"email,omitempty"`
	UserID       string               `json:"userid,omitempty"`
	TokenID      string               `json:"tokenId,omitempty"`
	ApplicantID  string               `json:"applicant_id,omitempty"`
	CF1          string               `json:"cf1,omitempty"`
	CF2          string               `json:"cf2,omitempty"`
	CF3          string               `json:"cf3,omitempty"`

	UpdatedAt   string             `json:"updated_at,omitempty"`
	CreatedAt   string             `json:"created_at,omitempty"`
	KYCResultAt string             `json:"kyc_result_at,omitempty"`
	PendingAt   string             `json:"pending_at,omitempty"`
	Reviewer    string             `json:"reviewer,omitempty"`
	Comment     []string           `json:"comment,omitempty"`
	CommentCode []argos.RejectCode `json:"commentCode,omitempty"`

	RetryCode argos.RetryCode `json:"retryCode,omitempty"`
	Attempts  int             `json:"attempts,omitempty"`
	IPAddress string          `json:"ipAddress,omitempty"`

	AgeGroup              string          `json:"age_group,omitempty"`
	Gender                argos.Gender    `json:"gender,omitempty"`
	DateOfBirth           string          `json:"date_of_birth,omitempty"`
	Nationality           string          `json:"nationality,omitempty"`
	FullName              string          `json:"fullName,omitempty"`
	FullNameEN            string          `json:"full_name_en,omitempty"`
	FirstName             string          `json:"first_name,omitempty"`
	LastName              string          `json:"last_name,omitempty"`
	IDType                argos.IDType    `json:"idType,omitempty"`
	IssuingCountry        string          `json:"issuingCountry,omitempty"`
	IssueDate             string          `json:"issueDate,omitempty"`
	ExpireDate            string          `json:"expireDate,omitempty"`
	IdentityNumber        string          `json:"identityNumber,omitempty"`
	DocumentNumber        string          `json:"documentNumber,omitempty"`
	AdditionalList        json.RawMessage `json:"additional_list,omitempty"`
	DuplicatedInformation string          `json:"duplicated_information,omitempty"`

	AMLStatus    string          `json:"currentstatus,omitempty"`
	AMLRiskLevel string          `json:"risk_level_summary,omitempty"`
	AMLRecords   []amlRecordLine `json:"records,omitempty"`

	UpdatedFields    []string `json:"update,omitempty"`
	Admin            string   `json:"admin,omitempty"`
	UpdateTime       string   `json:"update_time,omitempty"`
	AccountEmail     string   `json:"account_email,omitempty"`
	DeleteTime       string   `json:"delete_time,omitempty"`
	ExpiredCondition string   `json:"expired_condition,omitempty"`

	Raw json.RawMessage `json:"raw,omitempty"`

	// With --forward-to: the receiver's status, or why it has none.
	ForwardStatus int    `json:"forward_status,omitempty"`
	ForwardError  string `json:"forward_error,omitempty"`
}

// amlRecordLine is one of an aml_monitor event's records.
type amlRecordLine struct {
	RecordID   string `json:"recordId,omitempty"`
	WorklistID string `json:"worklistId,omitempty"`
	CreatedAt  string `json:"created_at,omitempty"`
}

// receivedAtLayout is received_at's format: UTC to the millisecond, like
// the API's own timestamps.
const receivedAtLayout = "2006-01-02T15:04:05.000Z07:00"

// newEventLine returns e as printed, masked unless showPII.
func newEventLine(e *argos.WebhookEvent, received time.Time, showPII bool) *eventLine {
	l := &eventLine{
		ReceivedAt: received.UTC().Format(receivedAtLayout), Trigger: e.Trigger, SubmissionID: e.SubmissionID,
		Status: e.Status, Email: e.Email, UserID: e.UserID, TokenID: e.TokenID, ApplicantID: e.ApplicantID,
		CF1: e.CF1, CF2: e.CF2, CF3: e.CF3,
		UpdatedAt: e.UpdatedAt, CreatedAt: e.CreatedAt, KYCResultAt: e.KYCResultAt, PendingAt: e.PendingAt,
		Reviewer: e.Reviewer, Comment: e.Comment, CommentCode: e.CommentCode,
		RetryCode: e.RetryCode, Attempts: e.Attempts, IPAddress: e.IPAddress,
		AgeGroup: e.AgeGroup, Gender: e.Gender, DateOfBirth: e.DateOfBirth, Nationality: e.Nationality,
		FullName: e.FullName, FullNameEN: e.FullNameEN, FirstName: e.FirstName, LastName: e.LastName,
		IDType: e.IDType, IssuingCountry: e.IssuingCountry, IssueDate: e.DateOfIssue, ExpireDate: e.DateOfExpiry,
		IdentityNumber: e.IdentityNumber, DocumentNumber: e.DocumentNumber, AdditionalList: e.AdditionalList,
		DuplicatedInformation: e.DuplicatedInformation,
		AMLStatus:             e.AMLStatus, AMLRiskLevel: e.AMLRiskLevel,
		UpdatedFields: e.UpdatedFields, Admin: e.Admin, UpdateTime: e.UpdateTime,
		AccountEmail: e.AccountEmail, DeleteTime: e.DeleteTime, ExpiredCondition: e.ExpiredCondition,
		Raw: e.Raw,
	}
	for _, r := range e.AMLRecords {
		l.AMLRecords = append(l.AMLRecords, amlRecordLine{RecordID: r.RecordID, WorklistID: r.WorklistID, CreatedAt: r.CreatedAt})
	}
	if !showPII {
		l.mask()
	}
	return l
}

// mask masks the personal data and drops what may hold more.
func (l *eventLine) mask() {
	l.Email = mask(piiEmail, l.Email)
	l.AccountEmail = mask(piiEmail, l.AccountEmail)
	for _, p := range []*string{&l.FullName, &l.FullNameEN, &l.FirstName, &l.LastName} {
		*p = mask(piiName, *p)
	}
	l.DateOfBirth = mask(piiDate, l.DateOfBirth)
	for _, p := range []*string{&l.IPAddress, &l.IssueDate, &l.ExpireDate, &l.IdentityNumber, &l.DocumentNumber, &l.DuplicatedInformation} {
		*p = mask(piiSecret, *p)
	}
	l.AdditionalList, l.Raw = nil, nil
}
