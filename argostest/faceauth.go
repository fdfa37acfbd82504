package argostest

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// faceAuthRoutes are the Add-on FaceAuth endpoints; they take the Add-on
// key (see keyFor).
var faceAuthRoutes = []route{
	{"POST /v3/faceauth", onlyV3, (*Handler).faceAuth},
	{"GET /v3/faceauth/image", onlyV3, (*Handler).faceAuthImage},
}

// A FaceAuthOutcome is what the fake's FaceAuth comparison decides. Queue
// outcomes with ScriptFaceAuth; without a script every try matches.
type FaceAuthOutcome int

// The outcomes of a FaceAuth try.
const (
	// FaceAuthMatch approves: face_similarity_score 99 when the image is
	// the submission's own selfie, 93 for any other image.
	FaceAuthMatch FaceAuthOutcome = iota
	// FaceAuthMismatch rejects with fail_code "face_compare_underscore"
	// (face_similarity_score 21).
	FaceAuthMismatch
	// FaceAuthOccluded rejects with "Face_Occluded_fail".
	FaceAuthOccluded
	// FaceAuthFaceCover rejects with "Face_cover_fail".
	FaceAuthFaceCover
	// FaceAuthHeadCover rejects with "Head_cover_fail".
	FaceAuthHeadCover
)

// ScriptFaceAuth queues outcomes for the next FaceAuth tries that pass
// validation, first in first out; when the queue is empty a try matches.
func (fk *fake) ScriptFaceAuth(outcomes ...FaceAuthOutcome) {
	fk.mu.Lock()
	defer fk.mu.Unlock()
	fk.faceScript = append(fk.faceScript, outcomes...)
}

// faceAuthTry is one stored FaceAuth try: its face image, for GET
// /faceauth/image.
type faceAuthTry struct {
	submissionID string
	image        []byte
}

// faceAuthError writes the traceId / errorCode / message shape the FaceAuth
// page shows.
func faceAuthError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]string{"traceId": newID(), "errorCode": code, "message": msg})
}

type faceScores struct {
	FaceSimilarity int `json:"face_similarity_score"`
	Occluded       int `json:"occluded_score"`
	FaceCover      int `json:"face_cover_score"`
	HeadCover      int `json:"head_cover_score"`
}

type faceAuthResponse struct {
	AuthenticationID string     `json:"authentication_id"`
	AuthStatus       string     `json:"auth_status"`
	Score            faceScores `json:"score"`
	CreateTime       string     `json:"create_time"`
	FailCode         []string   `json:"fail_code"`
	RejectedComment  []string   `json:"rejected_comment"`
}

// faceAuth serves POST /faceauth: the face is "compared" with the selfie of
// an approved submission; the outcome comes from ScriptFaceAuth.
func (h *Handler) faceAuth(w http.ResponseWriter, _ *http.Request, b *body) {
	if b.parseErr != nil {
		faceAuthError(w, http.StatusBadRequest, "invalid_data_format", "Data parsing error. Please check input data.")
		return
	}
	id, face := strings.TrimSpace(b.form["submissionId"]), b.files["faceImage"]
	switch {
	case id == "" || face == nil:
		faceAuthError(w, http.StatusBadRequest, "required_field_missing", "submissionId and faceImage are required.")
		return
	case !isImage(face.data):
		faceAuthError(w, http.StatusBadRequest, "invalid_data_format", "Data parsing error. Please check input data.")
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.subs[id]
	switch {
	case s == nil || s.deleted:
		faceAuthError(w, http.StatusBadRequest, "invalid_submission", "Invalid submission.")
		return
	case s.result != resultApproved:
		faceAuthError(w, http.StatusBadRequest, "submission_not_approved", "The submission is not approved.")
		return
	case s.images[imgSelfie] == nil:
		faceAuthError(w, http.StatusBadRequest, "missing_face_image", "The submission has no face image to compare with.")
		return
	}
	writeJSON(w, http.StatusOK, h.compareFace(s, face.data, h.now()))
}

// compareFace runs one FaceAuth try against s's selfie and stores it.
// Caller holds fk.mu.
func (fk *fake) compareFace(s *submission, face []byte, now time.Time) faceAuthResponse {
	outcome := FaceAuthMatch
	if len(fk.faceScript) > 0 {
		outcome, fk.faceScript = fk.faceScript[0], fk.faceScript[1:]
	}
	authID := hashID("faceauth", s.id, strconv.Itoa(len(fk.faceAuths)), now.String())
	fk.faceAuths[authID] = &faceAuthTry{submissionID: s.id, image: bytes.Clone(face)}
	resp := faceAuthResponse{AuthenticationID: authID, AuthStatus: resultApproved, CreateTime: fmtTime(now),
		Score: faceScores{FaceSimilarity: 93, Occluded: 2, FaceCover: 1, HeadCover: 1}, FailCode: []string{}, RejectedComment: []string{}}
	if bytes.Equal(face, s.images[imgSelfie].data) {
		resp.Score.FaceSimilarity = 99
	}
	reject := func(code, comment string) {
		resp.AuthStatus = resultRejected
		resp.FailCode, resp.RejectedComment = []string{code}, []string{comment}
	}
	switch outcome {
	case FaceAuthMismatch:
		resp.Score.FaceSimilarity = 21
		reject("face_compare_underscore", "The face does not match the submission's face.")
	case FaceAuthOccluded:
		resp.Score.Occluded = 88
		reject("Face_Occluded_fail", "The face is occluded.")
	case FaceAuthFaceCover:
		resp.Score.FaceCover = 91
		reject("Face_cover_fail", "The face is covered.")
	case FaceAuthHeadCover:
		resp.Score.HeadCover = 90
		reject("Head_cover_fail", "The head is covered.")
	}
	return resp
}

// faceAuthImage serves GET /faceauth/image?authId=…: the try's face image
// as Base64 text.
func (h *Handler) faceAuthImage(w http.ResponseWriter, r *http.Request, _ *body) {
	authID := r.URL.Query().Get("authId")
	if authID == "" {
		faceAuthError(w, http.StatusBadRequest, "required_field_missing", "authId is required.")
		return
	}
	h.mu.Lock()
	try := h.faceAuths[authID]
	h.mu.Unlock()
	if try == nil {
		faceAuthError(w, http.StatusNotFound, "NOT_FOUND", "faceAuth not found")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(base64.StdEncoding.EncodeToString(try.image)))
}
