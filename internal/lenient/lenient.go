// Package lenient reads JSON the way the Argos documentation drifts: Decode
// is the one decoder every call's answer goes through (into the SDK's result
// types, by their json tags), and Float, Int, String and Strings are single
// values read by the same rules, for the webhook parser, which reads members
// by their exact names. Numbers sent as strings, nulls, and strings sent as
// numbers are accepted; one odd value never fails a whole document.
package lenient

// Float is a number that may arrive as a JSON number, a quoted number or
// null. Set reports whether a number was present.
type Float struct {
	V   float64
	Set bool
}

// UnmarshalJSON implements json.Unmarshaler; it never fails.
func (f *Float) UnmarshalJSON(b []byte) error {
	*f = Float{}
	var v *float64
	if Decode(b, &v, nil) == nil && v != nil {
		f.V, f.Set = *v, true
	}
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
	*n = Int{}
	var v *int
	if Decode(b, &v, nil) == nil && v != nil {
		n.V, n.Set = *v, true
	}
	return nil
}

// String is text that may arrive as a JSON string, number or boolean (kept as
// written) or null (empty).
type String string

// UnmarshalJSON implements json.Unmarshaler; it never fails.
func (s *String) UnmarshalJSON(b []byte) error {
	var v string
	if Decode(b, &v, nil) != nil {
		v = ""
	}
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
	var v []string
	if Decode(b, &v, nil) != nil {
		v = nil
	}
	*l = v
	return nil
}
