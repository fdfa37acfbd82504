package argos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kycgo/argos/internal/lenient"
)

// Submission is one KYC submission as GET /submission returns it. Fields the
// answer leaves out are zero; list answers carry fewer fields than a single
// submission does. Objects whose shape the docs leave open are kept raw.
//
// Logging or printing a Submission shows its ID, status and timestamps only;
// read the fields for the applicant's data.
//
// The client decodes the API's answers leniently (see
// SubmissionList.UnmarshalJSON). json.Unmarshal into a Submission on its own
// follows encoding/json's rules, which suits JSON marshalled from a
// Submission; decode raw Argos JSON as a SubmissionList.
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
}

// lenientSubmission decodes a Submission on the slow path (see
// SubmissionList.UnmarshalJSON): identifiers and timestamps sent as numbers
// are kept as text, scores and counts sent as strings are parsed, a single
// string where a list is documented becomes a list, and values of an
// unexpected type are skipped.
type lenientSubmission Submission

func (ls *lenientSubmission) UnmarshalJSON(b []byte) error {
	s := (*Submission)(ls)
	w := struct {
		*Submission
		ID               lenient.String `json:"submission_id"`
		Email            lenient.String `json:"email"`
		UserID           lenient.String `json:"userid"`
		ApplicantID      lenient.String `json:"applicant_id"`
		CreatedAt        lenient.String `json:"created_at"`
		UpdatedAt        lenient.String `json:"updated_at"`
		KYCResultAt      lenient.String `json:"kyc_result_at"`
		PendingAt        lenient.String `json:"pending_at"`
		RecognitionScore lenient.Float  `json:"recognition_score"`
		ArgosScore       lenient.Float  `json:"argos_score"`
		KYC              lenientKYC     `json:"kyc"`
	}{Submission: s}
	if err := ignoreTypeErrors(json.Unmarshal(b, &w)); err != nil {
		return err
	}
	s.ID, s.Email, s.UserID, s.ApplicantID = string(w.ID), string(w.Email), string(w.UserID), string(w.ApplicantID)
	s.CreatedAt, s.UpdatedAt, s.KYCResultAt, s.PendingAt = string(w.CreatedAt), string(w.UpdatedAt), string(w.KYCResultAt), string(w.PendingAt)
	s.RecognitionScore, s.ArgosScore = w.RecognitionScore.Ptr(), w.ArgosScore.Ptr()
	s.KYC = w.KYC.result()
	return nil
}

// lenientKYC and lenientAttempt read the kyc object on the slow path.
type (
	lenientKYC struct {
		Result      lenient.String   `json:"result"`
		Comment     lenient.Strings  `json:"comment"`
		CommentCode lenient.Strings  `json:"commentCode"`
		Attempts    []lenientAttempt `json:"attempts"`
	}
	lenientAttempt struct {
		Count               lenient.Int        `json:"attemptCnt"`
		LivenessScore       lenient.Float      `json:"livenessScore"`
		FaceSimilarityScore lenient.Float      `json:"faceSimilarityScore"`
		VerificationParams  VerificationParams `json:"verificationParams"`
		VerificationResult  lenient.String     `json:"verificationResult"`
		RetryMsg            lenient.String     `json:"retryMsg"`
	}
)

func (k *lenientKYC) result() KYCResult {
	r := KYCResult{Result: KYCStatus(k.Result), Comment: k.Comment, CommentCode: k.CommentCode}
	if k.Attempts != nil {
		r.Attempts = make([]Attempt, len(k.Attempts))
		for i, a := range k.Attempts {
			r.Attempts[i] = Attempt{Count: a.Count.V, LivenessScore: a.LivenessScore.Ptr(), FaceSimilarityScore: a.FaceSimilarityScore.Ptr(),
				VerificationParams: a.VerificationParams, VerificationResult: string(a.VerificationResult), RetryMsg: string(a.RetryMsg)}
		}
	}
	return r
}

// isTypeError reports a value of an unexpected JSON type, after which
// encoding/json has skipped the value and decoded everything else.
func isTypeError(err error) bool {
	if err == nil {
		return false
	}
	var te *json.UnmarshalTypeError
	return errors.As(err, &te)
}

// Created parses CreatedAt (see ParseTimestamp).
func (s *Submission) Created() (time.Time, error) { return ParseTimestamp(s.CreatedAt) }

// AMLResourceIDs returns every "resourceId" found in the aml object, in
// order; these are the IDs AMLReport takes. The aml object's shape is not
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

// LogValue implements slog.LogValuer: identifiers, status and timestamps
// only, never personal data.
func (s Submission) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("submission_id", s.ID),
		slog.String("kyc_result", string(s.KYC.Result)),
		slog.Int("attempts", len(s.KYC.Attempts)),
		slog.String("created_at", s.CreatedAt),
	)
}

// String is a redacted summary (see LogValue).
func (s Submission) String() string {
	return fmt.Sprintf("argos.Submission{ID:%s KYC:%s Attempts:%d CreatedAt:%s Data:%s}",
		s.ID, s.KYC.Result, len(s.KYC.Attempts), s.CreatedAt, redacted)
}

// Format prints String for every verb, so %+v and %#v stay redacted.
func (s Submission) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

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
	IssueDate      string `json:"idcard_issueDate"`
	ExpireDate     string `json:"idcard_expireDate"`
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

// String returns "[REDACTED]".
func (ApplicantData) String() string { return redacted }

// Format prints "[REDACTED]" for every verb.
func (ApplicantData) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// KYCResult is a submission's kyc object.
type KYCResult struct {
	Result      KYCStatus `json:"result"`
	Comment     []string  `json:"comment"`
	CommentCode []string  `json:"commentCode"`
	Attempts    []Attempt `json:"attempts"`
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

// VerificationParams is the data an attempt was verified against. It holds
// personal data and is redacted when logged or printed.
type VerificationParams struct {
	FullName       string `json:"fullName"`
	IDType         IDType `json:"idType"`
	IssueDate      string `json:"issueDate"`
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
	BirthDate      string `json:"birthDate"`
	ExpireDate     string `json:"expireDate"`
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

// ListSubmissionsParams filters GET /submission. The zero value lists every
// submission, a page at a time.
type ListSubmissionsParams struct {
	UserID string
	Email  string
	// Count is the page size (1–2000); 0 leaves it to the server (50).
	Count int
	// StartDate and EndDate bound the period, as YYYY-MM-DD or YYYYMMDD (the
	// docs show both); they are sent as given.
	StartDate, EndDate string
	// RequestType limits each item to one part: string(argos.RequestKYC),
	// RequestAML, RequestData or RequestOthers.
	RequestType string
	// Next continues a listing from SubmissionList.Next.
	Next *PageKey
}

// LogValue implements slog.LogValuer without the email or user ID.
func (p ListSubmissionsParams) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("count", p.Count), slog.String("request_type", p.RequestType),
		slog.Bool("by_user_id", p.UserID != ""), slog.Bool("by_email", p.Email != ""), slog.Bool("next", p.Next != nil))
}

// MaxPageSize is the largest Count the API accepts.
const MaxPageSize = 2000

// PageKey continues a listing (nextpageKey on the wire).
type PageKey struct {
	ID        string `json:"id"`
	CreatedAt string `json:"created_at"`
}

// SubmissionList is one page of GET /submission. Next is nil on the last
// page.
type SubmissionList struct {
	Items []Submission `json:"Items"`
	Next  *PageKey     `json:"nextpageKey"`
}

// LogValue implements slog.LogValuer: the page's size and IDs only.
func (l SubmissionList) LogValue() slog.Value {
	ids := make([]string, len(l.Items))
	for i := range l.Items {
		ids[i] = l.Items[i].ID
	}
	return slog.GroupValue(slog.Int("items", len(l.Items)), slog.Any("submission_ids", ids), slog.Bool("next", l.Next != nil))
}

// Format prints the items redacted (see Submission.String).
func (l SubmissionList) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.SubmissionList{Items:%v Next:%v}", l.Items, l.Next)
}

// UnmarshalJSON decodes a page leniently: identifiers and timestamps sent
// as numbers are kept as text, scores and counts sent as strings are
// parsed, a single string where a list is documented becomes a list, values
// of an unexpected type are skipped, and an empty page key means none.
//
// A well-formed page is decoded by encoding/json in one pass; only a page
// holding a value of an unexpected type is decoded a second time,
// leniently. (A Submission on its own decodes with encoding/json's rules.)
func (l *SubmissionList) UnmarshalJSON(b []byte) error { return l.decodeJSON(b) }

// plainList is SubmissionList without its UnmarshalJSON; none of the types
// inside it has one either.
type plainList SubmissionList

// decodeJSON implements UnmarshalJSON; the client calls it directly, which
// spares encoding/json's validation pass over the whole page.
func (l *SubmissionList) decodeJSON(b []byte) error {
	*l = SubmissionList{}
	err := json.Unmarshal(b, (*plainList)(l))
	if isTypeError(err) {
		*l = SubmissionList{}
		return l.unmarshalLenient(b)
	}
	if err != nil {
		return err
	}
	if l.Next != nil && l.Next.ID == "" && l.Next.CreatedAt == "" {
		l.Next = nil
	}
	return nil
}

func (l *SubmissionList) unmarshalLenient(b []byte) error {
	var w struct {
		Items []lenientSubmission `json:"Items"`
		Next  *struct {
			ID        lenient.String `json:"id"`
			CreatedAt lenient.String `json:"created_at"`
		} `json:"nextpageKey"`
	}
	if err := ignoreTypeErrors(json.Unmarshal(b, &w)); err != nil {
		return err
	}
	if w.Items != nil {
		l.Items = make([]Submission, len(w.Items))
		for i := range w.Items {
			l.Items[i] = Submission(w.Items[i])
		}
	}
	if w.Next != nil && (w.Next.ID != "" || w.Next.CreatedAt != "") {
		l.Next = &PageKey{ID: string(w.Next.ID), CreatedAt: string(w.Next.CreatedAt)}
	}
	return nil
}

// GetSubmission returns one submission with every field the API reports.
//
// It calls GET /submission?submission_id=…. An answer with no item is
// ErrNotFound.
func (c *Client) GetSubmission(ctx context.Context, submissionID string) (*Submission, error) {
	const op = "GetSubmission"
	if err := checkID("submission ID", submissionID); err != nil {
		return nil, err
	}
	list, err := c.listSubmissions(ctx, op, query{{"submission_id", submissionID}})
	if err != nil {
		return nil, err
	}
	for i := range list.Items {
		if list.Items[i].ID == submissionID || list.Items[i].ID == "" {
			return &list.Items[i], nil
		}
	}
	if len(list.Items) > 0 {
		return &list.Items[0], nil
	}
	return nil, &opError{op: op, err: ErrNotFound}
}

// ListSubmissions returns one page of submissions matching p (nil: all).
// Continue with p.Next = list.Next, or use AllSubmissions.
//
// It calls GET /submission with userid, email, count, start_date, end_date,
// request_type, nextpage_id and nextpage_date.
func (c *Client) ListSubmissions(ctx context.Context, p *ListSubmissionsParams) (*SubmissionList, error) {
	q, err := p.query()
	if err != nil {
		return nil, err
	}
	return c.listSubmissions(ctx, "ListSubmissions", q)
}

func (c *Client) listSubmissions(ctx context.Context, op string, q query) (*SubmissionList, error) {
	var list SubmissionList
	if err := c.doJSON(ctx, &call{op: op, method: http.MethodGet, path: "/submission", query: q}, &list, false); err != nil {
		return nil, err
	}
	if list.Items == nil {
		return nil, unexpected(op, "no Items list")
	}
	if list.Next != nil && (list.Next.ID == "" || list.Next.CreatedAt == "") {
		return nil, unexpected(op, "a nextpageKey without id or created_at")
	}
	return &list, nil
}

func (p *ListSubmissionsParams) query() (query, error) {
	if p == nil {
		return nil, nil
	}
	if p.Count < 0 || p.Count > MaxPageSize {
		return nil, &ValidationError{Field: "Count", Reason: fmt.Sprintf("must be between 0 and %d", MaxPageSize)}
	}
	for _, d := range []struct{ name, v string }{{"StartDate", p.StartDate}, {"EndDate", p.EndDate}} {
		if d.v == "" {
			continue
		}
		if _, err := time.Parse("2006-01-02", d.v); err != nil {
			if _, err := time.Parse("20060102", d.v); err != nil {
				return nil, &ValidationError{Field: d.name, Reason: "must be a date as YYYY-MM-DD or YYYYMMDD"}
			}
		}
	}
	q := query{{"userid", p.UserID}, {"email", p.Email}, {"start_date", p.StartDate}, {"end_date", p.EndDate},
		{"request_type", p.RequestType}}
	if p.Count > 0 {
		q = append(q, param{"count", strconv.Itoa(p.Count)})
	}
	if p.Next != nil {
		if p.Next.ID == "" || p.Next.CreatedAt == "" {
			return nil, &ValidationError{Field: "Next", Reason: "needs both ID and CreatedAt"}
		}
		q = append(q, param{"nextpage_id", p.Next.ID}, param{"nextpage_date", p.Next.CreatedAt})
	}
	for _, p := range q {
		if err := checkText(p.key, p.value); err != nil {
			return nil, err
		}
	}
	return q, nil
}

// AllSubmissions iterates over every submission matching p, following
// nextpageKey from page to page. It never changes *p. The iteration stops at
// the first error, which it yields (with a nil submission); a page key the
// server already returned ends it with ErrPaginationStalled.
//
//	for sub, err := range client.AllSubmissions(ctx, &argos.ListSubmissionsParams{UserID: "u1"}) {
//		if err != nil { return err }
//		…
//	}
func (c *Client) AllSubmissions(ctx context.Context, p *ListSubmissionsParams) iter.Seq2[*Submission, error] {
	return func(yield func(*Submission, error) bool) {
		var params ListSubmissionsParams
		if p != nil {
			params = *p
			if p.Next != nil {
				next := *p.Next
				params.Next = &next
			}
		}
		seen := map[PageKey]bool{}
		if params.Next != nil {
			seen[*params.Next] = true
		}
		for {
			page, err := c.ListSubmissions(ctx, &params)
			if err != nil {
				yield(nil, err)
				return
			}
			for i := range page.Items {
				if !yield(&page.Items[i], nil) {
					return
				}
			}
			if page.Next == nil {
				return
			}
			if seen[*page.Next] {
				yield(nil, &opError{op: "AllSubmissions", err: ErrPaginationStalled})
				return
			}
			seen[*page.Next] = true
			params.Next = page.Next
		}
	}
}

// DeleteResult is the answer of DELETE /submission.
type DeleteResult struct {
	Message    string `json:"message"`
	Content    string `json:"content"`
	StatusCode int    `json:"-"`
}

// DeleteSubmission deletes a submission's personal data and images for good
// (what is kept: its ID, dates, ID type and status). It cannot be undone and
// the submission stays billed.
//
// It calls DELETE /submission?submission_id=…. An unknown ID is ErrNotFound.
func (c *Client) DeleteSubmission(ctx context.Context, submissionID string) (*DeleteResult, error) {
	return c.DeleteSubmissionAs(ctx, submissionID, "")
}

// DeleteSubmissionAs is DeleteSubmission naming the dashboard admin
// (admin_name) who deletes; Argos sends its delete webhook only when one is
// named. An empty adminName sends none.
func (c *Client) DeleteSubmissionAs(ctx context.Context, submissionID, adminName string) (*DeleteResult, error) {
	const op = "DeleteSubmission"
	if err := checkID("submission ID", submissionID); err != nil {
		return nil, err
	}
	q := query{{"submission_id", submissionID}}
	if adminName != "" {
		if err := checkText("admin name", adminName); err != nil {
			return nil, err
		}
		q = append(q, param{"admin_name", adminName})
	}
	var w struct {
		Message    lenient.String `json:"message"`
		Content    lenient.String `json:"content"`
		StatusCode lenient.Int    `json:"statusCode"`
	}
	if err := c.doJSON(ctx, &call{op: op, method: http.MethodDelete, path: "/submission", query: q}, &w, false); err != nil {
		return nil, err
	}
	if w.Message == "" && w.Content == "" {
		return nil, unexpected(op, "no message or content field")
	}
	return &DeleteResult{Message: string(w.Message), Content: string(w.Content), StatusCode: w.StatusCode.V}, nil
}

// checkID validates an identifier that goes into a query string.
func checkID(field, v string) error {
	if v == "" {
		return &ValidationError{Field: field, Reason: "is required"}
	}
	return checkText(field, v)
}

// checkText refuses control characters and absurd lengths.
func checkText(field, v string) error {
	if len(v) > 4096 {
		return &ValidationError{Field: field, Reason: "is longer than 4096 bytes"}
	}
	if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
		return &ValidationError{Field: field, Reason: "contains control characters"}
	}
	return nil
}

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
	IDType string
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
	return slog.GroupValue(slog.String("idType", r.IDType), slog.Bool("retry", r.SubmissionID != ""),
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
	Name        string
	Gender      string
	Nationality string
	BirthDate   string
	IssueDate   string
	ExpireDate  string
	Other       map[string]string
}

// UnmarshalJSON decodes every ocr_* value, whatever its JSON type.
func (o *OCRData) UnmarshalJSON(b []byte) error {
	var m map[string]lenient.String
	if err := ignoreTypeErrors(json.Unmarshal(b, &m)); err != nil {
		return err
	}
	*o = OCRData{}
	for k, v := range m {
		switch k {
		case "ocr_name":
			o.Name = string(v)
		case "ocr_gender":
			o.Gender = string(v)
		case "ocr_nationality":
			o.Nationality = string(v)
		case "ocr_birthDate":
			o.BirthDate = string(v)
		case "ocr_issueDate":
			o.IssueDate = string(v)
		case "ocr_expireDate":
			o.ExpireDate = string(v)
		default:
			if o.Other == nil {
				o.Other = map[string]string{}
			}
			o.Other[k] = string(v)
		}
	}
	return nil
}

// LogValue implements slog.LogValuer: "[REDACTED]".
func (OCRData) LogValue() slog.Value { return slog.StringValue(redacted) }

// Format prints "[REDACTED]" for every verb.
func (OCRData) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// RetryReason says why a try failed and can be retried.
type RetryReason struct {
	Code    string `json:"retryCode"`
	Message string `json:"retryMsg"`
}

// Step1Response is the answer of POST /submission/step1. A failed Step 1
// that may be retried carries Retry reasons, RetryCount and KYCStatus.
type Step1Response struct {
	SubmissionID  string
	ReviewOCRData OCRData
	FileUpload    bool
	KYCStatus     KYCStatus
	RetryCount    int
	Retry         []RetryReason
}

// LogValue implements slog.LogValuer without the OCR data.
func (r Step1Response) LogValue() slog.Value {
	return slog.GroupValue(slog.String("submission_id", r.SubmissionID), slog.Bool("file_upload", r.FileUpload),
		slog.String("kyc_status", string(r.KYCStatus)), slog.Int("retry_count", r.RetryCount))
}

// Format prints a redacted summary for every verb.
func (r Step1Response) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.Step1Response{SubmissionID:%s FileUpload:%t KYCStatus:%s RetryCount:%d ReviewOCRData:%s}",
		r.SubmissionID, r.FileUpload, r.KYCStatus, r.RetryCount, redacted)
}

// UnmarshalJSON accepts submissionId and the documented Submissionid.
func (r *Step1Response) UnmarshalJSON(b []byte) error {
	var w struct {
		SubmissionID  lenient.String `json:"submissionId"`
		SubmissionID2 lenient.String `json:"Submissionid"`
		SubmissionID3 lenient.String `json:"submission_id"`
		ReviewOCRData OCRData        `json:"reviewOCRData"`
		FileUpload    lenient.String `json:"file_upload"`
		KYCStatus     lenient.String `json:"kycStatus"`
		RetryCount    lenient.Int    `json:"retryCount"`
		Retry         []RetryReason  `json:"retry"`
	}
	if err := ignoreTypeErrors(json.Unmarshal(b, &w)); err != nil {
		return err
	}
	*r = Step1Response{
		SubmissionID:  firstNonEmpty(string(w.SubmissionID), string(w.SubmissionID2), string(w.SubmissionID3)),
		ReviewOCRData: w.ReviewOCRData,
		FileUpload:    w.FileUpload == "true",
		KYCStatus:     KYCStatus(w.KYCStatus),
		RetryCount:    w.RetryCount.V,
		Retry:         w.Retry,
	}
	return nil
}

// NeedsRetry reports whether Step 1 failed and may be sent again with
// SubmissionID set to this answer's SubmissionID.
func (r *Step1Response) NeedsRetry() bool {
	return len(r.Retry) > 0 && r.KYCStatus != KYCRejected && r.RetryCount < MaxAttempts
}

// SubmitStep1 starts a submission from an ID image: Argos reads the ID and
// returns the OCR data for the applicant to confirm in Step 2.
//
// It calls POST /submission/step1 (multipart). Input is checked first;
// bad input is a *ValidationError and nothing is sent. The request is never
// repeated once it may have reached Argos: an error after that point
// matches ErrOutcomeUnknown.
func (c *Client) SubmitStep1(ctx context.Context, r *Step1Request) (*Step1Response, error) {
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
	fb.text("idType", r.IDType)
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
	var resp Step1Response
	if err := c.doJSON(ctx, fb.call(op, "/submission/step1"), &resp, false); err != nil {
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
	Gender       string
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
	// Address data, from AddressCode (see SetAddress): at least one of
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

// SetAddress copies AddressCode's answer into the address fields.
func (r *Step2Request) SetAddress(a *AddressCode) {
	if a == nil {
		return
	}
	r.GlobalCode, r.CompoundCode, r.FormattedAddress = a.GlobalCode, a.CompoundCode, a.FormattedAddress
}

// LogValue implements slog.LogValuer without personal data.
func (r Step2Request) LogValue() slog.Value {
	return slog.GroupValue(slog.String("submission_id", r.SubmissionID), slog.Bool("address", r.FormattedAddress != "" || r.GlobalCode != "" || r.CompoundCode != ""))
}

// Format prints a redacted summary for every verb.
func (r Step2Request) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.Step2Request{SubmissionID:%s %s}", r.SubmissionID, redacted)
}

// Step2Response is the answer of POST /submission/step2. A score the answer
// leaves out is nil, which is not the same as a score of 0.
type Step2Response struct {
	VerificationResult  string
	FaceSimilarityScore *float64
	LivenessScore       *float64
	KYCStatus           KYCStatus
	RetryCount          int
	Retry               []RetryReason
}

// UnmarshalJSON decodes numbers sent as strings and keeps absent scores nil.
func (r *Step2Response) UnmarshalJSON(b []byte) error {
	var w struct {
		VerificationResult  lenient.String `json:"verificationResult"`
		FaceSimilarityScore lenient.Float  `json:"faceSimilarityScore"`
		LivenessScore       lenient.Float  `json:"livenessScore"`
		KYCStatus           lenient.String `json:"kycStatus"`
		RetryCount          lenient.Int    `json:"retryCount"`
		Retry               []RetryReason  `json:"retry"`
	}
	if err := ignoreTypeErrors(json.Unmarshal(b, &w)); err != nil {
		return err
	}
	*r = Step2Response{
		VerificationResult:  string(w.VerificationResult),
		FaceSimilarityScore: w.FaceSimilarityScore.Ptr(),
		LivenessScore:       w.LivenessScore.Ptr(),
		KYCStatus:           KYCStatus(w.KYCStatus),
		RetryCount:          w.RetryCount.V,
		Retry:               w.Retry,
	}
	return nil
}

// RetriesLeft is how many more tries the submission gets: MaxAttempts minus
// RetryCount (which counts Step 1 retries too), between 0 and MaxAttempts
// whatever the server sent.
func (r *Step2Response) RetriesLeft() int { return min(max(MaxAttempts-r.RetryCount, 0), MaxAttempts) }

// CanRetry reports whether Step 2 may be sent again for this submission:
// the status is incomplete and tries remain.
func (r *Step2Response) CanRetry() bool {
	return r.KYCStatus == KYCIncomplete && r.RetriesLeft() > 0
}

// SubmitStep2 sends the selfie and the confirmed data: Argos compares the
// face with the ID, checks liveness and answers with the KYC status. On
// KYCIncomplete, Retry says why and CanRetry whether to ask the applicant
// for another selfie.
//
// It calls POST /submission/step2 (multipart). Input is checked first; bad
// input is a *ValidationError and nothing is sent. The request is never
// repeated once it may have reached Argos: an error after that point
// matches ErrOutcomeUnknown.
func (c *Client) SubmitStep2(ctx context.Context, r *Step2Request) (*Step2Response, error) {
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
	fb.text("gender", r.Gender)
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
	var resp Step2Response
	if err := c.doJSON(ctx, fb.call(op, "/submission/step2"), &resp, false); err != nil {
		return nil, err
	}
	if resp.KYCStatus == "" {
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
