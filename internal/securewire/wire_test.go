package securewire

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testKey  = "test_0123456789abcdef0123456789abcdef"
	otherKey = "test_fedcba9876543210fedcba9876543210"
)

// seal encrypts s with key, failing the test on error.
func seal(t testing.TB, key, s string) string {
	t.Helper()
	ct, err := Encrypt(key, []byte(s))
	require.NoError(t, err)
	return ct
}

func TestSealBody(t *testing.T) {
	plain := []byte(`{"submissionId":"abc","admin":"a@example.com"}`)
	tests := []struct {
		name     string
		mode     Mode
		wantKeys []string
	}{
		{"a sealed body is the data envelope alone", Sealed, []string{"data"}},
		{"a flagged body has isEncrypted true beside data", Flagged, []string{"data", "isEncrypted"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := SealBody(testKey, plain, tt.mode)
			require.NoError(t, err)
			var m map[string]any
			require.NoError(t, json.Unmarshal(body, &m))
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			assert.ElementsMatch(t, tt.wantKeys, keys)
			if tt.mode == Flagged {
				assert.Equal(t, true, m["isEncrypted"])
			}
			assert.NotContains(t, string(body), "a@example.com")

			got, err := OpenRequestBody(testKey, body, tt.mode)
			require.NoError(t, err)
			assert.Equal(t, plain, got)
		})
	}
}

func TestSealQuery(t *testing.T) {
	t.Run("the query object has the plain query's keys, string values and no empty ones", func(t *testing.T) {
		data, err := SealQuery(testKey, map[string]string{"userid": "u1", "count": "50", "email": ""})
		require.NoError(t, err)
		plain, err := Decrypt(testKey, data)
		require.NoError(t, err)
		assert.JSONEq(t, `{"userid":"u1","count":"50"}`, string(plain))

		q, err := OpenQuery(testKey, url.Values{DataField: {data}})
		require.NoError(t, err)
		assert.Equal(t, url.Values{"userid": {"u1"}, "count": {"50"}}, q)
	})
	t.Run("no parameters seal as an empty object", func(t *testing.T) {
		data, err := SealQuery(testKey, nil)
		require.NoError(t, err)
		plain, err := Decrypt(testKey, data)
		require.NoError(t, err)
		assert.Equal(t, "{}", string(plain))
	})
	t.Run("the same query seals the same way", func(t *testing.T) {
		params := map[string]string{"a": "1", "b": "2", "c": "3", "d": "4"}
		first, err := SealQuery(testKey, params)
		require.NoError(t, err)
		for range 10 {
			again, err := SealQuery(testKey, params)
			require.NoError(t, err)
			assert.Equal(t, first, again)
		}
	})
}

func TestOpen(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		wantPlain  string
		wantSealed bool
		wantErr    bool
	}{
		{"an envelope is decrypted", `{"data":"` + seal(t, testKey, `{"Items":[]}`) + `"}`, `{"Items":[]}`, true, false},
		{"white space around an envelope is fine", " \n{\"data\": \"" + seal(t, testKey, `{}`) + "\"}\n", `{}`, true, false},
		{"a plain answer is not an envelope", `{"Items":[{"data":{"name":"x"}}]}`, `{"Items":[{"data":{"name":"x"}}]}`, false, false},
		{"data that is not a string is not an envelope", `{"data":{"a":1}}`, `{"data":{"a":1}}`, false, false},
		{"an array is not an envelope", `[{"data":"x"}]`, `[{"data":"x"}]`, false, false},
		{"malformed JSON is not an envelope", `{"data":"abc"`, `{"data":"abc"`, false, false},
		{"ciphertext under another key fails", `{"data":"` + seal(t, otherKey, `{"Items":[]}`) + `"}`, "", true, true},
		{"data that is not Base64 fails", `{"data":"not base64!"}`, "", true, true},
		{"an empty data string fails", `{"data":""}`, "", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain, sealed, err := Open(testKey, []byte(tt.body))
			assert.Equal(t, tt.wantSealed, sealed)
			if tt.wantErr {
				require.ErrorIs(t, err, ErrDecrypt)
				assert.Nil(t, plain)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantPlain, string(plain))
		})
	}
}

func TestOpenRequestBody(t *testing.T) {
	ct := seal(t, testKey, `{"tokenId":["abcdefgh"]}`)
	tests := []struct {
		name    string
		body    string
		mode    Mode
		want    string
		wantErr error
	}{
		{"a bare Base64 body is accepted", ct, Sealed, `{"tokenId":["abcdefgh"]}`, nil},
		{"a bare Base64 body with a final newline is accepted", ct + "\n", Sealed, `{"tokenId":["abcdefgh"]}`, nil},
		{"an envelope is accepted", `{"data":"` + ct + `"}`, Sealed, `{"tokenId":["abcdefgh"]}`, nil},
		{"plain JSON is refused as plaintext", `{"tokenId":["abcdefgh"]}`, Sealed, "", ErrPlaintext},
		{"a form body is refused as plaintext", "address=1+Main+St&language=en", Sealed, "", ErrPlaintext},
		{"an empty body is refused as plaintext", "", Sealed, "", ErrPlaintext},
		{"a flagged call needs isEncrypted", `{"data":"` + ct + `"}`, Flagged, "", ErrPlaintext},
		{"a flagged call refuses isEncrypted false", `{"isEncrypted":false,"data":"` + ct + `"}`, Flagged, "", ErrPlaintext},
		{"a flagged call refuses a bare Base64 body", ct, Flagged, "", ErrPlaintext},
		{"a flagged envelope is accepted", `{"isEncrypted":true,"data":"` + ct + `"}`, Flagged, `{"tokenId":["abcdefgh"]}`, nil},
		{"Base64 under another key does not decrypt", seal(t, otherKey, "{}"), Sealed, "", ErrDecrypt},
		{"a truncated ciphertext does not decrypt", ct[:len(ct)-8], Sealed, "", ErrDecrypt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := OpenRequestBody(testKey, []byte(tt.body), tt.mode)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
}

func TestOpenQuery(t *testing.T) {
	data := seal(t, testKey, `{"submission_id":"s1","count":50,"flag":true,"gone":null}`)
	t.Run("strings, numbers and booleans become values, null is absent", func(t *testing.T) {
		q, err := OpenQuery(testKey, url.Values{"data": {data}})
		require.NoError(t, err)
		assert.Equal(t, url.Values{"submission_id": {"s1"}, "count": {"50"}, "flag": {"true"}}, q)
	})
	tests := []struct {
		name    string
		query   url.Values
		wantErr error
	}{
		{"a plain query is plaintext", url.Values{"submission_id": {"s1"}}, ErrPlaintext},
		{"an empty query is plaintext", url.Values{}, ErrPlaintext},
		{"a parameter beside data is plaintext", url.Values{"data": {data}, "userid": {"u1"}}, ErrPlaintext},
		{"data twice is plaintext", url.Values{"data": {data, data}}, ErrPlaintext},
		{"data under another key does not decrypt", url.Values{"data": {seal(t, otherKey, `{}`)}}, ErrDecrypt},
		{"data that is not a JSON object is refused", url.Values{"data": {seal(t, testKey, `["s1"]`)}}, ErrDecrypt},
		{"a value that is an object is refused", url.Values{"data": {seal(t, testKey, `{"a":{"b":1}}`)}}, ErrDecrypt},
		{"null is not an object", url.Values{"data": {seal(t, testKey, `null`)}}, ErrDecrypt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := OpenQuery(testKey, tt.query)
			require.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func TestErrorsNeverCarryTheBytes(t *testing.T) {
	const secret = "secret-applicant@example.com"
	wrongKey := seal(t, otherKey, `{"email":"`+secret+`"}`)
	notJSON := seal(t, testKey, secret)
	tests := []struct {
		name string
		in   string
		open func(in string) error
	}{
		{"an answer under another key", wrongKey, func(in string) error { _, _, err := Open(testKey, []byte(`{"data":"`+in+`"}`)); return err }},
		{"a cut answer", wrongKey[:len(wrongKey)-4], func(in string) error { _, _, err := Open(testKey, []byte(`{"data":"`+in+`"}`)); return err }},
		{"an answer of plain text", secret, func(in string) error { _, _, err := Open(testKey, []byte(`{"data":"`+in+`"}`)); return err }},
		{"a body under another key", wrongKey, func(in string) error { _, err := OpenRequestBody(testKey, []byte(in), Sealed); return err }},
		{"a query under another key", wrongKey, func(in string) error { _, err := OpenQuery(testKey, url.Values{"data": {in}}); return err }},
		{"a query that is not JSON", notJSON, func(in string) error { _, err := OpenQuery(testKey, url.Values{"data": {in}}); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name+" fails without the bytes in the error", func(t *testing.T) {
			err := tt.open(tt.in)
			require.ErrorIs(t, err, ErrDecrypt)
			assert.NotContains(t, err.Error(), secret)
			assert.NotContains(t, err.Error(), tt.in)
		})
	}
}

func FuzzOpen(f *testing.F) {
	f.Add([]byte(`{"data":"` + seal(f, testKey, `{"Items":[]}`) + `"}`))
	f.Add([]byte(`{"data":""}`))
	f.Add([]byte(`{"data":"AAAAAAAAAAAAAAAAAAAAAA=="}`))
	f.Add([]byte(`{"Items":[]}`))
	f.Add([]byte(` { "data" : "abc" } `))
	f.Add([]byte(`{"data":"a\/b"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		if fast, ok := plainEnvelope(bytes.TrimSpace(body)); ok {
			slow, ok := jsonEnvelope(bytes.TrimSpace(body))
			if json.Valid(body) {
				require.True(t, ok, "encoding/json reads the envelope the fast path read")
				assert.Equal(t, slow, fast)
			}
		}
		plain, sealed, err := Open(testKey, body)
		if err != nil {
			require.ErrorIs(t, err, ErrDecrypt)
			assert.True(t, sealed)
			assert.Nil(t, plain)
			if len(body) > 24 {
				assert.NotContains(t, err.Error(), string(body))
			}
			return
		}
		if !sealed {
			assert.Equal(t, body, plain, "a body that is not an envelope comes back as it was")
		}
	})
}

func FuzzOpenRequest(f *testing.F) {
	f.Add([]byte(seal(f, testKey, `{"a":"b"}`)), true)
	f.Add([]byte(`{"isEncrypted":true,"data":"`+seal(f, testKey, `{"a":"b"}`)+`"}`), false)
	f.Add([]byte("submission_id=x"), true)
	f.Fuzz(func(t *testing.T, body []byte, sealedMode bool) {
		mode := Flagged
		if sealedMode {
			mode = Sealed
		}
		_, err := OpenRequestBody(testKey, body, mode)
		if err != nil {
			assert.True(t, errorIsOneOf(err, ErrDecrypt, ErrPlaintext), "unexpected error %v", err)
		}
		_, err = OpenQuery(testKey, url.Values{"data": {string(body)}})
		if err != nil {
			assert.True(t, errorIsOneOf(err, ErrDecrypt, ErrPlaintext), "unexpected error %v", err)
		}
	})
}

func errorIsOneOf(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

func TestEncryptMatchesTheDocumentedRecipe(t *testing.T) {
	t.Run("a 15-byte plaintext is one block, a 16-byte one two", func(t *testing.T) {
		for n, blocks := range map[int]int{0: 1, 15: 1, 16: 2, 17: 2} {
			ct := seal(t, testKey, strings.Repeat("x", n))
			raw, err := base64.StdEncoding.DecodeString(ct)
			require.NoError(t, err)
			assert.Len(t, raw, 16*blocks, "plaintext of %d bytes", n)
		}
	})
}

// BenchmarkOpen measures decrypting a {"data": …} answer of a 2,000-item
// page's size (about 3 MB of JSON) and of a single submission (4 KB).
func BenchmarkOpen(b *testing.B) {
	for _, size := range []int{4 << 10, 3 << 20} {
		plain := []byte(`{"Items":[` + strings.Repeat(`{"submission_id":"x"},`, size/22) + `{}]}`)
		body, err := SealBody(testKey, plain, Sealed)
		require.NoError(b, err)
		b.Run(fmt.Sprintf("%dKB", len(plain)>>10), func(b *testing.B) {
			b.SetBytes(int64(len(plain)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := Open(testKey, body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
