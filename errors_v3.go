package argos

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
)

// v3Messages are the documented error texts of the v3 management
// endpoints: PATCH /submission, PUT /submission/image, migration, review,
// the token pool, AML and FaceAuth.
var v3Messages = []string{
	"API-Key is required", "The project is not found", "Decryption is Failed. Please check the api-key",
	"Data Processing Error", "data parsing error. please check input data", "submissionId is required",
	"projectId or x-api-key is required", "admin is required", "At least one property to modify is required",
	"Fail to parse the input data", "Cannot find project info",
	"At least one image parameter is required", "The idType is required when submit idImage or idBackImage",
	"Invalid IdType", "Failed to put image", "Failed to complete migration", "Project not found",
	"Access denied. The admin is not registered in the project", "Submission Id is required",
	"Invalid Submission Id", "Only submissions in pending status can be reviewed",
	"This submission cannot be reviewed by client", "Invalid status", "Invalid data format",
	"Reject comment is required", "Cannot find submission", "Fail to search AML", "Invalid AML Threshold",
	"Data parsing error. Please check input data",
}

// templateMessage matches the migration page's messages that name a
// parameter ("invalid parameter: {parameter}", "invalid format:
// ${parameter}").
var templateMessage = regexp.MustCompile(`^invalid (?:parameter|format): ([A-Za-z_][A-Za-z0-9_.]{0,63})$`)

// documentedTemplate reports whether msg is one of templateMessage's
// messages naming a parameter the vendor documents (each part of a dotted
// path, like data.birthDate): the word could otherwise be a value, such as a
// name or an email's local part.
func documentedTemplate(msg string) bool {
	m := templateMessage.FindStringSubmatch(strings.TrimSuffix(strings.TrimSpace(msg), "."))
	if m == nil {
		return false
	}
	for part := range strings.SplitSeq(m[1], ".") {
		if !documentedParameters[part] {
			return false
		}
	}
	return true
}

// documentedParameters are the request parameters the vendor's pages name,
// spelled as there: the query strings, forms and JSON bodies of every
// endpoint the SDK calls, and of the AML search.
//
// Argos docs: https://argos-kyc.gitbook.io/client-guide-1/api-guide-deprecated/api-guide and the
// endpoint pages under https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide
var documentedParameters = func() map[string]bool {
	m := map[string]bool{}
	for _, group := range [][]string{
		// GET /submission, GET /submission/applicant, GET /image, GET /report/aml
		{"submission_id", "userid", "email", "count", "nextpage_id", "nextpage_date", "start_date", "end_date",
			"request_type", "data", "applicant_id", "submissionId", "type", "resourceId"},
		// POST /submission/step1 and step2, POST /address_code
		{"issuingCountry", "idType", "idImage", "idBackImage", "cf1", "cf2", "cf3", "customOptions", "faceImage",
			"name", "date_of_birth", "gender", "nationality", "identity_number", "license_number", "date_of_issue",
			"date_of_expiry", "document_number", "serial_number", "globalCode", "compoundCode", "formatted_address",
			"address_input", "address_detail", "address", "language"},
		// DELETE /submission and /submission/partial
		{"admin_name", "fields", "data_fields"},
		// PATCH /submission, PUT /submission/image, POST /submission/migration
		{"admin", "kycStatus", "fullName", "firstName", "lastName", "birthDate", "issueDate", "expireDate",
			"identityNumber", "documentNumber", "serialNumber", "selfieImage", "addressImage", "ipAddress",
			"address_city", "address_country", "address_state", "address_street", "address_full", "isEncrypted"},
		// POST /submission/review, the token pool, AML, FaceAuth
		{"status", "rejectComment", "updateFields", "tokenId", "amlThreshold", "submissionIds", "worklistId",
			"recordId", "userId", "authId"},
	} {
		for _, p := range group {
			m[p] = true
		}
	}
	return m
}()

// isV3 matches the sentinels of the v3 management endpoints' errors (text
// is the lower-cased code and message).
func (e *APIError) isV3(target error, text string) bool {
	if e.StatusCode != http.StatusBadRequest {
		return false
	}
	switch {
	case errors.Is(target, ErrInvalidAPIKey):
		return strings.Contains(text, "api-key is required") || strings.Contains(text, "x-api-key is required") ||
			strings.Contains(text, "decryption is failed")
	case errors.Is(target, ErrNotPending):
		return strings.Contains(text, "only submissions in pending status")
	case errors.Is(target, ErrInvalidAdmin):
		return strings.Contains(text, "invalid_admin") || strings.Contains(text, "invalid admin") ||
			strings.Contains(text, "admin is required") || strings.Contains(text, "admin is not registered")
	case errors.Is(target, ErrNotFound):
		return strings.Contains(text, "invalid_submission") || strings.Contains(text, "invalid submission") ||
			strings.Contains(text, "cannot find submission")
	}
	return false
}
