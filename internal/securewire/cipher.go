// Package securewire is Argos' Secure Data Transmission on the wire: the
// cipher (AES-256-ECB keyed with SHA-256 of the API key, PKCS#7, standard
// Base64) and the shapes an encrypted request and answer take. The SDK and
// its fake (argostest) both use it, so that each choice the vendor's docs
// leave open is made once, here, and changes in one place once the
// vendor's Encryption/Decryption tool confirms or refutes it.
//
// The choices (the docs' §12 UNKNOWN list) and how they are made:
//
//   - Padding and encoding: PKCS#7 and standard Base64 with padding, what
//     the vendor's Node.js sample (crypto.createCipheriv('aes-256-ecb', …)
//     with Base64 output) produces.
//   - Request body: the JSON object {"data": "<Base64>"} (SealBody), sent
//     with the endpoint's own Content-Type. Readers (the fake) also accept
//     a bare Base64 body (OpenRequestBody).
//   - GET query: the query parameters as one JSON object of strings, with
//     the same keys as the plain query, encrypted and sent as the only
//     parameter, data (SealQuery, OpenQuery).
//   - isEncrypted (POST /submission/migration only): a top-level boolean
//     true beside data: {"isEncrypted": true, "data": "<Base64>"}.
//   - Answers: a 2xx answer is {"data": "<Base64>"} (SealBody) and the SDK
//     refuses a plain one; error answers are plain JSON, as the docs print
//     them ("Decryption is Failed. Please check the api-key."), though the
//     SDK decrypts an encrypted error too (Open).
//   - Which calls are covered: those the docs name (GET /submission, PATCH
//     /submission, POST and DELETE /submission/tokens, the AML monitor GET,
//     POST /submission/migration); every other call travels in clear.
//
// Argos docs: https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/data-encryption-decryption-options-example
// and https://developers.argosidentity.com/en/idcheck/getting-started/encrypt-and-decrypt-data/overview.md
package securewire

import (
	"crypto/aes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
)

// ErrDecrypt matches every failure to decrypt; the SDK exports it as
// argos.ErrDecrypt. No error of this package carries plaintext, ciphertext
// or key material.
var ErrDecrypt = errors.New("argos: cannot decrypt payload")

// Encrypt returns standard Base64 (with padding) of AES-256-ECB, keyed with
// the SHA-256 digest of key, over plaintext with PKCS#7 padding.
func Encrypt(key string, plaintext []byte) (string, error) {
	block, err := aes.NewCipher(deriveKey(key))
	if err != nil { // cannot happen: the key is always 32 bytes
		return "", fmt.Errorf("argos: encrypt: %w", err)
	}
	bs := block.BlockSize()
	pad := bs - len(plaintext)%bs
	buf := make([]byte, len(plaintext)+pad)
	copy(buf, plaintext)
	for i := len(plaintext); i < len(buf); i++ {
		buf[i] = byte(pad) //nolint:gosec // pad is 1..16, the block size
	}
	for off := 0; off < len(buf); off += bs {
		block.Encrypt(buf[off:off+bs], buf[off:off+bs])
	}
	return base64.StdEncoding.EncodeToString(buf), nil
}

// Decrypt reverses Encrypt: it decodes standard Base64, decrypts and removes
// the PKCS#7 padding, checked in constant time. Every failure matches
// ErrDecrypt and says which stage failed, never what the bytes were.
func Decrypt(key, ciphertext string) ([]byte, error) {
	buf, err := base64.StdEncoding.DecodeString(ciphertext)
	if err != nil {
		return nil, fmt.Errorf("%w: not standard Base64", ErrDecrypt)
	}
	block, err := aes.NewCipher(deriveKey(key))
	if err != nil { // cannot happen: the key is always 32 bytes
		return nil, fmt.Errorf("argos: decrypt: %w", err)
	}
	bs := block.BlockSize()
	if len(buf) == 0 || len(buf)%bs != 0 {
		return nil, fmt.Errorf("%w: length %d is not a positive multiple of %d", ErrDecrypt, len(buf), bs)
	}
	for off := 0; off < len(buf); off += bs {
		block.Decrypt(buf[off:off+bs], buf[off:off+bs])
	}
	n, ok := unpad(buf, bs)
	if !ok {
		clear(buf)
		return nil, fmt.Errorf("%w: bad padding (wrong key, or not encrypted with this recipe)", ErrDecrypt)
	}
	return buf[:n:n], nil
}

// deriveKey is the AES-256 key: SHA-256 of the key string's bytes.
func deriveKey(key string) []byte {
	sum := sha256.Sum256([]byte(key))
	return sum[:]
}

// unpad checks PKCS#7 padding over the last block without branching on the
// padding's bytes and returns the plaintext length.
func unpad(buf []byte, bs int) (int, bool) {
	last := buf[len(buf)-bs:]
	pad := int(last[bs-1])
	// good is 1 while the pad length is in 1..bs and every pad byte equals it.
	good := subtle.ConstantTimeLessOrEq(1, pad) & subtle.ConstantTimeLessOrEq(pad, bs)
	for i := range bs {
		inPad := subtle.ConstantTimeLessOrEq(bs-i, pad) // byte i is one of the last pad bytes
		same := subtle.ConstantTimeByteEq(last[i], last[bs-1])
		good &= subtle.ConstantTimeSelect(inPad, same, 1)
	}
	if good != 1 {
		return 0, false
	}
	return len(buf) - pad, true
}
