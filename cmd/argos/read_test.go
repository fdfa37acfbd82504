package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

func TestList(t *testing.T) {
	f := setup(t)
	f.seed(t, people...)

	goldens := []struct {
		name, file string
		args       []string
		wantStderr string
	}{
		{"it prints an aligned table with personal data masked", "list.golden", nil, ""},
		{"--show-pii shows emails, names and birth dates", "list_pii.golden", []string{"--show-pii"}, ""},
		{"--json prints the submissions as a masked JSON array", "list_json.golden", []string{"--json"}, ""},
		{"--user keeps one user's submissions", "list_user.golden", []string{"--user", "u-1"}, ""},
		{"--limit stops after that many, newest first, and says more match", "list_limit.golden", []string{"--limit", "2", "--page-size", "1"},
			"argos list: more submissions match than the 2 shown: --limit N shows N, --limit 0 all of them\n"},
	}
	for _, tt := range goldens {
		t.Run(tt.name, func(t *testing.T) {
			r := f.run(t, append([]string{"list"}, tt.args...)...)
			require.Equal(t, exitOK, r.code, r.stderr)
			assert.Equal(t, tt.wantStderr, r.stderr, "no progress on stderr when it is not a terminal")
			golden(t, tt.file, r.stdout)
		})
	}
	t.Run("the default of 50 rows says so when more match, in one request", func(t *testing.T) {
		g := setup(t)
		g.seedMany(t, 51, 4)
		g.srv.ResetRequests()
		r := g.run(t, "list")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, 51, strings.Count(r.stdout, "\n"), "a heading and 50 rows")
		assert.Contains(t, r.stderr, "more submissions match than the 50 shown: --limit N shows N, --limit 0 all of them")
		assert.Len(t, g.srv.Requests(), 1)

		r = g.run(t, "list", "--limit", "51")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Empty(t, r.stderr, "all of them are shown")
		r = g.run(t, "list", "--limit", "0")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Equal(t, 52, strings.Count(r.stdout, "\n"))
		assert.Empty(t, r.stderr)
	})

	t.Run("masked output holds none of the applicants' emails, names or birth dates", func(t *testing.T) {
		for _, args := range [][]string{{"list"}, {"list", "--json"}} {
			r := f.run(t, args...)
			for _, p := range people {
				for _, v := range []string{p.email, p.name, p.dob} {
					if v != "" {
						assert.NotContains(t, r.stdout, v, args)
					}
				}
			}
		}
	})
	t.Run("--email and a date range filter on the server", func(t *testing.T) {
		r := f.run(t, "list", "--email", "bob@example.com", "--json")
		require.Equal(t, exitOK, r.code, r.stderr)
		var got []argos.Submission
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &got))
		require.Len(t, got, 1)
		assert.Equal(t, "sub-0002", got[0].ID)

		// The clock steps an hour per change: all four were made on 2024-01-01.
		r = f.run(t, "list", "--from", "2024-01-02", "--json")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.JSONEq(t, "[]", r.stdout)
		r = f.run(t, "list", "--from", "2024-01-01", "--to", "2024-01-01", "--json")
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &got))
		assert.Len(t, got, 4)
	})
	t.Run("--type asks for one part of each submission", func(t *testing.T) {
		r := f.run(t, "list", "--type", "kyc", "--json", "--show-pii")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.NotContains(t, r.stdout, "alice@example.com", "the kyc projection has no email")
		assert.Contains(t, r.stdout, `"result": "approved"`)
	})
}

func TestGet(t *testing.T) {
	f := setup(t)
	ids := f.seed(t, people...)

	goldens := []struct {
		name, file string
		args       []string
	}{
		{"it prints every field as FIELD VALUE rows, masked", "get.golden", []string{ids[0]}},
		{"--show-pii unmasks them", "get_pii.golden", []string{ids[0], "--show-pii"}},
		{"--json after the ID prints the masked submission", "get_json.golden", []string{ids[0], "--json"}},
		{"--json --show-pii prints it as the API sent it", "get_json_pii.golden", []string{"--json", "--show-pii", ids[0]}},
	}
	for _, tt := range goldens {
		t.Run(tt.name, func(t *testing.T) {
			r := f.run(t, append([]string{"get"}, tt.args...)...)
			require.Equal(t, exitOK, r.code, r.stderr)
			golden(t, tt.file, r.stdout)
		})
	}
	t.Run("an unknown ID fails with exit code 1", func(t *testing.T) {
		r := f.run(t, "get", "nosuchsubmission")
		assert.Equal(t, exitFailure, r.code)
		assert.Contains(t, r.stderr, "not found")
		assert.Empty(t, r.stdout)
	})
}
