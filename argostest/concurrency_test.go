package argostest_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos/argostest"
)

func TestConcurrency(t *testing.T) {
	t.Run("parallel Step 1s and Step 2s each get their own submission", func(t *testing.T) {
		c := newRaw(t)
		const n = 40
		c.srv.ScriptStep2(argostest.OutcomePending, argostest.OutcomeFaceMismatch)
		var (
			wg  sync.WaitGroup
			mu  sync.Mutex
			got = map[string]bool{}
		)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				email := fmt.Sprintf("user%d@example.com", i)
				r := c.postMultipart("/submission/step1", step1Fields(email), map[string]file{"idImage": pngPart("x.png")})
				if !assert.Equal(t, http.StatusOK, r.Status) {
					return
				}
				id := r.JSON(t)["submissionId"].(string)
				c.step2(id)
				c.get("/submission", url.Values{"email": {email}})
				c.srv.Requests()
				mu.Lock()
				got[id] = true
				mu.Unlock()
			}()
		}
		wg.Wait()
		assert.Len(t, got, n, "every submission ID is unique")
		r := c.get("/submission", url.Values{"count": {"100"}})
		assert.Len(t, ids(t, r), n)
		assert.Len(t, c.srv.Requests(), 3*n+1)

		results := map[string]int{}
		for id := range got {
			raw, ok := c.srv.Submission(id)
			require.True(t, ok)
			switch {
			case bytes.Contains(raw, []byte(`"result":"approved"`)):
				results["approved"]++
			case bytes.Contains(raw, []byte(`"result":"pending"`)):
				results["pending"]++
			default:
				results["incomplete"]++
			}
		}
		assert.Equal(t, map[string]int{"approved": n - 2, "pending": 1, "incomplete": 1}, results,
			"each scripted outcome is used exactly once")
	})
}

func TestLogger(t *testing.T) {
	t.Run("it logs method, path and status but no key, query or body", func(t *testing.T) {
		var buf bytes.Buffer
		var mu sync.Mutex
		c := newRaw(t, argostest.WithLogger(slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, nil))))
		id := c.step1("secret.person@example.com")
		c.get("/submission", url.Values{"email": {"secret.person@example.com"}, "submission_id": {id}})
		mu.Lock()
		out := buf.String()
		mu.Unlock()
		assert.Contains(t, out, "method=POST path=/v3/submission/step1 status=200")
		assert.Contains(t, out, "method=GET path=/v3/submission status=200")
		assert.NotContains(t, out, c.key)
		assert.NotContains(t, out, "secret.person")
		assert.NotContains(t, out, id)
	})
	t.Run("nothing is logged by default", func(t *testing.T) {
		// The server has no logger: slog.Default must not see a request line.
		var buf bytes.Buffer
		var mu sync.Mutex
		old := slog.Default()
		slog.SetDefault(slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, nil)))
		defer slog.SetDefault(old)
		c := newRaw(t)
		c.step1("a@example.com")
		mu.Lock()
		defer mu.Unlock()
		assert.Empty(t, buf.String())
	})
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
