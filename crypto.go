package argos

import (
	"crypto/aes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
)

// ErrDecrypt matches every failure of DecryptPayload: the ciphertext is not
// standard Base64, is not a whole number of AES blocks, or does not end in
// valid PKCS#7 padding (a wrong key usually shows as bad padding). The error
// never carries plaintext or key material.
var ErrDecrypt = errors.New("argos: cannot decrypt payload")

// EncryptPayload encrypts plaintext with Argos' Secure Data Transmission
// recipe: AES-256 in ECB mode with the SHA-256 digest of key (the project's
// API key, or a dashboard secretKey) as the 32-byte key, PKCS#7 padding, and
// standard Base64 (with padding) of the ciphertext.
//
// ECB is the vendor's choice, not a recommendation: identical 16-byte blocks
// of plaintext encrypt to identical blocks, and nothing detects tampering.
// It is what Argos decrypts. The result is the same as Node.js's
// crypto.createCipheriv('aes-256-ecb', sha256(key), null) with UTF-8 input
// and Base64 output, the vendor's documented code; testdata/crypto holds
// vectors made that way.
//
// Not supported: the "GCM-256" module the newer docs offer as an
// alternative for liveform URLs. Its nonce and tag layout is not documented
// anywhere public, so the SDK does not guess it; projects that chose GCM in
// the dashboard cannot use this function.
//
// Argos docs: https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/data-encryption-decryption-options-example
// and https://developers.argosidentity.com/en/idcheck/getting-started/encrypt-and-decrypt-data/overview.md
func EncryptPayload(key string, plaintext []byte) (string, error) {
	if key == "" {
		return "", &ValidationError{Field: "key", Reason: "is empty"}
	}
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

// DecryptPayload reverses EncryptPayload: it decodes standard Base64,
// decrypts AES-256-ECB with the SHA-256 digest of key and removes the PKCS#7
// padding, checked in constant time. Every failure matches ErrDecrypt and
// says which stage failed, never what the bytes were.
//
// Argos docs: https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/data-encryption-decryption-options-example
func DecryptPayload(key, ciphertext string) ([]byte, error) {
	if key == "" {
		return nil, &ValidationError{Field: "key", Reason: "is empty"}
	}
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
