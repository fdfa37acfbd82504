package argos

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/kycgo/argos/internal/endpoint"
)

// DeleteFieldsRequest says what DeleteSubmissionFields erases of which
// submission. SubmissionID and Fields are required. Fields holds the
// Partial… constants; DataFields the DataField… constants, allowed only
// when Fields has PartialData, and empty to erase the whole data object.
// Admin names the dashboard admin who erases (optional).
//
// Logging or printing it shows the names of the parts, never the admin.
type DeleteFieldsRequest struct {
	SubmissionID string
	Fields       []PartialField
	DataFields   []DataField
	Admin        string
}

// LogValue implements slog.LogValuer without the admin.
func (r DeleteFieldsRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("submission_id", r.SubmissionID), slog.Any("fields", r.Fields),
		slog.Any("data_fields", r.DataFields))
}

// Format prints the part names and hides the admin for every verb.
func (r DeleteFieldsRequest) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.DeleteFieldsRequest{SubmissionID:%s Fields:%v DataFields:%v Admin:%s}",
		r.SubmissionID, r.Fields, r.DataFields, redacted)
}

// PartialField names a part of a submission DeleteSubmissionFields can
// erase (the fields parameter): one of the Partial… constants, the API's
// names, case-sensitive.
type PartialField string

// Parts of a submission DeleteSubmissionFields can erase.
const (
	PartialIDImage                     PartialField = "id_image"
	PartialSelfieImage                 PartialField = "selfie_image"
	PartialData                        PartialField = "data" // see DataFields
	PartialOCRRaw                      PartialField = "OCR_raw"
	PartialOCR                         PartialField = "ocr"
	PartialReview                      PartialField = "review"
	PartialApplicantID                 PartialField = "applicant_id"
	PartialEmail                       PartialField = "email"
	PartialUserID                      PartialField = "userid"
	PartialAdditionalList              PartialField = "additional_list"
	PartialDuplicatedInformation       PartialField = "duplicated_information"
	PartialCustomDuplicatedInformation PartialField = "custom_duplicated_information"
	PartialInjectionAction             PartialField = "injection_action"
)

// DataField names a field of the data object DeleteSubmissionFields can
// erase one by one (the data_fields parameter, with PartialData): one of
// the DataField… constants, the API's names, case-sensitive.
type DataField string

// Fields of the data object DeleteSubmissionFields can erase one by one.
const (
	DataFieldAgeGroup            DataField = "age_group"
	DataFieldFirstName           DataField = "first_name"
	DataFieldLastName            DataField = "last_name"
	DataFieldFullName            DataField = "full_name"
	DataFieldName                DataField = "name"
	DataFieldGender              DataField = "gender"
	DataFieldNationality         DataField = "nationality"
	DataFieldDateOfBirth         DataField = "date_of_birth"
	DataFieldAddressCity         DataField = "address_city"
	DataFieldAddressCountry      DataField = "address_country"
	DataFieldAddressState        DataField = "address_state"
	DataFieldAddressStreet       DataField = "address_street"
	DataFieldAddressStreet2      DataField = "address_street2"
	DataFieldAddressZipcode      DataField = "address_zipcode"
	DataFieldAddressGlobalCode   DataField = "address_globalCode"
	DataFieldAddressCompoundCode DataField = "address_compoundCode"
	DataFieldAddressFormatted    DataField = "address_formatted"
	DataFieldAddressInput        DataField = "address_input"
	DataFieldAddressDetail       DataField = "address_detail"
	DataFieldIPAddress           DataField = "ip_address"
	DataFieldIssuingCountry      DataField = "idcard_issuingCountry"
	DataFieldDateOfIssue         DataField = "idcard_issueDate"
	DataFieldDateOfExpiry        DataField = "idcard_expireDate"
	DataFieldIDType              DataField = "idType"
	DataFieldDocumentNumber      DataField = "documentNumber"
	DataFieldIdentityNumber      DataField = "identityNumber"
	DataFieldSSNNumber           DataField = "ssnNumber"
	DataFieldPhoneNumber         DataField = "phoneNumber"
	DataFieldCF1                 DataField = "cf1"
	DataFieldCF2                 DataField = "cf2"
	DataFieldCF3                 DataField = "cf3"
)

var (
	partialFields = []PartialField{PartialIDImage, PartialSelfieImage, PartialData, PartialOCRRaw, PartialOCR, PartialReview,
		PartialApplicantID, PartialEmail, PartialUserID, PartialAdditionalList, PartialDuplicatedInformation,
		PartialCustomDuplicatedInformation, PartialInjectionAction}
	dataFields = []DataField{DataFieldAgeGroup, DataFieldFirstName, DataFieldLastName, DataFieldFullName, DataFieldName,
		DataFieldGender, DataFieldNationality, DataFieldDateOfBirth, DataFieldAddressCity, DataFieldAddressCountry,
		DataFieldAddressState, DataFieldAddressStreet, DataFieldAddressStreet2, DataFieldAddressZipcode,
		DataFieldAddressGlobalCode, DataFieldAddressCompoundCode, DataFieldAddressFormatted, DataFieldAddressInput,
		DataFieldAddressDetail, DataFieldIPAddress, DataFieldIssuingCountry, DataFieldDateOfIssue, DataFieldDateOfExpiry,
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
// repeats. admin_name carries Admin.
//
// A nil request is a *ValidationError, and Fields and DataFields are
// checked against the documented names before anything is sent (an unknown
// name is a *ValidationError): a misspelt name
// must not pass for an erasure. The response is not documented either: any
// JSON object is success, its message and content kept in the result.
// Like DeleteSubmission, the call is retried on network errors and gateway
// failures: erasing the same fields again leaves the same result, and a
// not-found answer to a repeat after an attempt that may have landed is
// success, with DeleteResult.AlreadyGone set.
func (c *Client) DeleteSubmissionFields(ctx context.Context, r *DeleteFieldsRequest, opts ...Option) (*DeleteResult, error) {
	c, err := c.begin(endpoint.DeleteSubmissionFields, opts)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, &ValidationError{Field: "DeleteFieldsRequest", Reason: "is nil"}
	}
	if err := checkID("SubmissionID", r.SubmissionID); err != nil {
		return nil, err
	}
	q, err := r.query()
	if err != nil {
		return nil, err
	}
	q = append(q, param{"submission_id", r.SubmissionID})
	return c.deleteCall(ctx, newCall(endpoint.DeleteSubmissionFields, q), false)
}

// query checks the lists and encodes them.
func (r *DeleteFieldsRequest) query() (query, error) {
	if len(r.Fields) == 0 {
		return nil, &ValidationError{Field: "Fields", Reason: "must name at least one part to erase"}
	}
	for _, f := range r.Fields {
		if !slices.Contains(partialFields, f) {
			return nil, &ValidationError{Field: "Fields", Reason: "has a name Argos does not document (use the Partial… constants; names are case-sensitive)"}
		}
	}
	if len(r.DataFields) > 0 && !slices.Contains(r.Fields, PartialData) {
		return nil, &ValidationError{Field: "DataFields", Reason: "is used only with PartialData in Fields"}
	}
	for _, f := range r.DataFields {
		if !slices.Contains(dataFields, f) {
			return nil, &ValidationError{Field: "DataFields", Reason: "has a name Argos does not document (use the DataField… constants; names are case-sensitive)"}
		}
	}
	if err := checkText("Admin", r.Admin); err != nil {
		return nil, err
	}
	q := query{{"fields", joinStrings(r.Fields)}, {"data_fields", joinStrings(r.DataFields)}}
	if r.Admin != "" {
		q = append(q, param{"admin_name", r.Admin})
	}
	return q, nil
}

// joinStrings joins a list of a string type with commas.
func joinStrings[T ~string](vs []T) string {
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(string(v))
	}
	return b.String()
}
