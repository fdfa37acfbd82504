// Package endpoint is the one table of the Argos API's endpoints: each
// endpoint's facts written once, for the SDK's request path, the fake's
// route coverage test, the fault matrix and the CLI.
package endpoint

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/kycgo/argos/internal/securewire"
)

// Key is the API key an endpoint is sent with.
type Key int

const (
	// ProjectKey is the project's API key (NewClient's).
	ProjectKey Key = iota
	// AddOnKey is the FaceAuth Add-on key (WithAddOnKey).
	AddOnKey
)

// Body is what an endpoint's request carries.
type Body int

const (
	// NoBody means the parameters travel in the query.
	NoBody Body = iota
	// Multipart is multipart/form-data, files streamed.
	Multipart
	// Form is application/x-www-form-urlencoded.
	Form
	// JSON is a JSON document.
	JSON
	// PlainJSON is a JSON document sent as text/plain (the token pool).
	PlainJSON
)

// Endpoint is one call of the API.
type Endpoint struct {
	// Name is the Client method that calls it ("GetSubmission").
	Name string
	// Method and Path (below the version prefix; "{name}" for a segment
	// that carries an ID) name the route.
	Method, Path string
	// V3Only: the vendor documents it only under /v3; on a /v2 base the
	// client refuses it before sending.
	V3Only bool
	// Wire is how it travels with Secure Data Transmission.
	Wire securewire.Mode
	// Key is the API key it is sent with.
	Key Key
	// Body is what the request carries.
	Body Body
	// Download: the answer is a file handed back streamed, and this is the
	// Accept it is asked with and checked against ("text/plain,
	// application/json" for an image sent as Base64 text).
	Download string
	// Personal lists the request's fields whose values are masked wherever
	// Argos echoes them into an error string: query parameters, form parts
	// (an image part's file name) and JSON body keys at any depth, a key
	// covering every value nested under it. They hold applicant data, or an
	// ID that leads to one applicant (a submission, user, applicant, token
	// or authentication ID). Every other field the SDK sends holds a code
	// (an ID type, a country, a date range, a decision), which stays
	// unmasked: the vendor's documented messages name codes ("id type must
	// be passport, …"), and a masked one would withhold the message. The
	// root package's tests fail for a field that is neither.
	Personal []string
}

// Repeatable reports whether the call may be sent again when its answer is
// lost: GET and DELETE; a call that creates or changes state is sent again
// only when it provably never left the machine.
func (e *Endpoint) Repeatable() bool {
	return e.Method == http.MethodGet || e.Method == http.MethodDelete
}

// IsPersonal reports whether field (a query parameter, form part or JSON
// key) is one of the endpoint's Personal fields.
func (e *Endpoint) IsPersonal(field string) bool { return slices.Contains(e.Personal, field) }

// Fill returns Path with its {name} segments replaced, in order, by ids,
// each escaped as one path segment.
func (e *Endpoint) Fill(ids ...string) string {
	segs := strings.Split(e.Path, "/")
	for i, s := range segs {
		if len(ids) > 0 && strings.HasPrefix(s, "{") {
			segs[i], ids = url.PathEscape(ids[0]), ids[1:]
		}
	}
	return strings.Join(segs, "/")
}

// Route is the method and path as a net/http.ServeMux pattern below
// prefix ("GET /v3/submission").
func (e *Endpoint) Route(prefix string) string { return e.Method + " " + prefix + e.Path }

// The endpoints, by Client method. Addresses of the vendor's pages are in
// each method's doc comment.
var (
	GetSubmission   = &Endpoint{Name: "GetSubmission", Method: http.MethodGet, Path: "/submission", Wire: securewire.Sealed, Personal: []string{"submission_id"}}
	ListSubmissions = &Endpoint{Name: "ListSubmissions", Method: http.MethodGet, Path: "/submission", Wire: securewire.Sealed,
		Personal: []string{"email", "userid", "nextpage_id", "nextpage_date"}}
	ListApplicantSubmissions = &Endpoint{Name: "ListApplicantSubmissions", Method: http.MethodGet, Path: "/submission/applicant", Personal: []string{"applicant_id"}}
	SubmitStep1              = &Endpoint{Name: "SubmitStep1", Method: http.MethodPost, Path: "/submission/step1", Body: Multipart,
		Personal: []string{"submissionId", "email", "userid", "cf1", "cf2", "cf3", "customOptions", "idImage", "idBackImage"}}
	SubmitStep2 = &Endpoint{Name: "SubmitStep2", Method: http.MethodPost, Path: "/submission/step2", Body: Multipart,
		Personal: []string{"submissionId", "name", "date_of_birth", "date_of_issue", "date_of_expiry", "identity_number", "license_number",
			"document_number", "serial_number", "globalCode", "compoundCode", "formatted_address", "address_input", "address_detail",
			"faceImage", "addressImage"}}
	LookupAddressCode = &Endpoint{Name: "LookupAddressCode", Method: http.MethodPost, Path: "/address_code", Body: Form, Personal: []string{"address"}}
	DeleteSubmission  = &Endpoint{Name: "DeleteSubmission", Method: http.MethodDelete, Path: "/submission", Personal: []string{"submission_id", "admin_name"}}
	DownloadImage     = &Endpoint{Name: "DownloadImage", Method: http.MethodGet, Path: "/image", Download: "image/*", Personal: []string{"submission_id"}}
	DownloadAMLReport = &Endpoint{Name: "DownloadAMLReport", Method: http.MethodGet, Path: "/report/aml", Download: "application/pdf", Personal: []string{"resourceId"}}
	UpdateSubmission  = &Endpoint{Name: "UpdateSubmission", Method: http.MethodPatch, Path: "/submission", V3Only: true, Wire: securewire.Sealed, Body: JSON,
		// data's keys one by one, not "data" whole: its codes (kycStatus,
		// idType, …) stay unmasked, as a documented message names them.
		Personal: []string{"submissionId", "admin", "fullName", "firstName", "lastName", "birthDate", "issueDate", "expireDate",
			"identityNumber", "documentNumber", "serialNumber"}}
	UpdateImages = &Endpoint{Name: "UpdateImages", Method: http.MethodPut, Path: "/submission/image", V3Only: true, Body: Multipart,
		Personal: []string{"submissionId", "admin", "idImage", "idBackImage", "selfieImage", "addressImage"}}
	DeleteSubmissionFields = &Endpoint{Name: "DeleteSubmissionFields", Method: http.MethodDelete, Path: "/submission/partial", V3Only: true,
		// fields and data_fields hold documented names, not applicant data;
		// they are masked as they were before the table said what to mask.
		Personal: []string{"submission_id", "admin_name", "fields", "data_fields"}}
	MigrateSubmission = &Endpoint{Name: "MigrateSubmission", Method: http.MethodPost, Path: "/submission/migration", V3Only: true, Wire: securewire.Flagged, Body: JSON,
		Personal: []string{"admin", "email", "userid", "fullName", "firstName", "lastName", "birthDate", "issueDate", "expireDate",
			"ipAddress", "identityNumber", "documentNumber", "address_city", "address_country", "address_state", "address_street",
			"address_full", "cf1", "cf2", "cf3"}}
	ReviewSubmission = &Endpoint{Name: "ReviewSubmission", Method: http.MethodPost, Path: "/submission/review", V3Only: true, Body: JSON,
		Personal: []string{"submissionId", "admin", "rejectComment", "fullName", "birthDate", "issueDate", "expireDate"}}
	AddTokens    = &Endpoint{Name: "AddTokens", Method: http.MethodPost, Path: "/submission/tokens", V3Only: true, Wire: securewire.Sealed, Body: PlainJSON, Personal: []string{"tokenId"}}
	DeleteTokens = &Endpoint{Name: "DeleteTokens", Method: http.MethodDelete, Path: "/submission/tokens", V3Only: true, Wire: securewire.Sealed, Body: PlainJSON, Personal: []string{"tokenId"}}
	MonitorAML   = &Endpoint{Name: "MonitorAML", Method: http.MethodPost, Path: "/submission/aml/monitor/{worklistId}", V3Only: true, Body: JSON,
		Personal: []string{"submissionIds", "admin"}}
	GetAMLMonitorRecord = &Endpoint{Name: "GetAMLMonitorRecord", Method: http.MethodGet, Path: "/submission/aml/monitor/{worklistId}/{recordId}", V3Only: true, Wire: securewire.Sealed}
	FaceAuth            = &Endpoint{Name: "FaceAuth", Method: http.MethodPost, Path: "/faceauth", V3Only: true, Key: AddOnKey, Body: Multipart,
		Personal: []string{"submissionId", "userId", "cf1", "cf2", "cf3", "faceImage"}}
	DownloadFaceAuthImage = &Endpoint{Name: "DownloadFaceAuthImage", Method: http.MethodGet, Path: "/faceauth/image", V3Only: true, Key: AddOnKey, Download: "text/plain, application/json",
		Personal: []string{"authId"}}
)

// All lists every endpoint, in the order of the vendor's documentation.
var All = []*Endpoint{
	GetSubmission, ListSubmissions, ListApplicantSubmissions, SubmitStep1, SubmitStep2, LookupAddressCode,
	DeleteSubmission, DownloadImage, DownloadAMLReport,
	UpdateSubmission, UpdateImages, DeleteSubmissionFields, MigrateSubmission, ReviewSubmission,
	AddTokens, DeleteTokens, MonitorAML, GetAMLMonitorRecord, FaceAuth, DownloadFaceAuthImage,
}
