package argos

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"

	"github.com/kycgo/argos/internal/lenient"
)

// decode decodes an answer's body into v, a pointer to the call's result
// type, with the one decoder every call uses (internal/lenient): the result
// types are the wire types, named by their json tags, and the decoder is
// lenient where the vendor's documents drift (numbers as strings and the
// reverse, nulls, single values for lists, snake_case and camelCase names,
// trailing commas, a value of an unexpected type skipped). The top-level
// shape must match (an object, or an array when wantArray), and a list of
// more than MaxPageSize items is refused as it is read. Every result that
// embeds answer keeps the JSON it was decoded from, for Raw.
func decode(op string, resp *http.Response, body []byte, v any, wantArray bool) error {
	derr := func(reason string, err error) error {
		return &DecodeError{Op: op, StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Reason: reason, Err: err}
	}
	first := firstByte(body)
	if first == 0 {
		return derr("empty body", nil)
	}
	want := byte('{')
	if wantArray {
		want = '['
	}
	if first != want {
		if first == '<' {
			return derr("an HTML page instead of JSON", nil)
		}
		return derr("not a JSON "+map[bool]string{false: "object", true: "array"}[wantArray], nil)
	}
	switch err := lenient.Decode(body, v, &decodeOptions); {
	case errors.Is(err, lenient.ErrTooManyItems):
		return derr(fmt.Sprintf("a list of more than %d items (MaxPageSize)", MaxPageSize), ErrResponseTooLarge)
	case err != nil:
		return derr("malformed JSON", err)
	}
	return nil
}

// decodeOptions hand every decoded answer its JSON (answer.keep).
var decodeOptions = lenient.Options{
	MaxItems: MaxPageSize,
	KeepType: reflect.TypeFor[keeper](),
	Keep:     func(p any, raw *string) { p.(keeper).keep(raw) },
}

// keeper is a result that keeps its JSON: every type that embeds answer.
type keeper interface{ keep(raw *string) }

// answer keeps the JSON an API answer was decoded from: every type a call
// returns embeds it, for Raw. The JSON, which may carry personal data, is
// kept as a *string: fmt shows a pointer to a string as an address under
// every verb (a pointer to a slice or a struct it would print whole), and
// json.Marshal skips the unexported field.
type answer struct{ raw *string }

func (a *answer) keep(raw *string) { a.raw = raw }

// Raw returns the JSON of the answer the value was decoded from, as
// received (decrypted, with WithSecureTransmission), for fields the SDK does
// not model: one item of a page for a Submission, the last request's answer
// for a TokensResult. It is nil for a value the client did not decode. It
// may hold personal data; prints and logs of the value leave it out.
func (a answer) Raw() json.RawMessage {
	if a.raw == nil {
		return nil
	}
	return json.RawMessage(*a.raw) // a copy: the result's JSON cannot be changed through it
}

// firstByte returns the first byte of b that is not JSON white space, or 0.
func firstByte(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r':
		default:
			return c
		}
	}
	return 0
}

// typedStrings converts a decoded list of strings to a list of a string
// type (the code types); nil stays nil.
func typedStrings[T ~string](ss []string) []T {
	if ss == nil {
		return nil
	}
	out := make([]T, len(ss))
	for i, s := range ss {
		out[i] = T(s)
	}
	return out
}
