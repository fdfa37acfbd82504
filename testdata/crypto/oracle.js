#!/usr/bin/env node
// oracle.js is Node.js's side of the live interoperability test in
// crypto_test.go (TestCryptoInteropWithNode). It reads a JSON array of
// cases on stdin and writes one result per case to stdout:
//
//   {"op": "encrypt", "key": "...", "data": "<base64 of the plaintext bytes>"}
//     -> {"out": "<Argos ciphertext>"}
//   {"op": "decrypt", "key": "...", "data": "<Argos ciphertext>"}
//     -> {"out": "<base64 of the plaintext bytes>"}
//
// using the vendor's recipe: AES-256-ECB, key = SHA-256(key), Node's
// default (PKCS#7) padding, Base64 ciphertext. A case that fails gets
// {"error": "..."}.
'use strict';

const crypto = require('crypto');

function run(c) {
  const key = crypto.createHash('sha256').update(c.key, 'utf8').digest();
  if (c.op === 'encrypt') {
    const cipher = crypto.createCipheriv('aes-256-ecb', key, null);
    const ct = Buffer.concat([cipher.update(Buffer.from(c.data, 'base64')), cipher.final()]);
    return { out: ct.toString('base64') };
  }
  const decipher = crypto.createDecipheriv('aes-256-ecb', key, null);
  const pt = Buffer.concat([decipher.update(Buffer.from(c.data, 'base64')), decipher.final()]);
  return { out: pt.toString('base64') };
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const results = JSON.parse(input).map((c) => {
    try {
      return run(c);
    } catch (e) {
      return { error: String(e.message) };
    }
  });
  process.stdout.write(JSON.stringify(results));
});
