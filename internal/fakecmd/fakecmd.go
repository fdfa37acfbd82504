// Package fakecmd is the fake Argos KYC API server of package argostest
// served over TLS on a fixed address: the implementation behind both
// cmd/argos-fake and "argos fake", kept in one place.
//
// It makes a self-signed certificate for the address, writes it (PEM) to a
// new temporary directory (or the -cert-out file) for clients to trust, and
// prints the base URL, the API key (random unless -key is given), the
// certificate's path and curl commands to try, for example:
//
//	curl --cacert '/tmp/argos-fake-123/cert.pem' -H 'x-api-key: test_…' 'https://127.0.0.1:8443/v3/submission?count=1'
//
// The fake serves argostest's admin endpoints (argostest.WithAdmin) below
// /_admin/ with the same key, for scripting Step 1 and Step 2 outcomes, KYC
// results, AML hits, faults, the webhook URL, the clock (advance), the hosted
// liveform (liveform, with the -return-url) and seeding from any language,
// and sends webhooks to -webhook-url. With -seed N it starts with N
// submissions in varied states (argostest's AddSubmissions), for trying a
// tool against a populated project. It keeps all submissions in memory and
// stops cleanly when its context ends.
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
	"crypto/x509"
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
	"strings"
	"time"

	"github.com/kycgo/argos/argostest"
)

// Run serves the fake until ctx ends and returns the process's exit code:
// 0 after a clean shutdown or after -h (the usage goes to stdout, with the
// server's details), 2 for a usage error, 1 for any other failure,
// reported on stderr after "name: ". name is the command as the user typed it ("argos-fake",
// "argos fake"); args are the arguments after it.
func Run(ctx context.Context, name string, args []string, stdout, stderr io.Writer) int {
	err := run(ctx, name, args, stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
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

// options are the command's flags.
type options struct {
	addr, key, certOut    string
	webhookURL, webhookCA string
	returnURL             string
	seed                  int
	verbose, encrypt      bool
}

// Flags returns the command's flag set, for listing its flags (shell
// completion); name is the command as typed.
func Flags(name string) *flag.FlagSet {
	return newFlagSet(name, new(options))
}

// parseFlags reads the command's flags; usage goes to out.
func parseFlags(name string, args []string, out io.Writer) (options, error) {
	var o options
	fs := newFlagSet(name, &o)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintf(out, "usage: %s [flags]\n\nServe the fake Argos API of package argostest over TLS until Ctrl-C.\n\nFlags:\n", name)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return o, usageError{fmt.Sprintf("unexpected arguments: %q", fs.Args())}
	}
	if o.seed < 0 {
		return o, usageError{"-seed must not be negative"}
	}
	return o, nil
}

// newFlagSet defines the command's flags, set into o.
func newFlagSet(name string, o *options) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8443", "`host:port` to listen on")
	fs.StringVar(&o.key, "key", "", "API key to accept in x-api-key (default: a random one)")
	fs.StringVar(&o.certOut, "cert-out", "", "`file` to write the server certificate (PEM) to (default: cert.pem in a new temporary directory, removed on exit)")
	fs.StringVar(&o.webhookURL, "webhook-url", "", "`URL` to POST webhooks to (also settable with PUT "+argostest.ControlPrefix+"webhook-url)")
	fs.StringVar(&o.webhookCA, "webhook-ca", "", "PEM `file` of the CA the webhook receiver's certificate chains to (default: the system's roots)")
	fs.StringVar(&o.returnURL, "return-url", "", "the project's liveform return `URL` (see POST "+argostest.ControlPrefix+"liveform)")
	fs.IntVar(&o.seed, "seed", 0, "start with `N` submissions in varied states (argostest's AddSubmissions)")
	fs.BoolVar(&o.verbose, "v", false, "log one line per request to standard error")
	fs.BoolVar(&o.encrypt, "encrypt", false, "turn the project's Secure Data Transmission option on: "+
		"covered calls (GET /submission) must be encrypted with the API key, and their answers and the webhooks are encrypted with it too")
	return fs
}

// run serves the fake until ctx ends. It writes the usage and the server's
// details to stdout, and with -v one line per request to stderr.
func run(ctx context.Context, name string, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(name, args, stdout)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	host, _, _ := net.SplitHostPort(o.addr)
	cert, certPEM, err := selfSignedCert(host, time.Now())
	if err != nil {
		return err
	}
	certFile, cleanup, err := writeCert(o.certOut, certPEM)
	if err != nil {
		return err
	}
	defer cleanup()

	opts, errorLog, err := serverOptions(o, stderr)
	if err != nil {
		return err
	}
	h := argostest.NewHandler(opts...)
	defer h.Close() // stops webhook delivery
	seeded := h.AddSubmissions(o.seed)
	srv := &http.Server{
		Handler:           h,
		TLSConfig:         tlsConfig(cert),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          errorLog,
		// HTTP/1.1 only, like argostest.NewServer, so that faults can hijack
		// the connection.
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
	}
	if len(seeded) > 0 {
		fmt.Fprintf(stdout, "seeded:   %d submissions\n", len(seeded))
	}
	printDetails(stdout, ln.Addr().String(), h.APIKey(), certFile, o.encrypt)

	errc := make(chan error, 1)
	go func() { errc <- srv.ServeTLS(ln, "", "") }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	h.Close() // release stalled fault responses and stop webhooks
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

// writeCert writes the certificate to path, or to cert.pem in a new
// temporary directory when path is ""; cleanup removes that directory.
func writeCert(path string, certPEM []byte) (file string, cleanup func(), err error) {
	cleanup = func() {}
	if path == "" {
		dir, err := os.MkdirTemp("", "argos-fake-")
		if err != nil {
			return "", cleanup, fmt.Errorf("making a directory for the certificate: %w", err)
		}
		cleanup = func() { _ = os.RemoveAll(dir) }
		path = filepath.Join(dir, "cert.pem")
	}
	// The certificate is public (no key in it) and other tools must read it.
	if err := os.WriteFile(path, certPEM, 0o644); err != nil { //nolint:gosec // a public certificate, not a secret
		cleanup()
		return "", func() {}, fmt.Errorf("writing the certificate: %w", err)
	}
	return path, cleanup, nil
}

// serverOptions turns the flags into the fake's options and the HTTP
// server's error log.
func serverOptions(o options, stderr io.Writer) ([]argostest.ServerOption, *log.Logger, error) {
	opts := []argostest.ServerOption{argostest.WithControlAPI()}
	if o.encrypt {
		opts = append(opts, argostest.WithSecureTransmission())
	}
	if o.key != "" {
		opts = append(opts, argostest.WithAPIKey(o.key))
	}
	if o.returnURL != "" {
		opts = append(opts, argostest.WithReturnURL(o.returnURL))
	}
	if o.webhookURL != "" {
		hc, err := webhookClient(o.webhookCA)
		if err != nil {
			return nil, nil, err
		}
		opts = append(opts, argostest.WithWebhookURL(o.webhookURL, hc))
	} else if o.webhookCA != "" {
		return nil, nil, usageError{"-webhook-ca needs -webhook-url"}
	}
	errorLog := log.New(io.Discard, "", 0)
	if o.verbose {
		l := slog.New(slog.NewTextHandler(stderr, nil))
		opts = append(opts, argostest.WithLogger(l))
		errorLog = slog.NewLogLogger(l.Handler(), slog.LevelWarn)
	}
	return opts, errorLog, nil
}

// webhookClient is the client that sends webhooks: nil (the fake's own)
// without a CA file, else one trusting the CA in it.
func webhookClient(caFile string) (*http.Client, error) {
	if caFile == "" {
		return nil, nil
	}
	pemBytes, err := os.ReadFile(caFile) //nolint:gosec // the operator's own -webhook-ca file
	if err != nil {
		return nil, fmt.Errorf("reading the webhook CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		return nil, usageError{"-webhook-ca " + caFile + " holds no PEM certificate"}
	}
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
	}}, nil
}

// printDetails prints where the fake listens, its key, its certificate and
// a command to try it with.
func printDetails(w io.Writer, addr, key, certFile string, encrypt bool) {
	base := "https://" + addr
	fmt.Fprintf(w, "base URL: %s/v3 (also /v2)\n", base)
	fmt.Fprintf(w, "API key:  %s\n", key)
	if encrypt {
		fmt.Fprintln(w, "encrypt:  Secure Data Transmission on (GET /submission takes and answers {\"data\": …}; the try line below is refused)")
	}
	fmt.Fprintf(w, "CA file:  %s\n", certFile)
	curl := "curl --cacert " + shellQuote(certFile) + " -H " + shellQuote("x-api-key: "+key) + " "
	fmt.Fprintf(w, "try:      %s%s\n", curl, shellQuote(base+"/v3/submission?count=1"))
	fmt.Fprintf(w, "admin:    %s%s\n", curl, shellQuote(base+argostest.ControlPrefix+"webhooks"))
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
