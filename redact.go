package argos

// Redaction: every exported type that holds secrets or applicant data has a
// Format method (for every fmt verb) and a LogValue method (for slog) right
// after its declaration; they are built on the shared helpers here.
// redact_test.go finds the package's types by parsing it and fails for a
// type that has neither the methods nor a reason it needs none.

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

const redacted = "[REDACTED]"

// redact masks the request's own applicant values (a name, a birth date,
// a user ID the server echoes back), then emails and long digit runs.
func (e *APIError) redact(s string) string {
	for _, v := range e.sensitive {
		if len(v) >= 3 {
			mask := "[redacted]"
			if strings.Contains(v, "@") {
				mask = "[email]" // as redactText masks emails the request did not carry
			}
			s = strings.ReplaceAll(s, v, mask)
		}
	}
	return redactText(s)
}

var (
	emailRe  = regexp.MustCompile(`[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+`)
	digitsRe = regexp.MustCompile(`\d[\d*\-]{5,}\d|\d{6,}`)
)

// redactText makes server text safe for an error string: emails and long
// digit runs (ID numbers, phone numbers) are masked, control characters
// dropped, and the length capped.
func redactText(s string) string {
	s = emailRe.ReplaceAllString(s, "[email]")
	s = digitsRe.ReplaceAllString(s, "[number]")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	const maxLen = 200
	if utf8.RuneCountInString(s) > maxLen {
		s = string([]rune(s)[:maxLen]) + "…"
	}
	return s
}

// formatError writes err's message, quoted for %q.
func formatError(f fmt.State, verb rune, err error) {
	if verb == 'q' {
		_, _ = io.WriteString(f, strconv.Quote(err.Error()))
		return
	}
	_, _ = io.WriteString(f, err.Error())
}

// setNames lists the names whose values are set, never the values.
func setNames(pairs ...string) []string {
	var out []string
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			out = append(out, pairs[i])
		}
	}
	return out
}
