package argos

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"

	"github.com/kycgo/argos/internal/endpoint"
	"github.com/kycgo/argos/internal/lenient"
)

// MaxAMLMonitorIDs is how many submissions MonitorAML registers in one call.
const MaxAMLMonitorIDs = 25

// AMLMonitorResult is the answer of POST /submission/aml/monitor/{worklistId}.
// Some submissions may be registered and others not: Failed lists those
// that were not, each with Argos' reason; that is a result, not an error.
type AMLMonitorResult struct {
	Success      bool
	SuccessCount int
	FailedCount  int
	Succeeded    []AMLMonitorItem
	Failed       []AMLMonitorItem

	answer // Raw
}

// AMLMonitorItem is one submission's outcome in an AMLMonitorResult:
// RecordIDs are what GetAMLMonitorRecord reads; Error is Argos' reason for a
// failure (for example "This submission is not approved: …").
type AMLMonitorItem struct {
	SubmissionID string
	RecordIDs    []string
	Status       string
	Error        string
}

// AMLMonitorRecord is one record of an AML ongoing-monitoring worklist, as GET
// /submission/aml/monitor/{worklistId}/{recordId} returns it. Status is the
// screening state (the vendor's sample shows "screenedNoMatches").
//
// Logging or printing it shows its IDs, status and counts, never the name,
// birth date or email.
type AMLMonitorRecord struct {
	ID                 string
	SubmissionID       string
	Name               string
	Nationality        string
	DateOfBirth        string
	Email              string
	Status             string
	Memo               string
	Tags               []string
	Admin              string
	UpdateTime         string
	OpenCount          int
	FalsePositiveCount int
	TruePositiveCount  int
	DiscardedCount     int

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
	if err := checkID("WorklistID", worklistID); err != nil {
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
	cl, err := newJSONCall(endpoint.MonitorAML, "/submission/aml/monitor/"+url.PathEscape(worklistID), "", struct {
		SubmissionIDs []string `json:"submissionIds"`
		Admin         string   `json:"admin"`
	}{submissionIDs, admin})
	if err != nil {
		return nil, err
	}
	var w struct {
		Success        lenient.String `json:"success"`
		SuccessCount   lenient.Int    `json:"successCount"`
		FailedCount    lenient.Int    `json:"failedCount"`
		SuccessResults []amlItemWire  `json:"successResults"`
		FailedResults  []amlItemWire  `json:"failedResults"`
	}
	var raw answer
	cl.route = endpoint.MonitorAML.Path
	if err := c.doJSON(ctx, cl, keepAnswer{&w, &raw}, false); err != nil {
		return nil, err
	}
	if w.SuccessResults == nil && w.FailedResults == nil {
		return nil, unexpected(op, "no successResults or failedResults field")
	}
	res := &AMLMonitorResult{Success: w.Success == "true", SuccessCount: w.SuccessCount.V, FailedCount: w.FailedCount.V, answer: raw}
	for _, group := range []struct {
		wire []amlItemWire
		out  *[]AMLMonitorItem
	}{{w.SuccessResults, &res.Succeeded}, {w.FailedResults, &res.Failed}} {
		for _, it := range group.wire {
			if !slices.Contains(submissionIDs, string(it.SubmissionID)) {
				return nil, unexpected(op, "the answer lists a submission that was not asked for")
			}
			*group.out = append(*group.out, AMLMonitorItem{SubmissionID: string(it.SubmissionID), RecordIDs: []string(it.RecordIDs),
				Status: string(it.Status), Error: string(it.Error)})
		}
	}
	return res, nil
}

type amlItemWire struct {
	SubmissionID lenient.String  `json:"submissionId"`
	RecordIDs    lenient.Strings `json:"recordIds"`
	Status       lenient.String  `json:"status"`
	Error        lenient.String  `json:"error"`
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
	if err := checkID("worklist ID", worklistID); err != nil {
		return nil, err
	}
	if err := checkID("record ID", recordID); err != nil {
		return nil, err
	}
	var w struct {
		ID                 lenient.String  `json:"id"`
		SubmissionID       lenient.String  `json:"submissionId"`
		Name               lenient.String  `json:"name"`
		Nationality        lenient.String  `json:"nationality"`
		DOB                lenient.String  `json:"dob"`
		Email              lenient.String  `json:"email"`
		Status             lenient.String  `json:"status"`
		Memo               lenient.String  `json:"memo"`
		Tags               lenient.Strings `json:"tags"`
		Admin              lenient.String  `json:"admin"`
		UpdateTime         lenient.String  `json:"updateTime"`
		OpenCount          lenient.Int     `json:"openCount"`
		FalsePositiveCount lenient.Int     `json:"falsePositiveCount"`
		TruePositiveCount  lenient.Int     `json:"truePositiveCount"`
		DiscardedCount     lenient.Int     `json:"discardedCount"`
	}
	path := "/submission/aml/monitor/" + url.PathEscape(worklistID) + "/" + url.PathEscape(recordID)
	var raw answer
	if err := c.doJSON(ctx, &call{op: op, method: http.MethodGet, path: path, route: endpoint.GetAMLMonitorRecord.Path, secure: endpoint.GetAMLMonitorRecord.Wire, ep: endpoint.GetAMLMonitorRecord}, keepAnswer{&w, &raw}, false); err != nil {
		return nil, err
	}
	switch {
	case w.ID == "" && w.SubmissionID == "" && w.Status == "":
		return nil, unexpected(op, "no id, submissionId or status field")
	case w.ID != "" && string(w.ID) != recordID:
		return nil, unexpected(op, "the answer is about another record")
	}
	return &AMLMonitorRecord{ID: recordID, SubmissionID: string(w.SubmissionID), Name: string(w.Name),
		Nationality: string(w.Nationality), DateOfBirth: string(w.DOB), Email: string(w.Email), Status: string(w.Status),
		Memo: string(w.Memo), Tags: []string(w.Tags), Admin: string(w.Admin), UpdateTime: string(w.UpdateTime),
		OpenCount: w.OpenCount.V, FalsePositiveCount: w.FalsePositiveCount.V, TruePositiveCount: w.TruePositiveCount.V,
		DiscardedCount: w.DiscardedCount.V, answer: raw}, nil
}
