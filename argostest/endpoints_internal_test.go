package argostest

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	api "github.com/kycgo/argos/internal/endpoint"
)

// TestTheRoutesCoverExactlyTheTableOfEndpoints checks the fake against the
// SDK's one table of endpoints (internal/endpoint): every endpoint has a
// route, at the same versions, and the fake serves no API route the table
// does not list.
func TestTheRoutesCoverExactlyTheTableOfEndpoints(t *testing.T) {
	fake := map[string]versions{}
	for _, table := range apiRoutes {
		for _, rt := range table {
			fake[rt.pattern] = rt.versions
		}
	}
	table := map[string]bool{}
	for _, ep := range api.All {
		pattern := ep.Route("/v3")
		table[pattern] = true
		v, ok := fake[pattern]
		if !assert.True(t, ok, "%s (%s) has a route in the fake", ep.Name, pattern) {
			continue
		}
		assert.Equal(t, !ep.V3Only, bool(v), "%s: the fake answers it under /v2 exactly when the table says it is not v3-only", ep.Name)
	}
	var extra []string
	for pattern := range fake {
		if !table[pattern] {
			extra = append(extra, pattern)
		}
	}
	slices.Sort(extra)
	assert.Empty(t, extra, "routes of the fake that the table does not list")
}
