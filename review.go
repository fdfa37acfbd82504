package argos

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/kycgo/argos/internal/endpoint"
)

// ReviewRequest is the JSON body of POST /submission/review: a reviewer's
// decision on a pending submission. SubmissionID, Admin (an admin
// registered in the project), and Status (KYCApproved or KYCRejected) are
// required; RejectComment is required when rejecting and refused when
// approving. UpdateFields, when set, corrects data along with the decision.
//
// Logging or printing it shows no personal data.
type ReviewRequest struct {
	SubmissionID  string        `json:"submissionId"`
	Admin         string        `json:"admin"`
	Status        KYCStatus     `json:"status"`
	RejectComment string        `json:"rejectComment,omitempty"`
	UpdateFields  *ReviewFields `json:"updateFields,omitempty"`
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

// ReviewFields is the updateFields object of a review: the data the
// reviewer corrects. Empty fields are not sent. Dates are YYYY-MM-DD.
//
// Logging or printing it shows which fields are set, never their values.
type ReviewFields struct {
	FullName     string `json:"fullName,omitempty"`
	Gender       Gender `json:"gender,omitempty"`
	DateOfIssue  string `json:"issueDate,omitempty"`
	DateOfExpiry string `json:"expireDate,omitempty"`
	DateOfBirth  string `json:"birthDate,omitempty"`
	IDType       IDType `json:"idType,omitempty"`
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

// ReviewResult is the answer of POST /submission/review.
type ReviewResult struct {
	SubmissionID string    `json:"submissionId"`
	Message      string    `json:"message"`
	Status       KYCStatus `json:"finalStatus"`

	answer // Raw
}

// ReviewSubmission approves or rejects a pending submission, for projects
// whose reviewer is set to "Client" (Argos' agents then leave pending
// submissions to you).
//
// It calls POST /submission/review (JSON), a v3 endpoint
// (https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/post-client-review);
// on a /v2 base URL it refuses before sending. Input is checked first: bad
// input is a *ValidationError and nothing is sent. The request is never
// repeated once it may have reached Argos: an error after that point
// matches ErrOutcomeUnknown (GetSubmission shows whether the decision was
// made). A submission that is not pending (already decided, or still
// incomplete) is ErrNotPending; an unknown submission ErrNotFound; an admin
// the project does not have ErrInvalidAdmin.
func (c *Client) ReviewSubmission(ctx context.Context, r *ReviewRequest, opts ...Option) (*ReviewResult, error) {
	c, err := c.begin(endpoint.ReviewSubmission, opts)
	if err != nil {
		return nil, err
	}
	const op = "ReviewSubmission"
	if r == nil {
		return nil, &ValidationError{Field: "ReviewRequest", Reason: "is nil"}
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	cl, err := newJSONCall(endpoint.ReviewSubmission, "", r)
	if err != nil {
		return nil, err
	}
	cl.outcome = &outcomeInfo{submissionID: r.SubmissionID, request: copyReview(r)}
	var res ReviewResult
	if err := c.doJSON(ctx, cl, &res, false); err != nil {
		return nil, err
	}
	if res.Status == "" && res.Message == "" {
		return nil, unexpected(op, "no finalStatus or message field")
	}
	if res.SubmissionID != "" && res.SubmissionID != r.SubmissionID {
		return nil, unexpected(op, "the answer is about another submission")
	}
	res.SubmissionID = r.SubmissionID
	return &res, nil
}

func (r *ReviewRequest) check() error {
	if err := checkID("SubmissionID", r.SubmissionID); err != nil {
		return err
	}
	if err := checkID("Admin", r.Admin); err != nil {
		return err
	}
	if err := checkDecision("Status", r.Status, true); err != nil {
		return err
	}
	switch {
	case r.Status == KYCRejected && r.RejectComment == "":
		return &ValidationError{Field: "RejectComment", Reason: "is required when rejecting"}
	case r.Status == KYCApproved && r.RejectComment != "":
		return &ValidationError{Field: "RejectComment", Reason: "is only for rejections"}
	}
	if err := checkText("RejectComment", r.RejectComment); err != nil {
		return err
	}
	u := r.UpdateFields
	if u == nil {
		return nil
	}
	if *u == (ReviewFields{}) {
		return &ValidationError{Field: "UpdateFields", Reason: "is set but empty (leave it nil)"}
	}
	if err := checkDates(dateField{"UpdateFields.DateOfIssue", u.DateOfIssue}, dateField{"UpdateFields.DateOfExpiry", u.DateOfExpiry},
		dateField{"UpdateFields.DateOfBirth", u.DateOfBirth}); err != nil {
		return err
	}
	return checkTexts(textField{"UpdateFields.FullName", u.FullName}, textField{"UpdateFields.Gender", string(u.Gender)},
		textField{"UpdateFields.IDType", string(u.IDType)})
}
