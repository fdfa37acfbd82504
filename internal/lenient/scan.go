package lenient

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// The byte-level reading of a document: white space, strings, literals,
// numbers and the commas between members and elements.

func (d *decoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// str reads the string at d.i.
func (d *decoder) str() (string, error) {
	start := d.i
	plain := true
	for d.i++; d.i < len(d.b); d.i++ {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			if plain {
				return d.text(start+1, d.i-1), nil
			}
			var s string
			if err := json.Unmarshal(d.b[start:d.i], &s); err != nil {
				d.i = start
				return "", d.syntax("a malformed string")
			}
			return s, nil
		case c == '\\':
			plain = false
			d.i++ // the escaped byte; json.Unmarshal checks the escape
		case c < 0x20:
			return "", d.syntax("a control character in a string")
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(d.b[d.i:])
			if r == utf8.RuneError && n == 1 {
				plain = false // encoding/json replaces it with U+FFFD
			}
			d.i += n - 1
		}
	}
	return "", d.syntax("an unterminated string")
}

// dropTrailingCommas returns a copy of b without the commas that follow a
// value and stand (white space aside) right before a closing bracket or
// brace, outside strings: what Decode allows beyond JSON. Nothing else is
// changed, so b malformed in another way stays malformed.
func dropTrailingCommas(b []byte) []byte {
	var last byte // the last byte outside strings and white space
	out := make([]byte, 0, len(b))
	inString, escaped, pending := false, false, -1
	for _, c := range b {
		if inString {
			out = append(out, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString, last = false, '"'
			}
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			out = append(out, c)
			continue
		case '}', ']':
			if pending >= 0 {
				out = append(out[:pending], out[pending+1:]...)
			}
		case '"':
			inString = true
		}
		pending = -1
		if c == ',' && last != '[' && last != '{' && last != ',' {
			pending = len(out) // a comma after a value
		}
		out = append(out, c)
		last = c
	}
	return out
}

// literal reads true, false or null.
func (d *decoder) literal(lit string) error {
	if !strings.HasPrefix(string(d.b[d.i:min(len(d.b), d.i+len(lit))]), lit) {
		return d.syntax("a malformed literal")
	}
	d.i += len(lit)
	return nil
}

// number reads a JSON number.
func (d *decoder) number() error {
	digits := func() int {
		n := 0
		for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
			d.i, n = d.i+1, n+1
		}
		return n
	}
	if d.b[d.i] == '-' {
		d.i++
	}
	if d.i < len(d.b) && d.b[d.i] == '0' {
		d.i++
	} else if digits() == 0 {
		return d.syntax("a malformed number")
	}
	if d.i < len(d.b) && d.b[d.i] == '.' {
		d.i++
		if digits() == 0 {
			return d.syntax("a malformed number")
		}
	}
	if d.i < len(d.b) && (d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		d.i++
		if d.i < len(d.b) && (d.b[d.i] == '+' || d.b[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			return d.syntax("a malformed number")
		}
	}
	return nil
}

// next moves to the n-th member or element of the object or array being
// read (past the comma before it), and reports false when its closing brace
// or bracket, end, came instead, read (after a trailing comma or none).
func (d *decoder) next(n int, end byte) (bool, error) {
	d.space()
	if d.i < len(d.b) && d.b[d.i] == end {
		d.i++
		return false, nil
	}
	if n == 0 {
		return true, nil
	}
	if d.i >= len(d.b) || d.b[d.i] != ',' {
		return false, d.syntax("a missing comma or closing " + map[byte]string{'}': "brace", ']': "bracket"}[end])
	}
	d.i++
	if d.space(); d.i < len(d.b) && d.b[d.i] == end { // a trailing comma
		d.i, d.commas = d.i+1, d.commas+1
		return false, nil
	}
	return true, nil
}

// emptyObject reads the object at d.i when it has no members ("{}", white
// space inside allowed), and reports whether it did.
func (d *decoder) emptyObject() bool {
	j := d.i + 1
	for j < len(d.b) && (d.b[j] == ' ' || d.b[j] == '\t' || d.b[j] == '\n' || d.b[j] == '\r') {
		j++
	}
	if j < len(d.b) && d.b[j] == '}' {
		d.i = j + 1
		return true
	}
	return false
}
