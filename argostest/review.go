package argostest

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// reviewRoutes is the client review of pending submissions.
var reviewRoutes = []route{
	{http.MethodPost, "/submission/review", (*Handler).review},
}

// Messages of POST /submission/review (API.md §9.8).
const (
	msgReviewNoAdmin    = "admin is required."
	msgReviewDenied     = "Access denied. The admin is not registered in the project."
	msgReviewNoID       = "Submission Id is required."
	msgReviewBadID      = "Invalid Submission Id."
	msgReviewNotPending = "Only submissions in pending status can be reviewed"
	msgReviewNotClient  = "This submission cannot be reviewed by client"
	msgReviewBadStatus  = "Invalid status"
	msgReviewBadFormat  = "Invalid data format."
	msgReviewNoComment  = "Reject comment is required"
	msgReviewSuccess    = "Success to review submission."
)

// reviewFields is the updateFields object of a review.
type reviewFields struct {
	FullName   string `json:"fullName"`
	Gender     string `json:"gender"`
	IssueDate  string `json:"issueDate"`
	ExpireDate string `json:"expireDate"`
	BirthDate  string `json:"birthDate"`
	IDType     string `json:"idType"`
}

// reviewInput is the body of POST /submission/review.
type reviewInput struct {
	SubmissionID  string          `json:"submissionId"`
	Status        string          `json:"status"`
	RejectComment string          `json:"rejectComment"`
	UpdateFields  json.RawMessage `json:"updateFields"`
	Admin         string          `json:"admin"`
	fields        *reviewFields
}

// check returns the message of the 400 that refuses the body, "" when it
// passes the checks that need no state.
func (in *reviewInput) check(h *Handler) string {
	switch {
	case strings.TrimSpace(in.Admin) == "":
		return msgReviewNoAdmin
	case !h.isAdmin(in.Admin):
		return msgReviewDenied
	case strings.TrimSpace(in.SubmissionID) == "":
		return msgReviewNoID
	case in.Status != resultApproved && in.Status != resultRejected:
		return msgReviewBadStatus
	case in.Status == resultRejected && strings.TrimSpace(in.RejectComment) == "":
		return msgReviewNoComment
	}
	if len(in.UpdateFields) > 0 && string(in.UpdateFields) != "null" {
		in.fields = &reviewFields{}
		if unknown, ok := decodeObject(in.UpdateFields, in.fields); !ok || unknown != "" {
			return msgReviewBadFormat
		}
	}
	return ""
}

// review serves POST /submission/review: a client reviewer decides a
// pending submission.
func (h *Handler) review(w http.ResponseWriter, _ *http.Request, b *body) {
	var in reviewInput
	if json.Unmarshal(b.raw, &in) != nil {
		badRequest(w, msgReviewBadFormat)
		return
	}
	if msg := in.check(h); msg != "" {
		badRequest(w, msg)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.subs[in.SubmissionID]
	switch {
	case s == nil || s.deleted:
		badRequest(w, msgReviewBadID)
		return
	case h.cfg.argosReviewer:
		badRequest(w, msgReviewNotClient)
		return
	case s.result != resultPending:
		badRequest(w, msgReviewNotPending)
		return
	}
	h.decideReview(s, &in, h.now())
	h.notifyDecision(s, time.Time{})
	writeJSON(w, http.StatusOK, map[string]string{"submissionId": s.id, "message": msgReviewSuccess, "finalStatus": s.result})
}

// decideReview applies a client review to a pending submission (the
// approved / rejected transition). Caller holds fk.mu.
func (fk *fake) decideReview(s *submission, in *reviewInput, now time.Time) {
	if f := in.fields; f != nil {
		fk.applyUpdate(s, &patchData{FullName: f.FullName, Gender: f.Gender, IssueDate: f.IssueDate,
			ExpireDate: f.ExpireDate, BirthDate: f.BirthDate, IDType: f.IDType}, now)
	}
	s.reviewer = in.Admin
	if in.Status == resultApproved {
		fk.approve(s, now)
		return
	}
	s.reject(now, in.RejectComment, "other")
}
