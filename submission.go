package argos

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/kycgo/argos/internal/endpoint"
)

// Submission is one KYC submission as GET /submission returns it. Fields the
// answer leaves out are zero; list answers carry fewer fields than a single
// submission does. Objects whose shape the docs leave open are kept raw.
//
// Logging or printing a Submission shows its ID, status and timestamps only;
// read the fields for the applicant's data.
//
// The client decodes the API's answers leniently (numbers sent as strings, a
// single string where a list is documented, values of an unexpected type
// skipped) and keeps each item's JSON (Raw). json.Unmarshal into a
// Submission or a SubmissionList follows encoding/json's rules, which suits
// JSON marshalled from one.
type Submission struct {
	ID                    string `json:"submission_id"`
	Email                 string `json:"email"`
	UserID                string `json:"userid"`
	ApplicantID           string `json:"applicant_id"`
	DuplicatedInformation string `json:"duplicated_information"`
	TokenID               string `json:"tokenId"`
	// Timestamps as sent; see ParseTimestamp and Created.
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
	KYCResultAt string `json:"kyc_result_at"`
	PendingAt   string `json:"pending_at"`
	Reviewer    string `json:"reviewer"`
	// RecognitionScore (OCR) and ArgosScore are nil when absent or not a
	// number.
	RecognitionScore *float64 `json:"recognition_score"`
	ArgosScore       *float64 `json:"argos_score"`

	Data   ApplicantData `json:"data"`
	KYC    KYCResult     `json:"kyc"`
	Images ImageKeys     `json:"image"`
	OCR    OCRResult     `json:"ocr"`
	Memo   *Memo         `json:"memo"`

	AML            json.RawMessage `json:"aml"`
	ProjectOptions json.RawMessage `json:"project_options"`
	OCRRaw         json.RawMessage `json:"OCR_raw"`
	Review         json.RawMessage `json:"review"`
	Verification   json.RawMessage `json:"verification"`
	AdditionalList json.RawMessage `json:"additional_list"`

	answer // Raw
}

// LogValue implements slog.LogValuer: identifiers, status and timestamps
// only, never personal data.
func (s Submission) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("submission_id", s.ID),
		slog.String("kyc_result", string(s.KYC.Status)),
		slog.Int("attempts", len(s.KYC.Attempts)),
		slog.String("created_at", s.CreatedAt),
	)
}

// Format prints a redacted summary (see LogValue) for every verb, so %+v
// and %#v stay redacted.
func (s Submission) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.Submission{ID:%s KYC:%s Attempts:%d CreatedAt:%s Data:%s}",
		s.ID, s.KYC.Status, len(s.KYC.Attempts), s.CreatedAt, redacted)
}

// Created parses CreatedAt (see ParseTimestamp).
func (s *Submission) Created() (time.Time, error) { return ParseTimestamp(s.CreatedAt) }

// Deleted reports whether s is what Argos keeps of a deleted submission:
// the placeholder name "Deleted Submission" and none of the personal data a
// deletion erases. The vendor keeps only the ID, dates, ID type and status
// of a deleted submission, while a live one always carries the email Step 1
// requires, so an applicant who types "Deleted Submission" as their name is
// not mistaken for a deleted submission.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/delete-submission
func (s *Submission) Deleted() bool {
	if s == nil || s.Data.Name != deletedSubmissionName {
		return false
	}
	d := &s.Data
	for _, v := range []string{
		s.Email, s.UserID, s.ApplicantID,
		d.FirstName, d.LastName, d.FullName, d.DateOfBirth, d.IPAddress,
		d.IdentityNumber, d.DocumentNumber, d.SSNNumber, d.PhoneNumber,
		d.AddressStreet, d.AddressFormatted, d.AddressInput,
	} {
		if v != "" {
			return false
		}
	}
	return true
}

// AMLResourceIDs returns every "resourceId" found in the aml object, in
// order; these are the IDs DownloadAMLReport takes. The aml object's shape is not
// documented, so it is searched at any depth.
func (s *Submission) AMLResourceIDs() []string {
	if len(s.AML) == 0 {
		return nil
	}
	var v any
	if json.Unmarshal(s.AML, &v) != nil {
		return nil
	}
	var ids []string
	var walk func(any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for _, k := range []string{"resourceId", "resourceIds", "resource_id"} {
				switch id := t[k].(type) {
				case string:
					ids = append(ids, id)
				case []any:
					for _, e := range id {
						if str, ok := e.(string); ok {
							ids = append(ids, str)
						}
					}
				}
			}
			for k, e := range t {
				if k != "resourceId" && k != "resourceIds" && k != "resource_id" {
					walk(e)
				}
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(v)
	return ids
}

// ApplicantData is the applicant's personal data (the data object). It is
// redacted when logged or printed.
type ApplicantData struct {
	Name        string `json:"name"`
	FirstName   string `json:"first_name"`
	LastName    string `json:"last_name"`
	FullName    string `json:"full_name"`
	AgeGroup    string `json:"age_group"`
	Gender      Gender `json:"gender"`
	Nationality string `json:"nationality"`
	DateOfBirth string `json:"date_of_birth"`
	IPAddress   string `json:"ip_address"`

	IDType         IDType `json:"idType"`
	IssuingCountry string `json:"idcard_issuingCountry"`
	DateOfIssue    string `json:"idcard_issueDate"`
	DateOfExpiry   string `json:"idcard_expireDate"`
	IdentityNumber string `json:"identityNumber"`
	DocumentNumber string `json:"documentNumber"`
	SSNNumber      string `json:"ssnNumber"`
	PhoneNumber    string `json:"phoneNumber"`

	AddressCity         string `json:"address_city"`
	AddressCountry      string `json:"address_country"`
	AddressState        string `json:"address_state"`
	AddressStreet       string `json:"address_street"`
	AddressStreet2      string `json:"address_street2"`
	AddressZipcode      string `json:"address_zipcode"`
	AddressGlobalCode   string `json:"address_globalCode"`
	AddressCompoundCode string `json:"address_compoundCode"`
	AddressFormatted    string `json:"address_formatted"`
	AddressInput        string `json:"address_input"`
	AddressDetail       string `json:"address_detail"`

	CF1 string `json:"cf1"`
	CF2 string `json:"cf2"`
	CF3 string `json:"cf3"`

	// Korean residence-permit data.
	TypeOfPermit        string `json:"typeOfPermit"`
	TypeOfPermitGovKor  string `json:"typeOfPermitGovKor"`
	ExpiryDateOfStayKor string `json:"expiryDateOfStayKor"`
	NationalityGovKor   string `json:"nationalityGovKor"`
}

// LogValue implements slog.LogValuer: "[REDACTED]".
func (ApplicantData) LogValue() slog.Value { return slog.StringValue(redacted) }

// Format prints "[REDACTED]" for every verb.
func (ApplicantData) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// KYCResult is a submission's kyc object.
type KYCResult struct {
	Status      KYCStatus    `json:"result"`
	Comment     []string     `json:"comment"`
	CommentCode []RejectCode `json:"commentCode"`
	Attempts    []Attempt    `json:"attempts"`
}

// LogValue implements slog.LogValuer: the result and the attempts' scores,
// without the data they were verified against.
func (k KYCResult) LogValue() slog.Value {
	return slog.GroupValue(slog.String("result", string(k.Status)), slog.Any("comment_code", k.CommentCode),
		slog.Int("attempts", len(k.Attempts)))
}

// Format prints the result and the attempts, redacted, for every verb.
func (k KYCResult) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.KYCResult{Result:%s CommentCode:%v Attempts:%v}", k.Status, k.CommentCode, k.Attempts)
}

// Attempt is one Step 2 try (kyc.attempts[]). A score the answer leaves out
// is nil, which is not the same as a score of 0.
type Attempt struct {
	Count               int                `json:"attemptCnt"`
	LivenessScore       *float64           `json:"livenessScore"`
	FaceSimilarityScore *float64           `json:"faceSimilarityScore"`
	VerificationParams  VerificationParams `json:"verificationParams"`
	// VerificationResult reports that processing ran ("success" even on a
	// try that failed); RetryMsg says why a try failed.
	VerificationResult string `json:"verificationResult"`
	RetryMsg           string `json:"retryMsg"`
}

// LogValue implements slog.LogValuer without the verification data.
func (a Attempt) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("count", a.Count), slog.String("verification_result", a.VerificationResult))
}

// Format prints the attempt without the data it was verified against.
func (a Attempt) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.Attempt{Count:%d VerificationResult:%s VerificationParams:%s}", a.Count, a.VerificationResult, redacted)
}

// VerificationParams is the data an attempt was verified against. It holds
// personal data and is redacted when logged or printed.
type VerificationParams struct {
	FullName       string `json:"fullName"`
	IDType         IDType `json:"idType"`
	DateOfIssue    string `json:"issueDate"`
	IdentityNumber string `json:"identityNumber"`
}

// LogValue implements slog.LogValuer: "[REDACTED]".
func (VerificationParams) LogValue() slog.Value { return slog.StringValue(redacted) }

// Format prints "[REDACTED]" for every verb.
func (VerificationParams) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// ImageKeys are the image object's values, one per ImageType present.
type ImageKeys struct {
	IDImage      string `json:"idImage"`
	IDBackImage  string `json:"idBackImage"`
	SelfieImage  string `json:"selfieImage"`
	AddressImage string `json:"addressImage"`
}

// OCRResult is the normalised OCR object (ocr).
type OCRResult struct {
	DateOfBirth    string `json:"birthDate"`
	DateOfExpiry   string `json:"expireDate"`
	FirstName      string `json:"firstName"`
	LastName       string `json:"lastName"`
	FullName       string `json:"fullName"`
	IdentityNumber string `json:"identityNumber"`
	Nationality    string `json:"nationality"`
}

// Format prints "[REDACTED]" for every verb.
func (OCRResult) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// LogValue implements slog.LogValuer: "[REDACTED]".
func (OCRResult) LogValue() slog.Value { return slog.StringValue(redacted) }

// Memo is the dashboard memo.
type Memo struct {
	Text      string `json:"text"`
	UpdatedAt string `json:"updated_at"`
}

// LogValue implements slog.LogValuer without the memo's text (a reviewer's
// free text may name the applicant).
func (m Memo) LogValue() slog.Value { return slog.GroupValue(slog.String("updated_at", m.UpdatedAt)) }

// Format prints the memo without its text.
func (m Memo) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.Memo{UpdatedAt:%s Text:%s}", m.UpdatedAt, redacted)
}

// GetSubmission returns one submission with every field the API reports.
//
// It calls GET /submission?submission_id=…. An answer with no item is
// ErrNotFound (an *APIError, like every other not-found). An answer whose
// items are all about other submissions (another applicant's personal data)
// is refused with an error matching ErrUnexpectedResponse, and nothing of it
// is returned.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/get-submission/submissionId
func (c *Client) GetSubmission(ctx context.Context, submissionID string, opts ...Option) (*Submission, error) {
	c, err := c.begin(endpoint.GetSubmission, opts)
	if err != nil {
		return nil, err
	}
	if err := checkID("submission ID", submissionID); err != nil {
		return nil, err
	}
	var list SubmissionList
	r := newCall(endpoint.GetSubmission, query{{"submission_id", submissionID}})
	r.wantID = submissionID
	if err := c.doJSON(ctx, r, &list, false); err != nil {
		return nil, err
	}
	for i := range list.Items { // check made sure it is there
		if list.Items[i].ID == submissionID {
			return &list.Items[i], nil
		}
	}
	return nil, notFound(http.MethodGet, c.baseURL.Path+"/submission")
}
