package argos

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/kycgo/argos/internal/lenient"
)

// PartialDelete says what DeleteSubmissionFields erases. Fields holds the
// Partial… constants (the API's names, case-sensitive); DataFields the
// DataField… constants, allowed only when Fields has PartialData, and
// empty to erase the whole data object. AdminName names the dashboard admin
// who erases (optional).
type PartialDelete struct {
	Fields     []string
	DataFields []string
	AdminName  string
}

// Parts of a submission DeleteSubmissionFields can erase (the fields
// parameter).
const (
	PartialIDImage                     = "id_image"
	PartialSelfieImage                 = "selfie_image"
	PartialData                        = "data" // see DataFields
	PartialOCRRaw                      = "OCR_raw"
	PartialOCR                         = "ocr"
	PartialReview                      = "review"
	PartialApplicantID                 = "applicant_id"
	PartialEmail                       = "email"
	PartialUserID                      = "userid"
	PartialAdditionalList              = "additional_list"
	PartialDuplicatedInformation       = "duplicated_information"
	PartialCustomDuplicatedInformation = "custom_duplicated_information"
	PartialInjectionAction             = "injection_action"
)

// Fields of the data object DeleteSubmissionFields can erase one by one
// (the data_fields parameter, with PartialData).
const (
	DataFieldAgeGroup            = "age_group"
	DataFieldFirstName           = "first_name"
	DataFieldLastName            = "last_name"
	DataFieldFullName            = "full_name"
	DataFieldName                = "name"
	DataFieldGender              = "gender"
	DataFieldNationality         = "nationality"
	DataFieldDateOfBirth         = "date_of_birth"
	DataFieldAddressCity         = "address_city"
	DataFieldAddressCountry      = "address_country"
	DataFieldAddressState        = "address_state"
	DataFieldAddressStreet       = "address_street"
	DataFieldAddressStreet2      = "address_street2"
	DataFieldAddressZipcode      = "address_zipcode"
	DataFieldAddressGlobalCode   = "address_globalCode"
	DataFieldAddressCompoundCode = "address_compoundCode"
	DataFieldAddressFormatted    = "address_formatted"
	DataFieldAddressInput        = "address_input"
	DataFieldAddressDetail       = "address_detail"
	DataFieldIPAddress           = "ip_address"
	DataFieldIssuingCountry      = "idcard_issuingCountry"
	DataFieldIssueDate           = "idcard_issueDate"
	DataFieldExpireDate          = "idcard_expireDate"
	DataFieldIDType              = "idType"
	DataFieldDocumentNumber      = "documentNumber"
	DataFieldIdentityNumber      = "identityNumber"
	DataFieldSSNNumber           = "ssnNumber"
	DataFieldPhoneNumber         = "phoneNumber"
	DataFieldCF1                 = "cf1"
	DataFieldCF2                 = "cf2"
	DataFieldCF3                 = "cf3"
)

var (
	partialFields = []string{PartialIDImage, PartialSelfieImage, PartialData, PartialOCRRaw, PartialOCR, PartialReview,
		PartialApplicantID, PartialEmail, PartialUserID, PartialAdditionalList, PartialDuplicatedInformation,
		PartialCustomDuplicatedInformation, PartialInjectionAction}
	dataFields = []string{DataFieldAgeGroup, DataFieldFirstName, DataFieldLastName, DataFieldFullName, DataFieldName,
		DataFieldGender, DataFieldNationality, DataFieldDateOfBirth, DataFieldAddressCity, DataFieldAddressCountry,
		DataFieldAddressState, DataFieldAddressStreet, DataFieldAddressStreet2, DataFieldAddressZipcode,
		DataFieldAddressGlobalCode, DataFieldAddressCompoundCode, DataFieldAddressFormatted, DataFieldAddressInput,
		DataFieldAddressDetail, DataFieldIPAddress, DataFieldIssuingCountry, DataFieldIssueDate, DataFieldExpireDate,
		DataFieldIDType, DataFieldDocumentNumber, DataFieldIdentityNumber, DataFieldSSNNumber, DataFieldPhoneNumber,
		DataFieldCF1, DataFieldCF2, DataFieldCF3}
)

// DeleteSubmissionFields erases parts of a submission for good (a
// data-subject request for one field, say) and keeps the rest. Erasing a
// part the duplicate check uses turns that check off for the submission.
//
// It calls DELETE /submission/partial?submission_id=…&fields=…, a v3
// endpoint
// (https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/partial-delete-submission);
// on a /v2 base URL it refuses before sending. Argos does not document how
// several values are sent: the SDK sends each list as one comma-separated
// value (fields=id_image,data&data_fields=name,gender), the form that
// survives a gateway keeping only one value per parameter and that fails
// loudly, rather than erasing less than asked, on a server that expects
// repeats. admin_name carries AdminName.
//
// Fields and DataFields are checked against the documented names before
// anything is sent (an unknown name is a *ValidationError): a misspelt name
// must not pass for an erasure. The response is not documented either: any
// JSON object is success, its message and content kept in the result.
// Like DeleteSubmission, the call is retried on network errors and gateway
// failures: erasing the same fields again leaves the same result, and a
// not-found answer to a repeat after an attempt that may have landed is
// success, with DeleteResult.AlreadyGone set.
func (c *Client) DeleteSubmissionFields(ctx context.Context, submissionID string, r *PartialDelete) (*DeleteResult, error) {
	const op = "DeleteSubmissionFields"
	if err := c.requireV3(op); err != nil {
		return nil, err
	}
	if err := checkID("submission ID", submissionID); err != nil {
		return nil, err
	}
	q, err := r.query()
	if err != nil {
		return nil, err
	}
	q = append(q, param{"submission_id", submissionID})
	var w struct {
		Message    lenient.String `json:"message"`
		Content    lenient.String `json:"content"`
		StatusCode lenient.Int    `json:"statusCode"`
	}
	rep := &repeat{goneIsDone: true}
	if err := c.doJSON(ctx, &call{op: op, method: http.MethodDelete, path: "/submission/partial", query: q, repeat: rep}, &w, false); err != nil {
		return nil, err
	}
	if rep.gone {
		return &DeleteResult{AlreadyGone: true}, nil
	}
	return &DeleteResult{Message: string(w.Message), Content: string(w.Content), StatusCode: w.StatusCode.V}, nil
}

// query checks the lists and encodes them.
func (r *PartialDelete) query() (query, error) {
	if r == nil || len(r.Fields) == 0 {
		return nil, &ValidationError{Field: "PartialDelete.Fields", Reason: "must name at least one part to erase"}
	}
	for _, f := range r.Fields {
		if !slices.Contains(partialFields, f) {
			return nil, &ValidationError{Field: "PartialDelete.Fields", Reason: "has a name Argos does not document (use the Partial… constants; names are case-sensitive)"}
		}
	}
	if len(r.DataFields) > 0 && !slices.Contains(r.Fields, PartialData) {
		return nil, &ValidationError{Field: "PartialDelete.DataFields", Reason: "is used only with PartialData in Fields"}
	}
	for _, f := range r.DataFields {
		if !slices.Contains(dataFields, f) {
			return nil, &ValidationError{Field: "PartialDelete.DataFields", Reason: "has a name Argos does not document (use the DataField… constants; names are case-sensitive)"}
		}
	}
	if err := checkText("PartialDelete.AdminName", r.AdminName); err != nil {
		return nil, err
	}
	q := query{{"fields", strings.Join(r.Fields, ",")}, {"data_fields", strings.Join(r.DataFields, ",")}}
	if r.AdminName != "" {
		q = append(q, param{"admin_name", r.AdminName})
	}
	return q, nil
}
