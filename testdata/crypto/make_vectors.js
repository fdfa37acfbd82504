#!/usr/bin/env node
// make_vectors.js writes vectors.json: Argos "Secure Data Transmission"
// test vectors made by Node.js's own crypto module, the vendor's documented
// recipe (https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/data-encryption-decryption-options-example):
//
//   key = crypto.createHash('sha256').update(apiKey).digest()
//   crypto.createCipheriv('aes-256-ecb', key, null), UTF-8 in, Base64 out
//
// The Go tests (crypto_test.go) check that EncryptPayload produces exactly
// these ciphertexts and that DecryptPayload turns them back into the
// plaintexts. The output is deterministic (ECB has no IV), so re-running
// the script must leave vectors.json unchanged.
//
// Run from the repository root (Node.js 16 or later, no packages needed):
//
//   node testdata/crypto/make_vectors.js > testdata/crypto/vectors.json

'use strict';

const crypto = require('crypto');

function encrypt(apiKey, plaintext) {
  const key = crypto.createHash('sha256').update(apiKey).digest();
  const cipher = crypto.createCipheriv('aes-256-ecb', key, null);
  return cipher.update(plaintext, 'utf8', 'base64') + cipher.final('base64');
}

function decrypt(apiKey, ciphertext) {
  const key = crypto.createHash('sha256').update(apiKey).digest();
  const decipher = crypto.createDecipheriv('aes-256-ecb', key, null);
  return decipher.update(ciphertext, 'base64', 'utf8') + decipher.final('utf8');
}

// Keys: made up for the tests, none is a real API key.
const keys = {
  ascii: 'test_api_key_0123456789abcdefABCDEF',
  long: 'k'.repeat(40) + '-0123456789-'.repeat(12) + 'END',
  korean: '비밀키-테스트-키🔑',
};

// A large, deterministic plaintext mixing ASCII, Korean and an emoji
// (1, 3 and 4 UTF-8 bytes per character).
let large = '';
for (let i = 0; large.length < 12000; i++) {
  large += `line ${i}: 홍길동 submission ${i * 7919 % 10007} ✓🙂\n`;
}

const plaintexts = {
  empty: '',
  'one block (16 bytes)': '0123456789abcdef',
  '15 bytes': '0123456789abcde',
  '17 bytes': '0123456789abcdefg',
  '32 bytes (two full blocks)': 'abcdefghijklmnopqrstuvwxyz012345',
  'JSON with Korean text': JSON.stringify({
    email: 'hong.gildong@example.com', userid: '홍길동-42', cf1: '서울 특별시 & co',
    blacklistCountries: false, rejectDuplicateUser: true, allowedCountries: 'USA,KOR',
  }),
  'liveform query JSON': JSON.stringify({
    email: 'email@email.com', userid: 'userid', cf1: 'value 1', cf2: 'value 2', cf3: 'value 3',
    blacklistCountries: false, approvePeriod: false, rejectPeriod: false, ageLimit: false,
    rejectDuplicateUser: true, token: 'token_id',
  }),
};

const vectors = [];
for (const [keyName, key] of Object.entries(keys)) {
  for (const [ptName, plaintext] of Object.entries(plaintexts)) {
    vectors.push({ name: `${keyName} key, ${ptName}`, key, plaintext, ciphertext: encrypt(key, plaintext) });
  }
}
vectors.push({ name: 'ascii key, large mixed text', key: keys.ascii, plaintext: large, ciphertext: encrypt(keys.ascii, large) });

// Self-check: every vector decrypts back in Node before it is written.
for (const v of vectors) {
  if (decrypt(v.key, v.ciphertext) !== v.plaintext) {
    throw new Error(`round trip failed for ${v.name}`);
  }
}

process.stdout.write(JSON.stringify({
  generator: 'testdata/crypto/make_vectors.js',
  recipe: "createCipheriv('aes-256-ecb', sha256(key), null), utf8 in, base64 out",
  vectors,
}, null, 2) + '\n');
