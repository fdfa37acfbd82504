package main

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/examples/internal/demo"
)

// Step 2 and the wait for the final KYC result.

// step2 sends Step 2 and prints the answer: status, scores and, when Argos
// asks for another try, its reasons and the tries left.
func (q *quickstart) step2(ctx context.Context, r *argos.Step2Request) (*argos.Step2Result, error) {
	r.FaceImage = demo.Selfie.File()
	resp, err := q.client.SubmitStep2(ctx, r)
	if err != nil {
		q.out.Failure(err)
		return nil, fmt.Errorf("step 2: %w", err)
	}
	q.status = resp.Status
	q.out.Detail("KYC status: %s%s", resp.Status, demo.Scores(resp.FaceSimilarityScore, resp.LivenessScore))
	q.out.RetryReasons(resp.Retry)
	if resp.Status == argos.KYCIncomplete {
		q.out.Detail("retries left: %d, can retry: %t", resp.RetriesLeft(), resp.CanRetry())
	}
	return resp, nil
}

// poll waits, with WaitForDecision, until the KYC result is final or
// cfg.pollFor has passed: pending means a person at Argos (or the project's
// rules) still has to decide.
func (q *quickstart) poll(ctx context.Context, id string) error {
	out := q.out
	out.Step("Waiting for the final KYC result (checking every %s or more, for up to %s)", q.cfg.pollEvery, q.cfg.pollFor)
	if !q.status.Final() {
		out.Detail("%5s  KYC status: %s", "0s", demo.OrDash(string(q.status)))
	}
	pollCtx, cancel := context.WithTimeout(ctx, q.cfg.pollFor)
	defer cancel()
	sub, err := q.client.WaitForDecision(pollCtx, id)
	switch {
	case err != nil && ctx.Err() != nil:
		return ctx.Err()
	case err != nil && pollCtx.Err() != nil:
		out.Detail("still %s after %s: Argos will decide later (poll again, or use its webhook)", demo.OrDash(string(q.status)), q.cfg.pollFor)
		return nil
	case err != nil:
		out.Failure(err)
		return fmt.Errorf("reading the submission: %w", err)
	}
	q.status = sub.KYC.Status
	out.Detail("KYC status: %s after %s", sub.KYC.Status, demo.Plural(len(sub.KYC.Attempts), "attempt"))
	for _, a := range sub.KYC.Attempts {
		out.Detail("  attempt %d: %s", a.Count, cmp.Or(a.RetryMsg, "passed"))
	}
	if len(sub.KYC.Comment) > 0 {
		out.Detail("comment: %s (%s)", strings.Join(sub.KYC.Comment, "; "), joinCodes(sub.KYC.CommentCode))
	}
	return nil
}

// joinCodes joins reject codes with ", ".
func joinCodes(codes []argos.RejectCode) string {
	s := make([]string, len(codes))
	for i, c := range codes {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}
