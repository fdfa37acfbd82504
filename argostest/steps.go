package argostest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// idTypes are the ID types Step 1 accepts: the client guide's list (API.md
// §11.4).
var idTypes = []string{
	"passport", "government_id", "drivers_license", "residence_permit", "visa",
	"vehicle_registration_certificate", "aadhaar", "pancard", "universal",
}

var emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s.]+$`)

// Step 1 and Step 2 error messages (API.md §6.3, §7.3).
const (
	msgInvalidEmail     = "invalid email address format"
	msgInvalidIDType    = "invalid id type : id type must be passport, government_id or drivers_license"
	msgInvalidIDImage   = "invalid id image"
	msgInvalidFace      = "invalid face image"
	msgInvalidAddrImage = "invalid or missing an address image"
	msgInvalidSub       = "invalid submission id"
	msgProcessed        = "this submission is already processed"
	msgDataProcessing   = "data processing error"
	msgDuplicateSuffix  = " had submitted another KYC and is already approved; therefore, this submission is not accepted to avoid duplicate submissions."
)

// isImage reports whether data starts like a JPEG or PNG file, the only
// formats the API accepts.
func isImage(data []byte) bool {
	return bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}) ||
		bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n"))
}

func storeImage(u *upload) *storedImage {
	return &storedImage{name: u.name, contentType: http.DetectContentType(u.data), data: bytes.Clone(u.data)}
}

// step1Response is the body of a successful Step 1.
type step1Response struct {
	ReviewOCRData ocrData `json:"reviewOCRData"`
	FileUpload    bool    `json:"file_upload"`
	SubmissionID  string  `json:"submissionId"`
}

// step1 serves POST /submission/step1.
func (h *Handler) step1(w http.ResponseWriter, r *http.Request, b *body) int {
	if b.parseErr != nil {
		return badRequest(w, msgParseFailed)
	}
	f := b.form
	country, email, idType := strings.TrimSpace(f["issuingCountry"]), strings.TrimSpace(f["email"]), strings.TrimSpace(f["idType"])
	front := b.files["idImage"]
	if country == "" || email == "" || idType == "" || front == nil {
		return badRequest(w, msgMissingParams)
	}
	if !slices.Contains(idTypes, idType) {
		return badRequest(w, msgInvalidIDType)
	}
	if !emailRE.MatchString(email) {
		return badRequest(w, msgInvalidEmail)
	}
	back := b.files["idBackImage"]
	if !isImage(front.data) || (back != nil && !isImage(back.data)) {
		return badRequest(w, msgInvalidIDImage)
	}
	var opts map[string]any
	if raw := strings.TrimSpace(f["customOptions"]); raw != "" {
		if err := json.Unmarshal([]byte(raw), &opts); err != nil || opts == nil {
			return badRequest(w, msgParseFailed)
		}
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now()

	var s *submission
	if id := strings.TrimSpace(f["submissionId"]); id != "" {
		s = h.subs[id]
		if s == nil || s.deleted {
			return badRequest(w, msgInvalidSub)
		}
		if s.finished() {
			return badRequest(w, msgProcessed)
		}
	}
	if opts["approvePeriod"] != false && h.approvedEmail(email, s) {
		return badRequest(w, email+msgDuplicateSuffix)
	}

	if s == nil {
		id := h.cfg.ids()
		if _, taken := h.subs[id]; taken || id == "" {
			return badRequest(w, msgDataProcessing)
		}
		s = &submission{id: id, created: now, result: resultIncomplete, images: map[string]*storedImage{}}
		h.subs[id] = s
	} else {
		// A Step 1 retry: a new ID image for the same submission, one more try.
		s.retryCount++
		delete(s.images, imgIDBack)
	}
	s.updated = now
	s.email, s.idType, s.issuingCountry = email, idType, country
	s.userID = f["userid"]
	s.cf = [3]string{f["cf1"], f["cf2"], f["cf3"]}
	s.customOptions = opts
	s.ip = clientIP(r)
	s.ocr = deriveOCR(front.data, email, country)
	s.images[imgID] = storeImage(front)
	if back != nil {
		s.images[imgIDBack] = storeImage(back)
	}

	if s.retryCount >= maxTries {
		s.reject(now, "Multiple invalid KYC attempts", "too_many_retry")
		return writeJSON(w, http.StatusOK, map[string]any{
			"submissionId": s.id,
			"kycStatus":    s.result,
			"retryCount":   s.retryCount,
		})
	}
	return writeJSON(w, http.StatusOK, step1Response{ReviewOCRData: s.ocr, FileUpload: true, SubmissionID: s.id})
}

// approvedEmail reports whether another live submission with that email is
// approved. Caller holds h.mu.
func (h *Handler) approvedEmail(email string, except *submission) bool {
	for _, s := range h.subs {
		if s != except && !s.deleted && s.result == resultApproved && strings.EqualFold(s.email, email) {
			return true
		}
	}
	return false
}

// reject finishes s as rejected.
func (s *submission) reject(now time.Time, comment, code string) {
	s.result = resultRejected
	s.comment = []string{comment}
	s.commentCode = []string{code}
	s.resultAt, s.updated = now, now
}

// approve finishes s as approved and gives it an applicant ID and an AML
// result. Caller holds fk.mu.
func (fk *fake) approve(s *submission, now time.Time) {
	s.result = resultApproved
	s.comment, s.commentCode = nil, nil
	s.resultAt, s.updated = now, now
	s.dupInfo = duplicatedInformation(s.fullName(), s.renderDOB(), s.renderGender(), s.renderNationality())
	if s.dupInfo != "" {
		id, ok := fk.applicants[s.dupInfo]
		if !ok {
			id = hashID("applicant", s.dupInfo)
			fk.applicants[s.dupInfo] = id
		}
		s.applicantID = id
	} else {
		// API.md §5: "If there is no comparable data, a random applicant_id is generated."
		s.applicantID = hashID("applicant", s.id)
	}
	if s.aml == nil {
		s.aml = &amlState{status: "Not Screened", risk: "Not Screened"}
	}
}

func (s *submission) renderDOB() string {
	if s.dob != "" {
		return s.dob
	}
	return s.ocr.BirthDate
}

func (s *submission) renderGender() string {
	if s.gender != "" {
		return s.gender
	}
	return s.ocr.Gender
}

func (s *submission) renderNationality() string {
	if s.nationality != "" {
		return s.nationality
	}
	return s.ocr.Nationality
}

// step2Retry is the body of a failed Step 2 try that may be retried.
type step2Retry struct {
	Retry      []retryReason `json:"retry"`
	KYCStatus  string        `json:"kycStatus"`
	RetryCount int           `json:"retryCount"`
}

type retryReason struct {
	RetryCode string `json:"retryCode"`
	RetryMsg  string `json:"retryMsg"`
}

// step2Result is the body of a Step 2 try that finished the submission.
type step2Result struct {
	VerificationResult  string `json:"verificationResult"`
	FaceSimilarityScore *int   `json:"faceSimilarityScore,omitempty"`
	LivenessScore       *int   `json:"livenessScore,omitempty"`
	KYCStatus           string `json:"kycStatus"`
	RetryCount          int    `json:"retryCount"`
}

// step2 serves POST /submission/step2.
func (h *Handler) step2(w http.ResponseWriter, r *http.Request, b *body) int {
	if b.parseErr != nil {
		return badRequest(w, msgParseFailed)
	}
	f := b.form
	id, name, dob := strings.TrimSpace(f["submissionId"]), strings.TrimSpace(f["name"]), strings.TrimSpace(f["date_of_birth"])
	if id == "" || name == "" || dob == "" {
		return badRequest(w, msgMissingParams)
	}
	face := b.files["faceImage"]
	if face == nil || !isImage(face.data) {
		return badRequest(w, msgInvalidFace)
	}
	if _, err := time.Parse(time.DateOnly, dob); err != nil {
		return badRequest(w, msgParseFailed)
	}
	addr := b.files["addressImage"]
	if addr != nil && !isImage(addr.data) {
		return badRequest(w, msgInvalidAddrImage)
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.subs[id]
	if s == nil || s.deleted {
		return badRequest(w, msgInvalidSub)
	}
	if s.finished() {
		return badRequest(w, msgProcessed)
	}
	now := h.now()
	s.updated = now
	s.name, s.dob = name, dob
	s.gender, s.nationality = f["gender"], f["nationality"]
	s.identityNumber, s.licenseNumber = f["identity_number"], f["license_number"]
	s.issueDate, s.expiryDate = f["date_of_issue"], f["date_of_expiry"]
	s.documentNumber, s.serial = f["document_number"], f["serial_number"]
	s.globalCode, s.compoundCode, s.formattedAddress = f["globalCode"], f["compoundCode"], f["formatted_address"]
	s.addressInput, s.addressDetail = f["address_input"], f["address_detail"]
	s.images[imgSelfie] = storeImage(face)
	if addr != nil {
		s.images[imgAddress] = storeImage(addr)
	}

	outcome := OutcomeApprove
	if len(h.step2Script) > 0 {
		outcome = h.step2Script[0]
		h.step2Script = h.step2Script[1:]
	}
	p := outcome.profile()
	a := attempt{
		count:              s.retryCount + 1,
		liveness:           p.liveness,
		face:               p.face,
		verificationResult: p.verificationResult,
		params: verificationParams{
			FullName:       name,
			IDType:         s.idType,
			IssueDate:      s.issueDate,
			DocumentNumber: s.documentNumber,
			LicenseNumber:  s.licenseNumber,
			SerialNumber:   s.serial,
		},
	}
	if s.identityNumber != "" {
		a.params.IdentityNumber = maskID(s.identityNumber)
	}
	if p.retryCode != "" {
		a.retryMsg = p.attemptMsg
	}
	s.attempts = append(s.attempts, a)

	result := step2Result{
		VerificationResult:  p.verificationResult,
		FaceSimilarityScore: p.face,
		LivenessScore:       p.liveness,
	}
	switch {
	case p.retryCode != "":
		s.retryCount++
		if s.retryCount < maxTries {
			return writeJSON(w, http.StatusOK, step2Retry{
				Retry:      []retryReason{{RetryCode: p.retryCode, RetryMsg: p.retryMsg}},
				KYCStatus:  resultIncomplete,
				RetryCount: s.retryCount,
			})
		}
		s.reject(now, "Multiple invalid KYC attempts", "too_many_retry")
	case outcome == OutcomePending:
		s.result = resultPending
		s.pendingAt = now
	case outcome == OutcomeReject:
		s.reject(now, "The entered data does not match the ID", "id_info_dataMismatch")
	default:
		h.approve(s, now)
	}
	result.KYCStatus = s.result
	result.RetryCount = s.retryCount
	return writeJSON(w, http.StatusOK, result)
}
