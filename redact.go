package argos

import (
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// LogValue implements slog.LogValuer without the address.
func (r AddressCodeRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("language", r.Language))
}

// Format prints a redacted summary for every verb.
func (r AddressCodeRequest) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, "argos.AddressCodeRequest{Language:"+r.Language+" Address:"+redacted+"}")
}

// LogValue implements slog.LogValuer: "[REDACTED]" (an address is personal
// data).
func (AddressCode) LogValue() slog.Value { return slog.StringValue(redacted) }

// Format prints "[REDACTED]" for every verb.
func (AddressCode) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// LogValue implements slog.LogValuer without the email.
func (a ApplicantSubmission) LogValue() slog.Value {
	return slog.GroupValue(slog.String("submission_id", a.SubmissionID))
}

// Format prints a redacted summary for every verb.
func (a ApplicantSubmission) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, "argos.ApplicantSubmission{SubmissionID:"+a.SubmissionID+" Email:"+redacted+"}")
}

const redacted = "[REDACTED]"

// Format describes the client by its base URL for every verb, never its
// keys. (The keys are held behind pointers, which fmt prints as addresses,
// so a copied Client value does not show them either.)
func (c *Client) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, "argos.Client{"+c.BaseURL()+"}")
}

// redact masks the request's own applicant values (a name, a birth date,
// a user ID the server echoes back), then emails and long digit runs.
func (e *APIError) redact(s string) string {
	for _, v := range e.sensitive {
		if len(v) >= 3 {
			mask := "[redacted]"
			if strings.Contains(v, "@") {
				mask = "[email]" // as redactText masks emails the request did not carry
			}
			s = strings.ReplaceAll(s, v, mask)
		}
	}
	return redactText(s)
}

var (
	emailRe  = regexp.MustCompile(`[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+`)
	digitsRe = regexp.MustCompile(`\d[\d*\-]{5,}\d|\d{6,}`)
)

// redactText makes server text safe for an error string: emails and long
// digit runs (ID numbers, phone numbers) are masked, control characters
// dropped, and the length capped.
func redactText(s string) string {
	s = emailRe.ReplaceAllString(s, "[email]")
	s = digitsRe.ReplaceAllString(s, "[number]")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	const maxLen = 200
	if utf8.RuneCountInString(s) > maxLen {
		s = string([]rune(s)[:maxLen]) + "…"
	}
	return s
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

// LogValue implements slog.LogValuer: "[REDACTED]".
func (ApplicantData) LogValue() slog.Value { return slog.StringValue(redacted) }

// Format prints "[REDACTED]" for every verb.
func (ApplicantData) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// LogValue implements slog.LogValuer: "[REDACTED]".
func (VerificationParams) LogValue() slog.Value { return slog.StringValue(redacted) }

// Format prints "[REDACTED]" for every verb.
func (VerificationParams) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// Format prints "[REDACTED]" for every verb.
func (OCRResult) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// LogValue implements slog.LogValuer: "[REDACTED]".
func (OCRResult) LogValue() slog.Value { return slog.StringValue(redacted) }

// LogValue implements slog.LogValuer without the email or user ID.
func (p ListSubmissionsParams) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("count", p.Count), slog.String("request_type", string(p.RequestType)),
		slog.Bool("by_user_id", p.UserID != ""), slog.Bool("by_email", p.Email != ""), slog.Bool("next", p.Next != nil))
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

// LogValue implements slog.LogValuer without personal data.
func (r Step1Request) LogValue() slog.Value {
	return slog.GroupValue(slog.String("idType", string(r.IDType)), slog.Bool("retry", r.SubmissionID != ""),
		slog.Bool("back_image", r.IDBackImage != nil))
}

// Format prints a redacted summary for every verb.
func (r Step1Request) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.Step1Request{IDType:%s Retry:%t %s}", r.IDType, r.SubmissionID != "", redacted)
}

// LogValue implements slog.LogValuer: "[REDACTED]".
func (OCRData) LogValue() slog.Value { return slog.StringValue(redacted) }

// Format prints "[REDACTED]" for every verb.
func (OCRData) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

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

// LogValue implements slog.LogValuer without personal data.
func (r Step2Request) LogValue() slog.Value {
	return slog.GroupValue(slog.String("submission_id", r.SubmissionID), slog.Bool("address", r.FormattedAddress != "" || r.GlobalCode != "" || r.CompoundCode != ""))
}

// Format prints a redacted summary for every verb.
func (r Step2Request) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.Step2Request{SubmissionID:%s %s}", r.SubmissionID, redacted)
}

// Format describes the file without its name (file names often carry the
// applicant's name), for every verb.
func (f File) Format(s fmt.State, _ rune) {
	_, _ = io.WriteString(s, "argos.File{ContentType:"+f.ContentType+" Name:"+redacted+"}")
}

// LogValue implements slog.LogValuer without the file name.
func (f File) LogValue() slog.Value {
	return slog.GroupValue(slog.String("content_type", f.ContentType))
}

// Format prints a summary without the email or user ID, for every verb.
func (p ListSubmissionsParams) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.ListSubmissionsParams{Count:%d RequestType:%s StartDate:%s EndDate:%s ByUserID:%t ByEmail:%t Next:%t}",
		p.Count, p.RequestType, p.StartDate, p.EndDate, p.UserID != "", p.Email != "", p.Next != nil)
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

// LogValue implements slog.LogValuer without the verification data.
func (a Attempt) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("count", a.Count), slog.String("verification_result", a.VerificationResult))
}

// Format prints the attempt without the data it was verified against.
func (a Attempt) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.Attempt{Count:%d VerificationResult:%s VerificationParams:%s}", a.Count, a.VerificationResult, redacted)
}

// LogValue implements slog.LogValuer without the memo's text (a reviewer's
// free text may name the applicant).
func (m Memo) LogValue() slog.Value { return slog.GroupValue(slog.String("updated_at", m.UpdatedAt)) }

// Format prints the memo without its text.
func (m Memo) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.Memo{UpdatedAt:%s Text:%s}", m.UpdatedAt, redacted)
}

// LogValue implements slog.LogValuer without the file name (which may name
// the applicant).
func (d Download) LogValue() slog.Value {
	return slog.GroupValue(slog.String("content_type", d.ContentType), slog.Int64("content_length", d.ContentLength))
}

// Format prints the download's type and length, never its file name.
func (d Download) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.Download{ContentType:%s ContentLength:%d Filename:%s}", d.ContentType, d.ContentLength, redacted)
}

// Format prints Error() for every verb (quoted for %q), so %#v and %+v
// cannot show the request's values the error keeps for masking.
func (e APIError) Format(f fmt.State, verb rune) { formatError(f, verb, &e) }

// LogValue implements slog.LogValuer with Error().
func (e APIError) LogValue() slog.Value { return slog.StringValue(e.Error()) }

// Format prints Error() for every verb (quoted for %q).
func (e OutcomeUnknownError) Format(f fmt.State, verb rune) { formatError(f, verb, &e) }

// LogValue implements slog.LogValuer with Error().
func (e OutcomeUnknownError) LogValue() slog.Value { return slog.StringValue(e.Error()) }

// Format prints Error() for every verb (quoted for %q).
func (e DecodeError) Format(f fmt.State, verb rune) { formatError(f, verb, &e) }

// LogValue implements slog.LogValuer with Error().
func (e DecodeError) LogValue() slog.Value { return slog.StringValue(e.Error()) }

// formatError writes err's message, quoted for %q.
func formatError(f fmt.State, verb rune, err error) {
	if verb == 'q' {
		_, _ = io.WriteString(f, strconv.Quote(err.Error()))
		return
	}
	_, _ = io.WriteString(f, err.Error())
}

// LogValue implements slog.LogValuer: the project, language, submission and
// action, and which personal fields are set, never their values.
func (p LiveformParams) LogValue() slog.Value {
	return slog.GroupValue(slog.String("pid", p.ProjectID), slog.String("lang", p.Lang),
		slog.String("sid", p.SubmissionID), slog.String("action", string(p.Action)),
		slog.Bool("email", p.Email != ""), slog.Bool("userid", p.UserID != ""), slog.Bool("token", p.Token != ""))
}

// Format prints a redacted summary (see LogValue) for every verb, so %+v
// and %#v stay redacted.
func (p LiveformParams) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.LiveformParams{ProjectID:%s Lang:%s SubmissionID:%s Action:%s %s}",
		p.ProjectID, p.Lang, p.SubmissionID, p.Action, redacted)
}

// LogValue implements slog.LogValuer: the submission ID, status and error
// code, never the email, user ID or custom fields.
func (r ReturnParams) LogValue() slog.Value {
	return slog.GroupValue(slog.String("submission_id", r.SubmissionID),
		slog.String("kyc_status", string(r.Status)), slog.String("error_code", r.ErrorCode))
}

// Format prints a redacted summary (see LogValue) for every verb, so %+v
// and %#v stay redacted.
func (r ReturnParams) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.ReturnParams{SubmissionID:%s Status:%s ErrorCode:%s %s}",
		r.SubmissionID, r.Status, r.ErrorCode, redacted)
}

// Format prints a redacted summary for every verb: trigger, submission ID
// and status.
func (e WebhookEvent) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.WebhookEvent{Trigger:%s SubmissionID:%s Status:%s Data:%s}",
		e.Trigger, e.SubmissionID, e.Status, redacted)
}

// LogValue implements slog.LogValuer: trigger, submission ID and status
// only, never personal data.
func (e WebhookEvent) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("trigger", string(e.Trigger)),
		slog.String("submission_id", e.SubmissionID),
		slog.String("status", string(e.Status)),
	)
}

// setNames lists the names whose values are set, never the values.
func setNames(pairs ...string) []string {
	var out []string
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			out = append(out, pairs[i])
		}
	}
	return out
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

// LogValue implements slog.LogValuer without personal data.
func (r UpdateSubmissionRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("submission_id", r.SubmissionID), slog.Any("data", r.Data))
}

// Format prints a redacted summary for every verb.
func (r UpdateSubmissionRequest) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.UpdateSubmissionRequest{SubmissionID:%s Admin:%s Data:%v}", r.SubmissionID, redacted, r.Data)
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

// LogValue implements slog.LogValuer without the admin.
func (r DeleteSubmissionRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("submission_id", r.SubmissionID), slog.Bool("admin", r.Admin != ""))
}

// Format prints the submission ID and hides the admin for every verb.
func (r DeleteSubmissionRequest) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.DeleteSubmissionRequest{SubmissionID:%s Admin:%s}", r.SubmissionID, redacted)
}

// LogValue implements slog.LogValuer without the admin.
func (r DeleteFieldsRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("submission_id", r.SubmissionID), slog.Any("fields", r.Fields),
		slog.Any("data_fields", r.DataFields))
}

// Format prints the part names and hides the admin for every verb.
func (r DeleteFieldsRequest) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.DeleteFieldsRequest{SubmissionID:%s Fields:%v DataFields:%v Admin:%s}",
		r.SubmissionID, r.Fields, r.DataFields, redacted)
}

// LogValue implements slog.LogValuer: how many token IDs, never the IDs.
func (r TokensRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("token_ids", len(r.TokenIDs)))
}

// Format prints how many token IDs the request holds, never the IDs.
func (r TokensRequest) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.TokensRequest{TokenIDs:%d %s}", len(r.TokenIDs), redacted)
}

// LogValue implements slog.LogValuer without the admin.
func (r AMLMonitorRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("worklist_id", r.WorklistID), slog.Any("submission_ids", r.SubmissionIDs))
}

// Format prints the IDs and hides the admin for every verb.
func (r AMLMonitorRequest) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.AMLMonitorRequest{WorklistID:%s SubmissionIDs:%v Admin:%s}", r.WorklistID, r.SubmissionIDs, redacted)
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

func (u *ReviewFields) fields() []string {
	if u == nil {
		return nil
	}
	return setNames("fullName", u.FullName, "gender", string(u.Gender), "issueDate", u.DateOfIssue,
		"expireDate", u.DateOfExpiry, "birthDate", u.DateOfBirth, "idType", string(u.IDType))
}

// LogValue implements slog.LogValuer: the names of the fields set.
func (u ReviewFields) LogValue() slog.Value { return slog.AnyValue(u.fields()) }

// Format prints the names of the fields set for every verb.
func (u ReviewFields) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.ReviewFields{Set:%v Values:%s}", u.fields(), redacted)
}

// LogValue implements slog.LogValuer without personal data (the reject
// comment may name the applicant).
func (r ReviewRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("submission_id", r.SubmissionID), slog.String("status", string(r.Status)),
		slog.Any("update_fields", r.UpdateFields.fields()))
}

// Format prints a redacted summary for every verb.
func (r ReviewRequest) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.ReviewRequest{SubmissionID:%s Status:%s UpdateFields:%v Admin:%s RejectComment:%s}",
		r.SubmissionID, r.Status, r.UpdateFields.fields(), redacted, redacted)
}

// LogValue implements slog.LogValuer: IDs, status and counts only.
func (r AMLMonitorRecord) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", r.ID), slog.String("submission_id", r.SubmissionID),
		slog.String("status", r.Status), slog.Int("open", r.OpenCount), slog.Int("true_positive", r.TruePositiveCount))
}

// Format prints a redacted summary for every verb.
func (r AMLMonitorRecord) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.AMLMonitorRecord{ID:%s SubmissionID:%s Status:%s Open:%d FalsePositive:%d TruePositive:%d Discarded:%d %s}",
		r.ID, r.SubmissionID, r.Status, r.OpenCount, r.FalsePositiveCount, r.TruePositiveCount, r.DiscardedCount, redacted)
}

// LogValue implements slog.LogValuer without the user ID or custom fields.
func (r FaceAuthRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("submission_id", r.SubmissionID))
}

// Format prints a redacted summary for every verb.
func (r FaceAuthRequest) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.FaceAuthRequest{SubmissionID:%s %s}", r.SubmissionID, redacted)
}
