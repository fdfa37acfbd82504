package argos

// Request masking comes from the table of endpoints: an error string masks
// the values of the fields an endpoint's row declares Personal. These tests
// send every endpoint's request with every field set, read what went on the
// wire, and fail when a field is neither Personal nor one of codeFields
// (so a new field cannot leak silently), when a row declares a Personal
// field the SDK never sends, and when a value a 4xx echoes back is not
// masked in the error string.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos/internal/endpoint"
)

// codeFields are the request fields whose values are codes, not applicant
// data: they may show in an error string. Every other field the SDK sends
// must be one of its endpoint's Personal fields.
var codeFields = map[string]string{
	"idType":         "an ID type: passport, government_id, drivers_license, …",
	"issuingCountry": "an ISO 3166-1 alpha-3 country code",
	"nationality":    "an ISO 3166-1 alpha-3 country code",
	"gender":         "male or female",
	"language":       "the language of an address lookup's answer (en, ko)",
	"type":           "an image type (DownloadImage)",
	"count":          "a page size",
	"request_type":   "how submissions were made: kyc, aml, data, others",
	"start_date":     "the start of a list's date range",
	"end_date":       "the end of a list's date range",
	"kycStatus":      "a decision: approved or rejected",
	"status":         "a decision: approved or rejected",
}

// imageParts are the multipart parts that carry an image: the content is
// not echoed as text; Personal masks the file name a file part carries.
var imageParts = []string{"idImage", "idBackImage", "faceImage", "selfieImage", "addressImage"}

// The planted values of free-text fields and IDs are parameter names the
// vendor documents: Argos' documented message "invalid parameter: X"
// names one, so such a value echoed in it shows in the error string unless
// it is masked. Dates, emails and long digit runs are masked by the text
// rules as well.
var plantedPNG = append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)

func plantedFile(name string) *File { return &File{Name: name, Body: bytes.NewReader(plantedPNG)} }

// plantedCall sends one endpoint's request with every field set and
// returns the request (nil when the method takes its inputs positionally).
type plantedCall struct {
	ep   *endpoint.Endpoint
	send func(ctx context.Context, c *Client) (any, error)
}

var plantedCalls = []plantedCall{
	{endpoint.GetSubmission, func(ctx context.Context, c *Client) (any, error) {
		_, err := c.GetSubmission(ctx, "submissionId")
		return nil, err
	}},
	{endpoint.ListSubmissions, func(ctx context.Context, c *Client) (any, error) {
		p := &ListSubmissionsParams{UserID: "userid", Email: "listed@example.com", Count: 10, StartDate: "2024-01-01",
			EndDate: "2024-02-01", RequestType: RequestKYC, Next: &PageKey{ID: "nextpage_id", CreatedAt: "nextpage_date"}}
		_, err := c.ListSubmissions(ctx, p)
		return p, err
	}},
	{endpoint.ListApplicantSubmissions, func(ctx context.Context, c *Client) (any, error) {
		_, err := c.ListApplicantSubmissions(ctx, "applicant_id")
		return nil, err
	}},
	{endpoint.SubmitStep1, func(ctx context.Context, c *Client) (any, error) {
		r := &Step1Request{IssuingCountry: "KOR", Email: "step1@example.com", IDType: IDPassport,
			IDImage: plantedFile("front.png"), IDBackImage: plantedFile("back.png"), SubmissionID: "submissionId",
			UserID: "userid", CF1: "cf1", CF2: "cf2", CF3: "cf3", CustomOptions: map[string]any{"approvePeriod": false}}
		_, err := c.SubmitStep1(ctx, r)
		return r, err
	}},
	{endpoint.SubmitStep2, func(ctx context.Context, c *Client) (any, error) {
		r := &Step2Request{SubmissionID: "submissionId", FaceImage: plantedFile("face.png"), Name: "fullName",
			DateOfBirth: "1990-01-02", Gender: GenderFemale, Nationality: "KOR", DateOfIssue: "2015-03-04",
			DateOfExpiry: "2030-05-06", IdentityNumber: "identity_number", LicenseNumber: "license_number",
			DocumentNumber: "document_number", SerialNumber: "serial_number", GlobalCode: "globalCode",
			CompoundCode: "compoundCode", FormattedAddress: "formatted_address", AddressInput: "address_input",
			AddressDetail: "address_detail", AddressImage: plantedFile("bill.png")}
		_, err := c.SubmitStep2(ctx, r)
		return r, err
	}},
	{endpoint.LookupAddressCode, func(ctx context.Context, c *Client) (any, error) {
		r := &AddressCodeRequest{Address: "address_street", Language: "en"}
		_, err := c.LookupAddressCode(ctx, r)
		return r, err
	}},
	{endpoint.DeleteSubmission, func(ctx context.Context, c *Client) (any, error) {
		r := &DeleteSubmissionRequest{SubmissionID: "submissionId", Admin: "admin_name"}
		_, err := c.DeleteSubmission(ctx, r)
		return r, err
	}},
	{endpoint.DownloadImage, func(ctx context.Context, c *Client) (any, error) {
		_, err := c.DownloadImage(ctx, "submissionId", ImageID)
		return nil, err
	}},
	{endpoint.DownloadAMLReport, func(ctx context.Context, c *Client) (any, error) {
		_, err := c.DownloadAMLReport(ctx, "resourceId")
		return nil, err
	}},
	{endpoint.UpdateSubmission, func(ctx context.Context, c *Client) (any, error) {
		r := &UpdateSubmissionRequest{SubmissionID: "submissionId", Admin: "admin", Data: SubmissionUpdate{
			Status: KYCApproved, IDType: IDPassport, IssuingCountry: "KOR", Nationality: "USA", FullName: "fullName",
			FirstName: "firstName", LastName: "lastName", Gender: GenderMale, DateOfBirth: "1990-01-02",
			DateOfIssue: "2015-03-04", DateOfExpiry: "2030-05-06", IdentityNumber: "identityNumber",
			DocumentNumber: "documentNumber", SerialNumber: "serialNumber"}}
		_, err := c.UpdateSubmission(ctx, r)
		return r, err
	}},
	{endpoint.UpdateImages, func(ctx context.Context, c *Client) (any, error) {
		r := &UpdateImagesRequest{SubmissionID: "submissionId", Admin: "admin", IDType: IDPassport,
			IDImage: plantedFile("front.png"), IDBackImage: plantedFile("back.png"), SelfieImage: plantedFile("selfie.png"),
			AddressImage: plantedFile("bill.png")}
		_, err := c.UpdateImages(ctx, r)
		return r, err
	}},
	{endpoint.DeleteSubmissionFields, func(ctx context.Context, c *Client) (any, error) {
		r := &DeleteFieldsRequest{SubmissionID: "submissionId", Fields: []PartialField{PartialData},
			DataFields: []DataField{DataFieldName}, Admin: "admin_name"}
		_, err := c.DeleteSubmissionFields(ctx, r)
		return r, err
	}},
	{endpoint.MigrateSubmission, func(ctx context.Context, c *Client) (any, error) {
		r := &MigrationRequest{Admin: "admin", Email: "migrated@example.com", FullName: "fullName", FirstName: "firstName",
			LastName: "lastName", DateOfBirth: "1990-01-02", Status: KYCApproved, IDType: IDPassport, IssuingCountry: "KOR",
			Nationality: "USA", Gender: GenderMale, DateOfIssue: "2015-03-04", DateOfExpiry: "2030-05-06",
			IPAddress: "ipAddress", IdentityNumber: "identityNumber", DocumentNumber: "documentNumber",
			AddressCity: "address_city", AddressCountry: "address_country", AddressState: "address_state",
			AddressStreet: "address_street", AddressFull: "address_full", CF1: "cf1", CF2: "cf2", CF3: "cf3", UserID: "userid"}
		_, err := c.MigrateSubmission(ctx, r)
		return r, err
	}},
	{endpoint.ReviewSubmission, func(ctx context.Context, c *Client) (any, error) {
		r := &ReviewRequest{SubmissionID: "submissionId", Admin: "admin", Status: KYCRejected, RejectComment: "rejectComment",
			UpdateFields: &ReviewFields{FullName: "fullName", Gender: GenderMale, DateOfIssue: "2015-03-04",
				DateOfExpiry: "2030-05-06", DateOfBirth: "1990-01-02", IDType: IDPassport}}
		_, err := c.ReviewSubmission(ctx, r)
		return r, err
	}},
	{endpoint.AddTokens, func(ctx context.Context, c *Client) (any, error) {
		r := &TokensRequest{TokenIDs: []string{"submissionIds", "amlThreshold"}}
		_, err := c.AddTokens(ctx, r)
		return r, err
	}},
	{endpoint.DeleteTokens, func(ctx context.Context, c *Client) (any, error) {
		r := &TokensRequest{TokenIDs: []string{"submissionIds", "amlThreshold"}}
		_, err := c.DeleteTokens(ctx, r)
		return r, err
	}},
	{endpoint.MonitorAML, func(ctx context.Context, c *Client) (any, error) {
		r := &AMLMonitorRequest{WorklistID: "wl-1", SubmissionIDs: []string{"submissionId", "recordId"}, Admin: "admin"}
		_, err := c.MonitorAML(ctx, r)
		return r, err
	}},
	{endpoint.GetAMLMonitorRecord, func(ctx context.Context, c *Client) (any, error) {
		_, err := c.GetAMLMonitorRecord(ctx, "wl-1", "rec-1")
		return nil, err
	}},
	{endpoint.FaceAuth, func(ctx context.Context, c *Client) (any, error) {
		r := &FaceAuthRequest{SubmissionID: "submissionId", FaceImage: plantedFile("face.png"), UserID: "userId",
			CF1: "cf1", CF2: "cf2", CF3: "cf3"}
		_, err := c.FaceAuth(ctx, r)
		return r, err
	}},
	{endpoint.DownloadFaceAuthImage, func(ctx context.Context, c *Client) (any, error) {
		_, err := c.DownloadFaceAuthImage(ctx, "authId")
		return nil, err
	}},
}

// wireField is one value a request carried: its key path (a query
// parameter or form part is one key; a JSON value the keys above it).
type wireField struct {
	path  []string
	value string
	// content: the value is an image's content, not text that is masked.
	content bool
}

// echoServer captures the requests it gets and answers each with a 400
// whose documented error message names echo.
type echoServer struct {
	mu   sync.Mutex
	got  [][]wireField
	echo string
	body string // when set, the 400's body instead of the echo
}

func (s *echoServer) RoundTrip(r *http.Request) (*http.Response, error) {
	fields, err := readWireFields(r)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.got = append(s.got, fields)
	body, _ := json.Marshal(map[string]string{"errorCode": "invalid_parameter", "message": "invalid parameter: " + s.echo})
	if s.body != "" {
		body = []byte(s.body)
	}
	s.mu.Unlock()
	return &http.Response{StatusCode: http.StatusBadRequest, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
}

// readWireFields reads the query and the body of r: multipart parts, form
// values, and the leaves of a JSON document.
func readWireFields(r *http.Request) ([]wireField, error) {
	var out []wireField
	for k, vs := range r.URL.Query() {
		for _, v := range vs {
			out = append(out, wireField{path: []string{k}, value: v})
		}
	}
	if r.Body == nil {
		return out, nil
	}
	body, err := io.ReadAll(r.Body)
	if err != nil || len(body) == 0 {
		return out, err
	}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "multipart/form-data":
		return readParts(out, multipart.NewReader(bytes.NewReader(body), params["boundary"]))
	case "application/x-www-form-urlencoded":
		form, err := url.ParseQuery(string(body))
		for k, vs := range form {
			for _, v := range vs {
				out = append(out, wireField{path: []string{k}, value: v})
			}
		}
		return out, err
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return appendLeaves(out, nil, v), nil
}

func readParts(out []wireField, mr *multipart.Reader) ([]wireField, error) {
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(p)
		if err != nil {
			return nil, err
		}
		f := wireField{path: []string{p.FormName()}, value: string(b)}
		if slices.Contains(imageParts, p.FormName()) {
			f.value, f.content = p.FileName(), p.FileName() == ""
		}
		out = append(out, f)
	}
}

func appendLeaves(out []wireField, path []string, v any) []wireField {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			out = appendLeaves(out, append(slices.Clip(path), k), e)
		}
	case []any:
		for _, e := range v {
			out = appendLeaves(out, path, e)
		}
	case string:
		out = append(out, wireField{path: path, value: v})
	case json.Number:
		out = append(out, wireField{path: path, value: v.String()})
	case bool, nil:
		out = append(out, wireField{path: path, content: true})
	}
	return out
}

// plantedClient is a v3 client whose requests go to s.
func plantedClient(t *testing.T, s *echoServer, opts ...Option) *Client {
	t.Helper()
	c, err := NewClient("sk_test_mask_0123456789", append([]Option{WithBaseURL("https://argos.test/v3"),
		WithHTTPClient(&http.Client{Transport: s}), WithAddOnKey("addon_test_mask_0123456789")}, opts...)...)
	require.NoError(t, err)
	return c
}

// sendPlanted sends pc's request to a server that echoes echo, and returns
// what went on the wire and the *APIError that came back.
func sendPlanted(t *testing.T, pc plantedCall, echo string, opts ...Option) (any, []wireField, *APIError) {
	t.Helper()
	s := &echoServer{echo: echo}
	req, err := pc.send(context.Background(), plantedClient(t, s, opts...))
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr, "the call reached the server and got its 400")
	require.Len(t, s.got, 1, "one request")
	return req, s.got[0], apiErr
}

func TestEveryEndpointHasAPlantedCall(t *testing.T) {
	var names []string
	for _, pc := range plantedCalls {
		names = append(names, pc.ep.Name)
	}
	for _, ep := range endpoint.All {
		assert.Contains(t, names, ep.Name, "plantedCalls has no call of %s", ep.Name)
	}
	assert.Len(t, names, len(endpoint.All), "one planted call per row")
}

// TestEveryRequestFieldIsPersonalOrACode sends each endpoint's request with
// every field set (a request struct's field left zero fails: set it, so
// that its wire name is checked) and checks each query parameter, form
// part and JSON key it sent: one of the row's Personal fields (or inside
// one), or a code. Each Personal field of a row must be sent.
func TestEveryRequestFieldIsPersonalOrACode(t *testing.T) {
	for _, pc := range plantedCalls {
		t.Run(pc.ep.Name, func(t *testing.T) {
			req, fields, _ := sendPlanted(t, pc, "x")
			if req != nil {
				assertAllSet(t, reflect.ValueOf(req), reflect.TypeOf(req).Elem().Name())
			}
			seen := map[string]bool{}
			for _, f := range fields {
				for _, k := range f.path {
					seen[k] = true
				}
				if !slices.ContainsFunc(f.path, pc.ep.IsPersonal) && codeFields[f.path[len(f.path)-1]] == "" {
					t.Errorf("%s sends %q: add it to the row's Personal (applicant data or an ID) or, for a code, to codeFields",
						pc.ep.Name, strings.Join(f.path, "."))
				}
			}
			for _, p := range pc.ep.Personal {
				assert.True(t, seen[p], "the row declares %q Personal, but the request with every field set does not send it", p)
			}
		})
	}
}

// assertAllSet fails for a field of the request v left at its zero value.
func assertAllSet(t *testing.T, v reflect.Value, name string) {
	t.Helper()
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			t.Errorf("%s is nil: set it in plantedCalls", name)
			return
		}
		if v.Type() == reflect.TypeFor[*File]() {
			return
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		if v.IsZero() || (v.Kind() == reflect.Slice || v.Kind() == reflect.Map) && v.Len() == 0 {
			t.Errorf("%s is not set: set it in plantedCalls", name)
		}
		return
	}
	for i := range v.NumField() {
		if f := v.Type().Field(i); f.IsExported() {
			assertAllSet(t, v.Field(i), name+"."+f.Name)
		}
	}
}

// TestPersonalValuesAreMaskedInErrors plants a value in every field of
// every endpoint's request and, for each value sent in a field that is not
// a code, has the server answer a 400 whose documented message echoes it:
// the value is among those the error masks, and its error string does not
// show it, with or without Secure Data Transmission.
func TestPersonalValuesAreMaskedInErrors(t *testing.T) {
	for _, pc := range plantedCalls {
		t.Run(pc.ep.Name, func(t *testing.T) {
			_, fields, _ := sendPlanted(t, pc, "x")
			for _, f := range fields {
				if f.content || codeFields[f.path[len(f.path)-1]] != "" {
					continue
				}
				for _, secure := range []bool{false, true} {
					var opts []Option
					if secure {
						opts = append(opts, WithSecureTransmission())
					}
					_, _, apiErr := sendPlanted(t, pc, f.value, opts...)
					assert.Contains(t, apiErr.sensitive, f.value, "%s: the value of %s is masked (secure: %v)",
						pc.ep.Name, strings.Join(f.path, "."), secure)
					assert.NotContains(t, apiErr.Error(), f.value, "%s: the error string shows the value of %s (secure: %v)",
						pc.ep.Name, strings.Join(f.path, "."), secure)
				}
			}
		})
	}
}

// TestTheEchoWouldShowAnUnmaskedValue checks the test above can fail: the
// echo is a documented message, printed whole when nothing is masked.
func TestTheEchoWouldShowAnUnmaskedValue(t *testing.T) {
	e := &APIError{StatusCode: http.StatusBadRequest, Method: http.MethodPost, Path: "/v3/submission/review",
		Code: "invalid_parameter", Message: "invalid parameter: rejectComment"}
	assert.Contains(t, e.Error(), "rejectComment", "unmasked, the echoed value shows")
	e.sensitive = []string{"rejectComment"}
	assert.NotContains(t, e.Error(), "rejectComment", "masked, it does not")
}

// TestCodesInAJSONBodyAreNotMasked: a code a JSON body carries (an ID
// type, a decision) is not masked, so a documented message that names the
// same word stays in the error string, as it did before masking came from
// the table. With the whole "data" or "updateFields" object Personal, the
// ID type "passport" turned "invalid id type : id type must be passport, …"
// into a withheld message.
func TestCodesInAJSONBodyAreNotMasked(t *testing.T) {
	const (
		idType    = `{"errorCode":"invalid_idType","message":"invalid id type : id type must be passport, government_id or drivers_license"}`
		duplicate = `{"errorCode":"invalid_data","message":"a@example.com had submitted another KYC and is already approved; therefore, this submission is not accepted to avoid duplicate submissions"}`
	)
	update := func(ctx context.Context, c *Client) error {
		_, err := c.UpdateSubmission(ctx, &UpdateSubmissionRequest{SubmissionID: "sub-1", Admin: "admin@example.com",
			Data: SubmissionUpdate{Status: KYCApproved, IDType: IDPassport, Gender: GenderFemale, FullName: "Jane Doe"}})
		return err
	}
	review := func(ctx context.Context, c *Client) error {
		_, err := c.ReviewSubmission(ctx, &ReviewRequest{SubmissionID: "sub-1", Admin: "admin@example.com", Status: KYCApproved,
			UpdateFields: &ReviewFields{IDType: IDDriversLicense, Gender: GenderFemale, FullName: "Jane Doe"}})
		return err
	}
	tests := []struct {
		name string
		call func(context.Context, *Client) error
		body string
		want string
	}{
		{"UpdateSubmission's data.idType", update, idType, "id type must be passport, government_id or drivers_license"},
		{"UpdateSubmission's data.kycStatus", update, duplicate, "[email] had submitted another KYC and is already approved;"},
		{"ReviewSubmission's updateFields.idType", review, idType, "id type must be passport, government_id or drivers_license"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, secure := range []bool{false, true} {
				var opts []Option
				if secure {
					opts = append(opts, WithSecureTransmission())
				}
				err := tt.call(context.Background(), plantedClient(t, &echoServer{body: tt.body}, opts...))
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Contains(t, apiErr.Error(), tt.want, "secure: %v", secure)
				assert.Contains(t, apiErr.sensitive, "Jane Doe", "the applicant's name beside the codes is still masked (secure: %v)", secure)
			}
		})
	}
}
