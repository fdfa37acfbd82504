package argos

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/kycgo/argos/internal/endpoint"
)

// MigrationRequest is the JSON body of POST /submission/migration: a
// submission taken over from another KYC provider, inserted as is (no OCR,
// no face or data verification). Admin (a dashboard admin's email), Email,
// FullName, DateOfBirth (YYYY-MM-DD) and Status (KYCApproved or
// KYCRejected) are required; every other field is optional and sent only
// when set. Images go through UpdateImages afterwards.
//
// IDType is sent as given. The vendor's field table lists the long names
// (IDDriversLicense "drivers_license", …) while its example sends "drvlic"
// from a code list that is not published; the SDK neither requires nor
// translates either form. One version of the page also requires IDType and
// IssuingCountry, the newest does not: the SDK does not require them.
//
// Logging or printing it shows no personal data.
type MigrationRequest struct {
	Admin          string    `json:"admin"`
	Email          string    `json:"email"`
	FullName       string    `json:"fullName"`
	FirstName      string    `json:"firstName,omitempty"`
	LastName       string    `json:"lastName,omitempty"`
	DateOfBirth    string    `json:"birthDate"`
	Status         KYCStatus `json:"kycStatus"`
	IDType         IDType    `json:"idType,omitempty"`
	IssuingCountry string    `json:"issuingCountry,omitempty"` // ISO 3166-1 alpha-3
	Nationality    string    `json:"nationality,omitempty"`    // ISO 3166-1 alpha-3
	Gender         Gender    `json:"gender,omitempty"`
	DateOfIssue    string    `json:"issueDate,omitempty"`
	DateOfExpiry   string    `json:"expireDate,omitempty"`
	IPAddress      string    `json:"ipAddress,omitempty"`
	IdentityNumber string    `json:"identityNumber,omitempty"`
	DocumentNumber string    `json:"documentNumber,omitempty"`
	AddressCity    string    `json:"address_city,omitempty"`
	AddressCountry string    `json:"address_country,omitempty"`
	AddressState   string    `json:"address_state,omitempty"`
	AddressStreet  string    `json:"address_street,omitempty"`
	AddressFull    string    `json:"address_full,omitempty"`
	CF1            string    `json:"cf1,omitempty"`
	CF2            string    `json:"cf2,omitempty"`
	CF3            string    `json:"cf3,omitempty"`
	UserID         string    `json:"userid,omitempty"`
}

// LogValue implements slog.LogValuer without personal data.
func (r MigrationRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("kyc_status", string(r.Status)), slog.String("idType", string(r.IDType)),
		slog.String("issuing_country", r.IssuingCountry))
}

// Format prints a redacted summary for every verb.
func (r MigrationRequest) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.MigrationRequest{KYCStatus:%s IDType:%s IssuingCountry:%s %s}",
		r.Status, r.IDType, r.IssuingCountry, redacted)
}

// MigrationResult is the answer of POST /submission/migration: the new
// submission's ID.
type MigrationResult struct {
	Message      string `json:"message"`
	SubmissionID string `json:"submissionId"` // or submission_id

	answer // Raw
}

// MigrateSubmission inserts a submission from a previous provider without
// verifying it; GetSubmission and ListSubmissions return it afterwards.
//
// It calls POST /submission/migration (JSON), a v3 endpoint
// (https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/post-submission);
// on a /v2 base URL it refuses before sending. Input is checked first: bad
// input is a *ValidationError and nothing is sent. The request is never
// repeated once it may have reached Argos, as a repeat would insert a
// second submission: an error after that point matches ErrOutcomeUnknown
// (list by Email or UserID to see whether it was created). An admin Argos
// does not know is ErrInvalidAdmin.
func (c *Client) MigrateSubmission(ctx context.Context, r *MigrationRequest, opts ...Option) (*MigrationResult, error) {
	c, err := c.begin(endpoint.MigrateSubmission, opts)
	if err != nil {
		return nil, err
	}
	const op = "MigrateSubmission"
	if r == nil {
		return nil, &ValidationError{Field: "MigrationRequest", Reason: "is nil"}
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	cl, err := newJSONCall(endpoint.MigrateSubmission, "", r)
	if err != nil {
		return nil, err
	}
	cp := *r
	cl.outcome = &outcomeInfo{request: &cp}
	var res MigrationResult
	if err := c.doJSON(ctx, cl, &res, false); err != nil {
		return nil, err
	}
	if res.SubmissionID == "" {
		return nil, unexpected(op, "no submissionId field")
	}
	return &res, nil
}

func (r *MigrationRequest) check() error {
	if err := checkID("Admin", r.Admin); err != nil {
		return err
	}
	if err := checkEmail(r.Email); err != nil {
		return err
	}
	if r.FullName == "" {
		return &ValidationError{Field: "FullName", Reason: "is required"}
	}
	if err := checkDate("DateOfBirth", r.DateOfBirth, true); err != nil {
		return err
	}
	if err := checkDecision("Status", r.Status, true); err != nil {
		return err
	}
	if err := checkAlpha3("IssuingCountry", r.IssuingCountry, false); err != nil {
		return err
	}
	if err := checkAlpha3("Nationality", r.Nationality, false); err != nil {
		return err
	}
	if err := checkDates(dateField{"DateOfIssue", r.DateOfIssue}, dateField{"DateOfExpiry", r.DateOfExpiry}); err != nil {
		return err
	}
	return checkTexts(textField{"FullName", r.FullName}, textField{"FirstName", r.FirstName},
		textField{"LastName", r.LastName}, textField{"IDType", string(r.IDType)}, textField{"Gender", string(r.Gender)},
		textField{"IPAddress", r.IPAddress}, textField{"IdentityNumber", r.IdentityNumber},
		textField{"DocumentNumber", r.DocumentNumber}, textField{"AddressCity", r.AddressCity},
		textField{"AddressCountry", r.AddressCountry}, textField{"AddressState", r.AddressState},
		textField{"AddressStreet", r.AddressStreet}, textField{"AddressFull", r.AddressFull},
		textField{"CF1", r.CF1}, textField{"CF2", r.CF2}, textField{"CF3", r.CF3}, textField{"UserID", r.UserID})
}
