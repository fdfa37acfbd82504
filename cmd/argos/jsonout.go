package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// --json output leaves out the members of each object that hold no value
// ("", null, [] or {}, the last two after their own empty members are left
// out), keeping the order of the others; 0 and false are values and stay,
// and so do the elements of arrays (their position means something). The
// SDK's types print every field, most of them empty for a given
// submission.

// member is one member of a JSON object, in order.
type member struct {
	key string
	val any
}

// object is a JSON object whose members keep their order.
type object []member

// omitEmpty returns the JSON b without its empty members, compact.
func omitEmpty(b []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := decodeOrdered(dec)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := encodeOrdered(&out, prune(v)); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// decodeOrdered reads one value: an object as an object, an array as
// []any, a number as json.Number, a string, a bool or nil.
func decodeOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	switch d {
	case '{':
		obj := object{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			key, _ := kt.(string)
			v, err := decodeOrdered(dec)
			if err != nil {
				return nil, err
			}
			obj = append(obj, member{key, v})
		}
		_, err = dec.Token() // }
		return obj, err
	case '[':
		arr := []any{}
		for dec.More() {
			v, err := decodeOrdered(dec)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		_, err = dec.Token() // ]
		return arr, err
	}
	return nil, errors.New("unexpected JSON delimiter")
}

// prune leaves out the empty members of every object in v.
func prune(v any) any {
	switch v := v.(type) {
	case object:
		out := object{}
		for _, m := range v {
			if pv := prune(m.val); !empty(pv) {
				out = append(out, member{m.key, pv})
			}
		}
		return out
	case []any:
		for i, e := range v {
			v[i] = prune(e)
		}
	}
	return v
}

func empty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case object:
		return len(v) == 0
	case []any:
		return len(v) == 0
	}
	return false
}

// encodeOrdered writes v compact, strings without HTML escaping.
func encodeOrdered(w *bytes.Buffer, v any) error {
	switch v := v.(type) {
	case object:
		w.WriteByte('{')
		for i, m := range v {
			if i > 0 {
				w.WriteByte(',')
			}
			if err := encodeOrdered(w, m.key); err != nil {
				return err
			}
			w.WriteByte(':')
			if err := encodeOrdered(w, m.val); err != nil {
				return err
			}
		}
		w.WriteByte('}')
	case []any:
		w.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				w.WriteByte(',')
			}
			if err := encodeOrdered(w, e); err != nil {
				return err
			}
		}
		w.WriteByte(']')
	default:
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("encoding JSON: %w", err)
		}
		w.Truncate(w.Len() - 1) // Encode's newline
	}
	return nil
}
