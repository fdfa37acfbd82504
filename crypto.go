package argos

import "github.com/kycgo/argos/internal/securewire"

// ErrDecrypt matches every failure of DecryptPayload: the ciphertext is not
// standard Base64, is not a whole number of AES blocks, or does not end in
// valid PKCS#7 padding (a wrong key usually shows as bad padding). It also
// matches an encrypted answer that WithSecureTransmission cannot decrypt.
// The error never carries plaintext or key material.
var ErrDecrypt = securewire.ErrDecrypt

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
	return securewire.Encrypt(key, plaintext)
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
	return securewire.Decrypt(key, ciphertext)
}
