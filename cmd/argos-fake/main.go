// Command argos-fake serves the fake Argos KYC API of package argostest over
// TLS, for trying an application against it by hand or from tests in another
// language.
//
// Usage:
//
//	go run ./cmd/argos-fake [-addr 127.0.0.1:8443] [-key KEY] [-cert-out PATH] [-v]
//
// It makes a self-signed certificate for the address, writes it (PEM) to the
// -cert-out file for clients to trust, and prints the base URL, the API key
// (random unless -key is given) and the certificate's path. It keeps all
// submissions in memory and stops cleanly on SIGINT or SIGTERM. Point a
// client at it with, for example:
//
//	curl --cacert "$CERT" -H "x-api-key: $KEY" "$BASE/submission"
//
// The server logs one line per request (method, path, status, duration) to
// standard error with -v, and nothing otherwise; it never logs API keys,
// query strings or bodies. "argos fake" (cmd/argos) serves the same fake.
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
