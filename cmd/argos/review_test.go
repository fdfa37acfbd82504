package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

func TestV3Base(t *testing.T) {
	tests := []struct{ name, base, want string }{
		{"the vendor's v2 base is fixed with the vendor's v3 base", "https://rest-api.argoskyc.com/v2", argos.BaseURLV3},
		{"the vendor's host in another case too", "https://REST-API.argoskyc.com/v2/", argos.BaseURLV3},
		{"a fake keeps its host and port", "https://127.0.0.1:8443/v2", "https://127.0.0.1:8443/v3"},
		{"a proxy keeps its host and path prefix", "https://proxy.internal/argos/v2/", "https://proxy.internal/argos/v3"},
		{"the vendor's v3 host with /v2 gets /v3", "https://rest-api.argosidentity.com/v2", argos.BaseURLV3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, v3Base(tt.base))
		})
	}
}

// TestV3RefusedMatchesOnlyTheSDKsRefusal: the commands rely on the SDK's
// own refusal of a v3 call on a /v2 base (review, purge --fields); no other
// error the SDK returns before sending is taken for it. Nothing here is
// sent: every call is refused first.
func TestV3RefusedMatchesOnlyTheSDKsRefusal(t *testing.T) {
	ctx := context.Background()
	v2, err := argos.NewClient("k", argos.WithBaseURL("https://127.0.0.1:1/v2"))
	require.NoError(t, err)
	v3, err := argos.NewClient("k", argos.WithBaseURL("https://127.0.0.1:1/v3"))
	require.NoError(t, err)
	errOf := func(_ any, err error) error { return err }
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"a review on a v2 base", errOf(v2.ReviewSubmission(ctx, &argos.ReviewRequest{SubmissionID: "s", Admin: "a", Status: argos.KYCApproved})), true},
		{"purge's probe on a v2 base", probeV3(ctx, v2), true},
		{"purge's probe on a v3 base (its nil request)", probeV3(ctx, v3), false},
		{"a review without an admin on a v3 base", errOf(v3.ReviewSubmission(ctx, &argos.ReviewRequest{SubmissionID: "s"})), false},
		{"a guide call with no ID on a v2 base", errOf(v2.GetSubmission(ctx, "")), false},
		{"an option that applies to a whole client", errOf(v3.GetSubmission(ctx, "s", argos.WithBaseURL("https://127.0.0.1:1/v2"))), false},
		{"no error", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err != nil {
				require.ErrorIs(t, tt.err, argos.ErrValidation, "the SDK refused before sending")
			}
			assert.Equal(t, tt.want, v3Refused(tt.err), "%v", tt.err)
		})
	}
}

// v2 is f on the fake's v2 base URL, the deprecated guide's.
func (f *fixture) v2() *fixture { return f.version("v2") }

func (f *fixture) version(v string) *fixture {
	g := *f
	g.env = map[string]string{envAPIKey: f.env[envAPIKey], envBaseURL: f.srv.URL(v), envCAFile: f.env[envCAFile]}
	return &g
}

func TestReview(t *testing.T) {
	pending := func(t *testing.T, f *fixture) string {
		t.Helper()
		return f.seed(t, people[1])[0] // Bob: pending
	}
	admin := argostest.DefaultAdmin

	t.Run("--approve approves a pending submission and prints the final status", func(t *testing.T) {
		f := setup(t)
		id := pending(t, f)
		r := f.v3().run(t, "review", id, "--approve", "--admin", admin)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, "approved "+id+"\n", r.stdout)
		s := f.serverView(t, id)
		assert.Equal(t, argos.KYCApproved, s.KYC.Status)
		assert.Equal(t, admin, s.Reviewer)
	})
	t.Run("--reject with --comment rejects it, and --json prints the answer", func(t *testing.T) {
		f := setup(t)
		id := pending(t, f)
		r := f.v3().run(t, "review", id, "--reject", "--comment", "document expired", "--admin", admin, "--json")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.JSONEq(t, `{"submission_id":"`+id+`","final_status":"rejected","message":"Success to review submission."}`, r.stdout)
		assert.Equal(t, argos.KYCRejected, f.serverView(t, id).KYC.Status)
	})
	t.Run("corrections are applied with the decision", func(t *testing.T) {
		f := setup(t)
		id := pending(t, f)
		r := f.v3().run(t, "review", id, "--approve", "--admin", admin, "--full-name", "Robert Lee", "--birth-date", "1985-12-25")
		require.Equal(t, exitOK, r.code, r.stderr)
		s := f.serverView(t, id)
		assert.Equal(t, "Robert Lee", s.Data.Name)
		assert.Equal(t, "1985-12-25", s.Data.DateOfBirth)
	})

	f := setup(t)
	ids := f.seed(t, people[0], people[1]) // approved, pending
	tests := []struct {
		name       string
		f          *fixture
		args       []string
		want       int
		wantStderr string
	}{
		{"a submission that is not pending is a failure", f.v3(), []string{ids[0], "--approve", "--admin", admin}, exitFailure, "not pending"},
		{"an admin the project does not have is a failure", f.v3(), []string{ids[1], "--approve", "--admin", "intruder@example.com"}, exitFailure, "--admin must be an admin registered"},
		{"an unknown submission is a failure", f.v3(), []string{"sub-9999", "--approve", "--admin", admin}, exitFailure, "reviewing the submission"},
		{"a v2 base URL is a usage error that names the v3 base of the same host", f.v2(), []string{ids[1], "--approve", "--admin", admin}, exitUsage,
			"set ARGOS_BASE_URL=" + f.srv.URL("v3") + "\n"},
		{"neither --approve nor --reject is a usage error", f.v3(), []string{ids[1], "--admin", admin}, exitUsage, "one of --approve and --reject"},
		{"both --approve and --reject is a usage error", f.v3(), []string{ids[1], "--approve", "--reject", "--comment", "x", "--admin", admin}, exitUsage, "one of --approve and --reject"},
		{"--reject without --comment is a usage error", f.v3(), []string{ids[1], "--reject", "--admin", admin}, exitUsage, "--reject needs --comment"},
		{"--comment with --approve is a usage error", f.v3(), []string{ids[1], "--approve", "--comment", "x", "--admin", admin}, exitUsage, "--comment is only for --reject"},
		{"a missing --admin is a usage error", f.v3(), []string{ids[1], "--approve"}, exitUsage, "--admin NAME is required"},
		{"a bad date is a usage error naming the flag", f.v3(), []string{ids[1], "--approve", "--admin", admin, "--birth-date", "25/12/1985"}, exitUsage, "--birth-date"},
		{"a missing ID is a usage error", f.v3(), []string{"--approve", "--admin", admin}, exitUsage, "want 1 argument(s) (ID)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.srv.ResetRequests()
			r := tt.f.run(t, append([]string{"review"}, tt.args...)...)
			assert.Equal(t, tt.want, r.code, r.stderr)
			assert.Contains(t, r.stderr, tt.wantStderr)
			assert.Empty(t, r.stdout)
			if tt.want == exitUsage {
				assert.Empty(t, f.srv.Requests(), "nothing is sent")
			}
		})
	}
	t.Run("with ARGOS_BASE_URL the guide's v2 host it says to set the v3 one, before any request", func(t *testing.T) {
		r := runEnv(map[string]string{envAPIKey: "k", envBaseURL: argos.BaseURLV2}, "review", "sub-1", "--approve", "--admin", admin)
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "review calls the v3 API, and the base URL is v2 ("+argos.BaseURLV2+"): set ARGOS_BASE_URL="+argos.BaseURLV3+"\n")
	})
	t.Run("the undecided submission is still pending after the refusals", func(t *testing.T) {
		assert.Equal(t, argos.KYCPending, f.serverView(t, ids[1]).KYC.Status)
	})
}
