package argos

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/kycgo/argos/internal/endpoint"
)

// Step1Request is the multipart form of POST /submission/step1.
// IssuingCountry, Email, IDType and IDImage are required.
//
// Logging or printing it shows no personal data.
type Step1Request struct {
	// IssuingCountry is the ISO 3166-1 alpha-3 code of the issuing country
	// ("USA", "KOR").
	IssuingCountry string
	Email          string
	// IDType is one of the ID… constants (sent as given).
	IDType IDType
	// IDImage is the front of the ID; IDBackImage the back (optional).
	IDImage, IDBackImage *File
	// SubmissionID retries Step 1 within an existing submission (the
	// submissionId of a failed Step 1 answer). Retries count towards
	// MaxAttempts.
	SubmissionID string
	UserID       string
	CF1          string
	CF2          string
	CF3          string
	// CustomOptions overrides project options for this submission (for
	// example {"approvePeriod": false}); it is sent as a JSON string.
	CustomOptions map[string]any
}

// LogValue implements slog.LogValuer without personal data.
func (r Step1Request) LogValue() slog.Value {
	return slog.GroupValue(slog.String("idType", string(r.IDType)), slog.Bool("retry", r.SubmissionID != ""),
		slog.Bool("back_image", r.IDBackImage != nil))
}

// Format prints a redacted summary for every verb.
func (r Step1Request) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.Step1Request{IDType:%s Retry:%t %s}", r.IDType, r.SubmissionID != "", redacted)
}

// OCRData is the OCR result Step 1 returns for the applicant to review
// (reviewOCRData). Fields the docs do not name are kept in Other under
// their wire names. It is redacted when logged or printed.
type OCRData struct {
	Name         string            `json:"ocr_name"`
	Gender       string            `json:"ocr_gender"`
	Nationality  string            `json:"ocr_nationality"`
	DateOfBirth  string            `json:"ocr_birthDate"`
	DateOfIssue  string            `json:"ocr_issueDate"`
	DateOfExpiry string            `json:"ocr_expireDate"`
	Other        map[string]string `json:",unknown"`
}

// LogValue implements slog.LogValuer: "[REDACTED]".
func (OCRData) LogValue() slog.Value { return slog.StringValue(redacted) }

// Format prints "[REDACTED]" for every verb.
func (OCRData) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// RetryReason says why a try failed and can be retried.
type RetryReason struct {
	Code    RetryCode `json:"retryCode"`
	Message string    `json:"retryMsg"`
}

// Step1Result is the answer of POST /submission/step1. A failed Step 1
// that may be retried carries Retry reasons, RetryCount and Status.
type Step1Result struct {
	SubmissionID  string    `json:"submissionId"` // the vendor's sample spells it Submissionid
	ReviewOCRData OCRData   `json:"reviewOCRData"`
	FileUpload    bool      `json:"file_upload"` // "true" in the vendor's sample
	Status        KYCStatus `json:"kycStatus"`
	RetryCount    int       `json:"retryCount"`
	// Retry says why the try failed, when Argos says. It is empty on
	// success, and may be empty when CanRetry is true too (an incomplete
	// answer with tries left need not carry a reason): check its length
	// before reading an element.
	Retry []RetryReason `json:"retry"`

	answer // Raw
}

// LogValue implements slog.LogValuer without the OCR data.
func (r Step1Result) LogValue() slog.Value {
	return slog.GroupValue(slog.String("submission_id", r.SubmissionID), slog.Bool("file_upload", r.FileUpload),
		slog.String("kyc_status", string(r.Status)), slog.Int("retry_count", r.RetryCount))
}

// Format prints a redacted summary for every verb.
func (r Step1Result) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.Step1Result{SubmissionID:%s FileUpload:%t KYCStatus:%s RetryCount:%d ReviewOCRData:%s}",
		r.SubmissionID, r.FileUpload, r.Status, r.RetryCount, redacted)
}

// RetriesLeft is how many more tries the submission gets: MaxAttempts minus
// RetryCount (Step 1 and Step 2 tries share the count), between 0 and
// MaxAttempts whatever the server sent.
func (r *Step1Result) RetriesLeft() int { return retriesLeft(r.RetryCount) }

// CanRetry reports whether Step 1 failed and may be sent again with
// SubmissionID set to this answer's SubmissionID. Step2Result.CanRetry
// answers the same question the same way.
func (r *Step1Result) CanRetry() bool { return mayRetry(r.Status, r.Retry, r.RetryCount) }

// Step2Request returns the Step 2 request for this submission, with the
// OCR data Step 1 read prefilled: the applicant must confirm or correct
// each value (Argos compares them with the ID) before it is sent. face is
// the selfie. Fields OCR did not read are left empty; a gender other than
// the documented values is left out rather than guessed.
func (r *Step1Result) Step2Request(face *File) *Step2Request {
	o := r.ReviewOCRData
	req := &Step2Request{
		SubmissionID: r.SubmissionID, FaceImage: face, Name: o.Name, DateOfBirth: o.DateOfBirth,
		Nationality: o.Nationality, DateOfIssue: o.DateOfIssue, DateOfExpiry: o.DateOfExpiry,
		IdentityNumber: o.Other["ocr_identityNumber"], DocumentNumber: o.Other["ocr_documentNumber"],
		LicenseNumber: o.Other["ocr_licenseNumber"], SerialNumber: o.Other["ocr_serialNumber"],
	}
	switch strings.ToLower(strings.TrimSpace(o.Gender)) {
	case "male", "m":
		req.Gender = GenderMale
	case "female", "f":
		req.Gender = GenderFemale
	}
	return req
}

// retriesLeft is MaxAttempts minus the tries used, within 0..MaxAttempts.
func retriesLeft(retryCount int) int { return min(max(MaxAttempts-retryCount, 0), MaxAttempts) }

// mayRetry is the one answer Step 1 and Step 2 give to "may I send it
// again": the try failed (status incomplete, or no status but retry
// reasons), the submission is not decided, and tries remain.
func mayRetry(status KYCStatus, reasons []RetryReason, retryCount int) bool {
	if retriesLeft(retryCount) == 0 {
		return false
	}
	return status == KYCIncomplete || (status == "" && len(reasons) > 0)
}

// SubmitStep1 starts a submission from an ID image: Argos reads the ID and
// returns the OCR data for the applicant to confirm in Step 2.
//
// It calls POST /submission/step1 (multipart). Input is checked first;
// bad input is a *ValidationError and nothing is sent. The request is never
// repeated once it may have reached Argos: an error after that point
// matches ErrOutcomeUnknown.
//
// Argos docs: https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/submit-via-api/post-submission-step-1
func (c *Client) SubmitStep1(ctx context.Context, r *Step1Request, opts ...Option) (*Step1Result, error) {
	c, err := c.begin(endpoint.SubmitStep1, opts)
	if err != nil {
		return nil, err
	}
	const op = "SubmitStep1"
	if r == nil {
		return nil, &ValidationError{Field: "Step1Request", Reason: "is nil"}
	}
	if err := checkAlpha3("IssuingCountry", r.IssuingCountry, true); err != nil {
		return nil, err
	}
	if err := checkEmail(r.Email); err != nil {
		return nil, err
	}
	if r.IDType == "" {
		return nil, &ValidationError{Field: "IDType", Reason: "is required"}
	}
	asked := r
	r, token, err := c.correlate(r) // WithCorrelationField: r with the token (outcome.go)
	if err != nil {
		return nil, err
	}
	var options string
	if r.CustomOptions != nil {
		b, err := json.Marshal(r.CustomOptions)
		if err != nil {
			return nil, &ValidationError{Field: "CustomOptions", Reason: "cannot be encoded as JSON"}
		}
		options = string(b)
	}
	fb := newFormBuilder()
	fb.text("issuingCountry", r.IssuingCountry)
	fb.text("email", r.Email)
	fb.text("idType", string(r.IDType))
	fb.text("submissionId", r.SubmissionID)
	fb.text("userid", r.UserID)
	fb.text("cf1", r.CF1)
	fb.text("cf2", r.CF2)
	fb.text("cf3", r.CF3)
	fb.text("customOptions", options)
	fb.file("idImage", "IDImage", r.IDImage, true)
	fb.file("idBackImage", "IDBackImage", r.IDBackImage, false)
	if fb.err != nil {
		return nil, fb.err
	}
	cl := fb.call(endpoint.SubmitStep1)
	cl.outcome = step1Outcome(asked, c.correlation, token)
	var resp Step1Result
	if err := c.doJSON(ctx, cl, &resp, false); err != nil {
		return nil, err
	}
	if resp.SubmissionID == "" {
		return nil, unexpected(op, "no submissionId field")
	}
	return &resp, nil
}

// Step2Request is the multipart form of POST /submission/step2.
// SubmissionID, FaceImage, Name and DateOfBirth are required; which of the
// others Argos needs depends on the ID and the project's options.
//
// Logging or printing it shows no personal data.
type Step2Request struct {
	SubmissionID string
	// FaceImage is the selfie: exactly one face.
	FaceImage *File
	// Name is the full name as the applicant confirmed it.
	Name string
	// DateOfBirth, DateOfIssue and DateOfExpiry are YYYY-MM-DD.
	DateOfBirth  string
	Gender       Gender
	Nationality  string // ISO 3166-1 alpha-3
	DateOfIssue  string
	DateOfExpiry string
	// IdentityNumber (Korean photo IDs), LicenseNumber (Korean driver's
	// licences), DocumentNumber and SerialNumber feed the authenticity
	// checks of some IDs.
	IdentityNumber string
	LicenseNumber  string
	DocumentNumber string
	SerialNumber   string
	// Address data, from LookupAddressCode (see SetAddress): at least one of
	// GlobalCode, CompoundCode and FormattedAddress when the project
	// collects addresses.
	GlobalCode       string
	CompoundCode     string
	FormattedAddress string
	AddressInput     string
	AddressDetail    string
	// AddressImage is the proof of address, for projects that require it.
	AddressImage *File
}

// LogValue implements slog.LogValuer without personal data.
func (r Step2Request) LogValue() slog.Value {
	return slog.GroupValue(slog.String("submission_id", r.SubmissionID), slog.Bool("address", r.FormattedAddress != "" || r.GlobalCode != "" || r.CompoundCode != ""))
}

// Format prints a redacted summary for every verb.
func (r Step2Request) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.Step2Request{SubmissionID:%s %s}", r.SubmissionID, redacted)
}

// SetAddress copies LookupAddressCode's answer into the address fields.
func (r *Step2Request) SetAddress(a *AddressCode) {
	if a == nil {
		return
	}
	r.GlobalCode, r.CompoundCode, r.FormattedAddress = a.GlobalCode, a.CompoundCode, a.FormattedAddress
}

// Step2Result is the answer of POST /submission/step2. A score the answer
// leaves out is nil, which is not the same as a score of 0.
type Step2Result struct {
	VerificationResult  string    `json:"verificationResult"`
	FaceSimilarityScore *float64  `json:"faceSimilarityScore"`
	LivenessScore       *float64  `json:"livenessScore"`
	Status              KYCStatus `json:"kycStatus"`
	RetryCount          int       `json:"retryCount"`
	// Retry says why the try failed, when Argos says. It is empty when the
	// selfie passed (pending, approved) or the submission was rejected, and
	// may be empty when CanRetry is true too (an incomplete answer with
	// tries left need not carry a reason): check its length before reading
	// an element.
	Retry []RetryReason `json:"retry"`

	answer // Raw
}

// RetriesLeft is how many more tries the submission gets: MaxAttempts minus
// RetryCount (which counts Step 1 retries too), between 0 and MaxAttempts
// whatever the server sent.
func (r *Step2Result) RetriesLeft() int { return retriesLeft(r.RetryCount) }

// CanRetry reports whether Step 2 may be sent again for this submission:
// the status is incomplete and tries remain (Step1Result.CanRetry answers
// the same way).
func (r *Step2Result) CanRetry() bool { return mayRetry(r.Status, r.Retry, r.RetryCount) }

// SubmitStep2 sends the selfie and the confirmed data: Argos compares the
// face with the ID, checks liveness and answers with the KYC status. On
// KYCIncomplete, CanRetry says whether to ask the applicant for another
// selfie and Retry why, when Argos gives a reason (it may be empty).
//
// It calls POST /submission/step2 (multipart). Input is checked first; bad
// input is a *ValidationError and nothing is sent. The request is never
// repeated once it may have reached Argos: an error after that point
// matches ErrOutcomeUnknown.
//
// Argos docs: https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/submit-via-api/post-submission-step-2
func (c *Client) SubmitStep2(ctx context.Context, r *Step2Request, opts ...Option) (*Step2Result, error) {
	c, err := c.begin(endpoint.SubmitStep2, opts)
	if err != nil {
		return nil, err
	}
	const op = "SubmitStep2"
	if r == nil {
		return nil, &ValidationError{Field: "Step2Request", Reason: "is nil"}
	}
	if err := checkID("SubmissionID", r.SubmissionID); err != nil {
		return nil, err
	}
	if r.Name == "" {
		return nil, &ValidationError{Field: "Name", Reason: "is required"}
	}
	for _, d := range []struct {
		field, v string
		required bool
	}{{"DateOfBirth", r.DateOfBirth, true}, {"DateOfIssue", r.DateOfIssue, false}, {"DateOfExpiry", r.DateOfExpiry, false}} {
		if err := checkDate(d.field, d.v, d.required); err != nil {
			return nil, err
		}
	}
	if err := checkAlpha3("Nationality", r.Nationality, false); err != nil {
		return nil, err
	}
	fb := newFormBuilder()
	fb.text("submissionId", r.SubmissionID)
	fb.text("name", r.Name)
	fb.text("date_of_birth", r.DateOfBirth)
	fb.text("gender", string(r.Gender))
	fb.text("nationality", r.Nationality)
	fb.text("date_of_issue", r.DateOfIssue)
	fb.text("date_of_expiry", r.DateOfExpiry)
	fb.text("identity_number", r.IdentityNumber)
	fb.text("license_number", r.LicenseNumber)
	fb.text("document_number", r.DocumentNumber)
	fb.text("serial_number", r.SerialNumber)
	fb.text("globalCode", r.GlobalCode)
	fb.text("compoundCode", r.CompoundCode)
	fb.text("formatted_address", r.FormattedAddress)
	fb.text("address_input", r.AddressInput)
	fb.text("address_detail", r.AddressDetail)
	fb.file("faceImage", "FaceImage", r.FaceImage, true)
	fb.file("addressImage", "AddressImage", r.AddressImage, false)
	if fb.err != nil {
		return nil, fb.err
	}
	cl := fb.call(endpoint.SubmitStep2)
	cl.outcome = &outcomeInfo{submissionID: r.SubmissionID, request: withoutImages(*r)}
	var resp Step2Result
	if err := c.doJSON(ctx, cl, &resp, false); err != nil {
		return nil, err
	}
	if resp.Status == "" {
		return nil, unexpected(op, "no kycStatus field")
	}
	return &resp, nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
