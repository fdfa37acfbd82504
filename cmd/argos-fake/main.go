// Command argos-fake serves the fake Argos KYC API of package argostest over
// TLS, for trying an application against it by hand or from tests in another
// language.
//
// Usage:
//
//	go run ./cmd/argos-fake [-addr 127.0.0.1:8443] [-key KEY] [-cert-out PATH]
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
// query strings or bodies.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/kycgo/argos/argostest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "argos-fake:", err)
		os.Exit(1)
	}
}

// run serves the fake until ctx ends. It writes the usage and the server's
// details to stdout.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("argos-fake", flag.ContinueOnError)
	fs.SetOutput(stdout)
	addr := fs.String("addr", "127.0.0.1:8443", "`host:port` to listen on")
	key := fs.String("key", "", "API key to accept in x-api-key (default: a random one)")
	certOut := fs.String("cert-out", filepath.Join(os.TempDir(), "argos-fake-cert.pem"), "`file` to write the server certificate (PEM) to")
	verbose := fs.Bool("v", false, "log one line per request to standard error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	host, _, _ := net.SplitHostPort(*addr)
	cert, certPEM, err := selfSignedCert(host, time.Now())
	if err != nil {
		return err
	}
	// The certificate is public (no key in it) and other tools must read it.
	if err := os.WriteFile(*certOut, certPEM, 0o644); err != nil { //nolint:gosec // a public certificate, not a secret
		return fmt.Errorf("writing the certificate: %w", err)
	}

	var opts []argostest.ServerOption
	if *key != "" {
		opts = append(opts, argostest.WithAPIKey(*key))
	}
	errorLog := log.New(io.Discard, "", 0)
	if *verbose {
		l := slog.New(slog.NewTextHandler(os.Stderr, nil))
		opts = append(opts, argostest.WithLogger(l))
		errorLog = slog.NewLogLogger(l.Handler(), slog.LevelWarn)
	}
	h := argostest.NewHandler(opts...)
	srv := &http.Server{
		Handler:           h,
		TLSConfig:         tlsConfig(cert),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          errorLog,
		// HTTP/1.1 only, like argostest.NewServer, so that faults can hijack
		// the connection.
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
	}

	fmt.Fprintf(stdout, "base URL: https://%s/v2 (also /v3)\n", ln.Addr())
	fmt.Fprintf(stdout, "API key:  %s\n", h.APIKey())
	fmt.Fprintf(stdout, "CA file:  %s\n", *certOut)

	errc := make(chan error, 1)
	go func() { errc <- srv.ServeTLS(ln, "", "") }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	h.Close() // release stalled fault responses
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
