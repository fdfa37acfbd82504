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

	answer // Raw
}

// DeleteSubmissionRequest says which submission DeleteSubmission erases.
// SubmissionID is required. Admin names the dashboard admin who deletes
// (admin_name): Argos sends its delete webhook only when one is named, so
// "" records no admin and sends no webhook.
//
// Logging or printing it shows no personal data.
type DeleteSubmissionRequest struct {
	SubmissionID string
	Admin        string
}

// DeleteSubmission deletes a submission's personal data and images for good
// (what is kept: its ID, dates, ID type and status). It cannot be undone and
// the submission stays billed.
//
// It calls DELETE /submission?submission_id=…[&admin_name=…]. A nil or
// invalid request is a *ValidationError and nothing is sent. An unknown ID
// is ErrNotFound.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/delete-submission
func (c *Client) DeleteSubmission(ctx context.Context, r *DeleteSubmissionRequest, opts ...Option) (*DeleteResult, error) {
	c, err := c.with(opts)
	if err != nil {
		return nil, err
	}
	const op = "DeleteSubmission"
	if r == nil {
		return nil, &ValidationError{Field: "DeleteSubmissionRequest", Reason: "is nil"}
	}
	if err := checkID("SubmissionID", r.SubmissionID); err != nil {
		return nil, err
	}
	q := query{{"submission_id", r.SubmissionID}}
	if r.Admin != "" {
		if err := checkText("Admin", r.Admin); err != nil {
			return nil, err
		}
		q = append(q, param{"admin_name", r.Admin})
	}
	var w struct {
		Message    lenient.String `json:"message"`
		Content    lenient.String `json:"content"`
		StatusCode lenient.Int    `json:"statusCode"`
	}
	var raw answer
	if err := c.doJSON(ctx, &call{op: op, method: http.MethodDelete, path: "/submission", query: q}, keepAnswer{&w, &raw}, false); err != nil {
		return nil, err
	}
	if w.Message == "" && w.Content == "" {
		return nil, unexpected(op, "no message or content field")
	}
	return &DeleteResult{Message: string(w.Message), Content: string(w.Content), StatusCode: w.StatusCode.V, answer: raw}, nil
}
