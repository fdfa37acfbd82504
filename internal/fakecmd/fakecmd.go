// Package fakecmd is the fake Argos KYC API server of package argostest
// served over TLS on a fixed address: the implementation behind both
// cmd/argos-fake and "argos fake", kept in one place.
//
// It makes a self-signed certificate for the address, writes it (PEM) to the
// -cert-out file for clients to trust, and prints the base URL, the API key
// (random unless -key is given) and the certificate's path. It keeps all
// submissions in memory and stops cleanly when its context ends. Point a
// client at it with, for example:
//
//	curl --cacert "$CERT" -H "x-api-key: $KEY" "$BASE/submission"
//
// With -encrypt the fake project has the Secure Data Transmission option
// on (argostest.WithSecureTransmission): GET /submission takes only the
// data query parameter, encrypted with the API key, answers
// {"data": "<Base64>"}, and refuses plain queries with 400.
//
// The server logs one line per request (method, path, status, duration) to
// standard error with -v, and nothing otherwise; it never logs API keys,
// query strings or bodies.
package fakecmd

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
	"path/filepath"
	"time"

	"github.com/kycgo/argos/argostest"
)

// Run serves the fake until ctx ends and returns the process's exit code:
// 0 after a clean shutdown, 2 for a usage error (the usage goes to stdout,
// with the server's details), 1 for any other failure, reported on stderr
// after "name: ". name is the command as the user typed it ("argos-fake",
// "argos fake"); args are the arguments after it.
func Run(ctx context.Context, name string, args []string, stdout, stderr io.Writer) int {
	err := run(ctx, name, args, stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 2
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	fmt.Fprintf(stderr, "%s: %v\n", name, err)
	return 1
}

// usageError is a mistake in the arguments.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// run serves the fake until ctx ends. It writes the usage and the server's
// details to stdout, and with -v one line per request to stderr.
func run(ctx context.Context, name string, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	addr := fs.String("addr", "127.0.0.1:8443", "`host:port` to listen on")
	key := fs.String("key", "", "API key to accept in x-api-key (default: a random one)")
	certOut := fs.String("cert-out", filepath.Join(os.TempDir(), "argos-fake-cert.pem"), "`file` to write the server certificate (PEM) to")
	verbose := fs.Bool("v", false, "log one line per request to standard error")
	encrypt := fs.Bool("encrypt", false, "turn the project's Secure Data Transmission option on: "+
		"covered calls (GET /submission) must be encrypted with the API key, and their answers are")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected arguments: %q", fs.Args())}
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
	if *encrypt {
		opts = append(opts, argostest.WithSecureTransmission())
	}
	errorLog := log.New(io.Discard, "", 0)
	if *verbose {
		l := slog.New(slog.NewTextHandler(stderr, nil))
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
	if *encrypt {
		fmt.Fprintln(stdout, "encrypt:  Secure Data Transmission on (GET /submission takes and answers {\"data\": …})")
	}
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
