package argos

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// PollPolicy says how often WaitForDecision reads a submission: first after
// MinWait, then each wait doubled with jitter (each between half and all of
// its nominal length) up to MaxWait. A zero field takes the
// DefaultPollPolicy value.
type PollPolicy struct {
	MinWait time.Duration
	MaxWait time.Duration
}

// DefaultPollPolicy returns the policy used when WithPollPolicy is not
// given: 2 s, 4 s, 8 s… up to one minute between reads. A decision usually
// comes within seconds; a manual review can take hours, during which a read
// a minute spends about 1,440 of the project's daily requests.
func DefaultPollPolicy() PollPolicy {
	return PollPolicy{MinWait: 2 * time.Second, MaxWait: time.Minute}
}

// WithPollPolicy replaces DefaultPollPolicy for WaitForDecision.
func WithPollPolicy(p PollPolicy) Option {
	return func(c *Client) error {
		if p.MinWait < 0 || p.MaxWait < 0 {
			return &ValidationError{Field: "poll policy", Reason: "must not be negative"}
		}
		def := DefaultPollPolicy()
		if p.MinWait == 0 {
			p.MinWait = def.MinWait
		}
		if p.MaxWait == 0 {
			p.MaxWait = max(def.MaxWait, p.MinWait)
		}
		if p.MinWait > p.MaxWait {
			return &ValidationError{Field: "poll policy", Reason: "MinWait is longer than MaxWait"}
		}
		c.poll = p
		return nil
	}
}

// WaitForDecision reads the submission with GetSubmission until its KYC
// result is final (approved or rejected, see KYCStatus.Final) and returns
// it. Between reads it waits as the client's PollPolicy says
// (DefaultPollPolicy unless WithPollPolicy was given).
//
// Failures that may pass — network errors, 429 and 5xx answers, a read cut
// short by the client's WithTimeout — are retried at the next poll, beyond
// the client's RetryPolicy, for as long as ctx lasts. Any other error is
// returned at once: ErrNotFound when the submission does not exist, or was
// deleted before it was decided (GET /submission then shows it as "Deleted
// Submission", still undecided), ErrForbidden for a key or IP problem, a *ValidationError for an
// empty ID, ErrUnexpectedResponse for an answer that is not the documented
// JSON.
//
// It runs until ctx ends: give ctx a deadline (a pending submission may wait
// hours for a reviewer). Then the error wraps ctx's error, names the last
// status seen (a documented KYCStatus, or "undocumented status" for any
// other text) and, when the last read failed, wraps that error too.
//
// Webhooks (NewWebhookHandler) tell you of a decision without polling; this
// is for a caller that needs the answer in line, or as a fallback.
//
// It calls GET /submission?submission_id=… repeatedly.
//
// Argos docs: https://argos-kyc.gitbook.io/client-guide-1/dealing-the-data/get-submission
// and https://argos-kyc.gitbook.io/argos-kyc-service-guide/kyc-ver-2.0-service/kyc-result-check
func (c *Client) WaitForDecision(ctx context.Context, submissionID string, opts ...Option) (*Submission, error) {
	c, err := c.with(opts)
	if err != nil {
		return nil, err
	}
	const op = "WaitForDecision"
	if ctx == nil {
		return nil, &ValidationError{Field: "context", Reason: "is nil"}
	}
	if err := checkID("submission ID", submissionID); err != nil {
		return nil, err
	}
	p := c.pollPolicy()
	var (
		last    KYCStatus
		lastErr error
	)
	for poll := 0; ; poll++ {
		sub, err := c.GetSubmission(ctx, submissionID)
		switch {
		case err == nil && sub.KYC.Status.Final():
			return sub, nil
		case err == nil && sub.Deleted():
			// Deleted undecided: no one can review it any more.
			return nil, fmt.Errorf("argos: %s: the submission was deleted before a decision: %w", op, ErrNotFound)
		case err == nil:
			last, lastErr = sub.KYC.Status, nil
		case ctx.Err() != nil:
			return nil, waitEnded(ctx, op, last, lastErr)
		case !transientPollError(err):
			return nil, err
		default:
			lastErr = err
		}
		timer := time.NewTimer(backoff(p.MinWait, p.MaxWait, poll, nil))
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, waitEnded(ctx, op, last, lastErr)
		case <-timer.C:
		}
	}
}

// deletedSubmissionName is the name GET /submission shows for a deleted
// submission, which keeps only its ID, date, ID type and status.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/delete-submission
const deletedSubmissionName = "Deleted Submission"

func (c *Client) pollPolicy() PollPolicy {
	if c.poll == (PollPolicy{}) {
		return DefaultPollPolicy()
	}
	return c.poll
}

// transientPollError reports a GetSubmission failure that the next poll may
// not meet: a network error, 429, 5xx, or the client's own per-call timeout
// (the caller's context is checked before this).
func transientPollError(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		// A spent daily quota is not transient: it lasts until midnight UTC.
		return errors.Is(err, ErrServer) || (errors.Is(err, ErrRateLimited) && !errors.Is(err, ErrQuotaExceeded))
	}
	return errors.Is(err, context.DeadlineExceeded) || retryableTransportError(err)
}

// waitEnded is WaitForDecision's error once ctx has ended. It names the
// last status only when it is a documented one: kyc.result is the server's
// text and could carry anything.
func waitEnded(ctx context.Context, op string, last KYCStatus, lastErr error) error {
	status := "none read"
	switch {
	case last.documented():
		status = string(last)
	case last != "":
		status = "undocumented status"
	}
	if lastErr != nil {
		return fmt.Errorf("argos: %s: %w (last status: %s; last read failed: %w)", op, ctx.Err(), status, lastErr)
	}
	return fmt.Errorf("argos: %s: %w (last status: %s)", op, ctx.Err(), status)
}
