package argos

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/kycgo/argos/internal/endpoint"
)

// MaxAMLMonitorIDs is how many submissions MonitorAML registers in one call.
const MaxAMLMonitorIDs = 25

// AMLMonitorResult is the answer of POST /submission/aml/monitor/{worklistId}.
// Some submissions may be registered and others not: Failed lists those
// that were not, each with Argos' reason; that is a result, not an error.
type AMLMonitorResult struct {
	Success      bool             `json:"success"` // "true" in the vendor's sample
	SuccessCount int              `json:"successCount"`
	FailedCount  int              `json:"failedCount"`
	Succeeded    []AMLMonitorItem `json:"successResults"`
	Failed       []AMLMonitorItem `json:"failedResults"`

	answer // Raw
}

// AMLMonitorItem is one submission's outcome in an AMLMonitorResult:
// RecordIDs are what GetAMLMonitorRecord reads; Error is Argos' reason for a
// failure (for example "This submission is not approved: …").
type AMLMonitorItem struct {
	SubmissionID string   `json:"submissionId"`
	RecordIDs    []string `json:"recordIds"`
	Status       string   `json:"status"`
	Error        string   `json:"error"`
}

// AMLMonitorRecord is one record of an AML ongoing-monitoring worklist, as GET
// /submission/aml/monitor/{worklistId}/{recordId} returns it. Status is the
// screening state (the vendor's sample shows "screenedNoMatches").
//
// Logging or printing it shows its IDs, status and counts, never the name,
// birth date or email.
type AMLMonitorRecord struct {
	ID                 string   `json:"id"`
	SubmissionID       string   `json:"submissionId"`
	Name               string   `json:"name"`
	Nationality        string   `json:"nationality"`
	DateOfBirth        string   `json:"dob"`
	Email              string   `json:"email"`
	Status             string   `json:"status"`
	Memo               string   `json:"memo"`
	Tags               []string `json:"tags"`
	Admin              string   `json:"admin"`
	UpdateTime         string   `json:"updateTime"`
	OpenCount          int      `json:"openCount"`
	FalsePositiveCount int      `json:"falsePositiveCount"`
	TruePositiveCount  int      `json:"truePositiveCount"`
	DiscardedCount     int      `json:"discardedCount"`

	answer // Raw
}

// LogValue implements slog.LogValuer: IDs, status and counts only.
func (r AMLMonitorRecord) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", r.ID), slog.String("submission_id", r.SubmissionID),
		slog.String("status", r.Status), slog.Int("open", r.OpenCount), slog.Int("true_positive", r.TruePositiveCount))
}

// Format prints a redacted summary for every verb.
func (r AMLMonitorRecord) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.AMLMonitorRecord{ID:%s SubmissionID:%s Status:%s Open:%d FalsePositive:%d TruePositive:%d Discarded:%d %s}",
		r.ID, r.SubmissionID, r.Status, r.OpenCount, r.FalsePositiveCount, r.TruePositiveCount, r.DiscardedCount, redacted)
}

// AMLMonitorRequest is what MonitorAML registers: SubmissionIDs (1 to
// MaxAMLMonitorIDs approved submissions) in the worklist WorklistID, on
// behalf of Admin (a dashboard admin's email). Every field is required.
//
// Logging or printing it shows the IDs, never the admin.
type AMLMonitorRequest struct {
	WorklistID    string
	SubmissionIDs []string
	Admin         string
}

// LogValue implements slog.LogValuer without the admin.
func (r AMLMonitorRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("worklist_id", r.WorklistID), slog.Any("submission_ids", r.SubmissionIDs))
}

// Format prints the IDs and hides the admin for every verb.
func (r AMLMonitorRequest) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.AMLMonitorRequest{WorklistID:%s SubmissionIDs:%v Admin:%s}", r.WorklistID, r.SubmissionIDs, redacted)
}

// MonitorAML registers approved submissions (each with a valid full name
// and birth date) for AML ongoing monitoring in a worklist.
//
// It calls POST /submission/aml/monitor/{worklistId} (JSON), a v3 endpoint
// (https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/aml_data/aml_ongoing/Post_Ongoing_Monitoring);
// on a /v2 base URL it refuses before sending. Input is checked first: a nil
// request or bad input is a *ValidationError and nothing is sent. The
// request is never repeated once it may have reached Argos: an error after
// that point matches ErrOutcomeUnknown. A submission Argos did not register is listed
// in the result's Failed, not returned as an error.
//
// The one-off AML search the vendor documents as "POST/AML" is not offered:
// no page gives its URL.
func (c *Client) MonitorAML(ctx context.Context, r *AMLMonitorRequest, opts ...Option) (*AMLMonitorResult, error) {
	c, err := c.begin(endpoint.MonitorAML, opts)
	if err != nil {
		return nil, err
	}
	const op = "MonitorAML"
	if r == nil {
		return nil, &ValidationError{Field: "AMLMonitorRequest", Reason: "is nil"}
	}
	worklistID, submissionIDs, admin := r.WorklistID, r.SubmissionIDs, r.Admin
	if err := checkSegment("WorklistID", worklistID); err != nil {
		return nil, err
	}
	if len(submissionIDs) == 0 || len(submissionIDs) > MaxAMLMonitorIDs {
		return nil, &ValidationError{Field: "SubmissionIDs", Reason: fmt.Sprintf("must hold 1 to %d IDs", MaxAMLMonitorIDs)}
	}
	for i, id := range submissionIDs {
		if err := checkID(fmt.Sprintf("SubmissionIDs[%d]", i), id); err != nil {
			return nil, err
		}
	}
	if err := checkID("Admin", admin); err != nil {
		return nil, err
	}
	cl, err := newJSONCall(endpoint.MonitorAML, "", struct {
		SubmissionIDs []string `json:"submissionIds"`
		Admin         string   `json:"admin"`
	}{submissionIDs, admin}, worklistID)
	if err != nil {
		return nil, err
	}
	var res AMLMonitorResult
	if err := c.doJSON(ctx, cl, &res, false); err != nil {
		return nil, err
	}
	if res.Succeeded == nil && res.Failed == nil {
		return nil, unexpected(op, "no successResults or failedResults field")
	}
	for _, it := range slices.Concat(res.Succeeded, res.Failed) {
		if !slices.Contains(submissionIDs, it.SubmissionID) {
			return nil, unexpected(op, "the answer lists a submission that was not asked for")
		}
	}
	return &res, nil
}

// GetAMLMonitorRecord reads one record of an AML ongoing-monitoring worklist:
// a record ID comes from MonitorAML's result (or an aml_monitor webhook).
//
// It calls GET /submission/aml/monitor/{worklistId}/{recordId}, a v3
// endpoint
// (https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/aml_data/aml_ongoing/Get_Ongoing_Monitoring);
// on a /v2 base URL it refuses before sending. An answer about another
// record is an error (ErrUnexpectedResponse), never handed back.
func (c *Client) GetAMLMonitorRecord(ctx context.Context, worklistID, recordID string, opts ...Option) (*AMLMonitorRecord, error) {
	c, err := c.begin(endpoint.GetAMLMonitorRecord, opts)
	if err != nil {
		return nil, err
	}
	const op = "GetAMLMonitorRecord"
	if err := checkSegment("worklist ID", worklistID); err != nil {
		return nil, err
	}
	if err := checkSegment("record ID", recordID); err != nil {
		return nil, err
	}
	var rec AMLMonitorRecord
	if err := c.doJSON(ctx, newCall(endpoint.GetAMLMonitorRecord, nil, worklistID, recordID), &rec, false); err != nil {
		return nil, err
	}
	switch {
	case rec.ID == "" && rec.SubmissionID == "" && rec.Status == "":
		return nil, unexpected(op, "no id, submissionId or status field")
	case rec.ID != "" && rec.ID != recordID:
		return nil, unexpected(op, "the answer is about another record")
	}
	rec.ID = recordID
	return &rec, nil
}
