package argostest_test

import (
	"context"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// seedNow is the clock of the seeding tests.
var seedNow = time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)

// seeded starts a fake with a fixed clock and sequential IDs, adds n
// submissions and lists them all through the SDK.
func seeded(t *testing.T, n int, opts ...argostest.ServerOption) (*argostest.Server, *argos.Client, []string, []argos.Submission) {
	t.Helper()
	opts = append([]argostest.ServerOption{argostest.WithClock(func() time.Time { return seedNow }),
		argostest.WithSubmissionIDs(sequence("seed"))}, opts...)
	srv, client := liveformServer(t, opts...)
	ids := srv.AddSubmissions(n)
	list, err := client.ListSubmissions(context.Background(), &argos.ListSubmissionsParams{Count: argos.MaxPageSize})
	require.NoError(t, err)
	return srv, client, ids, list.Items
}

func TestAddSubmissions(t *testing.T) {
	t.Run("it adds n submissions GET /submission lists", func(t *testing.T) {
		_, _, ids, items := seeded(t, 400)
		require.Len(t, ids, 400)
		assert.Equal(t, "seed0001", ids[0], "IDs come from WithSubmissionIDs")
		listed := []string{}
		for _, s := range items {
			listed = append(listed, s.ID)
		}
		slices.Sort(ids)
		slices.Sort(listed)
		assert.Equal(t, ids, listed)
	})
	t.Run("every status appears, and some are deleted", func(t *testing.T) {
		srv, _, ids, _ := seeded(t, 400)
		counts := map[any]int{}
		for _, id := range ids {
			it := item(t, srv, id)
			if path(it, "data", "name") == "Deleted Submission" {
				counts["deleted"]++
				continue
			}
			counts[path(it, "kyc", "result")]++
		}
		for _, status := range []string{"approved", "rejected", "pending", "incomplete", "deleted"} {
			assert.Positive(t, counts[status], "%s: %v", status, counts)
		}
		assert.Greater(t, counts["approved"], counts["rejected"], "about half are approved: %v", counts)
	})
	t.Run("Red Flag submissions have AML reports to download", func(t *testing.T) {
		srv, client, ids, _ := seeded(t, 400)
		flagged := 0
		for _, id := range ids {
			if path(item(t, srv, id), "aml", "currentstatus") != "Red Flag" {
				continue
			}
			flagged++
			sub, err := client.GetSubmission(context.Background(), id)
			require.NoError(t, err)
			rids := sub.AMLResourceIDs()
			require.NotEmpty(t, rids)
			d, err := client.DownloadAMLReport(context.Background(), rids[0])
			require.NoError(t, err)
			pdf, err := io.ReadAll(d.Body)
			require.NoError(t, d.Body.Close())
			require.NoError(t, err)
			assert.Equal(t, "%PDF", string(pdf[:4]))
		}
		assert.Positive(t, flagged)
	})
	t.Run("users and applicants have several submissions", func(t *testing.T) {
		srv, client, ids, items := seeded(t, 400)
		perUser := map[string]int{}
		for _, s := range items {
			if s.UserID != "" {
				perUser[s.UserID]++
			}
		}
		most := 0
		for _, n := range perUser {
			most = max(most, n)
		}
		assert.GreaterOrEqual(t, most, 3, "a user with several submissions")

		perApplicant := map[string]int{}
		for _, id := range ids {
			if a, _ := path(item(t, srv, id), "applicant_id").(string); a != "" {
				perApplicant[a]++
			}
		}
		var shared string
		for a, n := range perApplicant {
			if n >= 2 {
				shared = a
				break
			}
		}
		require.NotEmpty(t, shared, "an applicant with several approved submissions")
		subs, err := client.ListApplicantSubmissions(context.Background(), shared)
		require.NoError(t, err)
		assert.Equal(t, perApplicant[shared], len(subs))
	})
	t.Run("creation dates spread over the year before the clock", func(t *testing.T) {
		_, _, _, items := seeded(t, 400)
		var first, last time.Time
		for _, s := range items {
			c, err := s.Created()
			require.NoError(t, err)
			require.False(t, c.After(seedNow), "created in the past")
			if first.IsZero() || c.Before(first) {
				first = c
			}
			last = later(last, c)
		}
		assert.Greater(t, last.Sub(first), 300*24*time.Hour)
		assert.Greater(t, seedNow.Sub(first), 300*24*time.Hour)
	})
	t.Run("the same n on the same fake gives the same submissions", func(t *testing.T) {
		a, _, idsA, _ := seeded(t, 200)
		b, _, idsB, _ := seeded(t, 200)
		require.Equal(t, idsA, idsB)
		for _, id := range idsA {
			ja, _ := a.Submission(id)
			jb, _ := b.Submission(id)
			require.JSONEq(t, string(ja), string(jb), "submission %s", id)
		}
	})
	t.Run("submissions waiting for a retry time out like any other", func(t *testing.T) {
		srv, _, ids, _ := seeded(t, 400)
		var waiting []string
		for _, id := range ids {
			it := item(t, srv, id)
			if path(it, "kyc", "result") == "incomplete" && path(it, "kyc", "attempts") != nil {
				waiting = append(waiting, id)
			}
		}
		require.NotEmpty(t, waiting)
		srv.Advance(24 * time.Hour)
		for _, id := range waiting {
			assert.Equal(t, []any{"KYC rejected due to timeout"}, path(item(t, srv, id), "kyc", "comment"))
		}
	})
	t.Run("seeding sends no webhook", func(t *testing.T) {
		rc := newReceiver(t)
		srv, _, _, _ := seeded(t, 50, rc.option())
		assert.Empty(t, flush(t, srv))
	})
	t.Run("n of zero or less adds nothing", func(t *testing.T) {
		srv, _ := liveformServer(t)
		assert.Empty(t, srv.AddSubmissions(0))
		assert.Empty(t, srv.AddSubmissions(-3))
	})
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// BenchmarkAddSubmissions measures seeding 10,000 submissions on a fresh
// fake (the issue asks for well under a second).
func BenchmarkAddSubmissions(b *testing.B) {
	for b.Loop() {
		h := argostest.NewHandler()
		if got := len(h.AddSubmissions(10_000)); got != 10_000 {
			b.Fatalf("added %d", got)
		}
		h.Close()
	}
}
