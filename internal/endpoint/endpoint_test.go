package endpoint

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFillEscapesEachIDAsOneSegmentInOrder(t *testing.T) {
	assert.Equal(t, "/submission/aml/monitor/w%2F1/r%3F2", GetAMLMonitorRecord.Fill("w/1", "r?2"))
	assert.Equal(t, "/submission/aml/monitor/w-1", MonitorAML.Fill("w-1"))
	assert.Equal(t, "/submission", GetSubmission.Fill(), "a path without segments to fill is the path")
}

func TestTheTableIsConsistent(t *testing.T) {
	names := map[string]bool{}
	for _, e := range All {
		assert.False(t, names[e.Name], "%s is listed twice", e.Name)
		names[e.Name] = true
		assert.True(t, strings.HasPrefix(e.Path, "/"), e.Name)
		assert.Equal(t, e.Method == http.MethodGet || e.Method == http.MethodDelete, e.Repeatable(), e.Name)
		if e.Download != "" {
			assert.Equal(t, http.MethodGet, e.Method, "%s: a download is a GET", e.Name)
		}
		if e.Key == AddOnKey {
			assert.True(t, e.V3Only, "%s: the Add-on calls are v3 calls", e.Name)
		}
	}
}
