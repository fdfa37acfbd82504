package argos

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/kycgo/argos/internal/endpoint"
)

// UpdateSubmissionRequest is the JSON body of PATCH /submission: who edits
// (Admin, the email of an admin registered in the dashboard) which
// submission, and what changes. SubmissionID, Admin and at least one field
// of Data are required.
//
// Logging or printing it shows no personal data.
type UpdateSubmissionRequest struct {
	SubmissionID string           `json:"submissionId"`
	Admin        string           `json:"admin"`
	Data         SubmissionUpdate `json:"data"`
}

// LogValue implements slog.LogValuer without personal data.
func (r UpdateSubmissionRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("submission_id", r.SubmissionID), slog.Any("data", r.Data))
}

// Format prints a redacted summary for every verb.
func (r UpdateSubmissionRequest) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.UpdateSubmissionRequest{SubmissionID:%s Admin:%s Data:%v}", r.SubmissionID, redacted, r.Data)
}

// SubmissionUpdate is the data object of PATCH /submission. An empty field
// is left unchanged (and not sent). Status may only be KYCApproved or
// KYCRejected; the dates are YYYY-MM-DD; IssuingCountry and Nationality are
// ISO 3166-1 alpha-3 codes.
//
// Logging or printing it shows which fields are set, never their values.
type SubmissionUpdate struct {
	Status         KYCStatus `json:"kycStatus,omitempty"`
	IDType         IDType    `json:"idType,omitempty"`
	IssuingCountry string    `json:"issuingCountry,omitempty"`
	Nationality    string    `json:"nationality,omitempty"`
	FullName       string    `json:"fullName,omitempty"`
	FirstName      string    `json:"firstName,omitempty"`
	LastName       string    `json:"lastName,omitempty"`
	Gender         Gender    `json:"gender,omitempty"`
	DateOfBirth    string    `json:"birthDate,omitempty"`
	DateOfIssue    string    `json:"issueDate,omitempty"`
	DateOfExpiry   string    `json:"expireDate,omitempty"`
	IdentityNumber string    `json:"identityNumber,omitempty"`
	DocumentNumber string    `json:"documentNumber,omitempty"`
	SerialNumber   string    `json:"serialNumber,omitempty"`
}

// fields names the SubmissionUpdate fields that are set.
func (d SubmissionUpdate) fields() []string {
	return setNames("kycStatus", string(d.Status), "idType", string(d.IDType), "issuingCountry", d.IssuingCountry,
		"nationality", d.Nationality, "fullName", d.FullName, "firstName", d.FirstName, "lastName", d.LastName,
		"gender", string(d.Gender), "birthDate", d.DateOfBirth, "issueDate", d.DateOfIssue, "expireDate", d.DateOfExpiry,
		"identityNumber", d.IdentityNumber, "documentNumber", d.DocumentNumber, "serialNumber", d.SerialNumber)
}

// LogValue implements slog.LogValuer: the names of the fields set, the
// status, never a value that is personal data.
func (d SubmissionUpdate) LogValue() slog.Value {
	return slog.GroupValue(slog.String("kyc_status", string(d.Status)), slog.Any("fields", d.fields()))
}

// Format prints the names of the fields set for every verb.
func (d SubmissionUpdate) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.SubmissionUpdate{KYCStatus:%s Set:%v Values:%s}", d.Status, d.fields(), redacted)
}

// UpdateResult is the answer of PATCH /submission and PUT
// /submission/image. Message is Argos' text as sent: the vendor's pages
// show "Data Processing Success." and "success to edit." for PATCH, and
// "complete to update image." for PUT.
type UpdateResult struct {
	Message string `json:"message"`

	answer // Raw
}

// UpdateSubmission corrects a submission's data (OCR mistakes, a name typed
// wrong) or sets its KYC status, as an admin would in the dashboard. A
// changed value can be edited again but the old one cannot be restored.
//
// It calls PATCH /submission (JSON), a v3 endpoint
// (https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/patch-submission);
// on a /v2 base URL it refuses before sending. Input is checked first: bad
// input is a *ValidationError and nothing is sent. The request is never
// repeated once it may have reached Argos: an error after that point
// matches ErrOutcomeUnknown (read the submission with GetSubmission to see
// whether the change was made). An unknown submission is ErrNotFound, an
// admin Argos does not know ErrInvalidAdmin.
func (c *Client) UpdateSubmission(ctx context.Context, r *UpdateSubmissionRequest, opts ...Option) (*UpdateResult, error) {
	c, err := c.begin(endpoint.UpdateSubmission, opts)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, &ValidationError{Field: "UpdateSubmissionRequest", Reason: "is nil"}
	}
	if err := checkID("SubmissionID", r.SubmissionID); err != nil {
		return nil, err
	}
	if err := checkID("Admin", r.Admin); err != nil {
		return nil, err
	}
	if err := r.Data.check(); err != nil {
		return nil, err
	}
	cl, err := newJSONCall(endpoint.UpdateSubmission, "", r)
	if err != nil {
		return nil, err
	}
	cp := *r
	cl.outcome = &outcomeInfo{submissionID: r.SubmissionID, request: &cp}
	return c.doUpdate(ctx, cl)
}

// check enforces "at least one property" and the value formats.
func (d *SubmissionUpdate) check() error {
	if *d == (SubmissionUpdate{}) {
		return &ValidationError{Field: "Data", Reason: "must set at least one field (Argos: At least one property to modify is required)"}
	}
	if err := checkDecision("Data.Status", d.Status, false); err != nil {
		return err
	}
	if err := checkAlpha3("Data.IssuingCountry", d.IssuingCountry, false); err != nil {
		return err
	}
	if err := checkAlpha3("Data.Nationality", d.Nationality, false); err != nil {
		return err
	}
	if err := checkDates(dateField{"Data.DateOfBirth", d.DateOfBirth}, dateField{"Data.DateOfIssue", d.DateOfIssue},
		dateField{"Data.DateOfExpiry", d.DateOfExpiry}); err != nil {
		return err
	}
	return checkTexts(textField{"Data.IDType", string(d.IDType)}, textField{"Data.FullName", d.FullName},
		textField{"Data.FirstName", d.FirstName}, textField{"Data.LastName", d.LastName},
		textField{"Data.Gender", string(d.Gender)}, textField{"Data.IdentityNumber", d.IdentityNumber},
		textField{"Data.DocumentNumber", d.DocumentNumber}, textField{"Data.SerialNumber", d.SerialNumber})
}

// doUpdate sends an edit and reads its {"message": …} answer.
func (c *Client) doUpdate(ctx context.Context, cl *call) (*UpdateResult, error) {
	var res UpdateResult
	if err := c.doJSON(ctx, cl, &res, false); err != nil {
		return nil, err
	}
	if res.Message == "" {
		return nil, unexpected(cl.op, "no message field")
	}
	return &res, nil
}

// UpdateImagesRequest is the multipart form of PUT /submission/image: the
// images to add to a submission or replace. SubmissionID, Admin (the email
// of a dashboard admin) and at least one image are required; IDType is
// required with IDImage or IDBackImage. Images are JPEG or PNG of at most
// MaxImageSize, checked as for Step 1.
//
// Logging or printing it shows no personal data.
type UpdateImagesRequest struct {
	SubmissionID string
	Admin        string
	IDType       IDType
	IDImage      *File
	IDBackImage  *File
	SelfieImage  *File
	AddressImage *File
}

func (r UpdateImagesRequest) images() []string {
	has := func(f *File) string {
		if f == nil {
			return ""
		}
		return "x"
	}
	return setNames("idImage", has(r.IDImage), "idBackImage", has(r.IDBackImage), "selfieImage", has(r.SelfieImage),
		"addressImage", has(r.AddressImage))
}

// LogValue implements slog.LogValuer without personal data.
func (r UpdateImagesRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("submission_id", r.SubmissionID), slog.String("idType", string(r.IDType)),
		slog.Any("images", r.images()))
}

// Format prints a redacted summary for every verb.
func (r UpdateImagesRequest) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.UpdateImagesRequest{SubmissionID:%s IDType:%s Images:%v Admin:%s}",
		r.SubmissionID, r.IDType, r.images(), redacted)
}

// UpdateImages adds images to a submission or replaces them (what DownloadImage
// downloads afterwards).
//
// It calls PUT /submission/image, a v3 endpoint
// (https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/put-image);
// on a /v2 base URL it refuses before sending. The body is multipart with
// each image sent as a Base64 text field, as Argos requires; the encoding
// streams (each image is read once per attempt and never held in memory
// whole, nor its encoding). Input is checked first: bad input is a
// *ValidationError and nothing is sent. The request is never repeated once
// it may have reached Argos: an error after that point matches
// ErrOutcomeUnknown. An unknown submission is ErrNotFound, an unknown admin
// ErrInvalidAdmin.
func (c *Client) UpdateImages(ctx context.Context, r *UpdateImagesRequest, opts ...Option) (*UpdateResult, error) {
	c, err := c.begin(endpoint.UpdateImages, opts)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, &ValidationError{Field: "UpdateImagesRequest", Reason: "is nil"}
	}
	if err := checkID("SubmissionID", r.SubmissionID); err != nil {
		return nil, err
	}
	if err := checkID("Admin", r.Admin); err != nil {
		return nil, err
	}
	has := func(f *File) bool { return f != nil }
	if !has(r.IDImage) && !has(r.IDBackImage) && !has(r.SelfieImage) && !has(r.AddressImage) {
		return nil, &ValidationError{Field: "UpdateImagesRequest", Reason: "must carry at least one image"}
	}
	if (has(r.IDImage) || has(r.IDBackImage)) && r.IDType == "" {
		return nil, &ValidationError{Field: "IDType", Reason: "is required with IDImage or IDBackImage"}
	}
	if err := checkText("IDType", string(r.IDType)); err != nil {
		return nil, err
	}
	fb := newFormBuilder()
	fb.text("submissionId", r.SubmissionID)
	fb.text("admin", r.Admin)
	fb.text("idType", string(r.IDType))
	fb.base64File("idImage", "IDImage", r.IDImage)
	fb.base64File("idBackImage", "IDBackImage", r.IDBackImage)
	fb.base64File("selfieImage", "SelfieImage", r.SelfieImage)
	fb.base64File("addressImage", "AddressImage", r.AddressImage)
	if fb.err != nil {
		return nil, fb.err
	}
	cl := fb.call(endpoint.UpdateImages)
	cp := *r // its images are read again to compare them (resolve_checks.go)
	cl.outcome = &outcomeInfo{submissionID: r.SubmissionID, request: &cp}
	return c.doUpdate(ctx, cl)
}
