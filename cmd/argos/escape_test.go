package main

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos/argostest"
)

// hostile is what a hostile applicant or server puts in a value: a screen
// clear, a window title, an OSC 8 link, an OSC 52 clipboard write, cursor
// moves that hide the rows above, a right-to-left override, a C1 CSI and a
// tab.
const hostile = "x\x1b[2J\x1b]0;pwned\a\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\\x1b]52;c;cm0gLXJm\a\x1b[3A\x1b[2K\u202egnp.exe\u009b1m\ty"

// hostileShown is hostile as human-readable output shows it.
const hostileShown = `x\x1b[2J\x1b]0;pwned\x07\x1b]8;;https://evil.example\x1b\link\x1b]8;;\x1b\\x1b]52;c;cm0gLXJm\x07\x1b[3A\x1b[2K\u202egnp.exe\u009b1m\ty`

// raw reports the first byte sequence of s a terminal would act on.
func raw(s string) string {
	for _, seq := range []string{"\x1b", "\a", "\u202e", "\u009b", "\t"} {
		if strings.Contains(s, seq) {
			return strconv.Quote(seq)
		}
	}
	return ""
}

func TestVisible(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain text, a zero-width non-joiner included, is left alone", "Kim Min-jun 홍길동 نیم\u200cفاصله", "Kim Min-jun 홍길동 نیم\u200cفاصله"},
		{"escape sequences show their ESC and BEL", hostile, hostileShown},
		{"newlines and carriage returns show as \\n and \\r", "a\nb\rc", `a\nb\rc`},
		{"DEL and NUL show as \\x7f and \\x00", "a\x7fb\x00", `a\x7fb\x00`},
		{"bidi isolates and separators show as \\u escapes", "\u2066a\u2069\u2028", `\u2066a\u2069\u2028`},
		{"bytes that are not UTF-8 show as \\x escapes", "a\xffb\x9b", `a\xffb\x9b`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, visible(tt.in))
		})
	}
	t.Run("safeJSON escapes without changing what the JSON decodes to", func(t *testing.T) {
		b, err := json.Marshal(map[string]string{"v": hostile + "\x7f"})
		require.NoError(t, err)
		out := safeJSON(b)
		assert.Empty(t, raw(string(out)))
		assert.NotContains(t, string(out), "\x7f")
		var got map[string]string
		require.NoError(t, json.Unmarshal(out, &got))
		assert.Equal(t, hostile+"\x7f", got["v"])
	})
}

func TestTerminalEscapes(t *testing.T) {
	f := setup(t)
	ids := f.seed(t, applicant{"eve@example.com", "u-evil", "Eve Marker", "1990-01-01", outcome(argostest.OutcomeApprove)})
	// The fake hands the hostile text back where the user ID and the name
	// were (JSON-escaped, as a server sends it).
	enc, err := json.Marshal(hostile)
	require.NoError(t, err)
	hostileJSON := strings.Trim(string(enc), `"`)
	evil := func(a *app) { f.rewriting("u-evil", hostileJSON)(a) }

	for _, args := range [][]string{
		{"list"}, {"list", "--show-pii"}, {"get", ids[0]}, {"get", ids[0], "--show-pii"}, {"purge", "--until", "2024-01-01"},
	} {
		t.Run(strings.Join(args, " ")+" shows the hostile text escaped", func(t *testing.T) {
			r := f.runCtx(context.Background(), t, evil, args...)
			require.NotEqual(t, exitFailure, r.code, r.stderr)
			assert.Empty(t, raw(r.stdout), "no raw control or bidi character reaches the terminal")
			assert.Contains(t, r.stdout, hostileShown)
		})
	}
	for _, args := range [][]string{{"list", "--json"}, {"get", ids[0], "--json"}} {
		t.Run(strings.Join(args, " ")+" keeps the value exact, escaped in JSON", func(t *testing.T) {
			r := f.runCtx(context.Background(), t, evil, args...)
			require.Equal(t, exitOK, r.code, r.stderr)
			assert.Empty(t, raw(r.stdout), "no raw control or bidi character reaches the terminal")
			assert.Contains(t, r.stdout, `"userid": "`+hostileJSON[:5])
			var sub struct {
				UserID string `json:"userid"`
			}
			out := strings.TrimSpace(r.stdout)
			if strings.HasPrefix(out, "[") {
				out = strings.TrimSuffix(strings.TrimPrefix(out, "["), "]")
			}
			require.NoError(t, json.Unmarshal([]byte(out), &sub))
			assert.Equal(t, hostile, sub.UserID)
		})
	}
}
