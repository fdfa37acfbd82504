package argos_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

// Planted secrets and applicant data: none of them may show in any print or
// log of the values below.
const (
	plantedKey    = "sk_live_PLANTED_KEY_123"
	plantedEmail  = "planted.person@example.com"
	plantedName   = "Plantedname Person"
	plantedBirth  = "1977-07-07"
	plantedIDNum  = "770707-7777777"
	plantedUserID = "uid-planted-42"
	plantedFile   = "planted-person-selfie.jpg"
)

var planted = []string{plantedKey, plantedEmail, plantedName, plantedBirth, plantedIDNum, plantedUserID, plantedFile}

// noPersonalData lists the exported struct types that need no Format or
// LogValue method, each with its reason. Their text fields are still filled
// with planted values below, so a reason that stops being true fails the
// test (unless the field is in printedOnPurpose).
var noPersonalData = map[string]string{
	"AMLMonitorResult": "counts and AMLMonitorItems; Raw is held behind a pointer and never printed",
	"AMLMonitorItem":   "a submission ID, record IDs and a status the server assigned",
	"ValidationError":  "names a field and a reason the SDK wrote, never the field's value",
	"FaceAuthResult":   "an authentication ID, status, scores and fail codes",
	"FaceAuthScores":   "numeric scores only",
	"Operation":        "an endpoint's name, method, route and status codes for middleware",
	"Retry":            "an attempt number, a reason the SDK wrote and a wait",
	"MigrationResult":  "a server message and the submission ID",
	"RetryPolicy":      "numbers and durations",
	"ReviewResult":     "a submission ID, a server message and a status",
	"RetryReason":      "a retry code and the server's message about it",
	"Step2Result":      "a verification result, scores, a status and retry reasons",
	"ImageKeys":        "storage keys Argos assigned to the images, not the images",
	"DeleteResult":     "a server message and status",
	"PageKey":          "a submission ID and a timestamp",
	"TokensResult":     "counts and a server message",
	"UpdateResult":     "a server message",
	"PollPolicy":       "durations",
	"WebhookAMLRecord": "record, worklist and timestamp identifiers",
	"Client":           "the keys sit behind unexported pointers; Format on *Client prints only the base URL (logged with a planted key below)",
	"WebhookHandler":   "unexported configuration only (a callback and the webhook secret behind a pointer)",
}

// printedOnPurpose names the plain text fields that prints and logs show on
// purpose, because they identify or describe a call and hold no personal
// data; they are left out of the planted values.
var printedOnPurpose = map[string]bool{
	"SubmissionID": true, "SubmissionIDs": true, "ID": true, "AuthID": true, "RecordID": true, "RecordIDs": true,
	"WorklistID": true, "ProjectID": true, "RequestID": true,
	"Status": true, "VerificationResult": true, "ErrorCode": true, "Message": true, "Content": true, "Reason": true,
	"Error": true, "Field": true, "Operation.Name": true,
	"CreatedAt": true, "UpdatedAt": true, "StartDate": true, "EndDate": true,
	"Language": true, "Lang": true, "ContentType": true, "IssuingCountry": true,
	"Method": true, "Path": true, "Route": true, "Op": true,
	"RejectedComments": true,                                                                 // FaceAuthResult: Argos's reasons for its fail codes
	"IDImage":          true, "IDBackImage": true, "SelfieImage": true, "AddressImage": true, // ImageKeys' storage keys
}

// packageTypes parses the package's own (non-test) files and returns its
// exported struct types and, for each type, the methods declared on it (on
// the value or the pointer).
func packageTypes(t *testing.T) (structs []string, methods map[string]map[string]bool) {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	methods = map[string]map[string]bool{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if ts, ok := s.(*ast.TypeSpec); ok && ts.Name.IsExported() {
						if _, ok := ts.Type.(*ast.StructType); ok {
							structs = append(structs, ts.Name.Name)
						}
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil || len(d.Recv.List) != 1 {
					continue
				}
				recv := d.Recv.List[0].Type
				if star, ok := recv.(*ast.StarExpr); ok {
					recv = star.X
				}
				if id, ok := recv.(*ast.Ident); ok {
					if methods[id.Name] == nil {
						methods[id.Name] = map[string]bool{}
					}
					methods[id.Name][d.Name.Name] = true
				}
			}
		}
	}
	slices.Sort(structs)
	return structs, methods
}

// exportedStructs holds a zero value of every exported struct type, so the
// test can build them by reflection (a test cannot look a type up by name);
// TestEveryExportedTypeIsRedactedOrHoldsNoPersonalData fails when a type
// is missing here.
var exportedStructs = []any{
	argos.AddressCodeRequest{}, argos.AddressCode{}, argos.AMLMonitorResult{}, argos.AMLMonitorItem{},
	argos.AMLMonitorRecord{}, argos.AMLMonitorRequest{}, argos.ApplicantSubmission{}, argos.Client{},
	argos.APIError{}, argos.ValidationError{}, argos.OutcomeUnknownError{}, argos.DecodeError{},
	argos.FaceAuthRequest{}, argos.FaceAuthResult{}, argos.FaceAuthScores{}, argos.Download{},
	argos.LiveformParams{}, argos.ReturnParams{}, argos.Operation{}, argos.Retry{}, argos.MigrationRequest{},
	argos.MigrationResult{}, argos.RetryPolicy{}, argos.Resolution{}, argos.ReviewRequest{}, argos.ReviewFields{},
	argos.ReviewResult{}, argos.Step1Request{}, argos.OCRData{}, argos.RetryReason{}, argos.Step1Result{},
	argos.Step2Request{}, argos.Step2Result{}, argos.Submission{}, argos.ApplicantData{}, argos.KYCResult{},
	argos.Attempt{}, argos.VerificationParams{}, argos.ImageKeys{}, argos.OCRResult{}, argos.Memo{},
	argos.DeleteResult{}, argos.DeleteSubmissionRequest{}, argos.ListSubmissionsParams{}, argos.PageKey{},
	argos.SubmissionList{}, argos.DeleteFieldsRequest{}, argos.TokensResult{}, argos.TokensRequest{},
	argos.File{}, argos.UpdateSubmissionRequest{}, argos.SubmissionUpdate{}, argos.UpdateResult{},
	argos.UpdateImagesRequest{}, argos.PollPolicy{}, argos.WebhookEvent{}, argos.WebhookAMLRecord{},
	argos.WebhookHandler{},
}

func TestEveryExportedTypeIsRedactedOrHoldsNoPersonalData(t *testing.T) {
	structs, methods := packageTypes(t)
	require.NotEmpty(t, structs, "the parse found the package's types")

	t.Run("every exported struct type has a zero value in exportedStructs", func(t *testing.T) {
		var have []string
		for _, v := range exportedStructs {
			have = append(have, reflect.TypeOf(v).Name())
		}
		slices.Sort(have)
		assert.Equal(t, structs, have, "add a new type to exportedStructs (and remove a deleted one)")
	})

	for _, name := range structs {
		reason, allowed := noPersonalData[name]
		t.Run(name+" has Format and LogValue or a reason it needs none", func(t *testing.T) {
			if allowed {
				assert.NotEmpty(t, reason)
				return
			}
			assert.True(t, methods[name]["Format"], "%s has no Format method: add one (see redact.go's helpers) or a reason to noPersonalData", name)
			assert.True(t, methods[name]["LogValue"], "%s has no LogValue method: add one or a reason to noPersonalData", name)
		})
	}
	for name := range noPersonalData {
		assert.Contains(t, structs, name, "noPersonalData names a type the package no longer has")
	}
}

// filler sets every text field of a value to a planted secret.
type filler struct{ n int }

func (f *filler) secret() string {
	f.n++
	return fmt.Sprintf("PLANTED-%03d-%s", f.n, plantedName)
}

var (
	stringType = reflect.TypeFor[string]()
	rawType    = reflect.TypeFor[json.RawMessage]()
	readerType = reflect.TypeFor[io.ReadCloser]()
)

// fill sets v's text fields (strings, []string, string maps, raw JSON,
// readers, and those of nested structs, pointers and slices) to planted
// secrets. Named string types (KYCStatus, IDType...) are enumerations and
// unexported fields are the package's own; both are left alone.
func (f *filler) fill(v reflect.Value, depth int) {
	if depth > 4 || !v.CanSet() {
		return
	}
	t := v.Type()
	switch {
	case t == stringType:
		v.SetString(f.secret())
	case t == rawType:
		v.Set(reflect.ValueOf(json.RawMessage(`{"name":"` + f.secret() + `"}`)))
	case t.Kind() == reflect.Interface && t.NumMethod() == 0:
		v.Set(reflect.ValueOf(f.secret()))
	case t.Kind() == reflect.Interface && readerType.Implements(t):
		v.Set(reflect.ValueOf(io.NopCloser(strings.NewReader(f.secret()))))
	case t.Kind() == reflect.Slice && t.Elem() == stringType:
		v.Set(reflect.ValueOf([]string{f.secret(), f.secret()}))
	case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8:
		s := reflect.MakeSlice(t, 1, 1)
		f.fill(s.Index(0), depth+1)
		v.Set(s)
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String:
		m := reflect.MakeMap(t)
		e := reflect.New(t.Elem()).Elem()
		f.fill(e, depth+1)
		m.SetMapIndex(reflect.ValueOf(f.secret()).Convert(t.Key()), e)
		v.Set(m)
	case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct:
		p := reflect.New(t.Elem())
		f.fill(p.Elem(), depth+1)
		v.Set(p)
	case t.Kind() == reflect.Struct && t != reflect.TypeFor[time.Time]():
		for i := range t.NumField() {
			sf := t.Field(i)
			onPurpose := printedOnPurpose[sf.Name] || printedOnPurpose[t.Name()+"."+sf.Name]
			if !sf.IsExported() || sf.Anonymous || onPurpose && (sf.Type == stringType || sf.Type == reflect.TypeFor[[]string]()) {
				continue
			}
			f.fill(v.Field(i), depth+1)
		}
	}
}

// nothingToPlant names the redacted types whose exported text fields are
// all printed on purpose: their secrets sit in unexported fields or wrapped
// errors, which builtByTheClient covers.
var nothingToPlant = map[string]bool{"APIError": true, "DecodeError": true}

// builtByTheClient are values whose secrets sit in unexported fields that
// reflection cannot fill: the client and errors the client made.
func builtByTheClient(t *testing.T) map[string]any {
	t.Helper()
	c, err := argos.NewClient(plantedKey)
	require.NoError(t, err)
	file := argos.File{Name: plantedFile, Body: strings.NewReader(plantedName)}
	apiErr := apiErrorWithPlantedValues(t)
	return map[string]any{
		"a Client with its key":               c,
		"an APIError that echoes the request": *apiErr,
		"an OutcomeUnknownError around it":    argos.OutcomeUnknownError{Op: "SubmitStep1", Err: apiErr},
		"an OutcomeUnknownError with a request": argos.OutcomeUnknownError{Op: "SubmitStep1", Err: apiErr,
			SubmissionID: "s1", SentAt: time.Unix(1e9, 0), CorrelationField: argos.DataFieldCF3, CorrelationToken: "argos-t",
			Request: &argos.Step1Request{Email: plantedEmail, UserID: plantedUserID, CF1: plantedName, IDImage: &file}},
	}
}

// apiErrorWithPlantedValues makes a real *APIError from a 400 whose body
// echoes the request's values, as Argos does.
func apiErrorWithPlantedValues(t *testing.T) *argos.APIError {
	t.Helper()
	srv, _ := scriptedServer(t, func(_ int, w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"errorCode": "`+plantedName+`", "message": "user `+plantedUserID+` `+plantedEmail+`", "traceId": "`+plantedIDNum+`"}`)
	})
	c, err := argos.NewClient(plantedKey, argos.WithBaseURL(srv.URL+"/v2"), argos.WithHTTPClient(srv.Client()))
	require.NoError(t, err)
	_, err = c.ListSubmissions(t.Context(), &argos.ListSubmissionsParams{UserID: plantedUserID, Email: plantedEmail})
	var apiErr *argos.APIError
	require.ErrorAs(t, err, &apiErr)
	return apiErr
}

func TestNoPrintOrLogShowsSecretsOrApplicantData(t *testing.T) {
	cases := builtByTheClient(t)
	var f filler
	for _, zero := range exportedStructs {
		v := reflect.New(reflect.TypeOf(zero)).Elem()
		before := f.n
		f.fill(v, 0)
		if _, ok := noPersonalData[v.Type().Name()]; !ok && !nothingToPlant[v.Type().Name()] {
			require.Greater(t, f.n, before, "%s has personal data to plant", v.Type().Name())
		}
		cases[v.Type().Name()+" with every text field planted"] = v.Interface()
	}
	for name, v := range cases {
		for _, form := range []struct {
			label string
			v     any
		}{{"value", v}, {"pointer", reflectNew(v)}} {
			t.Run(name+" as a "+form.label+" prints and logs no planted value", func(t *testing.T) {
				outputs := printedForms(form.v)
				for how, s := range loggedForms(form.v) {
					outputs[how] = s
				}
				if err, ok := form.v.(error); ok {
					outputs["Error()"] = err.Error()
				}
				assertHidden(t, outputs, planted...)
			})
		}
	}
}
