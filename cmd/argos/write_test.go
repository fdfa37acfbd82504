package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos/argostest"
)

func TestImageAndReport(t *testing.T) {
	f := setup(t)
	ids := f.seed(t, people...)
	require.NoError(t, f.srv.SetAMLHits(ids[0], 1))
	var sub struct {
		AML struct {
			ResourceIDs []string `json:"resourceIds"`
		} `json:"aml"`
	}
	raw, _ := f.srv.Submission(ids[0])
	require.NoError(t, json.Unmarshal(raw, &sub))
	require.Len(t, sub.AML.ResourceIDs, 1)

	t.Run("image saves the selfie to the file, owner-readable only", func(t *testing.T) {
		out := f.path("selfie.png")
		r := f.run(t, "image", ids[0], "--type", "selfie", "-o", out)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "wrote "+out)
		assert.Equal(t, argostest.SamplePNG(), []byte(readFile(t, out)))
		fi, err := os.Stat(out)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	})
	t.Run("image -o - writes to standard output", func(t *testing.T) {
		r := f.run(t, "image", ids[0], "--type", "id", "-o", "-")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.True(t, bytes.HasPrefix([]byte(r.stdout), []byte("\x89PNG")))
	})
	t.Run("report saves the AML report", func(t *testing.T) {
		out := f.path("report.pdf")
		r := f.run(t, "report", sub.AML.ResourceIDs[0], "-o", out, "--json")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, `"content_type": "application/pdf"`)
		assert.True(t, bytes.HasPrefix([]byte(readFile(t, out)), []byte("%PDF")))
	})
	t.Run("a failed download leaves no file and exits 1", func(t *testing.T) {
		for _, args := range [][]string{
			{"image", ids[3], "--type", "selfie"}, // Step 1 only: no selfie
			{"report", "no-such-resource"},
		} {
			out := f.path("missing.bin")
			r := f.run(t, append(args, "-o", out)...)
			assert.Equal(t, exitFailure, r.code, args)
			assert.NoFileExists(t, out)
		}
	})
	t.Run("a download cut short leaves the old file as it was", func(t *testing.T) {
		out := f.path("kept.png")
		require.NoError(t, os.WriteFile(out, []byte("old"), 0o600))
		f.srv.InjectFault(argostest.Fault{Method: http.MethodGet, Path: "/image", Truncate: true, Times: -1})
		defer f.srv.ClearFaults()
		r := f.run(t, "image", ids[0], "-o", out)
		assert.Equal(t, exitFailure, r.code)
		assert.Equal(t, "old", readFile(t, out))
	})
}

func TestDelete(t *testing.T) {
	f := setup(t)
	ids := f.seed(t, people...)

	t.Run("delete removes the submission's personal data", func(t *testing.T) {
		r := f.run(t, "delete", ids[1])
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, "deleted "+ids[1]+"\n", r.stdout)
		assert.True(t, f.deletedOnServer(t, ids[1]))
	})
	t.Run("--admin names the admin in admin_name", func(t *testing.T) {
		f.srv.ResetRequests()
		r := f.run(t, "delete", "--admin", "dpo@example.com", ids[2], "--json")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, `"message": "success"`)
		reqs := f.srv.Requests()
		require.Len(t, reqs, 1)
		assert.Equal(t, "dpo@example.com", reqs[0].Query.Get("admin_name"))
	})
	t.Run("deleting it again says it is already deleted, with exit code 0", func(t *testing.T) {
		r := f.run(t, "delete", ids[1])
		assert.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, "already deleted "+ids[1]+"\n", r.stdout)
		r = f.run(t, "delete", ids[1], "--json")
		assert.Equal(t, exitOK, r.code, r.stderr)
		assert.JSONEq(t, `{"submission_id":"`+ids[1]+`","already_deleted":true}`, r.stdout)
	})
	t.Run("deleting an ID with no submission fails with exit code 1", func(t *testing.T) {
		r := f.run(t, "delete", "sub-9999")
		assert.Equal(t, exitFailure, r.code)
		assert.Contains(t, r.stderr, "no submission has this ID")
		assert.Empty(t, r.stdout)
	})
}

func TestServerMessage(t *testing.T) {
	f := setup(t)
	ids := f.seed(t, people[0])

	t.Run("a failure prints the server's message the error string withholds", func(t *testing.T) {
		r := f.run(t, "image", ids[0], "--type", "address", "-o", f.path("address.png"))
		assert.Equal(t, exitFailure, r.code)
		assert.Contains(t, r.stderr, "server message withheld", "the SDK's error string")
		assert.Contains(t, r.stderr, "argos image: the server's message: image not found\n")
	})
	const told = "no address image for alice@example.com (ID 981112-1234567)\x1b[2J"
	enc, err := json.Marshal(told)
	require.NoError(t, err)
	tell := f.rewriting("image not found", strings.Trim(string(enc), `"`))
	t.Run("the message is masked like other data", func(t *testing.T) {
		r := f.runCtx(context.Background(), t, tell, "image", ids[0], "--type", "address", "-o", f.path("address.png"))
		assert.Equal(t, exitFailure, r.code)
		assert.Contains(t, r.stderr, `the server's message: no address image for a***@example.com (ID ***)\x1b[2J`)
		assert.NotContains(t, r.stderr, "alice@example.com")
		assert.NotContains(t, r.stderr, "1234567")
		assert.NotContains(t, r.stderr, "\x1b", "and escaped")
	})
	t.Run("--show-pii shows it whole", func(t *testing.T) {
		r := f.runCtx(context.Background(), t, tell, "image", ids[0], "--type", "address", "-o", f.path("address.png"), "--show-pii")
		assert.Equal(t, exitFailure, r.code)
		assert.Contains(t, r.stderr, `the server's message: no address image for alice@example.com (ID 981112-1234567)\x1b[2J`)
	})
	t.Run("a documented message is printed once, in the error string", func(t *testing.T) {
		r := f.v3().run(t, "review", ids[0], "--approve", "--admin", argostest.DefaultAdmin)
		assert.Equal(t, exitFailure, r.code)
		assert.Equal(t, 1, strings.Count(r.stderr, "Only submissions in pending status can be reviewed"), r.stderr)
		assert.NotContains(t, r.stderr, "the server's")
	})
	t.Run("an answer listing no submission adds nothing to the SDK's error", func(t *testing.T) {
		r := f.run(t, "get", "nosuchsubmission")
		assert.Equal(t, exitFailure, r.code)
		assert.NotContains(t, r.stderr, "the server's")
	})
}

func TestMaskText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"an email keeps its first letter and domain", "user jane.doe@example.com exists", "user j***@example.com exists"},
		{"an ID number is masked whole", "ID 910714-2345678 taken", "ID *** taken"},
		{"a phone number with spaces is masked", "call +82 10 1234 5678", "call +***"},
		{"a short number stays", "attempt 3 of 5, code 40012", "attempt 3 of 5, code 40012"},
		{"text without personal data stays", "image not found", "image not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, maskText(tt.in))
		})
	}
}
