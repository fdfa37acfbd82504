package argostest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/kycgo/argos"
)

// idTypes are the ID types Step 1 accepts: the client guide's list (
// https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/submit-via-api/post-submission-step-1).
var idTypes = []string{
	"passport", "government_id", "drivers_license", "residence_permit", "visa",
	"vehicle_registration_certificate", "aadhaar", "pancard", "universal",
}

var emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s.]+$`)

// Step 1 and Step 2 error messages (https://argos-kyc.gitbook.io/client-guide-1/api-guide-deprecated/api-guide/api-errors).
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

// stepRoutes are the two steps of a KYC submission.
var stepRoutes = []route{
	{http.MethodPost, "/submission/step1", (*Handler).step1},
	{http.MethodPost, "/submission/step2", (*Handler).step2},
}

// step1Input is a Step 1 form that passed validation.
type step1Input struct {
	country, email, idType string
	submissionID, userID   string
	cf                     [3]string
	front, back            *upload
	opts                   map[string]any // customOptions; nil when not sent
}

// parseStep1 checks a Step 1 form in the API's order; msg is the message of
// the 400 that refuses it, "" when it passes.
func parseStep1(b *body) (in step1Input, msg string) {
	if b.parseErr != nil {
		return in, msgParseFailed
	}
	f := b.form
	in = step1Input{
		country: strings.TrimSpace(f["issuingCountry"]), email: strings.TrimSpace(f["email"]),
		idType: strings.TrimSpace(f["idType"]), submissionID: strings.TrimSpace(f["submissionId"]),
		userID: f["userid"], cf: [3]string{f["cf1"], f["cf2"], f["cf3"]},
		front: b.files["idImage"], back: b.files["idBackImage"],
	}
	switch {
	case in.country == "" || in.email == "" || in.idType == "" || in.front == nil:
		return in, msgMissingParams
	case !slices.Contains(idTypes, in.idType):
		return in, msgInvalidIDType
	case !emailRE.MatchString(in.email):
		return in, msgInvalidEmail
	case !isImage(in.front.data) || (in.back != nil && !isImage(in.back.data)):
		return in, msgInvalidIDImage
	}
	if raw := strings.TrimSpace(f["customOptions"]); raw != "" {
		if err := json.Unmarshal([]byte(raw), &in.opts); err != nil || in.opts == nil {
			return in, msgParseFailed
		}
	}
	return in, ""
}

// step1 serves POST /submission/step1.
func (h *Handler) step1(w http.ResponseWriter, r *http.Request, b *body) {
	in, msg := parseStep1(b)
	if msg != "" {
		badRequest(w, msg)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now()
	s, msg := h.step1Submission(in, now)
	if msg != "" {
		badRequest(w, msg)
		return
	}
	s.updated = now
	s.email, s.idType, s.issuingCountry = in.email, in.idType, in.country
	s.userID, s.cf, s.customOptions = in.userID, in.cf, in.opts
	s.ip = clientIP(r)
	s.images[imgID] = storeImage(in.front)
	if in.back != nil {
		s.images[imgIDBack] = storeImage(in.back)
	}
	outcome := h.nextStep1()
	if _, failed := outcome.failure(); !failed {
		s.ocr = deriveOCR(in.front.data, in.email, in.country)
	}
	f, failed := h.step1Try(s, outcome, in.submissionID == "", now, time.Time{})
	switch {
	case !failed:
		writeJSON(w, http.StatusOK, step1Response{ReviewOCRData: s.ocr, FileUpload: true, SubmissionID: s.id})
	case s.result == resultRejected:
		writeJSON(w, http.StatusOK, map[string]any{"submissionId": s.id, "kycStatus": s.result, "retryCount": s.retryCount})
	default:
		writeJSON(w, http.StatusOK, map[string]any{
			"submissionId": s.id,
			"retry":        []retryReason{{RetryCode: string(f.code), RetryMsg: f.msg}},
			"kycStatus":    s.result,
			"retryCount":   s.retryCount,
		})
	}
}

// step1Try runs one Step 1 try of s with its outcome, at now: the ID is read,
// or the try fails and counts towards the three tries (the third rejects).
// isNew says whether the try opened s (webhook created, with the retry
// code when it failed) or retries it (webhook retry, when it failed; a
// retry that reads the ID sends none). Webhooks are stamped hookAt (zero:
// the clock when sent). Caller holds fk.mu.
func (fk *fake) step1Try(s *submission, o Step1Outcome, isNew bool, now, hookAt time.Time) (step1Failure, bool) {
	f, failed := o.failure()
	if !failed {
		s.step1OK = true
		if isNew {
			fk.notifyAt(argos.WebhookCreated, s, webhookDetail{}, hookAt)
		}
		return f, false
	}
	s.retryCount++
	trigger := argos.WebhookRetry
	if isNew {
		trigger = argos.WebhookCreated
	}
	if s.retryCount >= maxTries {
		s.reject(now, "Multiple invalid KYC attempts", "too_many_retry")
		fk.notifyDecision(s, hookAt)
		return f, true
	}
	fk.notifyAt(trigger, s, webhookDetail{RetryCode: string(f.code)}, hookAt)
	fk.watch(s)
	return f, true
}

// step1Submission returns the submission a Step 1 retry names or a new one;
// msg is the message of the 400 that refuses the request. A retry needs a
// submission whose Step 1 has not read the ID yet, within four hours of its
// Step 1. Caller holds h.mu.
func (h *Handler) step1Submission(in step1Input, now time.Time) (s *submission, msg string) {
	if in.submissionID != "" {
		s = h.subs[in.submissionID]
		if s == nil || s.deleted || s.submissionIDExpired(now) {
			return nil, msgInvalidSub
		}
		if s.finished() || s.step1OK {
			return nil, msgProcessed
		}
	}
	if in.opts["approvePeriod"] != false && h.approvedEmail(in.email, s) {
		return nil, in.email + msgDuplicateSuffix
	}
	if s != nil {
		// A Step 1 retry: a new ID image for the same submission.
		delete(s.images, imgIDBack)
		return s, ""
	}
	id := h.cfg.ids()
	if _, taken := h.subs[id]; taken || id == "" {
		return nil, msgDataProcessing
	}
	s = &submission{id: id, created: now, result: resultIncomplete, images: map[string]*storedImage{}}
	h.subs[id] = s
	return s, ""
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
		// https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/get-submission/applicantId: "If there is no comparable data, a random applicant_id is generated."
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

// step2Input is a Step 2 form that passed validation.
type step2Input struct {
	id, name, dob string
	face, addr    *upload
	form          map[string]string // the optional fields
}

// parseStep2 checks a Step 2 form in the API's order; msg is the message of
// the 400 that refuses it, "" when it passes.
func parseStep2(b *body) (in step2Input, msg string) {
	if b.parseErr != nil {
		return in, msgParseFailed
	}
	f := b.form
	in = step2Input{
		id: strings.TrimSpace(f["submissionId"]), name: strings.TrimSpace(f["name"]),
		dob: strings.TrimSpace(f["date_of_birth"]), face: b.files["faceImage"], addr: b.files["addressImage"], form: f,
	}
	if in.id == "" || in.name == "" || in.dob == "" {
		return in, msgMissingParams
	}
	if in.face == nil || !isImage(in.face.data) {
		return in, msgInvalidFace
	}
	if _, err := time.Parse(time.DateOnly, in.dob); err != nil {
		return in, msgParseFailed
	}
	if in.addr != nil && !isImage(in.addr.data) {
		return in, msgInvalidAddrImage
	}
	return in, ""
}

// step2 serves POST /submission/step2.
func (h *Handler) step2(w http.ResponseWriter, _ *http.Request, b *body) {
	in, msg := parseStep2(b)
	if msg != "" {
		badRequest(w, msg)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.subs[in.id]
	if s == nil || s.deleted {
		badRequest(w, msgInvalidSub)
		return
	}
	if s.finished() {
		badRequest(w, msgProcessed)
		return
	}
	now := h.now()
	if s.submissionIDExpired(now) {
		badRequest(w, msgInvalidSub)
		return
	}
	s.setStep2(in, now)
	outcome := OutcomeApprove
	if len(h.step2Script) > 0 {
		outcome = h.step2Script[0]
		h.step2Script = h.step2Script[1:]
	}
	p := h.step2Try(s, outcome, now, time.Time{})
	if s.result == resultIncomplete {
		writeJSON(w, http.StatusOK, step2Retry{
			Retry:      []retryReason{{RetryCode: p.retryCode, RetryMsg: p.retryMsg}},
			KYCStatus:  resultIncomplete,
			RetryCount: s.retryCount,
		})
		return
	}
	writeJSON(w, http.StatusOK, step2Result{
		VerificationResult:  p.verificationResult,
		FaceSimilarityScore: p.face,
		LivenessScore:       p.liveness,
		KYCStatus:           s.result,
		RetryCount:          s.retryCount,
	})
}

// step2Try runs one Step 2 try of s with outcome, at now: the try is
// recorded in kyc.attempts; a failed one counts towards the three tries (the
// third rejects with "too_many_retry"); a passed one is checked against the
// project's policies (see Policy) and then approved or held for review.
// Webhooks are stamped hookAt (zero: the clock when sent). Caller holds
// fk.mu.
func (fk *fake) step2Try(s *submission, outcome Outcome, now, hookAt time.Time) outcomeProfile {
	p := outcome.profile()
	s.attempts = append(s.attempts, s.newAttempt(p))
	switch {
	case p.retryCode != "":
		s.retryCount++
		if s.retryCount < maxTries {
			fk.notifyAt(argos.WebhookRetry, s, webhookDetail{RetryCode: p.retryCode}, hookAt)
			fk.watch(s)
			return p
		}
		s.reject(now, "Multiple invalid KYC attempts", "too_many_retry")
	case outcome == OutcomeReject:
		s.reject(now, "The entered data does not match the ID", "id_info_dataMismatch")
	default:
		if comment, code := fk.policyRejection(s, now); code != "" {
			s.reject(now, comment, code)
		} else if outcome == OutcomePending {
			s.result = resultPending
			s.pendingAt = now
		} else {
			fk.approve(s, now)
		}
	}
	fk.notifyDecision(s, hookAt)
	return p
}

// setStep2 stores the data a Step 2 try confirmed and its images.
func (s *submission) setStep2(in step2Input, now time.Time) {
	f := in.form
	s.updated = now
	s.name, s.dob = in.name, in.dob
	s.gender, s.nationality = f["gender"], f["nationality"]
	s.identityNumber, s.licenseNumber = f["identity_number"], f["license_number"]
	s.issueDate, s.expiryDate = f["date_of_issue"], f["date_of_expiry"]
	s.documentNumber, s.serial = f["document_number"], f["serial_number"]
	s.globalCode, s.compoundCode, s.formattedAddress = f["globalCode"], f["compoundCode"], f["formatted_address"]
	s.addressInput, s.addressDetail = f["address_input"], f["address_detail"]
	s.images[imgSelfie] = storeImage(in.face)
	if in.addr != nil {
		s.images[imgAddress] = storeImage(in.addr)
	}
}

// newAttempt records a Step 2 try as kyc.attempts lists it.
func (s *submission) newAttempt(p outcomeProfile) attempt {
	a := attempt{
		count:              s.retryCount + 1,
		liveness:           p.liveness,
		face:               p.face,
		verificationResult: p.verificationResult,
		params: verificationParams{
			FullName:       s.name,
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
	return a
}
