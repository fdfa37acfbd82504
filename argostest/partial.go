package argostest

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// partialRoutes is the v3 partial deletion.
var partialRoutes = []route{
	{"DELETE /v3/submission/partial", onlyV3, (*Handler).deletePartial},
}

// The names DELETE /submission/partial accepts
// (https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/partial-delete-submission).
var (
	partialNames = []string{"id_image", "selfie_image", "data", "OCR_raw", "ocr", "review", "applicant_id", "email",
		"userid", "additional_list", "duplicated_information", "custom_duplicated_information", "injection_action"}
	dataFieldNames = []string{"age_group", "first_name", "last_name", "full_name", "name", "gender", "nationality",
		"date_of_birth", "address_city", "address_country", "address_state", "address_street", "address_street2",
		"address_zipcode", "address_globalCode", "address_compoundCode", "address_formatted", "address_input",
		"address_detail", "ip_address", "idcard_issuingCountry", "idcard_issueDate", "idcard_expireDate", "idType",
		"documentNumber", "identityNumber", "ssnNumber", "phoneNumber", "cf1", "cf2", "cf3"}
)

// listParam reads a parameter given as repeats (fields=a&fields=b), as a
// comma-separated list (fields=a,b), or both: the docs do not say which.
func listParam(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// deletePartial serves DELETE /submission/partial: it erases exactly the
// parts (and data fields) named. Its answers are not documented: the fake
// answers like DELETE /submission.
func (h *Handler) deletePartial(w http.ResponseWriter, r *http.Request, _ *body) {
	q := r.URL.Query()
	id := first(q, "submission_id", "submissionId")
	fields, dataFields := listParam(q["fields"]), listParam(q["data_fields"])
	if id == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "not Exist Submission ID", "statusCode": http.StatusBadRequest})
		return
	}
	for _, f := range fields {
		if !slices.Contains(partialNames, f) {
			writeError(w, "invalid_parameter", "invalid parameter: fields")
			return
		}
	}
	for _, f := range dataFields {
		if !slices.Contains(dataFieldNames, f) || !slices.Contains(fields, "data") {
			writeError(w, "invalid_parameter", "invalid parameter: data_fields")
			return
		}
	}
	if len(fields) == 0 {
		writeError(w, "missing_data", "Required input data is missing")
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.subs[id]
	if s == nil || s.deleted {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "not Exist Submission Data", "statusCode": http.StatusBadRequest})
		return
	}
	h.erase(s, fields, dataFields, h.now())
	writeJSON(w, http.StatusOK, map[string]string{
		"message": "success",
		"content": "Submission " + id + " partially deleted: " + strings.Join(fields, ", "),
	})
}

// erase removes the named parts of s (the partial-delete transition).
// Parts the fake does not store (OCR_raw, review, additional_list,
// custom_duplicated_information, injection_action) have nothing to erase.
// Caller holds fk.mu.
func (fk *fake) erase(s *submission, fields, dataFields []string, now time.Time) {
	for _, f := range fields {
		switch f {
		case "id_image":
			delete(s.images, imgID)
			delete(s.images, imgIDBack)
		case "selfie_image":
			delete(s.images, imgSelfie)
		case "data":
			if len(dataFields) == 0 {
				dataFields = dataFieldNames
			}
			for _, df := range dataFields {
				s.eraseData(df)
			}
		case "ocr":
			s.ocr = ocrData{}
		case "applicant_id":
			s.applicantID = ""
		case "email":
			s.email = ""
		case "userid":
			s.userID = ""
		case "duplicated_information":
			s.dupInfo = ""
		}
	}
	s.updated = now
}

// eraseData clears one field of the data object, and the OCR value it
// falls back to.
func (s *submission) eraseData(field string) {
	switch field {
	case "name", "full_name":
		s.name, s.ocr.Name, s.firstName, s.lastName = "", "", "", ""
	case "first_name":
		s.firstName, s.firstErased = "", true
	case "last_name":
		s.lastName, s.lastErased = "", true
	case "gender":
		s.gender, s.ocr.Gender = "", ""
	case "nationality":
		s.nationality, s.ocr.Nationality = "", ""
	case "date_of_birth":
		s.dob, s.ocr.BirthDate = "", ""
	case "ip_address":
		s.ip = ""
	case "idcard_issuingCountry":
		s.issuingCountry = ""
	case "idcard_issueDate":
		s.issueDate, s.ocr.IssueDate = "", ""
	case "idcard_expireDate":
		s.expiryDate = ""
	case "idType":
		s.idType = ""
	case "documentNumber":
		s.documentNumber = ""
	case "identityNumber":
		s.identityNumber = ""
	case "cf1", "cf2", "cf3":
		s.cf[field[2]-'1'] = ""
	default:
		s.eraseAddress(field)
	}
}

func (s *submission) eraseAddress(field string) {
	switch field {
	case "address_city":
		s.addrCity = ""
	case "address_country":
		s.addrCountry = ""
	case "address_state":
		s.addrState = ""
	case "address_street":
		s.addrStreet = ""
	case "address_globalCode":
		s.globalCode = ""
	case "address_compoundCode":
		s.compoundCode = ""
	case "address_formatted":
		s.formattedAddress = ""
	case "address_input":
		s.addressInput = ""
	case "address_detail":
		s.addressDetail = ""
	}
}
