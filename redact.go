package argos

// Redaction: every exported type that holds secrets or applicant data has a
// Format method (for every fmt verb) and a LogValue method (for slog) right
// after its declaration; they are built on the shared helpers here.
// redact_test.go finds the package's types by parsing it and fails for a
// type that has neither the methods nor a reason it needs none.

import (
	"bytes"
	"encoding/json"
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

// maskedValues lists the values of the request that error strings mask:
// those of its endpoint's Personal fields (internal/endpoint) among the
// query parameters, the form's parts and, in a JSON body, every string or
// number nested under a Personal key; and the values seal added. A call
// without an endpoint masks every value it sends.
func (r *call) maskedValues() []string {
	personal := func(key string) bool { return r.ep == nil || r.ep.IsPersonal(key) }
	out := append([]string(nil), r.sensitive...)
	for _, params := range [...]query{r.query, r.form} {
		for _, p := range params {
			if personal(p.key) {
				out = append(out, p.value)
			}
		}
	}
	if len(r.jsonBody) > 0 {
		d := json.NewDecoder(bytes.NewReader(r.jsonBody))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err == nil {
			out = appendPersonal(out, v, false, personal)
		}
	}
	return out
}

// appendPersonal appends the strings and numbers of the JSON value v that
// sit under a personal key (under: v itself does).
func appendPersonal(out []string, v any, under bool, personal func(string) bool) []string {
	switch v := v.(type) {
	case string:
		if under {
			out = append(out, v)
		}
	case json.Number:
		if under {
			out = append(out, v.String())
		}
	case []any:
		for _, e := range v {
			out = appendPersonal(out, e, under, personal)
		}
	case map[string]any:
		for k, e := range v {
			out = appendPersonal(out, e, under || personal(k), personal)
		}
	}
	return out
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
