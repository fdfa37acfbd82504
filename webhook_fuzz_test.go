package argos_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kycgo/argos"
)

// fuzzPII is an email the fuzz inputs may carry; no error or redacted output
// may show it.
const fuzzPII = "marker.person@pii.example"

// FuzzParseWebhook parses every input twice, without a key and with one
// (encrypted seeds decrypt with it), and checks: no panic; a success has a
// trigger and Raw holding the (decrypted) JSON object, and without a key Raw
// is the body itself; its trigger and submission ID, when sent as strings,
// are the values under their exact names (what a case-sensitive parser
// reads); a failure matches ErrInvalidWebhook and shows neither the key nor
// the body's data; a parsed event prints redacted.
//
// Seeds: every file in testdata/webhooks and each JSON sample encrypted with
// webhookKey. Run it with:
//
//	go test -run '^$' -fuzz '^FuzzParseWebhook$' -fuzztime 30s .
func FuzzParseWebhook(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "webhooks", "*"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		if strings.HasSuffix(name, ".json") && !strings.Contains(name, "encrypted") {
			c, err := argos.EncryptPayload(webhookKey, b)
			if err != nil {
				f.Fatal(err)
			}
			f.Add([]byte(`{"data":"` + c + `"}`))
		}
	}
	f.Add([]byte(`{"webhook_trigger":"approved","email":"` + fuzzPII + `","userid":"` + fuzzPII + `"}`))
	f.Add([]byte(`{"webhook_trigger":"approved","WEBHOOK_TRIGGER":"delete","Submission_ID":"s2"}`))

	f.Fuzz(func(t *testing.T, body []byte) {
		for _, opts := range [][]argos.WebhookOption{nil, {argos.WithWebhookKey(webhookKey)}} {
			e, err := argos.ParseWebhook(body, opts...)
			if err != nil {
				checkWebhookError(t, err, e)
				continue
			}
			if e.Trigger == "" {
				t.Fatal("parsed an event without a trigger")
			}
			if !json.Valid(e.Raw) || !bytes.HasPrefix(bytes.TrimLeft(e.Raw, " \t\r\n"), []byte("{")) {
				t.Fatalf("Raw is not a JSON object: %q", e.Raw)
			}
			if opts == nil && !bytes.Equal(e.Raw, body) {
				t.Fatal("Raw is not the body as received")
			}
			checkExactNames(t, e)
			out := fmt.Sprintf("%v %+v %#v %s", e, e, *e, fmt.Sprint(e))
			for _, v := range []string{e.Email, e.UserID, e.FullName, e.IdentityNumber, e.DateOfBirth, e.IPAddress} {
				if strings.Contains(v, fuzzPII) && strings.Contains(out, fuzzPII) {
					t.Fatalf("printed event shows personal data: %s", out)
				}
			}
		}
	})
}

func checkWebhookError(t *testing.T, err error, e *argos.WebhookEvent) {
	t.Helper()
	if !errors.Is(err, argos.ErrInvalidWebhook) {
		t.Fatalf("error does not match ErrInvalidWebhook: %v", err)
	}
	if e != nil {
		t.Fatal("an event came back with the error")
	}
	if msg := err.Error(); strings.Contains(msg, webhookKey) || strings.Contains(msg, fuzzPII) {
		t.Fatalf("error shows the key or the body's data: %s", msg)
	}
}

// checkExactNames checks that the event's trigger and submission ID, when
// Raw holds them as strings, are the values under their exact names.
func checkExactNames(t *testing.T, e *argos.WebhookEvent) {
	t.Helper()
	var m map[string]json.RawMessage // exact keys; a repeated key keeps its last value
	if err := json.Unmarshal(e.Raw, &m); err != nil {
		t.Fatalf("Raw does not decode as an object: %v", err)
	}
	for name, got := range map[string]string{"webhook_trigger": string(e.Trigger), "submission_id": e.SubmissionID} {
		var want string
		if json.Unmarshal(m[name], &want) == nil && want != got {
			t.Fatalf("%s is %q under its exact name but was read as %q", name, want, got)
		}
	}
}
