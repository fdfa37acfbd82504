package argos

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/kycgo/argos/internal/endpoint"
)

// DeleteResult is the answer of DELETE /submission (and of DELETE
// /submission/partial).
type DeleteResult struct {
	Message    string `json:"message"`
	Content    string `json:"content"`
	StatusCode int    `json:"statusCode"`
	// AlreadyGone reports that the submission was gone when the call's last
	// attempt arrived, after an earlier attempt whose answer was lost (no
	// answer, an answer cut short, a 5xx) may have reached Argos: the SDK
	// sent the DELETE again, and Argos answered "not Exist Submission Data"
	// to the repeat. The deletion asked for is done, most likely by that
	// earlier attempt; Message and Content are then empty. A first
	// attempt's not-found is still ErrNotFound.
	AlreadyGone bool `json:"-"`

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

// LogValue implements slog.LogValuer without the admin.
func (r DeleteSubmissionRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("submission_id", r.SubmissionID), slog.Bool("admin", r.Admin != ""))
}

// Format prints the submission ID and hides the admin for every verb.
func (r DeleteSubmissionRequest) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.DeleteSubmissionRequest{SubmissionID:%s Admin:%s}", r.SubmissionID, redacted)
}

// DeleteSubmission deletes a submission's personal data and images for good
// (what is kept: its ID, dates, ID type and status). It cannot be undone and
// the submission stays billed.
//
// It calls DELETE /submission?submission_id=…[&admin_name=…]. A nil or
// invalid request is a *ValidationError and nothing is sent. An unknown ID
// is ErrNotFound. The call is retried on network errors and gateway
// failures; when an earlier attempt may have deleted the submission before
// its answer was lost, a not-found answer to the repeat is success, with
// DeleteResult.AlreadyGone set.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/delete-submission
func (c *Client) DeleteSubmission(ctx context.Context, r *DeleteSubmissionRequest, opts ...Option) (*DeleteResult, error) {
	c, err := c.begin(endpoint.DeleteSubmission, opts)
	if err != nil {
		return nil, err
	}
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
	return c.deleteCall(ctx, newCall(endpoint.DeleteSubmission, q), true)
}

// deleteCall sends a DELETE of a submission or its parts and reads the
// answer both share. A not-found answer to a repeat after an attempt that
// may have landed is success (DeleteResult.AlreadyGone). needMessage
// refuses an answer with neither message nor content.
func (c *Client) deleteCall(ctx context.Context, r *call, needMessage bool) (*DeleteResult, error) {
	var res DeleteResult
	r.repeat = &repeat{goneIsDone: true}
	if err := c.doJSON(ctx, r, &res, false); err != nil {
		return nil, err
	}
	if r.repeat.gone {
		return &DeleteResult{AlreadyGone: true}, nil
	}
	if needMessage && res.Message == "" && res.Content == "" {
		return nil, unexpected(r.op, "no message or content field")
	}
	return &res, nil
}
