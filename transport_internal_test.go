package argos

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The client's own transport leaves waiting for headers to each call's
// deadline (WithTimeout, the client's or one call's), so that a longer
// WithTimeout given to one slow Step 2 is not cut short by the transport.
func TestTheDefaultTransportWaitsForHeadersAsLongAsTheCallMay(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []Option
	}{
		{"the default timeout", nil},
		{"a longer WithTimeout for a slow Step 2", []Option{WithTimeout(5 * time.Minute)}},
		{"a shorter WithTimeout", []Option{WithTimeout(20 * time.Second)}},
		{"WithTimeout(0): the caller's context alone", []Option{WithTimeout(0)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewClient("key", tc.opts...)
			require.NoError(t, err)
			tr, ok := c.transport.(*http.Transport)
			require.True(t, ok, "the default transport is an *http.Transport")
			assert.Zero(t, tr.ResponseHeaderTimeout, "no bound below the call's deadline")
			assert.Equal(t, defaultMaxConnsPerHost, tr.MaxConnsPerHost)
		})
	}
}
