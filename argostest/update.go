package argostest

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/kycgo/argos"
)

// updateRoutes are the v3 edits of a submission: its data and its images.
var updateRoutes = []route{
	{http.MethodPatch, "/submission", sealed((*Handler).patchSubmission)},
	{http.MethodPut, "/submission/image", (*Handler).putImages},
}

// Messages of PATCH /submission (API.md §9.5).
const (
	msgPatchParse    = "data parsing error. please check input data."
	msgPatchNoID     = "submissionId is required."
	msgPatchNoAdmin  = "admin is required."
	msgPatchNoData   = "At least one property to modify is required."
	msgPatchSuccess  = "Data Processing Success."
	msgInvalidAdmin  = "Invalid admin."
	msgInvalidSubmit = "Invalid submission."
)

// patchData is the data object of PATCH /submission.
type patchData struct {
	KYCStatus      string `json:"kycStatus"`
	IDType         string `json:"idType"`
	IssuingCountry string `json:"issuingCountry"`
	Nationality    string `json:"nationality"`
	FullName       string `json:"fullName"`
	FirstName      string `json:"firstName"`
	LastName       string `json:"lastName"`
	Gender         string `json:"gender"`
	BirthDate      string `json:"birthDate"`
	IssueDate      string `json:"issueDate"`
	ExpireDate     string `json:"expireDate"`
	IdentityNumber string `json:"identityNumber"`
	DocumentNumber string `json:"documentNumber"`
	SerialNumber   string `json:"serialNumber"`
}

// valid checks the values: a decision for kycStatus, dates as YYYY-MM-DD.
func (d *patchData) valid() bool {
	if d.KYCStatus != "" && d.KYCStatus != resultApproved && d.KYCStatus != resultRejected {
		return false
	}
	for _, v := range []string{d.BirthDate, d.IssueDate, d.ExpireDate} {
		if _, err := time.Parse(time.DateOnly, v); v != "" && err != nil {
			return false
		}
	}
	return d.IDType == "" || slices.Contains(idTypes, d.IDType)
}

// patchSubmission serves PATCH /submission: it edits the stored data and,
// with kycStatus, decides the submission as an admin would.
func (h *Handler) patchSubmission(w http.ResponseWriter, _ *http.Request, b *body) {
	var in struct {
		SubmissionID string     `json:"submissionId"`
		Admin        string     `json:"admin"`
		Data         *patchData `json:"data"`
	}
	if unknown, ok := decodeObject(b.raw, &in); !ok || unknown != "" {
		writeError(w, "invalid_payload", msgPatchParse)
		return
	}
	switch {
	case strings.TrimSpace(in.SubmissionID) == "":
		writeError(w, "missing_data", msgPatchNoID)
		return
	case strings.TrimSpace(in.Admin) == "":
		writeError(w, "missing_data", msgPatchNoAdmin)
		return
	case in.Data == nil || *in.Data == (patchData{}):
		writeError(w, "missing_data", msgPatchNoData)
		return
	case !in.Data.valid():
		writeError(w, "invalid_payload", msgPatchParse)
		return
	case !h.isAdmin(in.Admin):
		writeError(w, "invalid_admin", msgInvalidAdmin)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.subs[in.SubmissionID]
	if s == nil || s.deleted {
		writeError(w, "invalid_submission", msgInvalidSubmit)
		return
	}
	now := h.now()
	h.applyUpdate(s, in.Data, now)
	h.notify(argos.WebhookUpdated, s, webhookDetail{Admin: in.Admin, Updated: in.Data.changed()})
	if in.Data.KYCStatus != "" && s.tokenID != "" {
		h.expireToken(s.tokenID, "count", now) // a decided submission uses up its token
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": msgPatchSuccess})
}

// changed lists the wire names of the fields an edit sets, as the updated
// webhook's data.update does.
func (d *patchData) changed() []string {
	var out []string
	for _, f := range []struct{ name, v string }{
		{"kycStatus", d.KYCStatus}, {"idType", d.IDType}, {"issuingCountry", d.IssuingCountry},
		{"nationality", d.Nationality}, {"fullName", d.FullName}, {"firstName", d.FirstName},
		{"lastName", d.LastName}, {"gender", d.Gender}, {"birthDate", d.BirthDate}, {"issueDate", d.IssueDate},
		{"expireDate", d.ExpireDate}, {"identityNumber", d.IdentityNumber}, {"documentNumber", d.DocumentNumber},
		{"serialNumber", d.SerialNumber},
	} {
		if f.v != "" {
			out = append(out, f.name)
		}
	}
	return out
}

// applyUpdate stores an admin's edit of s, and decides s when the edit
// sets kycStatus (the "updated" transition). Caller holds fk.mu.
func (fk *fake) applyUpdate(s *submission, d *patchData, now time.Time) {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&s.idType, d.IDType)
	set(&s.issuingCountry, d.IssuingCountry)
	set(&s.nationality, d.Nationality)
	set(&s.name, d.FullName)
	set(&s.firstName, d.FirstName)
	set(&s.lastName, d.LastName)
	set(&s.gender, d.Gender)
	set(&s.dob, d.BirthDate)
	set(&s.issueDate, d.IssueDate)
	set(&s.expiryDate, d.ExpireDate)
	set(&s.identityNumber, d.IdentityNumber)
	set(&s.documentNumber, d.DocumentNumber)
	set(&s.serial, d.SerialNumber)
	s.firstErased = s.firstErased && d.FirstName == ""
	s.lastErased = s.lastErased && d.LastName == ""
	s.updated = now
	switch d.KYCStatus {
	case resultApproved:
		fk.approve(s, now)
	case resultRejected:
		s.reject(now, "Rejected by admin", "other")
	}
}

// Errors of PUT /submission/image (API.md §9.6).
const (
	msgImageParse   = "Fail to parse the input data."
	msgImageMissing = "Required input data is missing."
	msgImageNone    = "At least one image parameter is required."
	msgImageIDType  = "The idType is required when submit idImage or idBackImage."
	msgImageBadType = "Invalid IdType."
	msgImageSuccess = "complete to update image."
)

// putImages serves PUT /submission/image: multipart fields whose values are
// Base64 images; each replaces what GET /image serves.
func (h *Handler) putImages(w http.ResponseWriter, _ *http.Request, b *body) {
	if b.parseErr != nil {
		writeError(w, "invalid_payload", msgImageParse)
		return
	}
	id, admin, idType := strings.TrimSpace(b.form["submissionId"]), strings.TrimSpace(b.form["admin"]), b.form["idType"]
	if id == "" || admin == "" {
		writeError(w, "missing_data", msgImageMissing)
		return
	}
	if !h.isAdmin(admin) {
		writeError(w, "invalid_admin", msgInvalidAdmin)
		return
	}
	images, ok := base64Images(b)
	switch {
	case !ok:
		writeError(w, "invalid_payload", msgImageParse)
		return
	case len(images) == 0:
		writeError(w, "invalid_data", msgImageNone)
		return
	case (images[imgID] != nil || images[imgIDBack] != nil) && idType == "":
		writeError(w, "missing_data", msgImageIDType)
		return
	case idType != "" && !slices.Contains(idTypes, idType):
		writeError(w, "invalid_idType", msgImageBadType)
		return
	}
	for _, data := range images {
		if len(data) > maxImageBytes {
			writeMessage(w, http.StatusRequestEntityTooLarge, msgTooLarge)
			return
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.subs[id]
	if s == nil || s.deleted {
		writeError(w, "invalid_submission", msgInvalidSubmit)
		return
	}
	h.replaceImages(s, images, idType, h.now())
	writeJSON(w, http.StatusOK, map[string]string{"message": msgImageSuccess})
}

// base64Images decodes the image fields of a PUT /submission/image form;
// ok is false when one is not the Base64 of a JPEG or PNG.
func base64Images(b *body) (map[string][]byte, bool) {
	images := map[string][]byte{}
	for _, field := range []string{imgID, imgIDBack, imgSelfie, imgAddress} {
		var v []byte
		if u := b.files[field]; u != nil {
			v = u.data
		} else if t, ok := b.form[field]; ok {
			v = []byte(t)
		} else {
			continue
		}
		data, ok := decodeBase64Image(v)
		if !ok {
			return nil, false
		}
		images[field] = data
	}
	return images, true
}

// replaceImages stores the images of a PUT /submission/image in s. Caller
// holds fk.mu.
func (fk *fake) replaceImages(s *submission, images map[string][]byte, idType string, now time.Time) {
	if s.images == nil {
		s.images = map[string]*storedImage{}
	}
	for typ, data := range images {
		s.images[typ] = &storedImage{name: typ, contentType: http.DetectContentType(data), data: data}
	}
	if idType != "" {
		s.idType = idType
	}
	s.updated = now
}
