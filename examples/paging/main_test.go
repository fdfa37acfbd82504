package main

import (
	"bytes"
	"context"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestRun(t *testing.T) {
	t.Run("seeds the fake and lists all five submissions on three pages", func(t *testing.T) {
		defer goleak.VerifyNone(t)
		ctx := t.Context()
		var out bytes.Buffer

		err := run(ctx, &out, func(string) string { return "" })

		require.NoError(t, err, out.String())
		log := out.String()
		assert.Contains(t, log, "Using the in-process fake Argos server at https://127.0.0.1:")
		assert.Contains(t, log, "Creating 5 submissions (Step 1 and Step 2 each): approved pending incomplete rejected approved")
		rows := regexp.MustCompile(`(?m)^\s+\d  [a-z0-9]{16}\s+(approved|rejected|pending|incomplete)\s+\d{4}-\d\d-\d\d `).FindAllString(log, -1)
		assert.Len(t, rows, 5, "one row per submission")
		assert.Contains(t, log, "\n5 submissions\n")
		assert.Contains(t, log, "page 1: 2 submissions (next page after ")
		assert.Contains(t, log, "page 2: 2 submissions (next page after ")
		assert.Contains(t, log, "page 3: 1 submission (last page)")
		assert.Contains(t, log, "3 pages of at most 2")
	})

	t.Run("reports a bad base URL without showing the API key", func(t *testing.T) {
		env := map[string]string{"ARGOS_API_KEY": "live_secret_key_123", "ARGOS_BASE_URL": "http://insecure.example/v2"}
		var out bytes.Buffer

		err := run(context.Background(), &out, func(k string) string { return env[k] })

		require.Error(t, err)
		assert.NotContains(t, err.Error()+out.String(), "live_secret_key_123")
	})
}
