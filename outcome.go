package argos

import (
	"crypto/rand"
	"strings"
	"time"
)

// outcomeInfo is what a call that changes state records for its
// *OutcomeUnknownError, so that ResolveOutcome can tell whether it landed.
type outcomeInfo struct {
	submissionID string
	request      any       // a copy of the call's request
	field        DataField // WithCorrelationField's field, when the call wrote a token
	token        string
}

// outcomeUnknown is the *OutcomeUnknownError of the call whose request may
// have reached Argos: err is why its answer was lost.
func (ex *exchange) outcomeUnknown(err error) *OutcomeUnknownError {
	e := &OutcomeUnknownError{Op: ex.r.op, Err: err, SentAt: ex.sentAt}
	if o := ex.r.outcome; o != nil {
		e.SubmissionID, e.Request = o.submissionID, o.request
		e.CorrelationField, e.CorrelationToken = o.field, o.token
	}
	return e
}

// WithCorrelationField makes SubmitStep1 write a random token into the
// custom field f (DataFieldCF1, DataFieldCF2 or DataFieldCF3 only), so that
// ResolveOutcome finds a Step 1 whose answer was lost exactly: the
// submission with that email, created since the send, that carries the
// token. Without it, ResolveOutcome can only match what was sent, and
// answers ResolutionUndetermined when more than one submission fits.
//
// The field is the project's own custom field (cf1, cf2 or cf3 of GET
// /submission and the webhooks, https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/submit-via-api/post-submission-step-1):
// choose one the project does not use. A Step1Request that sets that field
// itself is refused with a *ValidationError, never overwritten. The token is
// random (no personal data), and is in OutcomeUnknownError.CorrelationToken.
func WithCorrelationField(f DataField) Option {
	return func(c *Client) error {
		if !isCustomField(f) {
			return &ValidationError{Field: "correlation field", Reason: "must be DataFieldCF1, DataFieldCF2 or DataFieldCF3"}
		}
		c.correlation = f
		return nil
	}
}

// isCustomField reports whether f is one of the project's custom fields.
func isCustomField(f DataField) bool {
	return f == DataFieldCF1 || f == DataFieldCF2 || f == DataFieldCF3
}

// defaultSettleTime is WithSettleTime's default: the gateway in front of
// Argos (Amazon API Gateway, whose answers it sends) gives up on a request
// after 29 seconds unless its operator raised the limit
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html),
// and a request whose answer was lost may be processed until then.
const defaultSettleTime = 30 * time.Second

// WithSettleTime sets how long after a write was sent ResolveOutcome waits
// before it may answer ResolutionNotLanded; the default is 30 seconds, as
// the gateway in front of Argos gives up on a request after 29. A request
// whose answer was lost can still be processed after the client gave up,
// so ResolveOutcome blocks until SentAt plus d (ending with its context)
// unless it sees the write land first. 0 answers at once from what the API
// shows, which is no proof for a write sent moments ago.
func WithSettleTime(d time.Duration) Option {
	return func(c *Client) error {
		if d < 0 {
			return &ValidationError{Field: "settle time", Reason: "must not be negative"}
		}
		c.settle = &d
		return nil
	}
}

// settleTime is the client's settle time.
func (c *Client) settleTime() time.Duration {
	if c.settle == nil {
		return defaultSettleTime
	}
	return *c.settle
}

// correlate returns what SubmitStep1 sends for r: r itself, or with
// WithCorrelationField a copy carrying a fresh token in the field, and
// the token. A request that fills the field itself is refused.
func (c *Client) correlate(r *Step1Request) (*Step1Request, string, error) {
	if c.correlation == "" {
		return r, "", nil
	}
	sent := *r
	field := map[DataField]struct {
		name string
		dst  *string
	}{DataFieldCF1: {"CF1", &sent.CF1}, DataFieldCF2: {"CF2", &sent.CF2}, DataFieldCF3: {"CF3", &sent.CF3}}[c.correlation]
	dst := field.dst
	if *dst != "" {
		return nil, "", &ValidationError{Field: field.name,
			Reason: "is the correlation field (WithCorrelationField), which the SDK fills: leave it empty or correlate with another field"}
	}
	*dst = correlationToken()
	return &sent, *dst, nil
}

// correlationToken is a random token for WithCorrelationField: "argos-"
// and 26 base32 characters from crypto/rand (130 bits), lower-cased.
func correlationToken() string { return "argos-" + strings.ToLower(rand.Text()) }

// step1Outcome is what SubmitStep1 records of r, the request as the caller
// gave it (without the token), for its *OutcomeUnknownError: the images
// are left out, as resolving does not read them.
func step1Outcome(r *Step1Request, field DataField, token string) *outcomeInfo {
	cp := *r
	cp.IDImage, cp.IDBackImage = nil, nil
	o := &outcomeInfo{submissionID: r.SubmissionID, request: &cp}
	if token != "" {
		o.field, o.token = field, token
	}
	return o
}

// withoutImages is a copy of a Step 2 request without its images, which
// resolving does not read.
func withoutImages(r Step2Request) *Step2Request {
	r.FaceImage, r.AddressImage = nil, nil
	return &r
}

// copyReview is a copy of a review request that shares nothing with it.
func copyReview(r *ReviewRequest) *ReviewRequest {
	cp := *r
	if r.UpdateFields != nil {
		f := *r.UpdateFields
		cp.UpdateFields = &f
	}
	return &cp
}
