package argos_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
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

// redactionCases returns one value of every exported type that holds secrets
// or applicant data, filled with the planted values.
func redactionCases(t *testing.T) map[string]any {
	t.Helper()
	c, err := argos.NewClient(plantedKey)
	require.NoError(t, err)
	file := argos.File{Name: plantedFile, Body: strings.NewReader(plantedName)}
	sub := argos.Submission{ID: "s1", Email: plantedEmail, UserID: plantedUserID,
		Data: argos.ApplicantData{Name: plantedName, FullName: plantedName, DateOfBirth: plantedBirth, IdentityNumber: plantedIDNum},
		OCR:  argos.OCRResult{FullName: plantedName, DateOfBirth: plantedBirth, IdentityNumber: plantedIDNum},
		Memo: &argos.Memo{Text: "reviewer: " + plantedName},
		KYC: argos.KYCResult{Attempts: []argos.Attempt{{VerificationParams: argos.VerificationParams{
			FullName: plantedName, IdentityNumber: plantedIDNum}}}},
	}
	ocr := argos.OCRData{Name: plantedName, DateOfBirth: plantedBirth, Other: map[string]string{"identityNumber": plantedIDNum}}
	apiErr := apiErrorWithPlantedValues(t)
	return map[string]any{
		"Client":                c,
		"File":                  file,
		"Submission":            sub,
		"ApplicantData":         sub.Data,
		"KYCResult":             sub.KYC,
		"Attempt":               sub.KYC.Attempts[0],
		"VerificationParams":    sub.KYC.Attempts[0].VerificationParams,
		"OCRResult":             sub.OCR,
		"Memo":                  *sub.Memo,
		"SubmissionList":        argos.SubmissionList{Items: []argos.Submission{sub}},
		"ListSubmissionsParams": argos.ListSubmissionsParams{UserID: plantedUserID, Email: plantedEmail},
		"Step1Request": argos.Step1Request{Email: plantedEmail, UserID: plantedUserID, IDImage: &file,
			CF1: plantedName, IssuingCountry: "KOR", IDType: argos.IDPassport},
		"Step1Result": argos.Step1Result{SubmissionID: "s1", ReviewOCRData: ocr},
		"OCRData":     ocr,
		"Step2Request": argos.Step2Request{SubmissionID: "s1", FaceImage: &file, Name: plantedName,
			DateOfBirth: plantedBirth, IdentityNumber: plantedIDNum},
		"AddressCodeRequest":  argos.AddressCodeRequest{Address: plantedName + " street 7"},
		"AddressCode":         argos.AddressCode{FormattedAddress: plantedName + " street 7"},
		"ApplicantSubmission": argos.ApplicantSubmission{SubmissionID: "s1", Email: plantedEmail},
		"Download":            argos.Download{Filename: plantedFile, Body: io.NopCloser(strings.NewReader(plantedName))},
		"APIError":            *apiErr,
		"OutcomeUnknownError": argos.OutcomeUnknownError{Op: "SubmitStep1", Err: apiErr},
		"OutcomeUnknownError with what resolving needs": argos.OutcomeUnknownError{Op: "SubmitStep1", Err: apiErr,
			SubmissionID: "s1", SentAt: time.Unix(1e9, 0), CorrelationField: argos.DataFieldCF3, CorrelationToken: "argos-t",
			Request: &argos.Step1Request{Email: plantedEmail, UserID: plantedUserID, CF1: plantedName, IDImage: &file}},
		"Resolution":     argos.Resolution{State: argos.ResolutionLanded, Submission: &sub, SubmissionID: "s1"},
		"WebhookEvent":   argos.WebhookEvent{SubmissionID: "s1", Email: plantedEmail, UserID: plantedUserID, FullName: plantedName},
		"LiveformParams": argos.LiveformParams{ProjectID: "p1", Email: plantedEmail, UserID: plantedUserID, CF1: plantedName},
		"ReturnParams":   argos.ReturnParams{SubmissionID: "s1", Email: plantedEmail, UserID: plantedUserID, CF1: plantedName},
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

// pointerTo returns a pointer to a copy of v.
func pointerTo(v any) any {
	p := reflectNew(v)
	return p
}

func TestNoPrintOrLogShowsSecretsOrApplicantData(t *testing.T) {
	for name, v := range redactionCases(t) {
		for _, form := range []struct {
			label string
			v     any
		}{{"value", v}, {"pointer", pointerTo(v)}} {
			t.Run(name+" as a "+form.label, func(t *testing.T) {
				var outputs []string
				for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
					outputs = append(outputs, verb+" "+fmt.Sprintf(verb, form.v))
				}
				var buf bytes.Buffer
				slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "v", form.v)
				slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "v", form.v)
				outputs = append(outputs, buf.String())
				if err, ok := form.v.(error); ok {
					outputs = append(outputs, err.Error())
				}
				for _, out := range outputs {
					for _, secret := range planted {
						assert.NotContains(t, out, secret)
					}
				}
			})
		}
	}
}
