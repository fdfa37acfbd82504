package argostest

import (
	"net/http"
	"strings"
	"time"

	"github.com/kycgo/argos"
)

// amlMonitorRoutes are AML ongoing monitoring.
var amlMonitorRoutes = []route{
	{"POST /v3/submission/aml/monitor/{worklistId}", onlyV3, (*Handler).monitorAML},
	{"GET /v3/submission/aml/monitor/{worklistId}/{recordId}", onlyV3, sealed((*Handler).amlMonitorRecord)},
}

// maxMonitorIDs is how many submissions one registration takes
// (https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/aml_data/aml_ongoing/Post_Ongoing_Monitoring).
const maxMonitorIDs = 25

// amlRecord is one submission registered in a worklist.
type amlRecord struct {
	id, worklist, submissionID, admin string
	updated                           time.Time
}

type monitorItem struct {
	SubmissionID string   `json:"submissionId"`
	RecordIDs    []string `json:"recordIds"`
	Status       string   `json:"status"`
	Error        string   `json:"error,omitempty"`
}

// monitorAML serves POST /submission/aml/monitor/{worklistId}: approved
// submissions with a name and a birth date get a record; the others are
// listed as failed in a 200 answer.
func (h *Handler) monitorAML(w http.ResponseWriter, r *http.Request, b *body) {
	worklist := r.PathValue("worklistId")
	var in struct {
		SubmissionIDs []string `json:"submissionIds"`
		Admin         string   `json:"admin"`
	}
	if unknown, ok := decodeObject(b.raw, &in); !ok || unknown != "" {
		writeError(w, "invalid_payload", "Invalid payload")
		return
	}
	switch {
	case len(in.SubmissionIDs) == 0 || len(in.SubmissionIDs) > maxMonitorIDs || strings.TrimSpace(in.Admin) == "":
		writeError(w, "missing_data", "Required input data is missing")
		return
	case !h.isAdmin(in.Admin):
		writeError(w, "invalid_admin", "Invalid admin")
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	resp := struct {
		Success        bool          `json:"success"`
		SuccessCount   int           `json:"successCount"`
		FailedCount    int           `json:"failedCount"`
		SuccessResults []monitorItem `json:"successResults"`
		FailedResults  []monitorItem `json:"failedResults"`
	}{Success: true, SuccessResults: []monitorItem{}, FailedResults: []monitorItem{}}
	for _, id := range in.SubmissionIDs {
		rec, reason := h.registerMonitoring(worklist, id, in.Admin, h.now())
		if rec == nil {
			resp.FailedResults = append(resp.FailedResults, monitorItem{SubmissionID: id, RecordIDs: []string{}, Status: "failed", Error: reason})
			continue
		}
		resp.SuccessResults = append(resp.SuccessResults, monitorItem{SubmissionID: id, RecordIDs: []string{rec.id}, Status: "success"})
		h.notify(argos.WebhookAMLMonitor, h.subs[id], webhookDetail{Extra: map[string]any{"records": []map[string]string{
			{"recordId": rec.id, "worklistId": worklist, "created_at": fmtTime(rec.updated)}}}})
	}
	resp.SuccessCount, resp.FailedCount = len(resp.SuccessResults), len(resp.FailedResults)
	writeJSON(w, http.StatusOK, resp)
}

// registerMonitoring adds a record for submission id to the worklist, or
// says why it cannot. Caller holds fk.mu.
func (fk *fake) registerMonitoring(worklist, id, admin string, now time.Time) (*amlRecord, string) {
	s := fk.subs[id]
	switch {
	case s == nil || s.deleted:
		return nil, "Cannot find submission: " + id
	case s.result != resultApproved:
		return nil, "This submission is not approved: " + id
	case s.fullName() == "" || s.renderDOB() == "":
		return nil, "This submission has no valid fullName or birthDate: " + id
	}
	rec := &amlRecord{id: hashID("amlrecord", worklist, id), worklist: worklist, submissionID: id, admin: admin, updated: now}
	fk.amlRecords[worklist+"/"+rec.id] = rec
	return rec, ""
}

// amlMonitorRecord serves GET /submission/aml/monitor/{worklistId}/{recordId}.
func (h *Handler) amlMonitorRecord(w http.ResponseWriter, r *http.Request, _ *body) {
	h.mu.Lock()
	defer h.mu.Unlock()
	rec := h.amlRecords[r.PathValue("worklistId")+"/"+r.PathValue("recordId")]
	if rec == nil {
		writeError(w, "invalid_record", "Cannot find record.")
		return
	}
	s := h.subs[rec.submissionID]
	out := map[string]any{
		"id": rec.id, "submissionId": rec.submissionID, "status": "screenedNoMatches", "memo": "", "tags": []string{},
		"admin": rec.admin, "updateTime": fmtTime(rec.updated), "openCount": 0, "falsePositiveCount": 0,
		"truePositiveCount": 0, "discardedCount": 0,
	}
	if s != nil && !s.deleted {
		out["name"], out["dob"], out["email"], out["nationality"] = s.fullName(), s.renderDOB(), s.email, s.renderNationality()
	}
	writeJSON(w, http.StatusOK, out)
}
