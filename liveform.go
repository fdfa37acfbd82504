package argos

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// LiveformBaseURL is the hosted liveform that LiveformURL and
// LiveformURLEncrypted link to.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/getting-started/liveform-url/querystring-and-token-guide
const LiveformBaseURL = "https://form.argosidentity.com/"

// LiveformAction is the liveform's action parameter.
type LiveformAction string

// LiveformInjection (action=addveri) opens the "additional process" page
// that adds verification (address data) to the existing submission named by
// LiveformParams.SubmissionID.
//
// Argos docs: https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/submit-via-liveform/additional-process-injection
const LiveformInjection LiveformAction = "addveri"

// LiveformParams are the query-string options of the hosted liveform. Only
// ProjectID is required; a zero field is left out of the URL. Each field's
// comment gives its wire name, which is also its key in the encrypted JSON
// (see LiveformURLEncrypted).
//
// Fields marked "encrypted only" are refused by LiveformURL: Argos ignores
// them in a plain URL. Values are sent as given, URL-encoded; where the docs
// do not publish a value format (AllowedIDTypes, AllowedDocumentFields,
// KnowledgeField, KnowledgePrefill, AuxIDField, the colours) the SDK does
// not check one.
//
// Logging or printing it shows no email, user ID, custom field or token.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/getting-started/liveform-url/querystring-and-token-guide
type LiveformParams struct {
	// ProjectID is the project's ID (pid). Required; always sent in clear.
	ProjectID string
	// Lang is the form's language, for example "ko" or "en" (lang). Always
	// sent in clear.
	Lang string

	// Email is the applicant's email address (email).
	Email string
	// UserID is your identifier for the applicant (userid).
	UserID string
	// SubmissionID names an existing submission (sid), as the injection page
	// needs.
	SubmissionID string
	// Action is LiveformInjection for the additional-process page (action);
	// it needs SubmissionID.
	Action LiveformAction
	// CF1, CF2 and CF3 are custom fields returned with the submission (cf1,
	// cf2, cf3).
	CF1, CF2, CF3 string
	// Token is the private-mode token ID (token); see NewTokenID and the
	// token API.
	Token string

	// The four switches below turn a project policy off for this submission.
	// The API accepts only the value false for them, so each is a bool that,
	// when true, sends <name>=false; there is no way to send true.

	// DisableBlacklistCountries sends blacklistCountries=false.
	DisableBlacklistCountries bool
	// DisableApprovePeriod sends approvePeriod=false (the duplicate check
	// against approved submissions).
	DisableApprovePeriod bool
	// DisableRejectPeriod sends rejectPeriod=false (the duplicate check
	// against rejected submissions).
	DisableRejectPeriod bool
	// DisableAgeLimit sends ageLimit=false.
	DisableAgeLimit bool
	// RejectDuplicateUser turns duplicate-submission prevention on (true) or
	// off (false) for this submission (rejectDuplicateUser); nil leaves the
	// project's setting.
	RejectDuplicateUser *bool

	// AllowedCountries limits the issuing countries to these ISO 3166-1
	// alpha-3 codes (allowedCountries, sent comma-separated as "USA,KOR").
	// Encrypted only.
	AllowedCountries []string
	// AuxIDField asks for auxiliary identity verification, for example
	// "phoneNumber" (auxidField). Encrypted only; cannot be combined with
	// SelectedIssuingCountry or SelectedIDType.
	AuxIDField string
	// KnowledgeField sets the fields the knowledge-based step shows, or
	// "skip" (knowledgeField). Encrypted only.
	KnowledgeField string
	// KnowledgePrefill fills the knowledge-based step in advance
	// (knowledgePrefill). Encrypted only.
	KnowledgePrefill string
	// AllowedIDTypes limits the accepted ID types (allowedIdTypes).
	AllowedIDTypes string
	// AllowedDocumentFields limits the OCR fields shown for confirmation
	// (allowedDocumentFields).
	AllowedDocumentFields string
	// SelectedIssuingCountry skips the country choice with this ISO 3166-1
	// alpha-3 code (selectedIssuingCountry).
	SelectedIssuingCountry string
	// SelectedIDType skips the ID-type choice (selectedIdType).
	SelectedIDType IDType
	// ProjectionID or ProjectionName applies a projection policy that leaves
	// fields out of webhooks and GET /submission (projectionId,
	// projectionName).
	ProjectionID, ProjectionName string
	// MainColor and InnerColor brand the form (mainColor, innerColor).
	MainColor, InnerColor string
	// StartValidUntil is the last moment the link can be opened
	// (startValidUntil); later the form shows error PV-40018. Sent in UTC to
	// the second, like "2026-04-30T15:00:00Z". Encrypted only.
	StartValidUntil time.Time
}

// liveformField is one query parameter: its wire name, its value (a string
// or a bool), whether Argos takes it only encrypted, and the Go field it
// came from (for errors).
type liveformField struct {
	name    string
	value   any
	encOnly bool
	field   string
}

// fields checks p and lists its non-zero parameters other than pid and
// lang, in the docs' order.
func (p *LiveformParams) fields() ([]liveformField, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	var out []liveformField
	var err error
	str := func(name, field, v string, encOnly bool) {
		if v != "" && err == nil {
			err = checkText(field, v)
			out = append(out, liveformField{name, v, encOnly, field})
		}
	}
	off := func(name, field string, disable bool) {
		if disable {
			out = append(out, liveformField{name, false, false, field})
		}
	}
	off("blacklistCountries", "DisableBlacklistCountries", p.DisableBlacklistCountries)
	off("approvePeriod", "DisableApprovePeriod", p.DisableApprovePeriod)
	off("rejectPeriod", "DisableRejectPeriod", p.DisableRejectPeriod)
	off("ageLimit", "DisableAgeLimit", p.DisableAgeLimit)
	if p.RejectDuplicateUser != nil {
		out = append(out, liveformField{"rejectDuplicateUser", *p.RejectDuplicateUser, false, "RejectDuplicateUser"})
	}
	str("email", "Email", p.Email, false)
	str("userid", "UserID", p.UserID, false)
	str("sid", "SubmissionID", p.SubmissionID, false)
	str("action", "Action", string(p.Action), false)
	str("cf1", "CF1", p.CF1, false)
	str("cf2", "CF2", p.CF2, false)
	str("cf3", "CF3", p.CF3, false)
	str("token", "Token", p.Token, false)
	str("allowedCountries", "AllowedCountries", strings.Join(p.AllowedCountries, ","), true)
	str("auxidField", "AuxIDField", p.AuxIDField, true)
	str("knowledgeField", "KnowledgeField", p.KnowledgeField, true)
	str("knowledgePrefill", "KnowledgePrefill", p.KnowledgePrefill, true)
	str("allowedIdTypes", "AllowedIDTypes", p.AllowedIDTypes, false)
	str("allowedDocumentFields", "AllowedDocumentFields", p.AllowedDocumentFields, false)
	str("selectedIssuingCountry", "SelectedIssuingCountry", p.SelectedIssuingCountry, false)
	str("selectedIdType", "SelectedIDType", string(p.SelectedIDType), false)
	str("projectionId", "ProjectionID", p.ProjectionID, false)
	str("projectionName", "ProjectionName", p.ProjectionName, false)
	str("mainColor", "MainColor", p.MainColor, false)
	str("innerColor", "InnerColor", p.InnerColor, false)
	if !p.StartValidUntil.IsZero() {
		out = append(out, liveformField{"startValidUntil", p.StartValidUntil.UTC().Format(time.RFC3339), true, "StartValidUntil"})
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// check applies the documented rules to p; fields checks every other
// value for length, invalid UTF-8 and control characters.
func (p *LiveformParams) check() error {
	if err := checkID("ProjectID", p.ProjectID); err != nil {
		return err
	}
	if err := checkText("Lang", p.Lang); err != nil {
		return err
	}
	if p.Email != "" {
		if err := checkEmail(p.Email); err != nil {
			return err
		}
	}
	for _, c := range p.AllowedCountries {
		if err := checkAlpha3("AllowedCountries", c, true); err != nil {
			return err
		}
	}
	if err := checkAlpha3("SelectedIssuingCountry", p.SelectedIssuingCountry, false); err != nil {
		return err
	}
	if p.Action != "" && p.SubmissionID == "" {
		return &ValidationError{Field: "SubmissionID", Reason: "is required with Action (the submission to add to)"}
	}
	if p.AuxIDField != "" && (p.SelectedIssuingCountry != "" || p.SelectedIDType != "") {
		return &ValidationError{Field: "AuxIDField", Reason: "cannot be combined with SelectedIssuingCountry or SelectedIDType"}
	}
	return nil
}

// LiveformURL returns the hosted liveform's URL with p in a plain query
// string: https://form.argosidentity.com/?pid=…&… . Every value is
// URL-encoded (a space as %20, so the form's decoder cannot mistake it).
//
// It returns a *ValidationError naming the field when ProjectID is missing,
// Email is not an address, a country is not an alpha-3 code, Action lacks a
// SubmissionID, a value is not valid UTF-8 or holds control characters, or
// p uses a parameter Argos accepts only encrypted (AllowedCountries,
// AuxIDField, KnowledgeField, KnowledgePrefill, StartValidUntil): use
// LiveformURLEncrypted for those.
//
// The plain URL shows the applicant's email and user ID to anyone who sees
// the link, and the applicant can edit them; LiveformURLEncrypted does not.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/getting-started/liveform-url/querystring-and-token-guide
func LiveformURL(p *LiveformParams) (string, error) {
	if p == nil {
		return "", &ValidationError{Field: "LiveformParams", Reason: "is nil"}
	}
	fields, err := p.fields()
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	sb.WriteString(LiveformBaseURL + "?pid=" + queryEscape(p.ProjectID))
	for _, f := range fields {
		if f.encOnly {
			return "", &ValidationError{Field: f.field, Reason: "is accepted only encrypted: use LiveformURLEncrypted"}
		}
		sb.WriteString("&" + f.name + "=" + queryEscape(fmt.Sprint(f.value)))
	}
	if p.Lang != "" {
		sb.WriteString("&lang=" + queryEscape(p.Lang))
	}
	return sb.String(), nil
}

// LiveformURLEncrypted returns the hosted liveform's URL with only pid, the
// encrypted payload and lang in the query string:
// https://form.argosidentity.com/?pid=…&encrypted=…&lang=… . This is the
// form the dashboard's "encryption-only" mode requires.
//
// Every other parameter, the injection page's sid and action included, goes
// into one JSON object whose keys are the query parameters' names (email,
// userid, cf1, blacklistCountries, allowedCountries, startValidUntil, …);
// the four policy switches and rejectDuplicateUser are JSON booleans, every
// other value a string, allowedCountries comma-separated. That object is
// encrypted with EncryptPayload under key (the project's API key, or the
// liveform secretKey issued in the dashboard) and URL-encoded. Only the ECB
// module is supported (see EncryptPayload).
//
// It returns the same *ValidationError as LiveformURL for bad input
// (encrypted-only parameters are allowed here), and one for an empty key.
//
// Argos docs: https://developers.argosidentity.com/dashboard/en/project-management/security-settings/data-protection
// and https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/data-encryption-decryption-options-example
func LiveformURLEncrypted(p *LiveformParams, key string) (string, error) {
	if p == nil {
		return "", &ValidationError{Field: "LiveformParams", Reason: "is nil"}
	}
	fields, err := p.fields()
	if err != nil {
		return "", err
	}
	obj := make(map[string]any, len(fields))
	for _, f := range fields {
		obj[f.name] = f.value
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(obj); err != nil {
		return "", fmt.Errorf("argos: encoding liveform parameters: %w", err)
	}
	ct, err := EncryptPayload(key, bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	clear(buf.Bytes())
	if err != nil {
		return "", err
	}
	u := LiveformBaseURL + "?pid=" + queryEscape(p.ProjectID) + "&encrypted=" + queryEscape(ct)
	if p.Lang != "" {
		u += "&lang=" + queryEscape(p.Lang)
	}
	return u, nil
}

// queryEscape encodes a query value with spaces as %20 rather than +, which
// both URLSearchParams and decodeURIComponent read back correctly.
func queryEscape(v string) string {
	return strings.ReplaceAll(url.QueryEscape(v), "+", "%20")
}

// ReturnParams are the query parameters Argos adds when the browser
// returns to your return URL after the liveform (the "dynamic fields" chosen
// in the dashboard). A parameter the URL does not carry is "".
//
// The browser controls this URL: anyone can type one with
// kycStatus=approved. Treat it as a hint for the page you show, and confirm
// a decision with Client.GetSubmission (or a webhook) before acting on it.
//
// Logging or printing it shows the submission ID, status and error code
// only.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/getting-started/liveform-url/return-url-guide
type ReturnParams struct {
	// SubmissionID is submissionId.
	SubmissionID string
	// UserID is userid, as the liveform URL set it.
	UserID string
	// Email is email.
	Email string
	// CF1, CF2 and CF3 are cf1, cf2 and cf3, as the liveform URL set them.
	CF1, CF2, CF3 string
	// ErrorCode is errorCode, sent only when the applicant leaves from an
	// error page (the ReturnError… constants); "" after a normal finish.
	ErrorCode string
	// Status is kycStatus: KYCApproved, KYCPending or KYCRejected, as
	// sent.
	Status KYCStatus
}

// Liveform error-page codes that the return URL's errorCode can carry. They
// are plain strings so they compare with ReturnParams.ErrorCode directly;
// the format is CATEGORY-5DIGITS and the set is open (see the vendor's full
// table).
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/reference_tables/Error-codes-and-pages
const (
	// ReturnErrorDeviceVerification (DE-20000): device verification failed.
	ReturnErrorDeviceVerification = "DE-20000"
	// ReturnErrorFingerprint (DE-30000): fingerprint detection.
	ReturnErrorFingerprint = "DE-30000"
	// ReturnErrorDeviceDuplicate (DE-40000): device duplicates exceeded.
	ReturnErrorDeviceDuplicate = "DE-40000"
	// ReturnErrorTokenExpired (TK-10001): the private-mode token expired.
	ReturnErrorTokenExpired = "TK-10001"
	// ReturnErrorStartLinkExpired (PV-40018): the link was opened after
	// LiveformParams.StartValidUntil.
	ReturnErrorStartLinkExpired = "PV-40018"
)

// ParseReturnURL reads the parameters Argos put on a return URL: the full
// URL or just its path and query (r.URL.String() in a handler). Names are
// matched case-sensitively as documented (submissionId, kycStatus, userid,
// email, cf1, cf2, cf3, errorCode); other parameters are ignored.
//
// It returns a *ValidationError when the URL or its query string cannot be
// parsed, or when one of those parameters appears more than once. The error
// never quotes the URL, which holds personal data.
//
// The result is only what the browser sent: confirm it with
// Client.GetSubmission before acting on it.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/getting-started/liveform-url/return-url-guide
func ParseReturnURL(rawURL string) (*ReturnParams, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, &ValidationError{Field: "rawURL", Reason: "is not a valid URL"}
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, &ValidationError{Field: "rawURL", Reason: "has a malformed query string"}
	}
	var r ReturnParams
	var status string
	for _, t := range [...]struct {
		name string
		dst  *string
	}{
		{"submissionId", &r.SubmissionID}, {"kycStatus", &status}, {"userid", &r.UserID}, {"email", &r.Email},
		{"cf1", &r.CF1}, {"cf2", &r.CF2}, {"cf3", &r.CF3}, {"errorCode", &r.ErrorCode},
	} {
		switch vs := q[t.name]; len(vs) {
		case 0:
		case 1:
			*t.dst = vs[0]
		default:
			return nil, &ValidationError{Field: t.name, Reason: "appears more than once in the return URL"}
		}
	}
	r.Status = KYCStatus(status)
	return &r, nil
}
