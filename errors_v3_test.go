package argos_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

// v3Sentinels are the sentinels testdata/v3/errors.json names.
var v3Sentinels = map[string]error{
	"ErrBadRequest": argos.ErrBadRequest, "ErrInvalidAPIKey": argos.ErrInvalidAPIKey, "ErrInvalidAdmin": argos.ErrInvalidAdmin,
	"ErrNotFound": argos.ErrNotFound, "ErrNotPending": argos.ErrNotPending,
}

// TestV3DocumentedErrorsMapToSentinels sends every documented error body of
// the v3 management pages to the method that can receive it.
func TestV3DocumentedErrorsMapToSentinels(t *testing.T) {
	var table map[string][]struct {
		Body json.RawMessage `json:"body"`
		Is   string          `json:"is"`
	}
	require.NoError(t, json.Unmarshal(fixture(t, "v3/errors.json"), &table))
	calls := map[string]v3Call{}
	for _, c := range v3Calls(t) {
		calls[c.name] = c
	}
	for method, cases := range table {
		call, ok := calls[method]
		require.True(t, ok, method)
		for _, tc := range cases {
			t.Run(method+" "+string(tc.Body)+" matches "+tc.Is, func(t *testing.T) {
				c, got := v3Server(t, http.StatusBadRequest, "application/json", tc.Body, argos.WithAddOnKey(testAddOnKey))
				err := call.run(context.Background(), c)
				var apiErr *argos.APIError
				require.ErrorAs(t, err, &apiErr)
				want := v3Sentinels[tc.Is]
				require.NotNil(t, want, tc.Is)
				assert.ErrorIs(t, err, want)
				assert.ErrorIs(t, err, argos.ErrBadRequest, "every 400 is a bad request")
				for name, other := range v3Sentinels {
					if !errors.Is(other, want) && !errors.Is(other, argos.ErrBadRequest) {
						assert.NotErrorIs(t, err, other, "also matches %s", name)
					}
				}
				assert.NotErrorIs(t, err, argos.ErrOutcomeUnknown, "an answered request has a known outcome")
				assert.Len(t, got(), 1, "a 400 is not retried")
				assert.NotContains(t, err.Error(), "withheld", "a documented message is shown: %v", err)
			})
		}
	}
}

// TestTemplateMessagesNameOnlyDocumentedParameters sends the migration
// page's "invalid parameter: {parameter}" and "invalid format:
// ${parameter}" to every v3 call: the word is printed only when it is a
// parameter the vendor documents, never a word that could be a name or an
// email's local part.
func TestTemplateMessagesNameOnlyDocumentedParameters(t *testing.T) {
	for _, tc := range []struct {
		name, msg string
		printed   bool
	}{
		{"a documented parameter is printed", "invalid format: idType", true},
		{"a documented parameter of another endpoint is printed", "invalid parameter: data_fields", true},
		{"a documented nested parameter is printed", "invalid format: data.birthDate", true},
		{"a name is withheld", "invalid parameter: Jane", false},
		{"an email's local part is withheld", "invalid format: jane.doe", false},
		{"an identifier-shaped name is withheld", "invalid parameter: hong_kil_dong", false},
		{"a parameter in another letter case is withheld", "invalid format: IDTYPE", false},
	} {
		for _, call := range v3Calls(t) {
			t.Run(tc.name+" by "+call.name, func(t *testing.T) {
				body := fmt.Sprintf(`{"errorCode":"invalid_parameter","message":%q}`, tc.msg)
				c, _ := v3Server(t, http.StatusBadRequest, "application/json", []byte(body), argos.WithAddOnKey(testAddOnKey))

				err := call.run(context.Background(), c)

				var apiErr *argos.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tc.msg, apiErr.Message, "the message stays in APIError.Message")
				if tc.printed {
					assert.Contains(t, err.Error(), ": "+tc.msg)
					return
				}
				word := tc.msg[strings.LastIndex(tc.msg, " ")+1:]
				assert.NotContains(t, err.Error(), word)
				assert.Contains(t, err.Error(), "withheld")
			})
		}
	}
}
