package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/user"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos/argostest"
)

// purgeSetup seeds the people (all created on 2024-01-01) and 20 more, one
// an hour from 16:00, so that sub-0005 … sub-0012 are from 2024-01-01 too
// and sub-0013 … sub-0024 from 2024-01-02.
func purgeSetup(t *testing.T) (f *fixture, old, recent []string) {
	f = setup(t)
	ids := f.seed(t, people...)
	f.seedMany(t, 20, 1)
	for i := 5; i <= 24; i++ {
		ids = append(ids, fmt.Sprintf("sub-%04d", i))
	}
	return f, ids[:12], ids[12:]
}

// checkLog checks that the log is complete (each "deleting" line has an
// outcome, and an end line closes each run) and that the submissions it
// records as deleted or gone are exactly those the server shows deleted
// among candidates. It returns the IDs by outcome.
func checkLog(t *testing.T, f *fixture, name string, candidates []string) map[string][]string {
	t.Helper()
	byEvent := map[string][]string{}
	open := map[string]bool{}
	runs, ends := 0, 0
	for _, e := range logLines(t, name) {
		switch e.Event {
		case evRun:
			runs++
		case evEnd:
			ends++
		case evOutside:
			byEvent[evOutside] = append(byEvent[evOutside], e.ID)
		case evDeleting:
			assert.False(t, open[e.ID], "one deletion of %s at a time", e.ID)
			open[e.ID] = true
		default:
			assert.True(t, open[e.ID], "%s of %s follows its deleting line", e.Event, e.ID)
			delete(open, e.ID)
			byEvent[e.Event] = append(byEvent[e.Event], e.ID)
		}
	}
	assert.Empty(t, open, "every deletion sent has its outcome in the log")
	assert.Equal(t, runs, ends, "every run has its end line")
	for _, id := range candidates {
		logged := slices.Contains(byEvent[evDeleted], id) || slices.Contains(byEvent[evGone], id)
		assert.Equal(t, f.deletedOnServer(t, id), logged, "%s: the log records it deleted exactly when it is", id)
	}
	return byEvent
}

func TestPurge(t *testing.T) {
	f, old, recent := purgeSetup(t)
	logFile := f.path("purge.log")

	t.Run("without --yes it lists what it would delete and deletes nothing", func(t *testing.T) {
		f.srv.ResetRequests()
		r := f.run(t, "purge", "--until", "2024-01-01", "--log", logFile)
		require.Equal(t, exitOK, r.code, r.stderr)
		golden(t, "purge_preview.golden", r.stdout)
		for _, req := range f.srv.Requests() {
			assert.Equal(t, http.MethodGet, req.Method)
		}
		assert.NoFileExists(t, logFile)

		r = f.run(t, "purge", "--until", "2024-01-01", "--json", "--user", "u-1")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.JSONEq(t, `{"dry_run":true,"would_delete":2,"already_deleted":0,"submission_ids":["sub-0001","sub-0003"],"outside_filters":0}`, r.stdout)
	})
	t.Run("the preview counts one submission in the singular", func(t *testing.T) {
		r := f.run(t, "purge", "--until", "2024-01-01", "--email", "bob@example.com")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "\n1 submission would be deleted (0 already deleted).")
	})
	t.Run("--yes deletes those created up to --until and logs each one", func(t *testing.T) {
		r := f.run(t, "purge", "--until", "2024-01-01", "--yes", "--log", logFile, "--concurrency", "4", "--rate", "1000")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, "deleted 12, already gone 0, failed 0, not started 0, skipped 0 already deleted; log: "+logFile+"\n", r.stdout)
		got := checkLog(t, f, logFile, append(slices.Clone(old), recent...))
		assert.ElementsMatch(t, old, got[evDeleted])
		for _, id := range recent {
			assert.False(t, f.deletedOnServer(t, id))
		}
	})
	t.Run("running it again deletes nothing and says so", func(t *testing.T) {
		f.srv.ResetRequests()
		r := f.run(t, "purge", "--until", "2024-01-01", "--yes", "--log", logFile)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, "deleted 0, already gone 0, failed 0, not started 0, skipped 12 already deleted; log: "+logFile+"\n", r.stdout)
		for _, req := range f.srv.Requests() {
			assert.NotEqual(t, http.MethodDelete, req.Method)
		}
		checkLog(t, f, logFile, old)
	})
}

func TestPurgeFaults(t *testing.T) {
	t.Run("deletions whose answers were lost are logged as gone, not lost", func(t *testing.T) {
		f, old, _ := purgeSetup(t)
		logFile := f.path("purge.log")
		// The deletion happens, the answer is cut off; the retry is told
		// the submission does not exist.
		f.srv.InjectFault(argostest.Fault{Method: http.MethodDelete, Truncate: true, Times: 3})
		r := f.run(t, "purge", "--until", "2024-01-01", "--yes", "--log", logFile, "--concurrency", "3", "--rate", "1000")
		require.Equal(t, exitOK, r.code, r.stderr+readFile(t, logFile))
		got := checkLog(t, f, logFile, old)
		assert.NotEmpty(t, got[evGone])
		assert.Len(t, append(got[evGone], got[evDeleted]...), 12)
	})
	t.Run("items that keep failing give exit code 3; a re-run deletes them", func(t *testing.T) {
		f, old, _ := purgeSetup(t)
		logFile := f.path("purge.log")
		// One deletion's four tries (three retries) all fail.
		f.srv.InjectFault(argostest.Fault{Method: http.MethodDelete, Status: http.StatusInternalServerError, Times: 4})
		r := f.run(t, "purge", "--until", "2024-01-01", "--yes", "--log", logFile, "--concurrency", "1", "--rate", "1000")
		assert.Equal(t, exitPartial, r.code, r.stderr)
		assert.Contains(t, r.stderr, "1 of 12 items failed")
		got := checkLog(t, f, logFile, old)
		assert.Len(t, got[evFailed], 1)

		r = f.run(t, "purge", "--until", "2024-01-01", "--yes", "--log", logFile)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "deleted 1,")
		checkLog(t, f, logFile, old)
	})
	t.Run("a refused key stops the purge with exit code 1", func(t *testing.T) {
		f, old, _ := purgeSetup(t)
		logFile := f.path("purge.log")
		f.srv.InjectFault(argostest.Fault{Method: http.MethodDelete, Status: http.StatusForbidden, Times: -1})
		r := f.run(t, "purge", "--until", "2024-01-01", "--yes", "--log", logFile, "--concurrency", "2", "--rate", "1000")
		assert.Equal(t, exitFailure, r.code)
		assert.Contains(t, r.stderr, "the API refused the request")
		got := checkLog(t, f, logFile, old)
		assert.LessOrEqual(t, len(got[evFailed]), 2, "no deletion is sent after the refusal")
	})
	t.Run("Ctrl-C stops sending, lets those in flight finish and leaves the log complete", func(t *testing.T) {
		f, old, _ := purgeSetup(t)
		logFile := f.path("purge.log")
		f.srv.InjectFault(argostest.Fault{Method: http.MethodDelete, Latency: 20 * time.Millisecond, Times: -1})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var deletes atomic.Int64
		hook := f.withHook(func(r *http.Request) {
			if r.Method == http.MethodDelete && deletes.Add(1) == 5 {
				cancel()
			}
		})
		r := f.runCtx(ctx, t, hook, "purge", "--until", "2024-01-01", "--yes", "--log", logFile, "--concurrency", "3", "--rate", "1000")
		assert.Equal(t, exitFailure, r.code)
		assert.Contains(t, r.stderr, "interrupted")
		got := checkLog(t, f, logFile, old)
		// A worker that took its ID before the fifth request cancelled may
		// still send one: every deletion sent finished, and no more than
		// one per worker followed the interruption.
		sent := int(deletes.Load())
		assert.Len(t, got[evDeleted], sent, "every deletion sent finished")
		assert.LessOrEqual(t, sent, 5+2, "at most the other two workers' deletions after Ctrl-C")
		lines := logLines(t, logFile)
		end := lines[len(lines)-1]
		require.Equal(t, evEnd, end.Event)
		require.NotNil(t, end.Interrupted)
		assert.True(t, *end.Interrupted)
		assert.Equal(t, len(old)-sent, *end.NotStarted)

		r = f.run(t, "purge", "--until", "2024-01-01", "--yes", "--log", logFile)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, fmt.Sprintf("deleted %d,", len(old)-sent))
		checkLog(t, f, logFile, old)
	})
}

func TestPurgeDeletedName(t *testing.T) {
	// An applicant may type the placeholder name Argos gives a deleted
	// submission; with an email (Step 1 requires one) it is a live
	// submission, and a retention purge must not pass it over.
	f := setup(t)
	ids := f.seed(t, applicant{"mallory@example.com", "u-9", deletedName, "1991-03-04", outcome(argostest.OutcomeApprove)})
	logFile := f.path("purge.log")

	t.Run("the preview lists it as a submission to delete", func(t *testing.T) {
		r := f.run(t, "purge", "--until", "2024-01-01", "--json")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.JSONEq(t, `{"dry_run":true,"would_delete":1,"already_deleted":0,"submission_ids":["`+ids[0]+`"],"outside_filters":0}`, r.stdout)
	})
	t.Run("--yes deletes it rather than skipping it as already deleted", func(t *testing.T) {
		r := f.run(t, "purge", "--until", "2024-01-01", "--yes", "--log", logFile)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, "deleted 1, already gone 0, failed 0, not started 0, skipped 0 already deleted; log: "+logFile+"\n", r.stdout)
		assert.Empty(t, f.serverView(t, ids[0]).Email, "the applicant's email is erased")
		checkLog(t, f, logFile, ids)
	})
}

func TestPurgeChecksTheFilters(t *testing.T) {
	// purgeSetup: sub-0001 … sub-0012 from 2024-01-01 (sub-0001 and
	// sub-0003 of u-1), sub-0013 … sub-0024 from 2024-01-02.
	tests := []struct {
		name    string
		ignored []string // the query parameters the server ignores
		args    []string
		listed  []string // what the server lists
		want    []string // the submissions the filters select
	}{
		{"a server that ignores the end date lists newer submissions, and purge leaves them alone",
			[]string{"end_date"}, []string{"--until", "2024-01-01"}, subIDs(1, 24), subIDs(1, 12)},
		{"a server that ignores the start date lists older submissions, and purge leaves them alone",
			[]string{"start_date"}, []string{"--from", "2024-01-02", "--until", "2024-01-02"}, subIDs(1, 24), subIDs(13, 24)},
		{"a server that ignores the user lists other users' submissions, and purge leaves them alone",
			[]string{"userid"}, []string{"--until", "2024-01-01", "--user", "u-1"}, subIDs(1, 12), []string{"sub-0001", "sub-0003"}},
		{"a server that ignores the email lists other applicants' submissions, and purge leaves them alone",
			[]string{"email"}, []string{"--until", "2024-01-02", "--email", "bob@example.com"}, subIDs(1, 24), []string{"sub-0002"}},
		{"a server that ignores every filter is caught by each of them",
			[]string{"userid", "email", "start_date", "end_date"}, []string{"--until", "2024-01-01", "--user", "u-1"},
			subIDs(1, 24), []string{"sub-0001", "sub-0003"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := purgeSetup(t)
			all := subIDs(1, 24)
			outside := slices.DeleteFunc(slices.Clone(tt.listed), func(id string) bool { return slices.Contains(tt.want, id) })
			logFile := f.path("purge.log")

			r := f.runCtx(context.Background(), t, f.ignoring(tt.ignored...), append([]string{"purge", "--json"}, tt.args...)...)
			assert.Equal(t, exitPartial, r.code, "the preview exits 3: %s", r.stderr)
			assert.Contains(t, r.stderr, fmt.Sprintf("the server listed %d submissions outside the filters", len(outside)))
			var preview struct {
				SubmissionIDs []string `json:"submission_ids"`
				Outside       int      `json:"outside_filters"`
				OutsideIDs    []string `json:"outside_ids"`
			}
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &preview), r.stdout)
			assert.ElementsMatch(t, tt.want, preview.SubmissionIDs)
			assert.Equal(t, len(outside), preview.Outside)
			assert.ElementsMatch(t, outside, preview.OutsideIDs)

			r = f.runCtx(context.Background(), t, f.ignoring(tt.ignored...),
				append([]string{"purge", "--yes", "--log", logFile, "--rate", "1000"}, tt.args...)...)
			assert.Equal(t, exitPartial, r.code, r.stderr)
			assert.Contains(t, r.stdout, fmt.Sprintf("deleted %d,", len(tt.want)))
			assert.Contains(t, r.stdout, fmt.Sprintf("left alone %d outside the filters", len(outside)))
			got := checkLog(t, f, logFile, all)
			assert.ElementsMatch(t, tt.want, got[evDeleted])
			assert.ElementsMatch(t, outside, got[evOutside], "each one left alone is in the log")
			assert.Equal(t, len(outside), *logLines(t, logFile)[0].Outside, "the run line counts them")
			for _, id := range outside {
				assert.False(t, f.deletedOnServer(t, id), "%s is outside the filters and never touched", id)
			}
		})
	}
	t.Run("the table preview shows the submissions left alone apart", func(t *testing.T) {
		f, _, _ := purgeSetup(t)
		r := f.runCtx(context.Background(), t, f.ignoring("userid"), "purge", "--until", "2024-01-01", "--user", "u-3")
		assert.Equal(t, exitPartial, r.code, r.stderr)
		before, after, ok := strings.Cut(r.stdout, "11 listed submissions outside the filters (the server did not apply them); purge leaves them alone:")
		require.True(t, ok, r.stdout)
		assert.Contains(t, before, "sub-0004")
		assert.Contains(t, before, "1 submission would be deleted")
		assert.NotContains(t, after, "sub-0004")
		for _, id := range []string{"sub-0001", "sub-0002", "sub-0003", "sub-0012"} {
			assert.Contains(t, after, id)
		}
	})
}

// subIDs returns the fixture's IDs sub-FROM … sub-TO, in order.
func subIDs(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("sub-%04d", i))
	}
	return out
}

func TestPurgeLogFile(t *testing.T) {
	t.Run("a log through a symbolic link is refused and nothing is deleted", func(t *testing.T) {
		f, old, _ := purgeSetup(t)
		target := f.path("elsewhere.txt")
		require.NoError(t, os.WriteFile(target, []byte("elsewhere\n"), 0o644))
		logFile := f.path("purge.log")
		require.NoError(t, os.Symlink(target, logFile))
		r := f.run(t, "purge", "--until", "2024-01-01", "--yes", "--log", logFile)
		assert.Equal(t, exitFailure, r.code)
		assert.Contains(t, r.stderr, "is a symbolic link")
		assert.Equal(t, "elsewhere\n", readFile(t, target))
		for _, id := range old {
			assert.False(t, f.deletedOnServer(t, id))
		}
	})
	t.Run("a new log is created with mode 0600, and an existing one made so", func(t *testing.T) {
		f, _, _ := purgeSetup(t)
		logFile := f.path("purge.log")
		r := f.run(t, "purge", "--until", "2024-01-01", "--yes", "--log", logFile, "--rate", "1000")
		require.Equal(t, exitOK, r.code, r.stderr)
		fi, err := os.Stat(logFile)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

		require.NoError(t, os.Chmod(logFile, 0o644))
		r = f.run(t, "purge", "--until", "2024-01-01", "--yes", "--log", logFile)
		require.Equal(t, exitOK, r.code, r.stderr)
		fi, err = os.Stat(logFile)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	})
}

func TestPurgeAudit(t *testing.T) {
	t.Run("the run line records the filters, --admin, the base host, the CLI version and the OS user", func(t *testing.T) {
		f, _, _ := purgeSetup(t)
		logFile := f.path("purge.log")
		r := f.run(t, "purge", "--until", "2024-01-02", "--from", "2024-01-01", "--user", "u-1", "--email", "alice@example.com",
			"--limit", "5", "--admin", argostest.DefaultAdmin, "--yes", "--log", logFile)
		require.Equal(t, exitOK, r.code, r.stderr)
		run := logLines(t, logFile)[0]
		require.Equal(t, evRun, run.Event)
		require.NotNil(t, run.Filters)
		assert.Equal(t, logFilters{Until: "2024-01-02", From: "2024-01-01", User: "u-1", Email: "a***@example.com", Limit: 5}, *run.Filters)
		assert.Equal(t, argostest.DefaultAdmin, run.Admin)
		assert.Equal(t, strings.TrimPrefix(f.srv.URL(""), "https://"), run.BaseHost+"/")
		assert.Equal(t, buildVersion().String(), run.CLIVersion)
		u, err := user.Current()
		require.NoError(t, err)
		assert.Equal(t, u.Username, run.OSUser)
		assert.NotContains(t, readFile(t, logFile), "alice@example.com", "the log holds no applicant's email")
	})
	t.Run("--limit selects the oldest N, and they go oldest first", func(t *testing.T) {
		f, _, _ := purgeSetup(t)
		logFile := f.path("purge.log")
		r := f.run(t, "purge", "--until", "2024-01-02", "--limit", "3", "--json")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.JSONEq(t, `{"dry_run":true,"would_delete":3,"already_deleted":0,"outside_filters":0,"submission_ids":["sub-0001","sub-0002","sub-0003"]}`, r.stdout)
		r = f.run(t, "purge", "--until", "2024-01-02", "--limit", "3", "--yes", "--log", logFile, "--concurrency", "1")
		require.Equal(t, exitOK, r.code, r.stderr)
		var order []string
		for _, e := range logLines(t, logFile) {
			if e.Event == evDeleting {
				order = append(order, e.ID)
			}
		}
		assert.Equal(t, []string{"sub-0001", "sub-0002", "sub-0003"}, order)
		assert.False(t, f.deletedOnServer(t, "sub-0024"), "the newest stays")
	})
}

func TestPurgeConfirmCount(t *testing.T) {
	f := setup(t)
	f.seedMany(t, maxUnconfirmed+1, 4)
	logFile := f.path("purge.log")
	n := strconv.Itoa(maxUnconfirmed + 1)

	t.Run("the preview of more than 100 names the --confirm-count to give", func(t *testing.T) {
		r := f.run(t, "purge", "--until", "2030-01-01")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, n+" submissions would be deleted (0 already deleted). Run again with --yes --confirm-count "+n+" to delete them.")
	})
	for _, tt := range []struct {
		name, wantStderr string
		args             []string
	}{
		{"--yes alone is refused above 100", "confirm the count the preview shows with --confirm-count " + n, nil},
		{"a count that differs is refused", "--confirm-count 100, but " + n + " submissions are selected now", []string{"--confirm-count", "100"}},
	} {
		t.Run(tt.name+", and nothing is deleted", func(t *testing.T) {
			f.srv.ResetRequests()
			r := f.run(t, append([]string{"purge", "--until", "2030-01-01", "--yes", "--log", logFile}, tt.args...)...)
			assert.Equal(t, exitUsage, r.code)
			assert.Contains(t, r.stderr, tt.wantStderr)
			for _, req := range f.srv.Requests() {
				assert.Equal(t, http.MethodGet, req.Method)
			}
			assert.NoFileExists(t, logFile)
		})
	}
	t.Run("--confirm-count without --yes is a usage error", func(t *testing.T) {
		r := f.run(t, "purge", "--until", "2030-01-01", "--confirm-count", n)
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "--confirm-count N goes with --yes")
	})
	t.Run("--yes with the count shown deletes them", func(t *testing.T) {
		r := f.run(t, "purge", "--until", "2030-01-01", "--yes", "--confirm-count", n, "--log", logFile, "--rate", "5000", "--concurrency", "16")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "deleted "+n+",")
	})
}

// countingWaiter counts the waits of a limiter.
type countingWaiter struct {
	next  waiter
	mu    sync.Mutex
	waits int
}

func (c *countingWaiter) Wait(ctx context.Context) error {
	err := c.next.Wait(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits++
	return err
}

func TestPurgeRate(t *testing.T) {
	t.Run("the limiter allows a burst, then one deletion per 1/--rate", func(t *testing.T) {
		// Times are given to the limiter: no wall clock is involved.
		o := &purgeOpts{concurrency: 8, rate: 100}
		lim := newLimiter(o)
		t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		assert.True(t, lim.AllowN(t0, burst(o)), "a burst of %d at once", burst(o))
		assert.False(t, lim.AllowN(t0, 1), "then nothing more at once")
		assert.False(t, lim.AllowN(t0.Add(9*time.Millisecond), 1), "nor before 1/rate")
		assert.True(t, lim.AllowN(t0.Add(10*time.Millisecond), 1), "one after 1/rate")
		assert.Equal(t, 8, burst(o))
		assert.Equal(t, 1, burst(&purgeOpts{concurrency: 8, rate: 5}), "at a low rate, no burst beyond a tenth of a second's worth")
	})
	t.Run("every deletion waits for the limiter", func(t *testing.T) {
		f, old, _ := purgeSetup(t)
		var cw *countingWaiter
		r := f.runCtx(context.Background(), t, func(a *app) {
			a.wrapLimiter = func(w waiter) waiter { cw = &countingWaiter{next: w}; return cw }
		}, "purge", "--until", "2024-01-01", "--yes", "--log", f.path("purge.log"), "--rate", "1000", "--concurrency", "4")
		require.Equal(t, exitOK, r.code, r.stderr)
		require.NotNil(t, cw)
		var deletes int
		for _, req := range f.srv.Requests() {
			if req.Method == http.MethodDelete {
				deletes++
			}
		}
		assert.Equal(t, len(old), deletes)
		assert.GreaterOrEqual(t, cw.waits, deletes, "a wait before each deletion")
	})
}
