package main

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Human-readable output (tables, messages, error lines) shows answer data
// with the characters a terminal would act on escaped visibly, so that an
// applicant's name or a server's message cannot clear the screen, retitle
// the window, plant a link or a clipboard write (OSC 8, OSC 52), move the
// cursor over rows of a purge preview, or reorder what is shown:
//
//   - C0 controls and DEL: \t, \n and \r as such, the others as \xHH
//     (ESC is \x1b, BEL \x07);
//   - C1 controls (U+0080–U+009F), the bidi embeddings, overrides and
//     isolates (U+202A–U+202E, U+2066–U+2069) and the line and paragraph
//     separators (U+2028, U+2029) as \uHHHH;
//   - bytes that are not UTF-8 as \xHH.
//
// A backslash is printed as it is, so the escaped text is for reading, not
// for parsing back: --json output is exact (see safeJSON).

// dangerous reports whether r is a character that visible escapes.
func dangerous(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) ||
		(r >= 0x2066 && r <= 0x2069) || r == 0x2028 || r == 0x2029
}

// visible returns s with the characters a terminal would act on escaped.
func visible(s string) string {
	clean := true
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if dangerous(r) || (r == utf8.RuneError && n == 1) {
			clean = false
			break
		}
		i += n
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case dangerous(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// visibleLines is visible for a message of several lines (errors.Join's):
// each line is escaped, and the line breaks between them stay.
func visibleLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = visible(l)
	}
	return strings.Join(lines, "\n")
}

// safeJSON rewrites JSON that encoding/json produced so that it holds no
// character a terminal would act on, without changing what it decodes to:
// DEL, the C1 controls and the bidi controls become \uHHHH escapes
// (encoding/json already escapes the C0 controls, U+2028 and U+2029), and a
// byte that is not UTF-8 becomes \ufffd, as encoding/json writes it for a
// string. Outside strings JSON is ASCII, so only string contents change.
func safeJSON(b []byte) []byte {
	if !bytes.ContainsFunc(b, func(r rune) bool { return r == utf8.RuneError || dangerous(r) }) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			out = append(out, `\ufffd`...)
		case r >= 0x20 && dangerous(r):
			out = fmt.Appendf(out, `\u%04x`, r)
		default:
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}
