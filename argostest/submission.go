package argostest

import (
	"cmp"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// List limits of GET /submission (API.md §4.1).
const (
	defaultCount = 50
	maxCount     = 2000
)

// pageKey is the wire form of nextpageKey.
type pageKey struct {
	ID        string `json:"id"`
	CreatedAt string `json:"created_at"`
}

// listResponse is the body of GET /submission.
type listResponse struct {
	Items       []any    `json:"Items"`
	NextPageKey *pageKey `json:"nextpageKey,omitempty"`
}

// requestTypes are the projections of request_type: the item keys each one
// keeps ("others" keeps everything but kyc, aml and data).
var requestTypes = map[string][]string{
	"kyc":  {"submission_id", "kyc"},
	"aml":  {"submission_id", "aml"},
	"data": {"submission_id", "data"},
}

// project applies request_type to a rendered item.
func project(it item, requestType string) any {
	if requestType == "" {
		return it
	}
	raw, _ := json.Marshal(it)
	var m map[string]json.RawMessage
	_ = json.Unmarshal(raw, &m)
	if requestType == "others" {
		delete(m, "kyc")
		delete(m, "aml")
		delete(m, "data")
		return m
	}
	out := map[string]json.RawMessage{}
	for _, k := range requestTypes[requestType] {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}

// parseDay parses a start_date or end_date: YYYYMMDD or YYYY-MM-DD (API.md
// §15.2).
func parseDay(s string) (time.Time, bool) {
	for _, layout := range []string{"20060102", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// first returns the first non-empty value of the query keys.
func first(q url.Values, keys ...string) string {
	for _, k := range keys {
		if v := q.Get(k); v != "" {
			return v
		}
	}
	return ""
}

// getSubmission serves GET /submission: one submission by submission_id, or a
// filtered, paginated list, newest first.
func (h *Handler) getSubmission(w http.ResponseWriter, r *http.Request, _ *body) int {
	q := r.URL.Query()
	requestType := q.Get("request_type")
	if _, ok := requestTypes[requestType]; !ok && requestType != "" && requestType != "others" {
		return badRequest(w, msgBadQuery)
	}

	h.mu.Lock()
	defer h.mu.Unlock()

	if id := first(q, "submission_id", "submissionId"); id != "" {
		resp := listResponse{Items: []any{}}
		if s := h.subs[id]; s != nil {
			resp.Items = append(resp.Items, project(s.render(true), requestType))
		}
		return writeJSON(w, http.StatusOK, resp)
	}

	count := defaultCount
	if c := q.Get("count"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 1 {
			return badRequest(w, msgBadQuery)
		}
		count = min(n, maxCount)
	}
	var from, to time.Time
	if v := q.Get("start_date"); v != "" {
		t, ok := parseDay(v)
		if !ok {
			return badRequest(w, msgBadQuery)
		}
		from = t
	}
	if v := q.Get("end_date"); v != "" {
		t, ok := parseDay(v)
		if !ok {
			return badRequest(w, msgBadQuery)
		}
		to = t.AddDate(0, 0, 1)
	}
	nextID, nextDate := q.Get("nextpage_id"), q.Get("nextpage_date")
	var cursor time.Time
	if (nextID == "") != (nextDate == "") {
		return badRequest(w, msgBadQuery)
	}
	if nextDate != "" {
		t, err := time.Parse(time.RFC3339Nano, nextDate)
		if err != nil {
			return badRequest(w, msgBadQuery)
		}
		cursor = t
	}
	userID, email := q.Get("userid"), q.Get("email")

	var matched []*submission
	for _, s := range h.subs {
		switch {
		case userID != "" && (s.deleted || s.userID != userID),
			email != "" && (s.deleted || !strings.EqualFold(s.email, email)),
			!from.IsZero() && s.created.Before(from),
			!to.IsZero() && !s.created.Before(to):
			continue
		}
		matched = append(matched, s)
	}
	// Newest first; equal times by ID, descending, so the order is total and
	// the (created_at, id) cursor is exact.
	slices.SortFunc(matched, func(a, b *submission) int {
		if c := b.created.Compare(a.created); c != 0 {
			return c
		}
		return cmp.Compare(b.id, a.id)
	})
	if nextID != "" {
		// The next page starts after the cursor in that order.
		i := 0
		for i < len(matched) && !matched[i].created.Before(cursor) &&
			(!matched[i].created.Equal(cursor) || matched[i].id >= nextID) {
			i++
		}
		matched = matched[i:]
	}

	resp := listResponse{Items: []any{}}
	page := matched[:min(count, len(matched))]
	for _, s := range page {
		if requestType != "" {
			resp.Items = append(resp.Items, project(s.render(true), requestType))
		} else {
			resp.Items = append(resp.Items, s.render(false))
		}
	}
	if len(matched) > len(page) {
		last := page[len(page)-1]
		resp.NextPageKey = &pageKey{ID: last.id, CreatedAt: fmtTime(last.created)}
	}
	return writeJSON(w, http.StatusOK, resp)
}

// applicantItem is one element of GET /submission/applicant.
type applicantItem struct {
	SubmissionID          string `json:"submission_id"`
	DuplicatedInformation string `json:"duplicated_information,omitempty"`
	Email                 string `json:"email"`
}

// getApplicant serves GET /submission/applicant: the approved submissions that
// share an applicant_id, oldest first, as a bare JSON array.
func (h *Handler) getApplicant(w http.ResponseWriter, r *http.Request, _ *body) int {
	id := r.URL.Query().Get("applicant_id")
	if id == "" {
		return badRequest(w, msgMissingParams)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var subs []*submission
	for _, s := range h.subs {
		if !s.deleted && s.result == resultApproved && s.applicantID == id {
			subs = append(subs, s)
		}
	}
	slices.SortFunc(subs, func(a, b *submission) int {
		if c := a.created.Compare(b.created); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	out := []applicantItem{}
	for _, s := range subs {
		out = append(out, applicantItem{SubmissionID: s.id, DuplicatedInformation: s.dupInfo, Email: s.email})
	}
	return writeJSON(w, http.StatusOK, out)
}

// deleteSubmission serves DELETE /submission. It keeps what API.md §9.1 says
// a deleted submission keeps: its ID, creation time, ID type and KYC result.
func (h *Handler) deleteSubmission(w http.ResponseWriter, r *http.Request, _ *body) int {
	id := first(r.URL.Query(), "submission_id", "submissionId")
	if id == "" {
		// The older page's shape (API.md §9.1, [S22]).
		return writeJSON(w, http.StatusBadRequest, map[string]string{"errorCode": "not Exist Submission ID"})
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.subs[id]
	if s == nil || s.deleted {
		// The newer page's shape ([S21]).
		return writeJSON(w, http.StatusBadRequest, map[string]any{"message": "not Exist Submission Data", "statusCode": http.StatusBadRequest})
	}
	if s.aml != nil {
		for _, rid := range s.aml.resourceIDs {
			delete(h.resources, rid)
		}
	}
	*s = submission{
		id:      s.id,
		created: s.created,
		updated: h.now(),
		idType:  s.idType,
		result:  s.result,
		deleted: true,
	}
	return writeJSON(w, http.StatusOK, map[string]string{
		"message": "success",
		"content": "Submission #" + id + " deleted successfully.",
	})
}
