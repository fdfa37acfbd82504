package argostest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// DefaultAdmin is the dashboard admin every fake project has: the v3
// management endpoints accept it in their admin field (add others with
// WithAdmins).
const DefaultAdmin = "admin@example.com"

// keyFor is the key a request to path must carry: the Add-on key for
// FaceAuth, the project's key for everything else.
func (fk *fake) keyFor(path string) string {
	if path == "/faceauth" || strings.HasPrefix(path, "/faceauth/") {
		return fk.cfg.addOnKey
	}
	return fk.cfg.apiKey
}

// isAdmin reports whether admin is one of the project's dashboard admins.
func (fk *fake) isAdmin(admin string) bool {
	return slices.ContainsFunc(fk.cfg.admins, func(a string) bool { return strings.EqualFold(a, strings.TrimSpace(admin)) })
}

// writeError writes a 400 with the {"errorCode", "message"} shape of the
// v3 management pages.
func writeError(w http.ResponseWriter, code, msg string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"errorCode": code, "message": msg})
}

// decodeObject decodes a JSON object body into v. It reports the first key
// of the body that v does not have (unknown, "" when none) and whether the
// body was a JSON object at all.
func decodeObject(raw []byte, v any) (unknown string, ok bool) {
	var keys map[string]json.RawMessage
	if json.Unmarshal(raw, &keys) != nil || keys == nil {
		return "", false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var known map[string]json.RawMessage
		b, _ := json.Marshal(v)
		_ = json.Unmarshal(b, &known)
		for k := range keys {
			if _, ok := known[k]; !ok {
				return k, true
			}
		}
		return "", false // a value of the wrong type
	}
	return "", true
}

// base64Alphabet is standard Base64 with its padding and line breaks.
const base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n"

// isBase64Text reports whether b is Base64 text (standard alphabet, with
// optional padding and line breaks).
func isBase64Text(b []byte) bool {
	for _, c := range b {
		if !strings.ContainsRune(base64Alphabet, rune(c)) {
			return false
		}
	}
	return len(b) > 0
}

// decodeBase64Image decodes a Base64 form value into image bytes; ok is
// false when it is not Base64 or not a JPEG or PNG.
func decodeBase64Image(v []byte) ([]byte, bool) {
	clean := bytes.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == ' ' {
			return -1
		}
		return r
	}, v)
	data, err := base64.StdEncoding.DecodeString(string(clean))
	if err != nil || !isImage(data) {
		return nil, false
	}
	return data, true
}
