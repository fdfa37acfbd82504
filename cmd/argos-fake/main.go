// Command argos-fake serves the fake Argos KYC API of package argostest over
// TLS, for trying an application against it by hand or from tests in another
// language.
//
// Usage:
//
//	go run ./cmd/argos-fake [-addr 127.0.0.1:8443] [-key KEY] [-cert-out PATH]
//	    [-webhook-url URL [-webhook-ca PEMFILE]] [-return-url URL] [-seed N] [-v]
//
// It makes a self-signed certificate for the address, writes it (PEM) to a
// new temporary directory (removed on exit) or the -cert-out file, and
// prints the base URL, the API key (random unless -key is given), the
// certificate's path and a curl command to try it with:
//
//	curl --cacert '/tmp/argos-fake-123/cert.pem' -H 'x-api-key: test_…' 'https://127.0.0.1:8443/v3/submission?count=1'
//
// With -seed N the fake starts with N submissions in varied, realistic
// states (every status, AML Red Flags with reports, several per user, over
// a year), for trying the argos CLI or another tool against a populated
// project:
//
//	go run ./cmd/argos-fake -seed 1000
//
// Admin endpoints below /_admin/ (same key) script what the fake decides and
// where its webhooks go, as the Go tests do with argostest's methods:
//
//	POST   /_admin/step1-script  {"outcomes": ["glare_detected", "read"]}
//	POST   /_admin/step2-script  {"outcomes": ["face_mismatch", "approve"]}
//	POST   /_admin/kyc-result    {"submission_id": "…", "result": "approved"}
//	POST   /_admin/aml-hits      {"submission_id": "…", "hits": 2}
//	POST   /_admin/faults        {"path": "/submission/step2", "status": 503}
//	DELETE /_admin/faults
//	PUT    /_admin/webhook-url   {"url": "https://…", "ca_pem": "…"}
//	GET    /_admin/webhooks      the webhooks sent so far
//	POST   /_admin/advance       {"duration": "24h"}
//	POST   /_admin/liveform      {"link": "https://form.argosidentity.com/?pid=…", "applicant": {"outcome": "approve"}}
//	POST   /_admin/submissions   {"count": 1000}
//
// See argostest.WithAdmin for the details. It keeps all submissions in
// memory and stops cleanly on SIGINT or SIGTERM. The server logs one line
// per request (method, path, status, duration) to standard error with -v,
// and nothing otherwise; it never logs API keys, query strings or bodies.
// "argos fake" (cmd/argos) serves the same fake.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/kycgo/argos/internal/fakecmd"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := fakecmd.Run(ctx, "argos-fake", os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
