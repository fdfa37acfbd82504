// Command webhooks receives Argos webhooks with argos.NewWebhookHandler and
// prints each event it gets.
//
// Argos does not sign webhooks, so the receiver listens on a path with a long
// random secret in it (/argos/webhooks/<secret>), compares the secret in
// constant time before anything else runs, and treats every event as a hint
// to confirm with GetSubmission before acting on it.
//
// Run it from the module root:
//
//	go run ./examples/webhooks
//
// Without ARGOS_API_KEY it starts the receiver on a loopback TLS port and
// argostest's fake Argos server in-process, pointed at the receiver
// (argostest.WithWebhookURL). It then plays a submission through the fake
// (a face mismatch, a retry held for review, a reviewer's approval, an AML
// hit, a delete) and prints the webhooks as they arrive: no account and no
// network needed.
//
// With ARGOS_API_KEY set it serves the receiver for the real Argos on
// WEBHOOK_ADDR (default 127.0.0.1:8080), in plain HTTP for a TLS-terminating
// proxy in front of it (Argos requires an HTTPS Webhook URL), at
// /argos/webhooks/$WEBHOOK_SECRET, and confirms each event with
// GetSubmission (argos.WithConfirm). Set ARGOS_WEBHOOK_ENCRYPTED=1 when the
// project encrypts webhooks. It runs until Ctrl-C.
package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/examples/internal/demo"
)

// hookPath is where the receiver listens, followed by the secret.
const hookPath = "/argos/webhooks/"

func main() { demo.Main("webhooks", run) }

// run receives webhooks from the fake (no ARGOS_API_KEY) or the real Argos,
// and prints them to stdout. env looks up the environment.
func run(ctx context.Context, stdout io.Writer, env func(string) string) error {
	p := &printer{w: stdout}
	if key := env("ARGOS_API_KEY"); key != "" {
		return serveReal(ctx, p, key, env)
	}
	return runFake(ctx, p)
}

// newReceiver returns the webhook endpoint: the secret path in front of
// argos.NewWebhookHandler. A wrong or missing secret answers 404, as any
// unknown path does, before the body is read.
func newReceiver(secret string, fn func(context.Context, *argos.WebhookEvent) error, opts ...argos.WebhookOption) (http.Handler, error) {
	hook, err := argos.NewWebhookHandler(fn, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating the webhook handler: %w", err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.URL.Path, hookPath)
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			http.NotFound(w, r)
			return
		}
		hook.ServeHTTP(w, r)
	}), nil
}

// newSecret returns 32 random hex digits.
func newSecret() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand, Go 1.24)
	return hex.EncodeToString(b[:])
}

// serveReal serves the receiver for the real Argos until ctx ends.
func serveReal(ctx context.Context, p *printer, key string, env func(string) string) error {
	secret := env("WEBHOOK_SECRET")
	if len(secret) < 32 {
		return errors.New("set WEBHOOK_SECRET to a random string of at least 32 characters, for example " + newSecret())
	}
	addr := env("WEBHOOK_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	var opts []argos.Option
	if u := env("ARGOS_BASE_URL"); u != "" {
		opts = append(opts, argos.WithBaseURL(u))
	}
	client, err := argos.NewClient(key, opts...)
	if err != nil {
		return fmt.Errorf("creating the client: %w", err)
	}
	hookOpts := []argos.WebhookOption{argos.WithConfirm(client)}
	if env("ARGOS_WEBHOOK_ENCRYPTED") == "1" {
		hookOpts = append(hookOpts, argos.WithWebhookKey(key))
	}
	handler, err := newReceiver(secret, p.event, hookOpts...)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Addr:              addr,
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
	}
	p.line("Receiving webhooks on http://%s%s<WEBHOOK_SECRET>; register the HTTPS URL of your proxy in the dashboard.", addr, hookPath)
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// printer writes the program's output; the receiver calls it from its own
// goroutines.
type printer struct {
	mu sync.Mutex
	w  io.Writer
	n  int
}

func (p *printer) line(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, format+"\n", args...)
}

// event prints one webhook: what a real handler would hand to a queue.
// It prints no personal data: an event formats as trigger, submission ID
// and status.
func (p *printer) event(_ context.Context, e *argos.WebhookEvent) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	detail := ""
	switch e.Trigger {
	case argos.WebhookRetry:
		detail = fmt.Sprintf(" retryCode=%s attempts=%d", e.RetryCode, e.Attempts)
	case argos.WebhookAML:
		detail = fmt.Sprintf(" aml=%q risk=%q", e.AMLStatus, e.AMLRiskLevel)
	}
	status := string(e.Status)
	if status == "" {
		status = "-"
	}
	fmt.Fprintf(p.w, "  received %-9s submission=%s status=%s%s\n", e.Trigger, e.SubmissionID, status, detail)
	return nil
}
