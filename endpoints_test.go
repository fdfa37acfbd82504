package argos_test

import (
	"context"
	"os"
	"reflect"
	"regexp"
	"slices"
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

// TestTheDocsAgreeWithTheTableOfEndpoints checks the two lists of endpoints
// users read, the README's table and the package doc's v3 list, against the
// table the calls are built from: a row that changes fails here until the
// docs say the same.
func TestTheDocsAgreeWithTheTableOfEndpoints(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	pkgDoc, err := os.ReadFile("doc.go")
	require.NoError(t, err)

	t.Run("the README's table", func(t *testing.T) {
		methodName := regexp.MustCompile("`([A-Za-z0-9]+)`")
		for _, ep := range endpoint.All {
			var line string
			for l := range strings.Lines(string(readme)) {
				if strings.HasPrefix(l, "| ") && strings.Contains(l, "`"+ep.Name+"`") {
					line = l
					break
				}
			}
			require.NotEmpty(t, line, "the README's table has no row for %s", ep.Name)
			cells := strings.Split(line, "|") // "", methods, endpoint, retried, ""
			require.Len(t, cells, 5, line)
			names := methodName.FindAllStringSubmatch(cells[1], -1)
			idx := slices.IndexFunc(names, func(m []string) bool { return m[1] == ep.Name })
			assert.Contains(t, cells[2], ep.Method, "%s's method", ep.Name)
			last := ep.Path[strings.LastIndex(ep.Path, "/")+1:]
			if !strings.HasPrefix(last, "{") {
				assert.Contains(t, cells[2], last, "%s's path", ep.Name)
			}
			assert.Equal(t, ep.V3Only, strings.Contains(cells[2], "(v3"), "%s: v3 only", ep.Name)
			retried := strings.Split(strings.TrimSpace(cells[3]), ", ")
			answer := retried[0]
			if len(retried) == len(names) && idx >= 0 {
				answer = retried[idx]
			}
			assert.Equal(t, ep.Repeatable(), strings.HasPrefix(answer, "yes"), "%s: retried when the answer is lost (%q)", ep.Name, cells[3])
		}
	})
	t.Run("the package doc's list of v3 calls", func(t *testing.T) {
		m := regexp.MustCompile(`(?s)The v3 management calls \(([^)]*)\)`).FindSubmatch(pkgDoc)
		require.NotNil(t, m)
		var listed, v3 []string
		for _, f := range strings.FieldsFunc(string(m[1]), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '/' }) {
			if f != "" {
				listed = append(listed, f)
			}
		}
		for _, ep := range endpoint.All {
			if ep.V3Only {
				v3 = append(v3, ep.Name)
			}
		}
		assert.ElementsMatch(t, v3, listed)
	})
}
