package argos_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/internal/endpoint"
)

// TestEveryEndpointOfTheTableIsAClientMethodRefusedOnV2AsTheTableSays calls
// each method the table names on a client whose base URL ends in /v2, with
// zero arguments: a v3-only endpoint is refused for its version before its
// input is even looked at, and nothing is sent; any other is not refused
// for its version (its zero input is refused, or it is sent and fails).
func TestEveryEndpointOfTheTableIsAClientMethodRefusedOnV2AsTheTableSays(t *testing.T) {
	c, transport := newMockClient(t, argos.WithAddOnKey("addon-key"))
	require.True(t, strings.HasSuffix(mockBase, "/v2"))
	cv := reflect.ValueOf(c)
	for _, ep := range endpoint.All {
		t.Run(ep.Name, func(t *testing.T) {
			m := cv.MethodByName(ep.Name)
			require.True(t, m.IsValid(), "Client has the method %s", ep.Name)
			mt := m.Type()
			require.True(t, mt.IsVariadic(), "%s ends with opts ...Option", ep.Name)
			args := []reflect.Value{reflect.ValueOf(context.Background())}
			for i := 1; i < mt.NumIn()-1; i++ {
				args = append(args, reflect.Zero(mt.In(i)))
			}
			sent := transport.GetTotalCallCount()
			out := m.Call(args)
			err, _ := out[len(out)-1].Interface().(error)
			require.Error(t, err)
			if ep.V3Only {
				var ve *argos.ValidationError
				require.ErrorAs(t, err, &ve, "%s is refused before sending", ep.Name)
				assert.Contains(t, err.Error(), "documented only for the v3 API", "%s is v3-only in the table", ep.Name)
				assert.Equal(t, sent, transport.GetTotalCallCount(), "nothing was sent")
			} else {
				assert.NotContains(t, err.Error(), "documented only for the v3 API", "%s is not v3-only in the table", ep.Name)
			}
		})
	}
}
