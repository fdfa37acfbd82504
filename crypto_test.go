package argos_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

// cryptoVector is one case of testdata/crypto/vectors.json, made by Node.js
// (testdata/crypto/make_vectors.js).
type cryptoVector struct {
	Name       string `json:"name"`
	Key        string `json:"key"`
	Plaintext  string `json:"plaintext"`
	Ciphertext string `json:"ciphertext"`
}

func loadCryptoVectors(tb testing.TB) []cryptoVector {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "crypto", "vectors.json"))
	require.NoError(tb, err)
	var file struct {
		Vectors []cryptoVector `json:"vectors"`
	}
	require.NoError(tb, json.Unmarshal(raw, &file))
	require.NotEmpty(tb, file.Vectors)
	return file.Vectors
}

func TestEncryptPayloadMatchesNodeVectors(t *testing.T) {
	for _, v := range loadCryptoVectors(t) {
		t.Run(v.Name+" encrypts to Node's ciphertext", func(t *testing.T) {
			got, err := argos.EncryptPayload(v.Key, []byte(v.Plaintext))
			require.NoError(t, err)
			assert.Equal(t, v.Ciphertext, got)
		})
	}
}

func TestDecryptPayloadReadsNodeVectors(t *testing.T) {
	for _, v := range loadCryptoVectors(t) {
		t.Run(v.Name+" decrypts Node's ciphertext to the plaintext", func(t *testing.T) {
			got, err := argos.DecryptPayload(v.Key, v.Ciphertext)
			require.NoError(t, err)
			assert.Equal(t, v.Plaintext, string(got))
		})
	}
}

func TestCryptoVectorsCoverTheEdgeCases(t *testing.T) {
	lengths := map[int]bool{}
	keys := map[string]bool{}
	for _, v := range loadCryptoVectors(t) {
		lengths[len(v.Plaintext)] = true
		keys[v.Key] = true
	}
	for _, n := range []int{0, 15, 16, 17} {
		assert.True(t, lengths[n], "a vector with a %d-byte plaintext", n)
	}
	var nonASCIIKey, longKey, large bool
	for k := range keys {
		nonASCIIKey = nonASCIIKey || utf8.RuneCountInString(k) != len(k)
		longKey = longKey || len(k) > 64
	}
	for n := range lengths {
		large = large || n > 10_000
	}
	assert.True(t, nonASCIIKey, "a vector with a non-ASCII key")
	assert.True(t, longKey, "a vector with a key longer than a SHA-256 block")
	assert.True(t, large, "a vector with a large plaintext")
}

// TestCryptoInteropWithNode checks fresh random cases both ways against
// Node.js's crypto (testdata/crypto/oracle.js): Go encrypts and Node
// decrypts, Node encrypts and Go decrypts.
func TestCryptoInteropWithNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH: the live Go/Node.js cross-check needs Node.js (the committed Node vectors are checked by the Vectors tests without it)")
	}
	type nodeCase struct {
		Op   string `json:"op"`
		Key  string `json:"key"`
		Data string `json:"data"`
	}
	type nodeResult struct {
		Out   string `json:"out"`
		Error string `json:"error"`
	}
	const n = 64
	keys, plains := make([]string, n), make([][]byte, n)
	cases := make([]nodeCase, 0, 2*n)
	for i := range n {
		keys[i], plains[i] = randomKey(t), randomBytes(t, randomInt(t, 3000))
		goCT, err := argos.EncryptPayload(keys[i], plains[i])
		require.NoError(t, err)
		cases = append(cases,
			nodeCase{Op: "decrypt", Key: keys[i], Data: goCT},
			nodeCase{Op: "encrypt", Key: keys[i], Data: base64.StdEncoding.EncodeToString(plains[i])})
	}
	in, err := json.Marshal(cases)
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("testdata", "crypto", "oracle.js"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "node: %s", stderr.String())
	var results []nodeResult
	require.NoError(t, json.Unmarshal(out, &results))
	require.Len(t, results, len(cases))

	for i := range n {
		dec, enc := results[2*i], results[2*i+1]
		t.Run("node decrypts what Go encrypted", func(t *testing.T) {
			require.Empty(t, dec.Error)
			got, err := base64.StdEncoding.DecodeString(dec.Out)
			require.NoError(t, err)
			assert.Equal(t, plains[i], got)
		})
		t.Run("Go decrypts what node encrypted", func(t *testing.T) {
			require.Empty(t, enc.Error)
			got, err := argos.DecryptPayload(keys[i], enc.Out)
			require.NoError(t, err)
			assert.Equal(t, plains[i], got)
			again, err := argos.EncryptPayload(keys[i], plains[i])
			require.NoError(t, err)
			assert.Equal(t, enc.Out, again, "both sides produce the same ciphertext")
		})
	}
}

func randomInt(t *testing.T, maxN int) int {
	n, err := rand.Int(rand.Reader, big.NewInt(int64(maxN)))
	require.NoError(t, err)
	return int(n.Int64())
}

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

// randomKey is a non-empty key of ASCII, Korean and emoji characters: valid
// UTF-8, as a key read from configuration is.
func randomKey(t *testing.T) string {
	alphabet := []rune("abcXYZ019_-.홍길동비밀키🔑")
	var sb strings.Builder
	for range 1 + randomInt(t, 80) {
		sb.WriteRune(alphabet[randomInt(t, len(alphabet))])
	}
	return sb.String()
}

func TestDecryptPayloadRejectsBadInput(t *testing.T) {
	const key = "test_api_key_0123456789abcdefABCDEF"
	const secret = "secret plaintext 홍길동"
	good, err := argos.EncryptPayload(key, []byte(secret))
	require.NoError(t, err)
	raw, err := base64.StdEncoding.DecodeString(good)
	require.NoError(t, err)
	// A last block whose padding is wrong: encrypt 16 bytes ending in 0x00
	// with no padding block after it (take the first block only).
	noPad, err := argos.EncryptPayload(key, []byte("fifteen bytes..\x00"))
	require.NoError(t, err)
	noPadRaw, err := base64.StdEncoding.DecodeString(noPad)
	require.NoError(t, err)

	tests := []struct {
		name, key, ciphertext, wantIn string
	}{
		{"text that is not Base64 is refused", key, "not base64 !!", "Base64"},
		{"URL-safe Base64 is refused", key, strings.NewReplacer("+", "-", "/", "_").Replace(good) + "-_", "Base64"},
		{"an empty ciphertext is refused", key, "", "length"},
		{"a ciphertext that is not whole blocks is refused", key, base64.StdEncoding.EncodeToString(raw[:len(raw)-1]), "length"},
		{"a ciphertext of one byte is refused", key, base64.StdEncoding.EncodeToString([]byte{1}), "length"},
		{"a block with bad padding is refused", key, base64.StdEncoding.EncodeToString(noPadRaw[:16]), "padding"},
		{"the wrong key is refused", "another_key", good, "padding"},
		{"a tampered last block is refused", key, base64.StdEncoding.EncodeToString(append(append([]byte{}, raw[:len(raw)-16]...), make([]byte, 16)...)), "padding"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []byte
			var err error
			require.NotPanics(t, func() { got, err = argos.DecryptPayload(tc.key, tc.ciphertext) })
			require.Error(t, err)
			assert.Nil(t, got)
			assert.ErrorIs(t, err, argos.ErrDecrypt)
			assert.Contains(t, err.Error(), tc.wantIn)
			assert.NotContains(t, err.Error(), "secret")
			assert.NotContains(t, err.Error(), "홍길동")
			assert.NotContains(t, err.Error(), tc.key)
		})
	}
}

func TestCryptoRejectsAnEmptyKey(t *testing.T) {
	_, err := argos.EncryptPayload("", []byte("x"))
	var ve *argos.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "key", ve.Field)

	_, err = argos.DecryptPayload("", "T3Jb5NkBcmdAlAfMVLU7aA==")
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "key", ve.Field)
}

func TestDecryptPayloadResultDoesNotShareThePaddingBytes(t *testing.T) {
	const key = "k"
	ct, err := argos.EncryptPayload(key, []byte("abc"))
	require.NoError(t, err)
	got, err := argos.DecryptPayload(key, ct)
	require.NoError(t, err)
	assert.Equal(t, len(got), cap(got), "appending to the plaintext must not write into a hidden buffer")
}

func TestEncryptPayloadIsDeterministicAndBlockwise(t *testing.T) {
	// ECB: the same 16-byte block always encrypts the same way. This is the
	// vendor's mode; the test documents the property users must know.
	ct, err := argos.EncryptPayload("k", bytes.Repeat([]byte("0123456789abcdef"), 2))
	require.NoError(t, err)
	raw, err := base64.StdEncoding.DecodeString(ct)
	require.NoError(t, err)
	require.Len(t, raw, 48, "two blocks of data and one block of padding")
	assert.Equal(t, raw[:16], raw[16:32])
}

func BenchmarkEncryptPayload(b *testing.B) {
	pt := bytes.Repeat([]byte(`{"email":"a@example.com","userid":"u-1"}`), 100)
	b.SetBytes(int64(len(pt)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := argos.EncryptPayload("bench-key", pt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecryptPayload(b *testing.B) {
	pt := bytes.Repeat([]byte(`{"email":"a@example.com","userid":"u-1"}`), 100)
	ct, err := argos.EncryptPayload("bench-key", pt)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(pt)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := argos.DecryptPayload("bench-key", ct); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzDecryptPayload: DecryptPayload never panics, fails only with
// ErrDecrypt or a *ValidationError, and whatever it accepts encrypts and
// decrypts back to itself; any input used as a plaintext survives the round
// trip. Seeds: the Node.js vectors.
func FuzzDecryptPayload(f *testing.F) {
	for _, v := range loadCryptoVectors(f) {
		f.Add(v.Key, v.Ciphertext)
	}
	f.Add("", "T3Jb5NkBcmdAlAfMVLU7aA==")
	f.Add("k", "====")
	f.Add("k", "AAAAAAAAAAAAAAAAAAAAAA==\n")
	f.Fuzz(func(t *testing.T, key, ciphertext string) {
		pt, err := argos.DecryptPayload(key, ciphertext)
		if err != nil {
			var ve *argos.ValidationError
			if !errors.Is(err, argos.ErrDecrypt) && !errors.As(err, &ve) {
				t.Fatalf("error is neither ErrDecrypt nor *ValidationError: %v", err)
			}
			if pt != nil {
				t.Fatal("a failed decryption returned bytes")
			}
		} else {
			again, err := argos.EncryptPayload(key, pt)
			if err != nil {
				t.Fatalf("re-encrypting an accepted plaintext: %v", err)
			}
			back, err := argos.DecryptPayload(key, again)
			if err != nil || !bytes.Equal(back, pt) {
				t.Fatalf("round trip of an accepted plaintext failed: %v", err)
			}
		}
		if key == "" {
			return
		}
		ct, err := argos.EncryptPayload(key, []byte(ciphertext))
		if err != nil {
			t.Fatalf("EncryptPayload: %v", err)
		}
		back, err := argos.DecryptPayload(key, ct)
		if err != nil || string(back) != ciphertext {
			t.Fatalf("round trip of the input as plaintext failed: %v", err)
		}
	})
}
