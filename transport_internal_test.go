package argos

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTheDefaultTransportWaitsForHeadersAsLongAsTheCallMay(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opts    []Option
		timeout time.Duration
	}{
		{"the default timeout", nil, DefaultTimeout},
		{"a longer WithTimeout for a slow Step 2", []Option{WithTimeout(5 * time.Minute)}, 5 * time.Minute},
		{"a shorter WithTimeout", []Option{WithTimeout(20 * time.Second)}, 20 * time.Second},
		{"WithTimeout(0): the caller's context alone", []Option{WithTimeout(0)}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewClient("key", tc.opts...)
			require.NoError(t, err)
			tr, ok := c.transport.(*http.Transport)
			require.True(t, ok, "the default transport is an *http.Transport")
			assert.Equal(t, tc.timeout, tr.ResponseHeaderTimeout)
			assert.Equal(t, DefaultMaxConnsPerHost, tr.MaxConnsPerHost)
		})
	}
}
