package argos_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
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
