package argos

import (
	"context"
	"net/http"

	"github.com/kycgo/argos/internal/lenient"
)

// DeleteResult is the answer of DELETE /submission.
type DeleteResult struct {
	Message    string `json:"message"`
	Content    string `json:"content"`
	StatusCode int    `json:"-"`
}

// DeleteSubmission deletes a submission's personal data and images for good
// (what is kept: its ID, dates, ID type and status). It cannot be undone and
// the submission stays billed.
//
// It calls DELETE /submission?submission_id=…. An unknown ID is ErrNotFound.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/delete-submission
func (c *Client) DeleteSubmission(ctx context.Context, submissionID string) (*DeleteResult, error) {
	return c.DeleteSubmissionAs(ctx, submissionID, "")
}

// DeleteSubmissionAs is DeleteSubmission naming the dashboard admin
// (admin_name) who deletes; Argos sends its delete webhook only when one is
// named. An empty adminName sends none.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/delete-submission
func (c *Client) DeleteSubmissionAs(ctx context.Context, submissionID, adminName string) (*DeleteResult, error) {
	const op = "DeleteSubmission"
	if err := checkID("submission ID", submissionID); err != nil {
		return nil, err
	}
	q := query{{"submission_id", submissionID}}
	if adminName != "" {
		if err := checkText("admin name", adminName); err != nil {
			return nil, err
		}
		q = append(q, param{"admin_name", adminName})
	}
	var w struct {
		Message    lenient.String `json:"message"`
		Content    lenient.String `json:"content"`
		StatusCode lenient.Int    `json:"statusCode"`
	}
	if err := c.doJSON(ctx, &call{op: op, method: http.MethodDelete, path: "/submission", query: q}, &w, false); err != nil {
		return nil, err
	}
	if w.Message == "" && w.Content == "" {
		return nil, unexpected(op, "no message or content field")
	}
	return &DeleteResult{Message: string(w.Message), Content: string(w.Content), StatusCode: w.StatusCode.V}, nil
}
