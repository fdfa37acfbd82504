package argos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// ResolutionState says whether a write whose answer was lost landed.
type ResolutionState string

// The answers of ResolveOutcome.
const (
	// ResolutionLanded: Argos processed the write; Resolution.Submission
	// is what it created or changed, when there is one. Do not send it
	// again.
	ResolutionLanded ResolutionState = "landed"
	// ResolutionNotLanded: the write did not land and can no longer land
	// (its settle time is over, or the submission is in a state where it
	// cannot): it is safe to send again.
	ResolutionNotLanded ResolutionState = "not_landed"
	// ResolutionUndetermined: what the API shows cannot tell;
	// Resolution.Reason says why and what to check by hand.
	ResolutionUndetermined ResolutionState = "undetermined"
)

// Resolution is what ResolveOutcome found out about a write.
//
// Printing or logging it shows its state, submission ID and reason, never
// the submission's personal data.
type Resolution struct {
	State ResolutionState
	// Submission is the submission as read when the write was found to
	// have landed (or, for a Step 2 or a review that can no longer land,
	// as it stands); nil when the call has no submission.
	Submission *Submission
	// SubmissionID is the submission the write created or was about, when
	// known.
	SubmissionID string
	// Reason says why, for ResolutionUndetermined (and for some
	// ResolutionNotLanded answers): no personal data.
	Reason string
}

// LogValue implements slog.LogValuer: state, submission ID and reason.
func (r Resolution) LogValue() slog.Value {
	return slog.GroupValue(slog.String("state", string(r.State)), slog.String("submission_id", r.SubmissionID),
		slog.String("reason", r.Reason))
}

// Format prints the state, submission ID and reason for every verb, never
// the submission's data.
func (r Resolution) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, "argos.Resolution{State:"+string(r.State)+" SubmissionID:"+r.SubmissionID+
		" Reason:"+r.Reason+"}")
}

// ResolveOutcome tells whether a write whose answer was lost landed. err is
// what the write returned: it must match ErrOutcomeUnknown (an
// *OutcomeUnknownError, wrapped or not), or be one rebuilt from a process's
// own records. Argos has no idempotency key, so ResolveOutcome reads the
// API (GET /submission and, for new images, GET /image) and compares what
// it shows with what was sent; the table in docs/outcomes.md lists, per
// call, what it reads.
//
// A write can land after the client gave up on it. ResolveOutcome answers
// ResolutionLanded as soon as it sees the write, and ResolutionNotLanded
// only once the write can no longer land: after SentAt plus the settle time
// (WithSettleTime: 30 s by default), or earlier when the submission is in a
// state where it cannot (a Step 2 for a submission decided without it, a
// review of a submission decided otherwise). Until then it reads the API as
// the client's PollPolicy says, at least every 5 seconds, and blocks; it ends with ctx, returning
// ctx's error (the write may still land: call it again). A read that fails
// with a network error, a 429 or a 5xx is tried again at the next poll;
// any other read error is returned. ResolutionUndetermined, with Reason,
// says the API cannot tell (a FaceAuth or AddTokens, whose results only the
// lost answer carried; two Step 1 submissions that fit what was sent).
//
// Step 1 is found exactly with WithCorrelationField: the submission with
// the request's email, created since the send, that carries the token.
// Without it, the submissions of that email created since the send that
// match every field that was sent are candidates: one is ResolutionLanded,
// more than one ResolutionUndetermined, never a guess.
//
// A process that restarted can resolve a write it recorded before sending
// (its time, and what it sent) by rebuilding the error:
//
//	res, err := client.ResolveOutcome(ctx, &argos.OutcomeUnknownError{
//		Op: "SubmitStep1", SentAt: rec.SentAt, CorrelationToken: rec.Token,
//		Request: &argos.Step1Request{Email: rec.Email, UserID: rec.UserID, IDType: rec.IDType, IssuingCountry: rec.Country},
//	})
//
// A CorrelationToken without its CorrelationField is looked for in the
// client's WithCorrelationField. ResolveOutcome never changes err.
//
// opts apply to this call alone (WithSettleTime, WithPollPolicy,
// WithTimeout for each read, WithRateLimiter, …); an option that sets up
// the whole client (WithHTTPClient, WithRootCAs, WithBaseURL) is a
// *ValidationError. Bad input is a *ValidationError: an err that is not an
// unknown outcome (nothing to resolve: the call never reached Argos, or
// Argos answered), a zero SentAt, a Request that is not the call's.
func (c *Client) ResolveOutcome(ctx context.Context, err error, opts ...Option) (*Resolution, error) {
	const op = "ResolveOutcome"
	if rerr := c.ready(ctx); rerr != nil {
		return nil, rerr
	}
	var e *OutcomeUnknownError
	if err == nil || !errors.As(err, &e) || e == nil {
		return nil, &ValidationError{Field: "err", Reason: "is not an unknown outcome (errors.Is(err, ErrOutcomeUnknown) is false): " +
			"the call never reached Argos, or Argos answered; there is nothing to resolve"}
	}
	rc, rerr := c.with(opts)
	if rerr != nil {
		return nil, rerr
	}
	cp := *e // resolving fills in what it infers; the caller's error stays as it was
	e = &cp
	if e.CorrelationToken != "" && e.CorrelationField == "" {
		e.CorrelationField = rc.correlation
	}
	check, rerr := checkFor(e)
	if rerr != nil {
		return nil, rerr
	}
	return rc.resolve(ctx, op, e, check)
}

// resolve reads the API with check until it can answer: a sighting, a
// state where the write cannot land, or a read made once the settle time
// was over.
func (c *Client) resolve(ctx context.Context, op string, e *OutcomeUnknownError, check check) (*Resolution, error) {
	deadline := e.SentAt.Add(c.settleTime())
	p := c.pollPolicy()
	var lastErr error
	for poll := 0; ; poll++ {
		final := !time.Now().Before(deadline) // what this read misses can no longer land
		res, err := check(ctx, c, e, final)
		switch {
		case err == nil && res != nil:
			if res.SubmissionID == "" {
				res.SubmissionID = e.SubmissionID
			}
			return res, nil
		case err == nil && final:
			return &Resolution{State: ResolutionNotLanded, SubmissionID: e.SubmissionID}, nil
		case err == nil:
			lastErr = nil
		case ctx.Err() != nil:
			return nil, resolveEnded(ctx, op, deadline, lastErr)
		case !transientPollError(err):
			return nil, err
		default:
			lastErr = err
		}
		wait := backoff(p.MinWait, min(p.MaxWait, max(p.MinWait, resolveMaxWait)), poll, nil)
		if lastErr == nil {
			wait = max(min(wait, time.Until(deadline)), 0)
		}
		if !sleep(ctx, wait) {
			return nil, resolveEnded(ctx, op, deadline, lastErr)
		}
	}
}

// resolveMaxWait bounds the wait between two reads of ResolveOutcome, so
// that it answers soon after a write lands late (unless the PollPolicy's
// MinWait is longer).
const resolveMaxWait = 5 * time.Second

// resolveEnded is ResolveOutcome's error once ctx has ended.
func resolveEnded(ctx context.Context, op string, deadline time.Time, lastErr error) error {
	err := fmt.Errorf("argos: %s: %w (not resolved: the write may land until %s)", op, ctx.Err(),
		deadline.UTC().Format(time.RFC3339))
	if lastErr != nil {
		return fmt.Errorf("%w (last read failed: %w)", err, lastErr)
	}
	return err
}
