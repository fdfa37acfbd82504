package argos

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kycgo/argos/internal/lenient"
)

// Sentinel errors. Match them with errors.Is; the concrete error is an
// *APIError (status-based sentinels) or one of the types below.
var (
	// ErrBadRequest matches every 4xx answer not matched by a more specific
	// sentinel below (400 with a documented business message, 404, 405, …).
	ErrBadRequest = errors.New("argos: bad request")
	// ErrForbidden matches every 403: a missing or wrong API key
	// (ErrInvalidAPIKey), a caller IP that is not allow-listed
	// (ErrIPNotAllowed) or a route the gateway does not know
	// (ErrUnknownEndpoint).
	ErrForbidden = errors.New("argos: forbidden")
	// ErrInvalidAPIKey matches a 403 "Forbidden": the API key is missing or
	// wrong.
	ErrInvalidAPIKey = errors.New("argos: invalid API key")
	// ErrUnknownEndpoint matches the gateway's 403 "Missing Authentication
	// Token": the host has no such route (a v3-only call sent to a v2 base
	// URL, a base URL with the wrong version path), not a wrong key.
	ErrUnknownEndpoint = errors.New("argos: unknown endpoint")
	// ErrIPNotAllowed matches a 403 "…explicit deny": the caller's IP address
	// is not on the project's allow-list.
	ErrIPNotAllowed = errors.New("argos: caller IP not allow-listed")
	// ErrPayloadTooLarge matches a 413.
	ErrPayloadTooLarge = errors.New("argos: payload too large")
	// ErrRateLimited matches a 429.
	ErrRateLimited = errors.New("argos: rate limited")
	// ErrServer matches every 5xx.
	ErrServer = errors.New("argos: server error")
	// ErrNotFound matches an answer saying the submission does not exist: a
	// 404, a documented "not Exist Submission Data" or "invalid submission id"
	// message, or an empty Items list from GetSubmission.
	ErrNotFound = errors.New("argos: not found")
	// ErrAlreadyProcessed matches Step 2's "this submission is already
	// processed".
	ErrAlreadyProcessed = errors.New("argos: submission already processed")
	// ErrNotPending matches ReviewSubmission's "Only submissions in pending
	// status can be reviewed": the submission was decided already (by
	// another reviewer, say) or is still incomplete.
	ErrNotPending = errors.New("argos: submission is not pending")
	// ErrInvalidAdmin matches the v3 management endpoints' refusals of the
	// admin a request names: "Invalid admin", "admin is required", "Access
	// denied. The admin is not registered in the project."
	ErrInvalidAdmin = errors.New("argos: admin not valid for the project")
	// ErrValidation matches every *ValidationError: bad input caught before
	// any request was sent.
	ErrValidation = errors.New("argos: invalid input")
	// ErrOutcomeUnknown matches a failed call that changes state (every
	// method but GET and DELETE: Step 1, Step 2, address_code and the v3
	// POST, PATCH and PUT calls) whose request may have reached Argos: no
	// answer, an answer cut short, or any 5xx. Argos may have processed it,
	// or may still process it for a while after the answer was lost; the SDK
	// did not send it again. Client.ResolveOutcome tells whether it landed;
	// the error's text says what fits the call.
	ErrOutcomeUnknown = errors.New("argos: outcome unknown")
	// ErrUnexpectedResponse matches a 2xx answer whose body is not the
	// documented JSON (empty, HTML, another shape, malformed).
	ErrUnexpectedResponse = errors.New("argos: unexpected response")
	// ErrResponseTooLarge matches a JSON or error body larger than the SDK
	// reads (32 MiB; see SECURITY.md for every bound).
	ErrResponseTooLarge = errors.New("argos: response too large")
	// ErrInsecureRedirect matches a redirect to a plain-HTTP URL, which the
	// client refuses to follow.
	ErrInsecureRedirect = errors.New("argos: refused redirect to plain HTTP")
	// ErrPaginationStalled matches AllSubmissions ending because the server
	// kept paging without progress: a page key it had returned before,
	// 5 empty pages in a row, or no item within WithTimeout.
	ErrPaginationStalled = errors.New("argos: pagination cursor did not advance")
)

// maxErrorBody is how much of an error response body APIError keeps.
const maxErrorBody = 64 << 10

// APIError is returned for every non-2xx answer. Use errors.As to read it and
// errors.Is with the sentinels to branch on it.
//
// Code, Message and TraceID come from whichever documented body shape came
// back (errorCode, message, statusCode, traceId, errors[0].message, or a
// plain-text body). Message is the server's text as sent and may contain
// applicant data (Argos echoes the email in some messages); Error() never
// prints it unredacted.
type APIError struct {
	StatusCode int
	Code       string
	Message    string
	TraceID    string
	// RequestID is the gateway's ID of the answer, from its
	// x-amzn-RequestId header (or apigw-requestid, x-request-id): quote it
	// to the vendor's support. "" when the answer carried none.
	RequestID string
	// Method and Path name the request (the path has no query).
	Method, Path string
	// RetryAfter is the server's Retry-After, when it sent one.
	RetryAfter time.Duration
	// Attempts is how many requests the call sent: every attempt, net/http's
	// own replays and redirect hops included (0 for GetSubmission's 200
	// answer listing no item).
	Attempts int
	// OutcomeUnknown is set for a 5xx answer to a call that changes state
	// (every method but GET and DELETE): a gateway or a server failing
	// midway answered, and whether Argos processed the request is unknown
	// (it may still land for a while after this answer). Such an error is
	// also an *OutcomeUnknownError.
	OutcomeUnknown bool
	// Body is the raw response body, at most 64 KiB.
	Body []byte
	// Truncated reports that Body was cut at 64 KiB.
	Truncated bool

	// at is when the answer came (QuotaResetsAt).
	at time.Time

	// empty marks GetSubmission's 200 answer that lists no item: the API's
	// way of saying not found.
	empty bool

	// op is the call (SubmitStep2), for the hint of an unknown outcome.
	op string

	// sensitive are the request's applicant values, masked in Error.
	sensitive []string
}

// Format prints Error() for every verb (quoted for %q), so %#v and %+v
// cannot show the request's values the error keeps for masking.
func (e APIError) Format(f fmt.State, verb rune) { formatError(f, verb, &e) }

// LogValue implements slog.LogValuer with Error().
func (e APIError) LogValue() slog.Value { return slog.StringValue(e.Error()) }

// Error describes the failure without the API key, query values or
// applicant data. The server's message is included only when it is one of
// the messages Argos documents (with any email in it masked); other text
// could carry a name or an ID number, so it stays in Message.
func (e *APIError) Error() string {
	if e.OutcomeUnknown {
		return e.describe() + "; " + outcomeHint(e.op)
	}
	if e.isQuota() {
		return e.describe() + "; " + e.quotaHint()
	}
	return e.describe()
}

// describe is Error without the hint of an unknown outcome.
func (e *APIError) describe() string {
	var b strings.Builder
	if e.empty {
		return "argos: " + e.Method + " " + e.Path + ": not found: the answer listed no submission with this ID"
	}
	fmt.Fprintf(&b, "argos: %s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" {
		if code := e.redact(e.Code); documentedCode(code) {
			b.WriteString(": " + code)
		} else {
			b.WriteString(": (error code withheld from the error string: see APIError.Code)")
		}
	}
	if e.Message != "" && e.Message != e.Code && !strings.EqualFold(e.Message, http.StatusText(e.StatusCode)) {
		if msg := e.redact(e.Message); documentedMessage(msg) {
			b.WriteString(": " + msg)
		} else {
			b.WriteString(": (server message withheld from the error string: see APIError.Message)")
		}
	}
	switch {
	case e.Is(ErrUnknownEndpoint):
		b.WriteString(" (the gateway knows no such route on this host: check the base URL's version; the API key was not refused)")
	case e.StatusCode == http.StatusForbidden && !e.Is(ErrIPNotAllowed):
		b.WriteString(" (the API key was missing or refused)")
	}
	if e.TraceID != "" && traceIDRe.MatchString(e.TraceID) {
		b.WriteString(" (trace " + e.TraceID + ")")
	}
	return b.String()
}

// traceIDRe matches the trace IDs Argos sends (UUIDs, as in "0199cb93-…");
// anything else stays in APIError.TraceID only.
var traceIDRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// documentedCodes are the errorCode values of the vendor's error tables.
var documentedCodes = map[string]bool{
	"invalid_payload": true, "missing_data": true, "invalid_project": true, "invalid_admin": true,
	"invalid_submission": true, "invalid_data": true, "invalid_idType": true, "processing_error": true,
	"invalid_parameter": true, "invalid_format": true, "missing_parameter": true, "invalid_submissionId": true,
	"invalid_country": true, "request_failed": true, "invalid_aml_threshold": true, "NOT_FOUND": true,
	"required_field_missing": true, "invalid_data_format": true,
}

// documentedCode reports whether a (redacted) errorCode may be printed:
// one of the documented codes, or one of the documented messages that
// older pages send as the code ("not Exist Submission ID").
func documentedCode(code string) bool { return documentedCodes[code] || documentedMessage(code) }

// Is reports whether target is one of the sentinels this answer matches.
func (e *APIError) Is(target error) bool {
	text := strings.ToLower(e.Code + " " + e.Message)
	switch target {
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrIPNotAllowed:
		return e.StatusCode == http.StatusForbidden && strings.Contains(text, "explicit deny")
	case ErrInvalidAPIKey:
		return (e.StatusCode == http.StatusForbidden && !strings.Contains(text, "explicit deny") && !unknownRoute(text)) ||
			strings.Contains(text, "invalid api key") || e.isV3(target, text)
	case ErrUnknownEndpoint:
		return e.StatusCode == http.StatusForbidden && unknownRoute(text)
	case ErrPayloadTooLarge:
		return e.StatusCode == http.StatusRequestEntityTooLarge
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrQuotaExceeded:
		return e.isQuota()
	case ErrServer:
		return e.StatusCode >= 500
	case ErrBadRequest:
		return e.StatusCode >= 400 && e.StatusCode < 500 && e.StatusCode != http.StatusForbidden &&
			e.StatusCode != http.StatusRequestEntityTooLarge && e.StatusCode != http.StatusTooManyRequests
	case ErrNotFound:
		return e.empty || e.StatusCode == http.StatusNotFound ||
			(e.StatusCode == http.StatusBadRequest && (strings.Contains(text, "not exist submission data") ||
				strings.Contains(text, "invalid submission id"))) || e.isV3(target, text)
	case ErrAlreadyProcessed:
		return strings.Contains(text, "already processed")
	case ErrOutcomeUnknown:
		return e.OutcomeUnknown
	}
	return e.isV3(target, text)
}

// unknownRoute reports the API gateway's answer to a route it does not
// have ("Missing Authentication Token"; text is the lower-cased code and
// message), which is not about the key.
func unknownRoute(text string) bool { return strings.Contains(text, "missing authentication token") }

// documentedMessages are the error texts the vendor documents (https://argos-kyc.gitbook.io/client-guide-1/api-guide-deprecated/api-guide/api-errors
// and the endpoint pages)
// and the gateway's, lower-cased and without a final full stop.
var documentedMessages = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range []string{
		"Forbidden", "User is not authorized to access this resource with an explicit deny",
		"Request Entity Too Large", "Invalid Query String parameters", "Internal Server Error", "Bad Gateway",
		"Service Unavailable", "Gateway Timeout", "Too Many Requests", "Limit Exceeded", "Not Found", "Missing Authentication Token",
		"Endpoint request timed out",
		"failed to parse the input data", "invalid id image", "missing required parameters",
		"invalid id type : id type must be passport, government_id or drivers_license", "invalid email address format",
		"id image processing error", "data processing error", "failed to find the project",
		"invalid api key", "invalid face image", "invalid or missing an address image", "missing address data parameters",
		"invalid submission id", "this submission is already processed", "missing required parameters for identity verification",
		"not Exist Submission ID", "not Exist Submission Data", "not Exist Project Data", "delete Process FAIL",
		"adminName and comment is required", "Invalid payload", "Required input data is missing", "Invalid project",
		"Invalid admin", "Invalid submission", "faceAuth_project not found",
		"Decryption is Failed. Please check the api-key", "data parsing error. please check input data",
		"[email] had submitted another KYC and is already approved; therefore, this submission is not accepted to avoid duplicate submissions",
	} {
		m[normalizeMessage(s)] = true
	}
	for _, s := range v3Messages {
		m[normalizeMessage(s)] = true
	}
	return m
}()

func normalizeMessage(s string) string {
	return strings.TrimRight(strings.ToLower(strings.TrimSpace(s)), ". ")
}

func documentedMessage(redacted string) bool {
	return documentedMessages[normalizeMessage(redacted)] || documentedTemplate(redacted)
}

// newAPIError decodes every documented error body shape. body is at most
// maxErrorBody bytes; truncated says there was more.
func newAPIError(method, path string, resp *http.Response, body []byte, truncated bool) *APIError {
	e := &APIError{StatusCode: resp.StatusCode, Method: method, Path: path, Body: body, Truncated: truncated,
		RequestID: requestID(resp.Header), at: time.Now()}
	if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = ra
	}
	trimmed := bytes.TrimSpace(body)
	var shape struct {
		ErrorCode string `json:"errorCode"`
		Code      string `json:"code"`
		Message   string `json:"message"`
		Error     string `json:"error"`
		TraceID   string `json:"traceId"`
		Errors    []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	// The one lenient decoder of answers (decode.go): a code sent as a
	// number is its text, trailing commas are allowed, a value of another
	// type is skipped.
	if len(trimmed) > 0 && trimmed[0] == '{' && lenient.Decode(trimmed, &shape, nil) == nil {
		e.Code = firstNonEmpty(shape.ErrorCode, shape.Code)
		e.Message = firstNonEmpty(shape.Message, shape.Error)
		e.TraceID = shape.TraceID
		if len(shape.Errors) > 0 {
			e.Message = firstNonEmpty(e.Message, shape.Errors[0].Message)
			e.Code = firstNonEmpty(e.Code, shape.Errors[0].Code)
		}
		return e
	}
	if len(trimmed) > 0 && trimmed[0] == '{' {
		// Near-JSON, as the docs print it: JS object literals with single
		// quotes and bare keys.
		for _, m := range looseField.FindAllSubmatch(trimmed, -1) {
			key, val := string(m[1]), looseValue(m[2])
			switch key {
			case "errorCode", "code":
				if e.Code == "" {
					e.Code = val
				}
			case "message", "error":
				if e.Message == "" {
					e.Message = val
				}
			case "traceId":
				e.TraceID = val
			}
		}
		if e.Code != "" || e.Message != "" {
			return e
		}
	}
	if len(trimmed) > 0 && trimmed[0] == '"' {
		var s string
		if json.Unmarshal(trimmed, &s) == nil {
			e.Message = s
			return e
		}
	}
	// A plain-text body is the message; an HTML page (a proxy's) is not.
	ct := strings.ToLower(resp.Header.Get("Content-Type"))
	if len(trimmed) > 0 && len(trimmed) <= 1024 && trimmed[0] != '<' && !strings.Contains(ct, "html") && utf8.Valid(trimmed) {
		e.Message = string(trimmed)
	}
	return e
}

// looseField finds "key": "value" pairs of the error fields in text that is
// not quite JSON.
var looseField = regexp.MustCompile(`["']?\b(errorCode|code|message|error|traceId)\b["']?\s*:\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')`)

func looseValue(quoted []byte) string {
	if len(quoted) >= 2 && quoted[0] == '"' {
		var s string
		if json.Unmarshal(quoted, &s) == nil {
			return s
		}
	}
	return strings.ReplaceAll(string(quoted[1:len(quoted)-1]), `\'`, "'")
}

// notFound is the *APIError for a 200 answer that lists no submission: it
// matches ErrNotFound like a 404 or a documented "not Exist" message does.
func notFound(method, path string) *APIError {
	return &APIError{StatusCode: http.StatusOK, Method: method, Path: path, empty: true,
		Message: "no submission with this ID (the answer listed none)"}
}

// opError names the operation in front of a sentinel:
// "argos: GetSubmission: not found".
type opError struct {
	op  string
	err error
}

func (e *opError) Error() string {
	return "argos: " + e.op + ": " + strings.TrimPrefix(e.err.Error(), "argos: ")
}

func (e *opError) Unwrap() error { return e.err }

// ValidationError reports bad input found before any request was sent. It
// names the field and the rule, never the value.
type ValidationError struct {
	Field  string
	Reason string
}

func (e *ValidationError) Error() string { return "argos: invalid " + e.Field + ": " + e.Reason }

// Is makes errors.Is(err, ErrValidation) true, and errors.Is(err,
// ErrInvalidAPIKey) for a missing or malformed API key.
func (e *ValidationError) Is(target error) bool {
	return target == ErrValidation || (target == ErrInvalidAPIKey && e.Field == fieldAPIKey)
}

// fieldAPIKey names the API key in a *ValidationError.
const fieldAPIKey = "API key"

// outcomeHint is what an error whose outcome is unknown tells the caller of
// op to do. A lookup right after the failure is no proof: Argos may still
// process a request for a while after its answer was lost.
func outcomeHint(op string) string {
	check := outcomeChecks[op]
	if check == "" {
		check = resolveHint
	}
	return "the request may have reached Argos, which may still process it for a while after the answer was lost; " +
		"it was not sent again: " + check
}

// resolveHint is the hint of the calls ResolveOutcome can resolve.
const resolveHint = "pass this error to Client.ResolveOutcome, which tells whether it landed, before sending it again"

// outcomeChecks says, per call that changes state, how to find out whether
// it took effect.
var outcomeChecks = func() map[string]string {
	return map[string]string{
		"SubmitStep1":       resolveHint,
		"MigrateSubmission": resolveHint + " (a repeat inserts a second submission)",
		"SubmitStep2":       resolveHint + " (a Step 2 sent again after one that landed uses up one of the applicant's tries)",
		"UpdateSubmission":  resolveHint,
		"UpdateImages":      resolveHint,
		"ReviewSubmission":  resolveHint,
		"AddTokens":         "adding the same token IDs again is safe (the pool overwrites the IDs it has)",
		"AddressCode":       "the lookup changes no submission, so sending it again is safe",
		"MonitorAML":        "check the worklist (in the dashboard, or its aml_monitor webhooks) before registering the same submissions again",
		"FaceAuth":          "its result was lost; a FaceAuth sent again is a new authentication",
	}
}()

// OutcomeUnknownError is returned when a call that changes state (every
// method but GET and DELETE) failed after its request may have reached
// Argos: no answer (a connection reset, a timeout, a cancellation
// mid-request), an answer cut short, or any 5xx (then Err is the
// *APIError). The SDK never repeats such a request. Argos may have
// processed it, or may still process it for a while after the answer was
// lost, so a lookup that finds nothing at once is no proof: pass the error
// to Client.ResolveOutcome, which reads the API until it can tell.
//
// Its fields are what resolving needs. A process that restarts can rebuild
// one from its own records (Op, SentAt, and SubmissionID or the Request's
// fields, CorrelationToken) and resolve it; see ResolveOutcome. Its text,
// its prints under every fmt verb and its slog value never show Request,
// which holds personal data.
type OutcomeUnknownError struct {
	// Op is the method that failed ("SubmitStep1").
	Op string
	// Err is why the answer was lost: the transport or context error, or
	// the 5xx *APIError.
	Err error
	// SubmissionID is the submission the call was about (Step 2, a Step 1
	// retry, a review, an update, new images); "" for a call that creates
	// one.
	SubmissionID string
	// SentAt is when the request was sent, by the client's clock. A write
	// can land until SentAt plus the settle time (WithSettleTime).
	SentAt time.Time
	// CorrelationField and CorrelationToken are the custom field and the
	// random token SubmitStep1 wrote there (WithCorrelationField); "" when
	// none was written.
	CorrelationField DataField
	CorrelationToken string
	// Request is a copy of the request the call was given, which
	// ResolveOutcome compares with what the API shows: a *Step1Request
	// (without its images), *Step2Request, *ReviewRequest,
	// *UpdateSubmissionRequest, *UpdateImagesRequest (its images are read
	// again to compare them) or *MigrationRequest; nil for the other calls.
	// It holds personal data: never log it.
	Request any
}

// Format prints Error() for every verb (quoted for %q).
func (e OutcomeUnknownError) Format(f fmt.State, verb rune) { formatError(f, verb, &e) }

// LogValue implements slog.LogValuer with Error().
func (e OutcomeUnknownError) LogValue() slog.Value { return slog.StringValue(e.Error()) }

func (e *OutcomeUnknownError) Error() string {
	cause := "no answer"
	if apiErr, ok := e.Err.(*APIError); ok { //nolint:errorlint // the SDK's own *APIError, not a wrapped one
		cause = apiErr.describe() // its hint is the one below
	} else if e.Err != nil {
		cause = e.Err.Error()
	}
	return "argos: " + e.Op + ": " + strings.TrimPrefix(cause, "argos: ") + "; " + outcomeHint(e.Op)
}

// Unwrap returns the transport or context error.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrOutcomeUnknown) true.
func (e *OutcomeUnknownError) Is(target error) bool { return target == ErrOutcomeUnknown }

// DecodeError is returned when a 2xx body is not the documented JSON.
type DecodeError struct {
	Op          string
	StatusCode  int
	ContentType string
	Reason      string
	Err         error
}

// Format prints Error() for every verb (quoted for %q).
func (e DecodeError) Format(f fmt.State, verb rune) { formatError(f, verb, &e) }

// LogValue implements slog.LogValuer with Error().
func (e DecodeError) LogValue() slog.Value { return slog.StringValue(e.Error()) }

func (e *DecodeError) Error() string {
	s := fmt.Sprintf("argos: %s: unexpected %d response", e.Op, e.StatusCode)
	if mt := knownMediaType(e.ContentType); mt != "" {
		s += " (" + mt + ")"
	}
	s += ": " + e.Reason
	if e.Err != nil {
		s += ": " + redactText(e.Err.Error())
	}
	return s
}

// knownMediaTypes are the content types a DecodeError may print: the header
// is the server's text and could carry anything (a key, an email) in its
// parameters or in an invented type.
var knownMediaTypes = map[string]bool{
	"application/json": true, "text/html": true, "text/plain": true, "application/xml": true, "text/xml": true,
	"application/octet-stream": true, "application/pdf": true, "image/jpeg": true, "image/png": true,
	"application/problem+json": true, "text/javascript": true, "application/javascript": true,
}

// knownMediaType returns ct's media type, without parameters, when it is
// one of knownMediaTypes; "" otherwise.
func knownMediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	if knownMediaTypes[mt] {
		return mt
	}
	return ""
}

// Unwrap returns the JSON error, if any.
func (e *DecodeError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrUnexpectedResponse) true.
func (e *DecodeError) Is(target error) bool { return target == ErrUnexpectedResponse }
