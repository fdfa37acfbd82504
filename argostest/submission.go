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

	"github.com/kycgo/argos"
)

// List limits of GET /submission (https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/get-submission).
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

// parseDay parses a start_date or end_date: YYYYMMDD or YYYY-MM-DD (both forms appear in
// https://argos-kyc.gitbook.io/client-guide-1/dealing-the-data/get-submission
// and the developers site).
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

// submissionRoutes are the endpoints of the /submission resource.
var submissionRoutes = []route{
	{"GET /v3/submission", v2AndV3, sealed((*Handler).getSubmission)},
	{"DELETE /v3/submission", v2AndV3, (*Handler).deleteSubmission},
	{"GET /v3/submission/applicant", v2AndV3, (*Handler).getApplicant},
}

// getSubmission serves GET /submission: one submission by submission_id, or a
// filtered, paginated list, newest first.
func (h *Handler) getSubmission(w http.ResponseWriter, r *http.Request, _ *body) {
	q := r.URL.Query()
	requestType := q.Get("request_type")
	if _, ok := requestTypes[requestType]; !ok && requestType != "" && requestType != "others" {
		badRequest(w, msgBadQuery)
		return
	}
	if id := first(q, "submission_id", "submissionId"); id != "" {
		h.mu.Lock()
		defer h.mu.Unlock()
		resp := listResponse{Items: []any{}}
		if s := h.subs[id]; s != nil {
			resp.Items = append(resp.Items, project(s.render(true), requestType))
		}
		writeJSON(w, http.StatusOK, resp)
		return
	}
	lq, ok := parseListQuery(q)
	if !ok {
		badRequest(w, msgBadQuery)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	page, next := pageOf(h.matching(lq), lq)
	writeJSON(w, http.StatusOK, renderList(page, next, requestType))
}

// listQuery is the parsed query of a GET /submission list.
type listQuery struct {
	count         int
	from, to      time.Time // to is the day after end_date; zero: no bound
	userID, email string
	nextID        string // "" on the first page
	nextDate      time.Time
}

// parseListQuery reads count, the date range, the filters and the page
// cursor; ok is false when any of them is malformed.
func parseListQuery(q url.Values) (lq listQuery, ok bool) {
	lq = listQuery{count: defaultCount, userID: q.Get("userid"), email: q.Get("email"), nextID: q.Get("nextpage_id")}
	if c := q.Get("count"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 1 {
			return lq, false
		}
		lq.count = min(n, maxCount)
	}
	if v := q.Get("start_date"); v != "" {
		if lq.from, ok = parseDay(v); !ok {
			return lq, false
		}
	}
	if v := q.Get("end_date"); v != "" {
		if lq.to, ok = parseDay(v); !ok {
			return lq, false
		}
		lq.to = lq.to.AddDate(0, 0, 1)
	}
	nextDate := q.Get("nextpage_date")
	if (lq.nextID == "") != (nextDate == "") {
		return lq, false
	}
	if nextDate != "" {
		t, err := time.Parse(time.RFC3339Nano, nextDate)
		if err != nil {
			return lq, false
		}
		lq.nextDate = t
	}
	return lq, true
}

// matching returns the submissions the filters select, newest first; equal
// times by ID, descending, so the order is total and the (created_at, id)
// cursor is exact. Caller holds h.mu.
func (h *Handler) matching(lq listQuery) []*submission {
	var out []*submission
	for _, s := range h.subs {
		switch {
		case lq.userID != "" && (s.deleted || s.userID != lq.userID),
			lq.email != "" && (s.deleted || !strings.EqualFold(s.email, lq.email)),
			!lq.from.IsZero() && s.created.Before(lq.from),
			!lq.to.IsZero() && !s.created.Before(lq.to):
			continue
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *submission) int {
		if c := b.created.Compare(a.created); c != 0 {
			return c
		}
		return cmp.Compare(b.id, a.id)
	})
	return out
}

// pageOf cuts the page the cursor and count select out of the matching
// submissions, and returns the key of the next page (nil on the last).
func pageOf(matched []*submission, lq listQuery) ([]*submission, *pageKey) {
	if lq.nextID != "" {
		// The next page starts after the cursor in the list's order.
		i := 0
		for i < len(matched) && !matched[i].created.Before(lq.nextDate) &&
			(!matched[i].created.Equal(lq.nextDate) || matched[i].id >= lq.nextID) {
			i++
		}
		matched = matched[i:]
	}
	page := matched[:min(lq.count, len(matched))]
	if len(matched) == len(page) {
		return page, nil
	}
	last := page[len(page)-1]
	return page, &pageKey{ID: last.id, CreatedAt: fmtTime(last.created)}
}

// renderList renders a page: list items carry the short field set, and a
// request_type projection the full one.
func renderList(page []*submission, next *pageKey, requestType string) listResponse {
	resp := listResponse{Items: []any{}, NextPageKey: next}
	for _, s := range page {
		if requestType != "" {
			resp.Items = append(resp.Items, project(s.render(true), requestType))
		} else {
			resp.Items = append(resp.Items, s.render(false))
		}
	}
	return resp
}

// applicantItem is one element of GET /submission/applicant.
type applicantItem struct {
	SubmissionID          string `json:"submission_id"`
	DuplicatedInformation string `json:"duplicated_information,omitempty"`
	Email                 string `json:"email"`
}

// getApplicant serves GET /submission/applicant: the approved submissions that
// share an applicant_id, oldest first, as a bare JSON array.
func (h *Handler) getApplicant(w http.ResponseWriter, r *http.Request, _ *body) {
	id := r.URL.Query().Get("applicant_id")
	if id == "" {
		badRequest(w, msgMissingParams)
		return
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
	writeJSON(w, http.StatusOK, out)
}

// deleteSubmission serves DELETE /submission. It keeps what the delete page says (https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/delete-submission)
// a deleted submission keeps: its ID, creation time, ID type and KYC result.
func (h *Handler) deleteSubmission(w http.ResponseWriter, r *http.Request, _ *body) {
	id := first(r.URL.Query(), "submission_id", "submissionId")
	if id == "" {
		// The older page's shape (https://developers.argosidentity.com/api-reference/api-reference-guide/en/delete-submission).
		writeJSON(w, http.StatusBadRequest, map[string]string{"errorCode": "not Exist Submission ID"})
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.subs[id]
	if s == nil || s.deleted {
		// The newer page's shape (https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/delete-submission).
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "not Exist Submission Data", "statusCode": http.StatusBadRequest})
		return
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
	// The API sends the delete webhook only for deletes that name the admin.
	if admin := r.URL.Query().Get("admin_name"); admin != "" {
		h.notify(argos.WebhookDelete, s, webhookDetail{Admin: admin})
	}
	writeJSON(w, http.StatusOK, map[string]string{
		"message": "success",
		"content": "Submission #" + id + " deleted successfully.",
	})
}
