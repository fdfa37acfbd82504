// Package lenient reads JSON the way the Argos documentation drifts: Decode
// is the one decoder every call's answer goes through (into the SDK's result
// types, by their json tags), and Float, Int, String and Strings are single
// values with the same rules, for the webhook parser, which reads members
// by their exact names. Numbers sent as strings, nulls, and strings sent as
// numbers are accepted; one odd value never fails a whole document.
package lenient

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// Float is a number that may arrive as a JSON number, a quoted number or
// null. Set reports whether a number was present.
type Float struct {
	V   float64
	Set bool
}

// UnmarshalJSON implements json.Unmarshaler; it never fails.
func (f *Float) UnmarshalJSON(b []byte) error {
	*f = Float{}
	s, ok := scalar(b)
	if !ok {
		return nil
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return nil // "NaN", "Inf" and out-of-range numbers are no score
	}
	f.V, f.Set = v, true
	return nil
}

// Ptr returns nil when no number was present, else a pointer to the value.
func (f Float) Ptr() *float64 {
	if !f.Set {
		return nil
	}
	v := f.V
	return &v
}

// Int is an integer that may arrive as a JSON number ("1" or 1.0 included),
// a quoted number or null.
type Int struct {
	V   int
	Set bool
}

// UnmarshalJSON implements json.Unmarshaler; it never fails.
func (n *Int) UnmarshalJSON(b []byte) error {
	var f Float
	_ = f.UnmarshalJSON(b)
	*n = Int{}
	if f.Set && f.V >= -1<<53 && f.V <= 1<<53 {
		n.V, n.Set = int(f.V), true
	}
	return nil
}

// String is text that may arrive as a JSON string, number or boolean (kept as
// written) or null (empty).
type String string

// UnmarshalJSON implements json.Unmarshaler; it never fails.
func (s *String) UnmarshalJSON(b []byte) error {
	v, _ := scalar(b)
	*s = String(v)
	return nil
}

// Strings is a list of strings that may arrive as an array, a single string
// or null. Numbers and booleans in the array are kept as their JSON text, a
// null element is "" (as encoding/json decodes it into a []string), and
// objects and arrays are dropped.
type Strings []string

// UnmarshalJSON implements json.Unmarshaler; it never fails.
func (l *Strings) UnmarshalJSON(b []byte) error {
	*l = nil
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	if b[0] != '[' {
		if v, ok := scalar(b); ok {
			*l = Strings{v}
		}
		return nil
	}
	var raw []json.RawMessage
	if json.Unmarshal(b, &raw) != nil {
		return nil
	}
	out := make(Strings, 0, len(raw))
	for _, r := range raw {
		if v, ok := scalar(r); ok || string(bytes.TrimSpace(r)) == "null" {
			out = append(out, v)
		}
	}
	*l = out
	return nil
}

// scalar returns the text of a JSON string, number or boolean. It reports
// false for null, objects, arrays and malformed input.
func scalar(b []byte) (string, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "", false
	}
	switch b[0] {
	case '"':
		var s string
		if json.Unmarshal(b, &s) != nil {
			return "", false
		}
		return s, true
	case 'n', '{', '[':
		return "", false
	default:
		if !json.Valid(b) {
			return "", false
		}
		return string(b), true
	}
}
