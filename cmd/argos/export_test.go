package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return string(b)
}

func TestExport(t *testing.T) {
	f := setup(t)
	f.seed(t, people...)

	goldens := []struct {
		name, file, out string
		args            []string
	}{
		{"a .csv file gets the columns of the export, masked", "export.csv.golden", "out.csv", nil},
		{"--show-pii writes the personal data", "export_pii.csv.golden", "pii.csv", []string{"--show-pii"}},
		{"a .jsonl file gets one masked submission per line", "export.jsonl.golden", "out.jsonl", []string{"--page-size", "3"}},
		{"filters apply as in list", "export_user.jsonl.golden", "user.ndjson", []string{"--user", "u-1", "--show-pii"}},
	}
	for _, tt := range goldens {
		t.Run(tt.name, func(t *testing.T) {
			out := f.path(tt.out)
			r := f.run(t, append([]string{"export", "-o", out}, tt.args...)...)
			require.Equal(t, exitOK, r.code, r.stderr)
			assert.Equal(t, "exported "+map[bool]string{true: "2", false: "4"}[tt.out == "user.ndjson"]+" submissions to "+out+"\n", r.stdout)
			golden(t, tt.file, readFile(t, out))
			assert.NoFileExists(t, out+".resume", "the resume state goes once the export is complete")
			fi, err := os.Stat(out)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "exports hold applicants' data: owner only")
		})
	}
	t.Run("the masked export holds none of the applicants' emails, names or birth dates", func(t *testing.T) {
		for _, name := range []string{"out.csv", "out.jsonl"} {
			got := readFile(t, f.path(name))
			for _, p := range people {
				for _, v := range []string{p.email, p.name, p.dob} {
					if v != "" {
						assert.NotContains(t, got, v, name)
					}
				}
			}
		}
	})
	t.Run("--json reports the file and the count", func(t *testing.T) {
		r := f.run(t, "export", "-o", f.path("j.csv"), "--json")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.JSONEq(t, `{"file":"`+f.path("j.csv")+`","format":"csv","count":4}`, r.stdout)
	})
}

func TestExportResume(t *testing.T) {
	f := setup(t)
	f.seed(t, people...)
	f.seedMany(t, 20, 4)
	want := f.path("want.jsonl")
	require.Equal(t, exitOK, f.run(t, "export", "-o", want, "--page-size", "5").code)

	// failOnPage makes the nth list request fail with a 400 (not retried).
	failOnPage := func(n int64) func(*app) {
		var lists atomic.Int64
		return f.withHook(func(r *http.Request) {
			if r.Method == http.MethodGet && lists.Add(1) == n {
				f.srv.InjectFault(argostest.Fault{Method: http.MethodGet, Path: "/submission", Status: http.StatusBadRequest})
			}
		})
	}

	t.Run("an export that fails mid-way continues with --resume and ends up the same", func(t *testing.T) {
		out := f.path("resumed.jsonl")
		r := f.runCtx(context.Background(), t, failOnPage(3), "export", "-o", out, "--page-size", "5")
		require.Equal(t, exitFailure, r.code)
		assert.Contains(t, r.stderr, "export stopped after 10 submissions (continue with --resume)")
		state, err := loadResumeState(out + ".resume")
		require.NoError(t, err)
		assert.Equal(t, int64(10), state.Count)
		require.NotNil(t, state.Next)

		// A page half written after the last checkpoint is cut off.
		fh, err := os.OpenFile(out, os.O_WRONLY|os.O_APPEND, 0)
		require.NoError(t, err)
		_, err = fh.WriteString(`{"submission_id":"half a pa`)
		require.NoError(t, err)
		require.NoError(t, fh.Close())

		r = f.run(t, "export", "-o", out, "--page-size", "5", "--resume")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, "exported 24 submissions to "+out+"\n", r.stdout)
		assert.Equal(t, readFile(t, want), readFile(t, out))
		assert.NoFileExists(t, out+".resume")
	})
	t.Run("Ctrl-C between pages leaves an export that --resume finishes", func(t *testing.T) {
		out := f.path("cancelled.csv")
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var lists atomic.Int64
		hook := f.withHook(func(r *http.Request) {
			if lists.Add(1) == 4 {
				cancel()
			}
		})
		r := f.runCtx(ctx, t, hook, "export", "-o", out, "--page-size", "5")
		require.Equal(t, exitFailure, r.code)
		assert.Contains(t, r.stderr, "interrupted")

		r = f.run(t, "export", "-o", out, "--page-size", "5", "--resume")
		require.Equal(t, exitOK, r.code, r.stderr)
		full := f.path("full.csv")
		require.Equal(t, exitOK, f.run(t, "export", "-o", full, "--page-size", "5").code)
		assert.Equal(t, readFile(t, full), readFile(t, out))
	})
	t.Run("an export refuses to start over an interrupted one, and --resume with other filters", func(t *testing.T) {
		out := f.path("guarded.jsonl")
		require.Equal(t, exitFailure, f.runCtx(context.Background(), t, failOnPage(2), "export", "-o", out, "--page-size", "5").code)

		r := f.run(t, "export", "-o", out, "--page-size", "5")
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "continue it with --resume")

		r = f.run(t, "export", "-o", out, "--page-size", "5", "--user", "u-1", "--resume")
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "differ from those of the interrupted export")

		r = f.run(t, "export", "-o", out, "--page-size", "5", "--resume")
		assert.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, readFile(t, want), readFile(t, out))
	})
	t.Run("--resume without an interrupted export is a usage error", func(t *testing.T) {
		r := f.run(t, "export", "-o", f.path("none.jsonl"), "--resume")
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "nothing to resume")
	})
	t.Run("--limit exports that many", func(t *testing.T) {
		out := f.path("limited.jsonl")
		r := f.run(t, "export", "-o", out, "--limit", "7", "--page-size", "5")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, "exported 7 submissions to "+out+"\n", r.stdout)
	})
}

func TestExportCSVFormulas(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	s1, err := f.sdk.SubmitStep1(ctx, &argos.Step1Request{
		IssuingCountry: "USA", Email: "eve@example.com", UserID: "-2+3", IDType: "passport", CF1: `=HYPERLINK("http://x.example","y")`,
		CF2: "@SUM(A1)", CF3: "plain", IDImage: &argos.File{Name: "id.png", Body: bytes.NewReader(argostest.SamplePNG())},
	})
	require.NoError(t, err)
	f.srv.ScriptStep2(argostest.OutcomeApprove)
	_, err = f.sdk.SubmitStep2(ctx, &argos.Step2Request{
		SubmissionID: s1.SubmissionID, Name: "=1+1 Smith", DateOfBirth: "1990-01-01", Gender: "male", Nationality: "USA",
		FaceImage: &argos.File{Name: "selfie.png", Body: bytes.NewReader(argostest.SamplePNG())},
	})
	require.NoError(t, err)

	cells := func(t *testing.T, args ...string) map[string]string {
		t.Helper()
		out := f.path("formulas.csv")
		require.NoError(t, os.RemoveAll(out))
		r := f.run(t, append([]string{"export", "-o", out}, args...)...)
		require.Equal(t, exitOK, r.code, r.stderr)
		recs, err := csv.NewReader(strings.NewReader(readFile(t, out))).ReadAll()
		require.NoError(t, err)
		require.Len(t, recs, 2)
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = recs[1][i]
		}
		return m
	}
	tests := []struct {
		name string
		args []string
		want map[string]string
	}{
		{"cells that start a formula get a quote before them", []string{"--show-pii"}, map[string]string{
			"cf1": `'=HYPERLINK("http://x.example","y")`, "cf2": "'@SUM(A1)", "cf3": "plain", "user_id": "'-2+3",
			"name": "'=1+1 Smith", "email": "eve@example.com", "date_of_birth": "1990-01-01",
		}},
		{"masked cells are defused too", nil, map[string]string{"name": "'=*** S***", "cf1": `'=HYPERLINK("http://x.example","y")`}},
		{"--csv-raw writes the cells as they are", []string{"--show-pii", "--csv-raw"}, map[string]string{
			"cf1": `=HYPERLINK("http://x.example","y")`, "cf2": "@SUM(A1)", "user_id": "-2+3", "name": "=1+1 Smith",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cells(t, tt.args...)
			for k, v := range tt.want {
				assert.Equal(t, v, got[k], k)
			}
		})
	}
	t.Run("--csv-raw is refused for JSON Lines, which hold no formulas", func(t *testing.T) {
		r := f.run(t, "export", "-o", f.path("x.jsonl"), "--csv-raw")
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "--csv-raw is for .csv files")
	})
}

func TestDefuse(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""}, {"plain", "plain"}, {"2024-01-01", "2024-01-01"}, {"a=b", "a=b"}, {"'quoted", "'quoted"},
		{"=1+1", "'=1+1"}, {"+1", "'+1"}, {"-1", "'-1"}, {"@A1", "'@A1"}, {"\tx", "'\tx"}, {"\rx", "'\rx"},
	}
	for _, tt := range tests {
		t.Run("defuse "+strconv.Quote(tt.in), func(t *testing.T) {
			assert.Equal(t, tt.want, defuse(tt.in))
		})
	}
}

func TestExportFileSafety(t *testing.T) {
	f := setup(t)
	f.seed(t, people...)
	mode := func(t *testing.T, name string) os.FileMode {
		t.Helper()
		fi, err := os.Stat(name)
		require.NoError(t, err)
		return fi.Mode().Perm()
	}

	t.Run("an existing file is refused before any request, and left as it was", func(t *testing.T) {
		out := f.path("existing.jsonl")
		require.NoError(t, os.WriteFile(out, []byte("keep"), 0o644))
		f.srv.ResetRequests()
		r := f.run(t, "export", "-o", out, "--show-pii")
		assert.Equal(t, exitUsage, r.code, r.stderr)
		assert.Contains(t, r.stderr, "exists: give --force to replace it")
		assert.Equal(t, "keep", readFile(t, out))
		assert.Empty(t, f.srv.Requests(), "nothing is sent")
	})
	t.Run("--force replaces a world-readable file with one of mode 0600", func(t *testing.T) {
		out := f.path("forced.jsonl")
		require.NoError(t, os.WriteFile(out, []byte("old"), 0o644))
		r := f.run(t, "export", "-o", out, "--show-pii", "--force")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, readFile(t, out), "alice@example.com")
		assert.Equal(t, os.FileMode(0o600), mode(t, out))
	})
	t.Run("--force replaces a symbolic link, not the file it points to", func(t *testing.T) {
		target := f.path("target.txt")
		require.NoError(t, os.WriteFile(target, []byte("elsewhere"), 0o644))
		out := f.path("link.jsonl")
		require.NoError(t, os.Symlink(target, out))
		r := f.run(t, "export", "-o", out)
		assert.Equal(t, exitUsage, r.code, "a link is an existing file: %s", r.stderr)
		r = f.run(t, "export", "-o", out, "--force")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, "elsewhere", readFile(t, target))
		fi, err := os.Lstat(out)
		require.NoError(t, err)
		assert.True(t, fi.Mode().IsRegular(), "the link was replaced by a file")
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	})
	t.Run("--resume makes the export the owner's alone", func(t *testing.T) {
		out := f.path("resumed.csv")
		hook := f.withHook(func(r *http.Request) {
			f.srv.InjectFault(argostest.Fault{Method: http.MethodGet, Path: "/submission", Status: http.StatusBadRequest})
		})
		require.Equal(t, exitFailure, f.runCtx(context.Background(), t, hook, "export", "-o", out).code)
		require.NoError(t, os.Chmod(out, 0o644))
		f.srv.ClearFaults()
		r := f.run(t, "export", "-o", out, "--resume")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, os.FileMode(0o600), mode(t, out))
	})
	t.Run("--resume refuses a symbolic link", func(t *testing.T) {
		out := f.path("resumelink.csv")
		hook := f.withHook(func(r *http.Request) {
			f.srv.InjectFault(argostest.Fault{Method: http.MethodGet, Path: "/submission", Status: http.StatusBadRequest})
		})
		require.Equal(t, exitFailure, f.runCtx(context.Background(), t, hook, "export", "-o", out).code)
		f.srv.ClearFaults()
		target := f.path("resumetarget.csv")
		require.NoError(t, os.Rename(out, target))
		require.NoError(t, os.Symlink(target, out))
		r := f.run(t, "export", "-o", out, "--resume")
		assert.Equal(t, exitFailure, r.code)
		assert.Contains(t, r.stderr, "is a symbolic link")
	})
	t.Run("--resume and --force together are a usage error", func(t *testing.T) {
		r := f.run(t, "export", "-o", f.path("both.csv"), "--resume", "--force")
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "one of --resume and --force")
	})
}
