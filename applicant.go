package argos

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/kycgo/argos/internal/endpoint"
)

// ApplicantSubmission is one approved submission of an applicant.
type ApplicantSubmission struct {
	SubmissionID          string `json:"submission_id"`
	Email                 string `json:"email"`
	DuplicatedInformation string `json:"duplicated_information"`
}

// LogValue implements slog.LogValuer without the email.
func (a ApplicantSubmission) LogValue() slog.Value {
	return slog.GroupValue(slog.String("submission_id", a.SubmissionID))
}

// Format prints a redacted summary for every verb.
func (a ApplicantSubmission) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, "argos.ApplicantSubmission{SubmissionID:"+a.SubmissionID+" Email:"+redacted+"}")
}

// ListApplicantSubmissions returns the approved submissions of the person behind
// applicantID (Submission.ApplicantID): the duplicates Argos matched by name,
// birth date, nationality, gender and face, or just the one approved
// submission.
//
// It calls GET /submission/applicant?applicant_id=…, which answers with a
// bare JSON array.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/get-submission/applicantId
func (c *Client) ListApplicantSubmissions(ctx context.Context, applicantID string, opts ...Option) ([]ApplicantSubmission, error) {
	c, err := c.begin(endpoint.ListApplicantSubmissions, opts)
	if err != nil {
		return nil, err
	}
	if err := checkID("applicant ID", applicantID); err != nil {
		return nil, err
	}
	var out []ApplicantSubmission
	cl := newCall(endpoint.ListApplicantSubmissions, query{{"applicant_id", applicantID}})
	if err := c.doJSON(ctx, cl, &out, true); err != nil {
		return nil, err
	}
	for _, a := range out {
		if a.SubmissionID == "" {
			return nil, unexpected("ListApplicantSubmissions", "an item without submission_id")
		}
	}
	return out, nil
}
