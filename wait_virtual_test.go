package argos_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

// TestPollPolicyInVirtualTime runs WaitForDecision in virtual time
// (testing/synctest, Go 1.25+) against an in-memory transport: how many reads
// a span allows does not depend on the machine's speed.
func TestPollPolicyInVirtualTime(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  []argos.Option
		span  time.Duration
		reads func(t *testing.T, n int32)
	}{
		{"the default policy does not read again within MinWait/2", nil, argos.DefaultPollPolicy().MinWait/2 - time.Millisecond,
			func(t *testing.T, n int32) { assert.EqualValues(t, 1, n) }},
		{"the default policy reads again within MinWait", nil, argos.DefaultPollPolicy().MinWait + time.Millisecond,
			func(t *testing.T, n int32) { assert.EqualValues(t, 2, n) }},
		{"a short policy reads many times in a longer span", []argos.Option{argos.WithPollPolicy(fastPolls)}, 200 * time.Millisecond,
			func(t *testing.T, n int32) { assert.GreaterOrEqual(t, n, int32(20), "reads at most 10 ms apart") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var n atomic.Int32
				c, mt := newMockClient(t, tc.opts...)
				mt.RegisterResponder(http.MethodGet, mockBase+"/submission", func(*http.Request) (*http.Response, error) {
					n.Add(1)
					return httpmock.NewStringResponse(http.StatusOK, `{"Items":[{"submission_id":"s1","kyc":{"result":"pending"}}]}`), nil
				})
				ctx, cancel := context.WithTimeout(context.Background(), tc.span)
				defer cancel()

				_, err := c.WaitForDecision(ctx, "s1")

				require.ErrorIs(t, err, context.DeadlineExceeded)
				tc.reads(t, n.Load())
			})
		})
	}
}
