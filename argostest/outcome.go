package argostest

import (
	"fmt"
	"strconv"
	"time"

	"github.com/kycgo/argos"
)

// An Outcome is what the fake's "verification" of a Step 2 try decides. Queue
// outcomes with ScriptStep2; without a script every try is approved.
//
// The failure outcomes (face mismatch, liveness, no face, multiple faces, ID
// verification) are the retry reasons of the API guide (https://argos-kyc.gitbook.io/client-guide-1/api-guide-deprecated/api-guide): each one adds to the
// submission's retryCount, which Step 1 retries share. While retryCount is
// below 3 the response asks for a retry ({"retry":[…],"kycStatus":
// "incomplete",…}); the try that makes it 3 rejects the submission with
// commentCode "too_many_retry".
type Outcome int

// The outcomes of a Step 2 try.
const (
	// OutcomeApprove approves the submission (faceSimilarityScore 99,
	// livenessScore 95), assigns its applicant_id and an AML result
	// "Not Screened".
	OutcomeApprove Outcome = iota
	// OutcomePending holds the submission for manual review (scores 88 and
	// 91); finish it with SetKYCResult.
	OutcomePending
	// OutcomeFaceMismatch fails the try with retryCode
	// "face_compare_underscore" (faceSimilarityScore 12).
	OutcomeFaceMismatch
	// OutcomeLivenessFail fails the try with retryCode "liveness_fail"
	// (livenessScore 20).
	OutcomeLivenessFail
	// OutcomeNoFace fails the try with retryCode "no_face_detected"; the
	// attempt has no scores.
	OutcomeNoFace
	// OutcomeMultipleFaces fails the try with retryCode
	// "multiple_faces_detected"; the attempt has no scores.
	OutcomeMultipleFaces
	// OutcomeIDVerificationFail fails the try with retryCode
	// "id_verification_fail" and verificationResult "fail" (the Korean-ID
	// check with the issuing authority).
	OutcomeIDVerificationFail
	// OutcomeReject rejects the submission at once with commentCode
	// "id_info_dataMismatch".
	OutcomeReject
)

var outcomeNames = [...]string{
	"OutcomeApprove", "OutcomePending", "OutcomeFaceMismatch", "OutcomeLivenessFail",
	"OutcomeNoFace", "OutcomeMultipleFaces", "OutcomeIDVerificationFail", "OutcomeReject",
}

// String returns the constant's name, e.g. "OutcomeFaceMismatch".
func (o Outcome) String() string {
	if o >= 0 && int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return "Outcome(" + strconv.Itoa(int(o)) + ")"
}

// outcomeProfile is what an outcome puts in the response and the attempt.
type outcomeProfile struct {
	face, liveness     *int
	verificationResult string
	retryCode          string
	retryMsg           string // in the response's retry[]
	attemptMsg         string // in kyc.attempts[].retryMsg
}

func score(n int) *int { return &n }

func (o Outcome) profile() outcomeProfile {
	switch o {
	case OutcomePending:
		return outcomeProfile{face: score(88), liveness: score(91), verificationResult: "success"}
	case OutcomeFaceMismatch:
		return outcomeProfile{face: score(12), liveness: score(95), verificationResult: "success",
			retryCode: "face_compare_underscore", retryMsg: "The face doesn’t match. Please retry with another face image.",
			attemptMsg: "1. Face compare failed: no matching face"}
	case OutcomeLivenessFail:
		return outcomeProfile{face: score(99), liveness: score(20), verificationResult: "success",
			retryCode: "liveness_fail", retryMsg: "Liveness check failed. Please retry with a live face image.",
			attemptMsg: "1. Liveness check failed: liveness score too low"}
	case OutcomeNoFace:
		return outcomeProfile{verificationResult: "success",
			retryCode: "no_face_detected", retryMsg: "No face detected. Please retry with another face image.",
			attemptMsg: "1. Face detection failed: no face detected"}
	case OutcomeMultipleFaces:
		return outcomeProfile{verificationResult: "success",
			retryCode: "multiple_faces_detected", retryMsg: "Multiple faces detected. Please retry with an image of one face.",
			attemptMsg: "1. Face detection failed: multiple faces detected"}
	case OutcomeIDVerificationFail:
		return outcomeProfile{face: score(99), liveness: score(91), verificationResult: "fail",
			retryCode: "id_verification_fail", retryMsg: "Identity verification failed. Please check the ID information and retry.",
			attemptMsg: "1. Identity verification failed: the entered data does not match the issuer's records"}
	case OutcomeReject:
		return outcomeProfile{face: score(99), liveness: score(95), verificationResult: "success"}
	default:
		return outcomeProfile{face: score(99), liveness: score(95), verificationResult: "success"}
	}
}

// ScriptStep2 queues outcomes for the next Step 2 tries, one per try that
// passes validation, first in first out. When the queue is empty a try is
// approved.
func (fk *fake) ScriptStep2(outcomes ...Outcome) {
	fk.mu.Lock()
	defer fk.mu.Unlock()
	fk.step2Script = append(fk.step2Script, outcomes...)
}

// SetKYCResult finishes a pending submission as a reviewer would: result must
// be argos.KYCApproved or argos.KYCRejected. Approving assigns the applicant_id and an AML
// result; rejecting records comment (default "Rejected by reviewer") with
// commentCode "other". It returns an error if the submission does not exist,
// was deleted or is not pending.
func (fk *fake) SetKYCResult(submissionID string, result argos.KYCStatus, comment ...string) error {
	fk.mu.Lock()
	defer fk.mu.Unlock()
	s := fk.subs[submissionID]
	if s == nil || s.deleted {
		return fmt.Errorf("argostest: no submission %q", submissionID)
	}
	if s.result != resultPending {
		return fmt.Errorf("argostest: submission %q is %s, not pending", submissionID, s.result)
	}
	now := fk.now()
	switch string(result) {
	case resultApproved:
		fk.approve(s, now)
	case resultRejected:
		c := "Rejected by reviewer"
		if len(comment) > 0 {
			c = comment[0]
		}
		s.reject(now, c, "other")
		if len(comment) > 1 {
			s.comment = append(s.comment, comment[1:]...)
		}
	default:
		return fmt.Errorf("argostest: result %q is not approved or rejected", result)
	}
	fk.notifyDecision(s, time.Time{})
	return nil
}

// SetAMLHits sets the AML screening result of an approved submission. n > 0
// makes it a "Red Flag" with risk level "HIGH" and n resource IDs (listed in
// the submission's aml.resourceIds) that GET /report/aml accepts; n == 0 sets
// it back to "Not Screened". It returns an error if the submission does not
// exist, was deleted or is not approved (the API screens only approved
// submissions).
func (fk *fake) SetAMLHits(submissionID string, n int) error {
	fk.mu.Lock()
	defer fk.mu.Unlock()
	s := fk.subs[submissionID]
	if s == nil || s.deleted {
		return fmt.Errorf("argostest: no submission %q", submissionID)
	}
	if s.result != resultApproved {
		return fmt.Errorf("argostest: submission %q is %s, not approved", submissionID, s.result)
	}
	if n < 0 {
		return fmt.Errorf("argostest: negative AML hit count %d", n)
	}
	for _, rid := range s.aml.resourceIDs {
		delete(fk.resources, rid)
	}
	s.aml = &amlState{status: "Not Screened", risk: "Not Screened"}
	if n > 0 {
		s.aml.status, s.aml.risk = "Red Flag", "HIGH"
		for i := range n {
			rid := hashID("aml", s.id, strconv.Itoa(i))
			s.aml.resourceIDs = append(s.aml.resourceIDs, rid)
			fk.resources[rid] = s.id
		}
	}
	s.updated = fk.now()
	fk.notify(argos.WebhookAML, s, webhookDetail{})
	return nil
}
