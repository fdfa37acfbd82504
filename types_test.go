package argos_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

func TestParseTimestampReadsEveryDocumentedForm(t *testing.T) {
	want := time.Date(2022, 4, 7, 0, 30, 35, 919e6, time.UTC)
	for _, s := range []string{
		"2022-04-07T00:30:35.919Z",
		"2022-04-07-00-30-35-919", // the developers site's YYYY-MM-DD-HH-MM-SS-ZZZ
		"2022-04-07 00:30:35.919",
		"1649291435919",
	} {
		t.Run(s, func(t *testing.T) {
			got, err := argos.ParseTimestamp(s)
			require.NoError(t, err)
			assert.True(t, want.Equal(got), "got %v", got)
		})
	}
	t.Run("milliseconds 000 still parse", func(t *testing.T) {
		got, err := argos.ParseTimestamp("2022-04-07-00-30-35-000")
		require.NoError(t, err)
		assert.Equal(t, time.Date(2022, 4, 7, 0, 30, 35, 0, time.UTC), got)
	})
	t.Run("an impossible time is an error", func(t *testing.T) {
		_, err := argos.ParseTimestamp("2022-04-07-25-30-35-919")
		assert.Error(t, err)
	})
}

func TestAnEmptyAPIKeyIsAnInvalidAPIKey(t *testing.T) {
	for _, key := range []string{"", "   ", "key\nwith-newline"} {
		_, err := argos.NewClient(key)
		assert.ErrorIs(t, err, argos.ErrInvalidAPIKey)
		assert.ErrorIs(t, err, argos.ErrValidation)
	}
}
