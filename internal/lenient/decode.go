package lenient

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// ErrTooManyItems is the error of Decode for an array longer than
// Options.MaxItems.
var ErrTooManyItems = errors.New("lenient: too many items in a list")

// SyntaxError is the error of Decode for a document that is not JSON.
type SyntaxError struct {
	Offset int // the byte where reading stopped
	Msg    string
}

func (e *SyntaxError) Error() string {
	return "lenient: " + e.Msg + " at offset " + strconv.Itoa(e.Offset)
}

// maxDepth bounds the nesting of a document (encoding/json allows 10000;
// no Argos answer nests more than a handful of levels).
const maxDepth = 1000

// Options tunes Decode.
type Options struct {
	// MaxItems, when positive, bounds the arrays that are the document or
	// a member of the document's object (a page's items): a longer one
	// fails with ErrTooManyItems as soon as it is seen, so a huge page is
	// never held decoded.
	MaxItems int
	// KeepType and Keep, when both set, hand each decoded struct whose
	// pointer implements KeepType (an interface type) to Keep, with the JSON
	// it was decoded from: a substring of one copy of the document, shared
	// by every struct kept (the strings Decode stores are copies of their
	// own).
	KeepType reflect.Type
	Keep     func(p any, raw *string)
}

// Decode decodes the JSON document b into v, a non-nil pointer, by the json
// tags of v's types (the name, "-", and ",unknown" for a map[string]string
// that collects the members no field names), leniently:
//
//   - a member matches a field by its exact name, else by its name ignoring
//     case and underscores ("submission_id", "Submissionid" and
//     "submissionId" are one field); a looser match never overwrites a
//     value an earlier member set (it goes to the ",unknown" map, if any);
//   - a string field takes a number or boolean as written; a number field
//     takes a number in a string; a bool field takes "true" or "false";
//   - a list takes a single value as a list of one, and {} as an empty list;
//   - null makes a pointer, list or map nil and leaves any other value as
//     it was (as encoding/json does);
//   - a value of any other type is skipped, so one odd value never fails
//     the document; a pointer stays nil when its value was skipped;
//   - a comma before a closing bracket or brace is allowed (the vendor's
//     samples have them).
//
// Everything else about the syntax is as strict as encoding/json: the
// document must be one JSON value, and anything else is a *SyntaxError.
// Every string stored is a copy of its own, as encoding/json makes it, so
// that one kept does not keep the document alive. A field whose type implements json.Unmarshaler, or is an
// interface, is handed its value's JSON without trailing commas
// (json.RawMessage keeps it so: as sent otherwise); an error it returns
// skips the value.
func Decode(b []byte, v any, o *Options) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errors.New("lenient: Decode needs a non-nil pointer")
	}
	d := decoder{b: b}
	if o != nil {
		d.o = *o
	}
	d.space()
	if _, err := d.value(rv.Elem(), 0); err != nil {
		return err
	}
	if d.space(); d.i < len(d.b) {
		return d.syntax("data after the document")
	}
	return nil
}

type decoder struct {
	b      []byte
	i      int
	src    string // one copy of b, made when the first string needs it
	o      Options
	commas int // trailing commas read so far
}

func (d *decoder) syntax(msg string) error { return &SyntaxError{Offset: d.i, Msg: msg} }

// text returns b[start:end] as a string sharing d.src, the one copy of b
// that the JSON handed to Keep shares too. What Decode stores in a string or
// a map key is a copy of its own (setScalar, member): a short string kept
// must not keep the whole document alive (a page of 2,000 submissions, for
// the ID of one).
func (d *decoder) text(start, end int) string {
	if d.src == "" {
		d.src = string(d.b)
	}
	return d.src[start:end]
}

// value decodes the value at d.i into v (which may be invalid: the value is
// then checked and skipped), and reports whether v was set.
func (d *decoder) value(v reflect.Value, depth int) (bool, error) {
	if depth >= maxDepth {
		return false, d.syntax("a document nested too deeply")
	}
	if d.i >= len(d.b) {
		return false, d.syntax("unexpected end of the document")
	}
	start := d.i
	if v.IsValid() {
		if set, done, err := d.special(v, depth); done {
			return set, err
		}
	}
	switch c := d.b[d.i]; {
	case c == '{':
		return d.object(v, depth)
	case c == '[':
		return d.array(v, depth)
	case c == '"':
		s, err := d.str()
		if err != nil || !v.IsValid() {
			return false, err
		}
		return setScalar(v, s, true), nil
	case c == 'n':
		if err := d.literal("null"); err != nil || !v.IsValid() {
			return false, err
		}
		if k := v.Kind(); k == reflect.Slice || k == reflect.Map {
			v.SetZero() // as encoding/json: null is a nil list or map, and leaves any other value as it was
		}
		return true, nil
	case c == 't' || c == 'f':
		lit := "false"
		if c == 't' {
			lit = "true"
		}
		if err := d.literal(lit); err != nil || !v.IsValid() {
			return false, err
		}
		return setScalar(v, lit, false), nil
	case c == '-' || (c >= '0' && c <= '9'):
		if err := d.number(); err != nil || !v.IsValid() {
			return false, err
		}
		return setScalar(v, d.text(start, d.i), false), nil
	default:
		return false, d.syntax("a character that starts no JSON value")
	}
}

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
)

// unmarshalers caches, by type, whether a pointer to it implements
// json.Unmarshaler: the question is asked for every value decoded.
var unmarshalers sync.Map // reflect.Type -> bool

func unmarshals(t reflect.Type) bool {
	if u, ok := unmarshalers.Load(t); ok {
		return u.(bool)
	}
	u := reflect.PointerTo(t).Implements(unmarshalerType)
	unmarshalers.Store(t, u)
	return u
}

// special decodes the values that do not follow their kind: pointers,
// json.Unmarshaler (json.RawMessage among them) and interfaces. done
// reports whether it did.
func (d *decoder) special(v reflect.Value, depth int) (set, done bool, err error) {
	t := v.Type()
	switch {
	case t.Kind() == reflect.Pointer:
		if d.b[d.i] == 'n' {
			err := d.literal("null")
			v.SetZero()
			return err == nil, true, err
		}
		p := reflect.New(t.Elem())
		set, err := d.value(p.Elem(), depth)
		if set {
			v.Set(p)
		}
		return set, true, err
	case t == rawMessageType || t.Kind() == reflect.Interface || unmarshals(t):
		start, commas := d.i, d.commas
		if _, err := d.value(reflect.Value{}, depth); err != nil {
			return false, true, err
		}
		raw := d.b[start:d.i]
		if d.commas != commas {
			raw = dropTrailingCommas(raw) // what is handed on is JSON
		} else if t == rawMessageType {
			raw = append([]byte(nil), raw...)
		}
		if t == rawMessageType {
			v.SetBytes(raw)
			return true, true, nil
		}
		if t.Kind() == reflect.Interface {
			return json.Unmarshal(raw, v.Addr().Interface()) == nil, true, nil
		}
		return v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(raw) == nil, true, nil
	}
	return false, false, nil
}

// setScalar stores the text of a string (quoted) or of a number or boolean
// literal in v when v's kind takes it, and reports whether it did.
func setScalar(v reflect.Value, s string, quoted bool) bool {
	switch v.Kind() {
	case reflect.String:
		v.SetString(strings.Clone(s)) // its own copy: see text
	case reflect.Bool:
		if s != "true" && s != "false" {
			return false
		}
		v.SetBool(s == "true")
	case reflect.Float32, reflect.Float64:
		f, ok := parseFloat(s, quoted)
		if !ok || v.OverflowFloat(f) {
			return false
		}
		v.SetFloat(f)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		f, ok := parseFloat(s, quoted)
		if !ok || f < -1<<53 || f > 1<<53 || v.OverflowInt(int64(f)) {
			return false
		}
		v.SetInt(int64(f))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		f, ok := parseFloat(s, quoted)
		if !ok || f < 0 || f > 1<<53 || v.OverflowUint(uint64(f)) {
			return false
		}
		v.SetUint(uint64(f))
	case reflect.Slice:
		// A single value where a list is documented: a list of one.
		e := reflect.New(v.Type().Elem()).Elem()
		if v.Type().Elem().Kind() == reflect.Slice || !setScalar(e, s, quoted) {
			return false
		}
		v.Set(reflect.Append(reflect.MakeSlice(v.Type(), 0, 1), e))
	default:
		return false
	}
	return true
}

// parseFloat reads a finite number, from a string with the spaces around it
// trimmed when quoted.
func parseFloat(s string, quoted bool) (float64, bool) {
	if quoted {
		s = strings.TrimSpace(s)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// object decodes the object at d.i into v: a struct by its fields, a map by
// its keys; anything else skips it.
func (d *decoder) object(v reflect.Value, depth int) (bool, error) {
	if v.IsValid() && v.Kind() == reflect.Slice && v.Type() != rawMessageType {
		if v.Type().Elem().Kind() == reflect.Slice {
			return d.object(reflect.Value{}, depth) // a list of lists takes no single object (as setScalar)
		}
		if d.emptyObject() {
			v.Set(reflect.MakeSlice(v.Type(), 0, 0)) // {} for [], as some servers encode an empty list
			return true, nil
		}
		// A single object where a list is documented: a list of one.
		e := reflect.New(v.Type().Elem()).Elem()
		set, err := d.object(e, depth)
		if set {
			v.Set(reflect.Append(reflect.MakeSlice(v.Type(), 0, 1), e))
		}
		return set, err
	}
	start := d.i
	var p *plan
	switch {
	case !v.IsValid():
	case v.Kind() == reflect.Struct:
		p = planOf(v.Type())
		v.SetZero()
	case v.Kind() == reflect.Map && v.Type().Key().Kind() == reflect.String:
		v.Set(reflect.MakeMap(v.Type()))
	default:
		v = reflect.Value{}
	}
	d.i++ // {
	for n := 0; ; n++ {
		if more, err := d.next(n, '}'); err != nil || !more {
			if err != nil {
				return false, err
			}
			break
		}
		if err := d.member(v, p, depth); err != nil {
			return false, err
		}
	}
	if p != nil && d.o.Keep != nil && p.keeps(d.o.KeepType) && v.CanAddr() {
		raw := d.text(start, d.i)
		d.o.Keep(v.Addr().Interface(), &raw)
	}
	return v.IsValid(), nil
}

// member decodes one "key": value of an object into v (a struct by plan p,
// a map, or nothing).
func (d *decoder) member(v reflect.Value, p *plan, depth int) error {
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return d.syntax("a missing object key")
	}
	key, err := d.str()
	if err != nil {
		return err
	}
	if d.space(); d.i >= len(d.b) || d.b[d.i] != ':' {
		return d.syntax("a missing colon after an object key")
	}
	d.i++
	d.space()
	var target, into reflect.Value // a field, or a map that takes the member under its key
	loose := false
	switch {
	case p != nil:
		f, exact := p.field(key)
		if f != nil {
			target, loose = v.FieldByIndex(f.index), !exact
		}
		taken := loose && !target.IsZero() // a looser name never overwrites
		switch {
		case (f == nil || taken) && p.unknown != nil:
			target, loose = reflect.Value{}, false
			into = v.FieldByIndex(p.unknown)
		case taken:
			target = reflect.Value{}
		}
	case v.IsValid(): // a map
		into = v
	}
	if into.IsValid() {
		e := reflect.New(into.Type().Elem()).Elem()
		if set, err := d.value(e, depth+1); err != nil || !set {
			return err
		}
		if into.IsNil() {
			into.Set(reflect.MakeMap(into.Type()))
		}
		into.SetMapIndex(reflect.ValueOf(strings.Clone(key)).Convert(into.Type().Key()), e)
		return nil
	}
	if !target.IsValid() || !loose {
		_, err = d.value(target, depth+1)
		return err
	}
	tmp := reflect.New(target.Type()).Elem()
	if set, err := d.value(tmp, depth+1); err != nil || !set {
		return err
	}
	target.Set(tmp)
	return nil
}

// array decodes the array at d.i into v, a list, element by element: a
// null element is the zero value; an element of another type is dropped
// from a list of strings, numbers or booleans, and left as the zero value in
// a list of objects, for the caller's checks to see. In anything but a list
// the array is skipped.
func (d *decoder) array(v reflect.Value, depth int) (bool, error) {
	if v.IsValid() && (v.Kind() != reflect.Slice || v.Type() == rawMessageType) {
		v = reflect.Value{}
	}
	if v.IsValid() {
		v.SetZero()
	}
	d.i++ // [
	for n := 0; ; n++ {
		if more, err := d.next(n, ']'); err != nil || !more {
			if err != nil {
				return false, err
			}
			break
		}
		if d.o.MaxItems > 0 && depth <= 1 && n >= d.o.MaxItems {
			return false, ErrTooManyItems
		}
		if !v.IsValid() {
			if _, err := d.value(reflect.Value{}, depth+1); err != nil {
				return false, err
			}
			continue
		}
		// v grows in place (reflect.Append would allocate a slice header
		// for every element).
		l := v.Len()
		if l == v.Cap() {
			v.Grow(1)
		}
		v.SetLen(l + 1)
		e := v.Index(l)
		e.SetZero()
		if set, err := d.value(e, depth+1); err != nil {
			return false, err
		} else if !set && scalarKind(v.Type().Elem()) {
			v.SetLen(l)
		}
	}
	if v.IsValid() && v.IsNil() {
		v.Set(reflect.MakeSlice(v.Type(), 0, 0)) // an empty list, not none
	}
	return v.IsValid(), nil
}

// scalarKind reports a string, number or boolean type.
func scalarKind(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return true
	}
	return false
}
