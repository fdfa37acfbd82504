package argos_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

func TestEveryErrorBodyShapeBecomesAnAPIError(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		file        string
		contentType string
		code, msg   string
		traceID     string
		is          []error
		isNot       []error
	}{
		{"errorCode only", 400, "errors/errorcode_only.json", "application/json", "not Exist Submission ID", "", "",
			[]error{argos.ErrBadRequest}, []error{argos.ErrServer, argos.ErrForbidden}},
		{"message and statusCode", 400, "errors/message_statuscode.json", "application/json", "", "not Exist Submission ID", "",
			[]error{argos.ErrBadRequest}, nil},
		{"errorCode and message", 400, "errors/errorcode_message.json", "application/json", "invalid_payload", "Invalid payload.", "",
			[]error{argos.ErrBadRequest}, nil},
		{"traceId, errorCode and message", 404, "errors/traceid.json", "application/json", "NOT_FOUND", "faceAuth_project not found", "*",
			[]error{argos.ErrBadRequest, argos.ErrNotFound}, nil},
		{"an errors array", 400, "errors/errors_array.json", "application/json", "", "*", "",
			[]error{argos.ErrBadRequest}, nil},
		{"a wrong API key", 403, "errors/forbidden.json", "application/json", "", "Forbidden", "",
			[]error{argos.ErrForbidden, argos.ErrInvalidAPIKey}, []error{argos.ErrIPNotAllowed, argos.ErrUnknownEndpoint, argos.ErrBadRequest}},
		{"a route the gateway does not know", 403, "errors/missing_auth_token.json", "application/json", "", "Missing Authentication Token", "",
			[]error{argos.ErrForbidden, argos.ErrUnknownEndpoint}, []error{argos.ErrInvalidAPIKey, argos.ErrIPNotAllowed, argos.ErrBadRequest}},
		{"an IP not allow-listed", 403, "errors/forbidden_ip.json", "application/json", "", "User is not authorized to access this resource with an explicit deny", "",
			[]error{argos.ErrForbidden, argos.ErrIPNotAllowed}, []error{argos.ErrInvalidAPIKey}},
		{"a payload too large", 413, "errors/too_large.json", "application/json", "", "Request Entity Too Large", "",
			[]error{argos.ErrPayloadTooLarge}, []error{argos.ErrBadRequest}},
		{"a malformed query", 400, "errors/bad_query.json", "application/json", "", "Invalid Query String parameters", "",
			[]error{argos.ErrBadRequest}, nil},
		{"an internal error", 500, "errors/internal.json", "application/json", "", "Internal Server Error", "",
			[]error{argos.ErrServer}, []error{argos.ErrBadRequest}},
		{"an already processed step 2", 400, "errors/step2_already_processed.json", "application/json", "", "this submission is already processed", "",
			[]error{argos.ErrBadRequest, argos.ErrAlreadyProcessed}, nil},
		{"a proxy's HTML page", 502, "errors/proxy_error.html", "text/html", "", "", "",
			[]error{argos.ErrServer}, nil},
		{"a plain-text body", 400, "errors/plain.txt", "text/plain", "", "invalid submission id", "",
			[]error{argos.ErrBadRequest, argos.ErrNotFound}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name+" is decoded", func(t *testing.T) {
			c, mt := newMockClient(t, argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: 0}))
			body := fixture(t, tc.file)
			resp := httpmock.NewBytesResponse(tc.status, body)
			resp.Header.Set("Content-Type", tc.contentType)
			mt.RegisterResponder(http.MethodGet, mockBase+"/submission/applicant", httpmock.ResponderFromResponse(resp))

			_, err := c.ListApplicantSubmissions(context.Background(), "app-1")

			var apiErr *argos.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, tc.code, apiErr.Code)
			if tc.msg == "*" {
				assert.NotEmpty(t, apiErr.Message)
			} else {
				assert.Equal(t, tc.msg, apiErr.Message)
			}
			if tc.traceID == "*" {
				assert.NotEmpty(t, apiErr.TraceID)
			}
			assert.Equal(t, body, apiErr.Body)
			assert.Equal(t, http.MethodGet, apiErr.Method)
			assert.Equal(t, "/v2/submission/applicant", apiErr.Path)
			for _, target := range tc.is {
				assert.ErrorIs(t, err, target)
			}
			for _, target := range tc.isNot {
				assert.NotErrorIs(t, err, target)
			}
			assert.NotContains(t, err.Error(), "app-1", "query values never reach the error string")
		})
	}
}

func TestAPIErrorKeepsAtMost64KiBOfTheBody(t *testing.T) {
	c, mt := newMockClient(t)
	huge := `{"message":"` + strings.Repeat("x", 200<<10) + `"}`
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission/applicant", httpmock.NewStringResponder(400, huge))

	_, err := c.ListApplicantSubmissions(context.Background(), "app-1")
	var apiErr *argos.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Len(t, apiErr.Body, maxErrorBody)
	assert.True(t, apiErr.Truncated)
	assert.Less(t, len(err.Error()), 400, "the error string stays short")
}

func TestAPIErrorStringsCarryNoApplicantData(t *testing.T) {
	c, mt := newMockClient(t)
	msg := `{"message":"jane.doe@example.com had submitted another KYC and is already approved; id 981112-1234567 phone 01012345678"}`
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission/applicant", httpmock.NewStringResponder(400, msg))

	_, err := c.ListApplicantSubmissions(context.Background(), "app-1")
	require.Error(t, err)
	s := err.Error()
	for _, secret := range []string{"jane.doe", "example.com", "981112", "1234567", "01012345678", testKey} {
		assert.NotContains(t, s, secret)
	}
	assert.Contains(t, s, "withheld", "an undocumented message stays out of the string")
	var apiErr *argos.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, apiErr.Message, "jane.doe@example.com", "the Message field keeps the server's text for the caller")
}

func TestDocumentedMessagesStayReadableWithTheEmailMasked(t *testing.T) {
	c, mt := newMockClient(t)
	msg := `{"message":"jane.doe@example.com had submitted another KYC and is already approved; therefore, this submission is not accepted to avoid duplicate submissions."}`
	mt.RegisterResponder(http.MethodPost, mockBase+"/submission/step1", httpmock.NewStringResponder(400, msg))
	_, err := c.SubmitStep1(context.Background(), &argos.Step1Request{IssuingCountry: "USA", Email: "jane.doe@example.com",
		IDType: "passport", IDImage: image(t, "id_front.png")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "[email] had submitted another KYC")
	assert.NotContains(t, err.Error(), "jane.doe")
}

func TestAnEchoedAPIKeyIsMasked(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", httpmock.NewStringResponder(403,
		`{"errorCode":"bad key `+testKey+`","message":"Forbidden"}`))
	_, err := c.ListSubmissions(context.Background(), nil)
	require.ErrorIs(t, err, argos.ErrForbidden)
	assert.NotContains(t, err.Error(), testKey)
	assert.NotContains(t, fmt.Sprintf("%v %+v %s", err, err, err), testKey)
}

func TestNearJSONErrorBodiesAreRead(t *testing.T) {
	tests := []struct{ name, body, code, msg, trace string }{
		{"a trailing comma", `{ "errorCode": "invalid_payload", }`, "invalid_payload", "", ""},
		{"a JS object literal", `{ traceId: '0199cb93-aaaa', errorCode: 'NOT_FOUND', message: 'faceAuth_project not found' }`,
			"NOT_FOUND", "faceAuth_project not found", "0199cb93-aaaa"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodGet, mockBase+"/submission", httpmock.NewStringResponder(400, tc.body))
			_, err := c.ListSubmissions(context.Background(), nil)
			var apiErr *argos.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.code, apiErr.Code)
			assert.Equal(t, tc.msg, apiErr.Message)
			assert.Equal(t, tc.trace, apiErr.TraceID)
		})
	}
}

func TestRateLimitedAnswerCarriesRetryAfter(t *testing.T) {
	c, mt := newMockClient(t, argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: 0}))
	resp := httpmock.NewStringResponse(429, `{"message":"Too Many Requests"}`)
	resp.Header.Set("Retry-After", "7")
	mt.RegisterResponder(http.MethodGet, mockBase+"/submission/applicant", httpmock.ResponderFromResponse(resp))

	_, err := c.ListApplicantSubmissions(context.Background(), "app-1")
	var apiErr *argos.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, argos.ErrRateLimited)
	assert.NotErrorIs(t, err, argos.ErrBadRequest)
	assert.Equal(t, 7*time.Second, apiErr.RetryAfter)
}

func TestValidationErrorNamesTheFieldNotTheValue(t *testing.T) {
	c, _ := newMockClient(t)
	_, err := c.SubmitStep1(context.Background(), &argos.Step1Request{
		IssuingCountry: "USA", Email: "not-an-email jane", IDType: "passport", IDImage: image(t, "id_front.png"),
	})
	var ve *argos.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "Email", ve.Field)
	assert.NotContains(t, err.Error(), "jane")
	assert.True(t, errors.Is(err, argos.ErrValidation))
}

func TestAPIErrorStringsMaskWhatTheRequestCarried(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, mockBase+"/submission/step2",
		httpmock.NewStringResponder(400, `{"message":"name Jane Q. Public does not match date 1990-01-31 for user-77"}`))
	_, err := c.SubmitStep2(context.Background(), &argos.Step2Request{SubmissionID: "sub-1", FaceImage: image(t, "selfie.jpg"),
		Name: "Jane Q. Public", DateOfBirth: "1990-01-31"})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "Jane Q. Public")
	assert.NotContains(t, err.Error(), "1990-01-31")

	mt.RegisterResponder(http.MethodGet, mockBase+"/submission", httpmock.NewStringResponder(400, `{"message":"bad userid user-secret-77"}`))
	_, err = c.ListSubmissions(context.Background(), &argos.ListSubmissionsParams{UserID: "user-secret-77"})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "user-secret-77")
}
