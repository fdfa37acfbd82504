package securewire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
)

// Mode says how a call travels when the project's Secure Data Transmission
// option is on.
type Mode uint8

const (
	// Plain calls are not covered: sent and answered in clear.
	Plain Mode = iota
	// Sealed calls send their input encrypted ({"data": …} body, or the only
	// query parameter data on a GET) and get a {"data": …} 2xx answer.
	Sealed
	// Flagged calls are Sealed with "isEncrypted": true beside data in the
	// body (POST /submission/migration).
	Flagged
)

// Field names of the envelope and the query parameter.
const (
	DataField = "data"
	FlagField = "isEncrypted"
)

// ErrPlaintext matches an input that should have been encrypted and was
// not: a body or query without the data envelope.
var ErrPlaintext = errors.New("argos: input is not encrypted")

// envelope is {"isEncrypted": true, "data": "…"}; the flag is left out
// unless set.
type envelope struct {
	IsEncrypted *bool  `json:"isEncrypted,omitempty"`
	Data        string `json:"data"`
}

// SealBody encrypts plaintext (a JSON document) into the envelope
// {"data":"<Base64>"}, with "isEncrypted":true first when mode is Flagged.
func SealBody(key string, plaintext []byte, mode Mode) ([]byte, error) {
	ct, err := Encrypt(key, plaintext)
	if err != nil {
		return nil, err
	}
	env := envelope{Data: ct}
	if mode == Flagged {
		flag := true
		env.IsEncrypted = &flag
	}
	return json.Marshal(env)
}

// SealQuery returns the value of the data query parameter: the JSON object
// of params (the plain query's keys and values; empty values are left out,
// as in the plain query), encrypted.
func SealQuery(key string, params map[string]string) (string, error) {
	obj := make(map[string]string, len(params))
	for k, v := range params {
		if v != "" {
			obj[k] = v
		}
	}
	plain, err := json.Marshal(obj) // keys sorted: the same query seals the same way
	if err != nil {
		return "", fmt.Errorf("argos: encoding the query: %w", err)
	}
	return Encrypt(key, plain)
}

// Open reads an answer. A JSON object whose data member is a JSON string is
// an envelope: Open returns its decrypted plaintext and sealed true, or an
// error matching ErrDecrypt. Any other body is returned unchanged with
// sealed false, for the caller to decode as a plain answer.
func Open(key string, body []byte) (plain []byte, sealed bool, err error) {
	ct, ok := envelopeData(body)
	if !ok {
		return body, false, nil
	}
	plain, err = Decrypt(key, ct)
	if err != nil {
		return nil, true, err
	}
	return plain, true, nil
}

// envelopeData returns the data string of an envelope.
func envelopeData(body []byte) (string, bool) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return "", false
	}
	if ct, ok := plainEnvelope(body); ok {
		return ct, true
	}
	return jsonEnvelope(body)
}

// jsonEnvelope reads an envelope with encoding/json: any key order, other
// members, escapes.
func jsonEnvelope(body []byte) (string, bool) {
	var w struct {
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(body, &w) != nil || len(w.Data) == 0 || w.Data[0] != '"' {
		return "", false
	}
	var ct string
	if json.Unmarshal(w.Data, &ct) != nil {
		return "", false
	}
	return ct, true
}

// plainEnvelope reads the usual envelope, {"data":"<Base64>"} with optional
// white space and nothing but Base64 characters in the string, without encoding/json's passes over a
// multi-megabyte string; any other body is left to encoding/json.
func plainEnvelope(body []byte) (string, bool) {
	rest, ok := bytes.CutPrefix(body, []byte("{"))
	if !ok {
		return "", false
	}
	for _, tok := range []string{`"data"`, ":", `"`} {
		if rest, ok = bytes.CutPrefix(bytes.TrimLeft(rest, " \t\r\n"), []byte(tok)); !ok {
			return "", false
		}
	}
	end := bytes.IndexByte(rest, '"')
	if end < 0 || !isBase64(rest[:end], false) || string(bytes.TrimLeft(rest[end+1:], " \t\r\n")) != "}" {
		return "", false
	}
	return string(rest[:end]), true
}

// OpenRequestBody reads the body of a covered request: the envelope
// {"data": "<Base64>"} (with "isEncrypted": true when mode is Flagged), or,
// unless mode is Flagged, a bare Base64 body. A body that is neither
// matches ErrPlaintext; ciphertext that does not decrypt matches
// ErrDecrypt.
func OpenRequestBody(key string, body []byte, mode Mode) ([]byte, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var env struct {
			IsEncrypted *bool `json:"isEncrypted"`
		}
		ct, ok := envelopeData(trimmed)
		if !ok || (mode == Flagged && (json.Unmarshal(trimmed, &env) != nil || env.IsEncrypted == nil || !*env.IsEncrypted)) {
			return nil, ErrPlaintext
		}
		return Decrypt(key, ct)
	}
	if mode == Flagged || len(trimmed) == 0 {
		return nil, ErrPlaintext
	}
	plain, err := Decrypt(key, string(trimmed))
	if err != nil && !isBase64(trimmed, true) {
		return nil, ErrPlaintext
	}
	return plain, err
}

// isBase64 reports whether b is made of standard Base64 characters only,
// and line breaks when lines is set.
func isBase64(b []byte, lines bool) bool {
	for _, c := range b {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/', c == '=':
		case lines && (c == '\r' || c == '\n'):
		default:
			return false
		}
	}
	return true
}

// OpenQuery reads the query of a covered GET: data must be its only
// parameter, and decrypt to a JSON object. String values are taken as
// they are, numbers and booleans as their JSON text, null as absent.
// A query without data, or with other parameters beside it, matches
// ErrPlaintext.
func OpenQuery(key string, q url.Values) (url.Values, error) {
	cts, ok := q[DataField]
	if !ok || len(q) != 1 || len(cts) != 1 {
		return nil, ErrPlaintext
	}
	plain, err := Decrypt(key, cts[0])
	if err != nil {
		return nil, err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(plain, &obj); err != nil || obj == nil {
		return nil, fmt.Errorf("%w: the decrypted query is not a JSON object", ErrDecrypt)
	}
	out := url.Values{}
	for k, raw := range obj {
		switch raw[0] {
		case '"':
			var s string
			if json.Unmarshal(raw, &s) != nil {
				return nil, fmt.Errorf("%w: the decrypted query is not a JSON object", ErrDecrypt)
			}
			out.Set(k, s)
		case '{', '[':
			return nil, fmt.Errorf("%w: a value of the decrypted query is an object or a list", ErrDecrypt)
		case 'n': // null
		default:
			out.Set(k, string(raw))
		}
	}
	return out, nil
}
