package argos

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/kycgo/argos/internal/lenient"
)

// decodeLenient decodes body into v. The top-level shape must match (object
// or array); inside it, a value of an unexpected JSON type is skipped rather
// than failing the response (encoding/json fills every other field and
// reports such mismatches as *json.UnmarshalTypeError, which is ignored).
func decodeLenient(op string, resp *http.Response, body []byte, v any, wantArray bool) error {
	derr := func(reason string, err error) error {
		return &DecodeError{Op: op, StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Reason: reason, Err: err}
	}
	first := firstByte(body)
	if first == 0 {
		return derr("empty body", nil)
	}
	want := byte('{')
	if wantArray {
		want = '['
	}
	if first != want {
		if first == '<' {
			return derr("an HTML page instead of JSON", nil)
		}
		return derr("not a JSON "+map[bool]string{false: "object", true: "array"}[wantArray], nil)
	}
	if n := maxShallowArrayLen(body); n > MaxPageSize {
		return derr(fmt.Sprintf("a list of more than %d items (MaxPageSize)", MaxPageSize), ErrResponseTooLarge)
	}
	err := decodeInto(body, v)
	if err != nil && !isTypeError(err) {
		// The vendor's own samples end objects and arrays with a comma;
		// such a body is read again without them (the slow path only).
		if fixed, ok := dropTrailingCommas(body); ok {
			if err2 := decodeInto(fixed, v); err2 == nil || isTypeError(err2) {
				return nil
			}
		}
		return derr("malformed JSON", err)
	}
	return nil
}

// decodeInto decodes body into v, through decodeJSON when v has one.
func decodeInto(body []byte, v any) error {
	if d, ok := v.(jsonDecoder); ok {
		return d.decodeJSON(body)
	}
	return json.Unmarshal(body, v)
}

// dropTrailingCommas returns b without the commas that stand (white space
// aside) right before a closing '}' or ']' outside strings, and whether
// there were any. Nothing else is changed, so a body that is malformed in
// another way stays malformed.
func dropTrailingCommas(b []byte) ([]byte, bool) {
	out := make([]byte, 0, len(b))
	inString, escaped, found := false, false, false
	pending := -1 // index in out of a comma that may be trailing
	for _, c := range b {
		if inString {
			out = append(out, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			out = append(out, c)
			continue
		case '}', ']':
			if pending >= 0 {
				out = append(out[:pending], out[pending+1:]...)
				found = true
			}
		case '"':
			inString = true
		}
		pending = -1
		if c == ',' {
			pending = len(out)
		}
		out = append(out, c)
	}
	return out, found
}

// jsonDecoder is a response type the client decodes itself, without
// encoding/json's extra validation pass over the body.
type jsonDecoder interface{ decodeJSON([]byte) error }

// answer keeps the JSON an API answer was decoded from: every type a call
// returns embeds it, for Raw. The JSON, which may carry personal data, is
// kept as a *string: fmt shows a pointer to a string as an address under
// every verb (a pointer to a slice or a struct it would print whole), and
// json.Marshal skips the unexported field.
type answer struct{ raw *string }

// Raw returns the JSON of the answer the value was decoded from, as
// received (decrypted, with WithSecureTransmission), for fields the SDK does
// not model: one item of a page for a Submission, the last request's answer
// for a TokensResult. It is nil for a value the client did not decode. It
// may hold personal data; prints and logs of the value leave it out.
func (a answer) Raw() json.RawMessage {
	if a.raw == nil {
		return nil
	}
	return json.RawMessage(*a.raw) // a copy: the result's JSON cannot be changed through it
}

// keepAnswer decodes a call's body into v, as decodeInto does, and keeps the
// body in raw.
type keepAnswer struct {
	v   any
	raw *answer
}

func (k keepAnswer) decodeJSON(b []byte) error {
	k.raw.raw = rawOf(b)
	return decodeInto(b, k.v)
}

// firstByte returns the first byte of b that is not JSON white space, or 0.
func firstByte(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r':
		default:
			return c
		}
	}
	return 0
}

// lenientSubmission decodes a Submission on the slow path (see
// SubmissionList.decodeJSON): identifiers and timestamps sent as numbers
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
	r := KYCResult{Status: KYCStatus(k.Result), Comment: k.Comment, CommentCode: typedStrings[RejectCode](k.CommentCode)}
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

// decodeJSON decodes a page leniently: identifiers and timestamps sent as
// numbers are kept as text, scores and counts sent as strings are parsed, a
// single string where a list is documented becomes a list, values of an
// unexpected type are skipped, and an empty page key means none. Each item
// keeps its JSON (Submission.Raw).
//
// A well-formed page is decoded by encoding/json in one pass; only a page
// holding a value of an unexpected type is decoded a second time,
// leniently. (json.Unmarshal into a SubmissionList or a Submission follows
// encoding/json's rules.)
func (l *SubmissionList) decodeJSON(b []byte) error {
	*l = SubmissionList{}
	err := json.Unmarshal(b, (*plainList)(l))
	if isTypeError(err) {
		*l = SubmissionList{}
		err = l.unmarshalLenient(b)
	}
	if err != nil {
		return err
	}
	if l.Next != nil && l.Next.ID == "" && l.Next.CreatedAt == "" {
		l.Next = nil
	}
	l.keepItems(b)
	return nil
}

// plainList is SubmissionList decoded by encoding/json's rules.
type plainList SubmissionList

// keepItems gives each item its JSON, b's Items elements, when they are as
// many as the items decoded (they always are for a body that decoded). The
// page's JSON is copied once; the items share the copy.
func (l *SubmissionList) keepItems(b []byte) {
	if len(l.Items) == 0 {
		return
	}
	page := string(b)
	raws := make([]string, 0, len(l.Items))
	itemsJSON(b, func(start, end int) { raws = append(raws, page[start:end]) })
	if len(raws) != len(l.Items) {
		return
	}
	for i := range l.Items {
		l.Items[i].raw = &raws[i]
	}
}

// itemsJSON calls fn with the bounds in b of each element of the top-level
// object's "Items" array (the key matched as encoding/json matches it,
// case-insensitively), without decoding anything.
func itemsJSON(b []byte, fn func(start, end int)) {
	depth, start := 0, -1
	inItems := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inItems && depth == 2 && start < 0 && c != ',' && c != ']' && !isSpace(c) {
			start = i // an element begins
		}
		switch c {
		case '"':
			end := skipString(b, i)
			if depth == 1 && !inItems && end < len(b) && strings.EqualFold(string(b[i+1:end]), "Items") {
				if j := skipSpace(b, end+1); j < len(b) && b[j] == ':' {
					if k := skipSpace(b, j+1); k < len(b) && b[k] == '[' {
						inItems, depth, start, i = true, 2, -1, k
						continue
					}
				}
			}
			i = end
		case '{', '[':
			depth++
		case '}', ']':
			if inItems && depth == 2 { // the end of Items
				if start >= 0 {
					fn(start, start+len(bytes.TrimRight(b[start:i], " \t\r\n")))
				}
				return
			}
			depth--
		case ',':
			if inItems && depth == 2 && start >= 0 {
				fn(start, start+len(bytes.TrimRight(b[start:i], " \t\r\n")))
				start = -1
			}
		}
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// skipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
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

// ocrWire is OCRData as Step 1 sends it (reviewOCRData).
type ocrWire OCRData

// UnmarshalJSON decodes every ocr_* value, whatever its JSON type.
func (w *ocrWire) UnmarshalJSON(b []byte) error {
	o := (*OCRData)(w)
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
			o.DateOfBirth = string(v)
		case "ocr_issueDate":
			o.DateOfIssue = string(v)
		case "ocr_expireDate":
			o.DateOfExpiry = string(v)
		default:
			if o.Other == nil {
				o.Other = map[string]string{}
			}
			o.Other[k] = string(v)
		}
	}
	return nil
}

// decodeJSON accepts submissionId and the documented Submissionid.
func (r *Step1Result) decodeJSON(b []byte) error {
	var w struct {
		SubmissionID  lenient.String `json:"submissionId"`
		SubmissionID2 lenient.String `json:"Submissionid"`
		SubmissionID3 lenient.String `json:"submission_id"`
		ReviewOCRData ocrWire        `json:"reviewOCRData"`
		FileUpload    lenient.String `json:"file_upload"`
		KYCStatus     lenient.String `json:"kycStatus"`
		RetryCount    lenient.Int    `json:"retryCount"`
		Retry         []RetryReason  `json:"retry"`
	}
	if err := ignoreTypeErrors(json.Unmarshal(b, &w)); err != nil {
		return err
	}
	*r = Step1Result{
		SubmissionID:  firstNonEmpty(string(w.SubmissionID), string(w.SubmissionID2), string(w.SubmissionID3)),
		ReviewOCRData: OCRData(w.ReviewOCRData),
		FileUpload:    w.FileUpload == "true",
		Status:        KYCStatus(w.KYCStatus),
		RetryCount:    w.RetryCount.V,
		Retry:         w.Retry,
	}
	r.raw = rawOf(b)
	return nil
}

// rawOf returns a copy of b for answer.raw.
func rawOf(b []byte) *string {
	raw := string(b)
	return &raw
}

// decodeJSON decodes numbers sent as strings and keeps absent scores nil.
func (r *Step2Result) decodeJSON(b []byte) error {
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
	*r = Step2Result{
		VerificationResult:  string(w.VerificationResult),
		FaceSimilarityScore: w.FaceSimilarityScore.Ptr(),
		LivenessScore:       w.LivenessScore.Ptr(),
		Status:              KYCStatus(w.KYCStatus),
		RetryCount:          w.RetryCount.V,
		Retry:               w.Retry,
	}
	r.raw = rawOf(b)
	return nil
}

// typedStrings converts a decoded list of strings to a list of a string
// type (the code types); nil stays nil.
func typedStrings[T ~string](ss []string) []T {
	if ss == nil {
		return nil
	}
	out := make([]T, len(ss))
	for i, s := range ss {
		out[i] = T(s)
	}
	return out
}

// ignoreTypeErrors drops *json.UnmarshalTypeError: encoding/json skips a
// value of the wrong JSON type, fills every other field and reports the
// mismatch at the end, which for Argos' drifting docs is not a failure.
func ignoreTypeErrors(err error) error {
	if isTypeError(err) {
		return nil
	}
	return err
}

// maxShallowArrayLen returns the number of elements of the longest array
// that is the answer itself or a direct member of the answer's object (a
// page's Items), without decoding anything: decoded memory is bounded by
// refusing a page of more than MaxPageSize items before it is decoded.
// Strings are skipped whole, so a '[' or ',' inside one does not count. A
// trailing comma counts as an element (an upper bound is enough).
func maxShallowArrayLen(b []byte) int {
	depth := 0 // containers open
	arr := 0   // depth of the array being counted; 0: none
	elems, longest := 0, 0
	empty := true // the counted array has no element yet
	for i := 0; i < len(b); i++ {
		c := b[i]
		if arr != 0 && depth == arr && c != ']' && c != ',' && c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			empty = false
		}
		switch c {
		case '"':
			i = skipString(b, i)
		case '[', '{':
			depth++
			if c == '[' && arr == 0 && depth <= 2 {
				arr, elems, empty = depth, 0, true
			}
		case ']', '}':
			if arr != 0 && depth == arr {
				if !empty {
					elems++
				}
				longest = max(longest, elems)
				arr = 0
			}
			depth--
		case ',':
			if arr != 0 && depth == arr {
				elems++
			}
		}
	}
	return longest
}

// skipString returns the index of the quote that closes the string opening
// at b[i], or len(b).
func skipString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return len(b)
		}
		j += k
		backslashes := 0
		for p := j - 1; p > i && b[p] == '\\'; p-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return j
		}
	}
	return len(b)
}
