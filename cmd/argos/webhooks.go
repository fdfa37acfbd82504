package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/kycgo/argos"
)

func init() {
	register(&command{
		name: "webhooks listen", summary: "receive webhooks on a local address and print each event as a JSON line",
		run: runWebhooksListen,
	})
}

// Limits of the webhook receiver.
const (
	// minPathSecret is the shortest --path-secret: 16 characters of the 66
	// allowed are over 90 bits, beyond guessing over a tunnel.
	minPathSecret = 16
	// shutdownTimeout bounds the wait for requests in flight after Ctrl-C.
	shutdownTimeout = 5 * time.Second
)

// listenOpts are "webhooks listen"'s own flags.
type listenOpts struct {
	addr      string
	secret    string
	decrypt   bool
	keyFile   string
	forwardTo string
}

// runWebhooksListen serves argos.NewWebhookHandler on --addr until Ctrl-C
// and prints each event it accepts as one JSON line on stdout (see
// eventLine). With --path-secret only POST /SECRET reaches the handler:
// the path is compared in constant time and any other path is answered 404.
// With --decrypt (or --key-file) bodies are decrypted with the key, and
// plain bodies are refused with 400, as the handler does. One log line per
// request (trigger, status, outcome, duration; never the body or the path)
// goes to stderr.
func runWebhooksListen(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet(withPII)
	var o listenOpts
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "`host:port` to listen on (\":8080\": every interface)")
	fs.StringVar(&o.secret, "path-secret", "", fmt.Sprintf("accept webhooks only at /`SECRET` (%d or more of A-Z a-z 0-9 - . _ ~); any other path gets 404", minPathSecret))
	fs.BoolVar(&o.decrypt, "decrypt", false, "decrypt encrypted bodies ({\"data\": …}) with $"+envAPIKey+"; plain bodies are then refused")
	fs.StringVar(&o.keyFile, "key-file", "", "`FILE` holding the key for --decrypt instead of $"+envAPIKey+" (implies --decrypt)")
	fs.StringVar(&o.forwardTo, "forward-to", "", "POST each accepted event, as received, to this `URL` (your application), and print its status in the event's line (forward_status)")
	if _, err := a.parse(fs, args, 0); err != nil {
		return err
	}
	if err := checkPathSecret(o.secret); err != nil {
		return err
	}
	if o.forwardTo != "" {
		if err := checkReceiverURL("--forward-to", o.forwardTo); err != nil {
			return err
		}
	}
	logger := slog.New(slog.NewTextHandler(a.stderr, nil))
	p := &eventPrinter{w: a.stdout, showPII: a.showPII, now: a.now}
	var h http.Handler
	if o.forwardTo != "" {
		p.fwd = &forwarder{url: o.forwardTo, hc: newReceiverClient(), logger: logger}
		defer p.fwd.hc.CloseIdleConnections()
	}
	opts := []argos.WebhookOption{argos.WithWebhookLogger(logger)}
	if o.decrypt || o.keyFile != "" {
		key, err := a.secretKey(o.keyFile)
		if err != nil {
			return err
		}
		opts = append(opts, argos.WithWebhookKey(key))
	}
	hook, err := argos.NewWebhookHandler(p.print, opts...)
	if err != nil {
		return err
	}
	h = hook
	if p.fwd != nil {
		h = keepBody(h)
	}
	h = pathGuard(o.secret, h, logger)

	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listening: %w", err)
	}
	if p.fwd != nil {
		fmt.Fprintf(a.stderr, "forwarding each accepted event to %s\n", visible(o.forwardTo))
	}
	where := "http://" + ln.Addr().String() + "/"
	if o.secret != "" {
		where += "SECRET (the --path-secret)"
	} else {
		where += " (any path; anyone who can reach it can post: consider --path-secret)"
	}
	fmt.Fprintf(a.stderr, "listening on %s; Ctrl-C stops\n", where)
	if a.onListen != nil {
		a.onListen(ln.Addr().String())
	}
	return serveUntilDone(ctx, ln, h, logger)
}

// checkPathSecret checks --path-secret: empty (none), or at least
// minPathSecret characters that need no escaping in a URL path, so that the
// URL set in the dashboard is exactly /SECRET.
func checkPathSecret(s string) error {
	if s == "" {
		return nil
	}
	if len(s) < minPathSecret {
		return usagef("--path-secret must be at least %d characters (try: openssl rand -hex 16)", minPathSecret)
	}
	if strings.TrimFunc(s, unreserved) != "" {
		return usagef("--path-secret may hold only A-Z a-z 0-9 - . _ ~")
	}
	return nil
}

// unreserved reports whether r needs no escaping in a URL (RFC 3986's
// unreserved characters).
func unreserved(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~", r)
}

// pathGuard passes only requests for /secret on to next, comparing SHA-256
// digests of the paths in constant time (so neither the content nor the
// length of the secret leaks through timing), and answers 404 to the rest.
// An empty secret guards nothing.
func pathGuard(secret string, next http.Handler, logger *slog.Logger) http.Handler {
	if secret == "" {
		return next
	}
	want := sha256.Sum256([]byte("/" + secret))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := sha256.Sum256([]byte(r.URL.EscapedPath()))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			logger.LogAttrs(r.Context(), slog.LevelWarn, "argos webhook",
				slog.Int("status", http.StatusNotFound), slog.String("outcome", "wrong_path"))
			http.NotFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// serveUntilDone serves h on ln until ctx ends, then shuts the server down:
// it stops accepting, lets requests in flight finish (up to
// shutdownTimeout) and returns nil, so Ctrl-C is a clean stop (exit 0).
func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		_ = srv.Close()
		return fmt.Errorf("stopping the receiver: %w", err)
	}
	return nil
}

// eventPrinter writes each event as one JSON line, a line at a time
// whatever the number of requests in flight.
type eventPrinter struct {
	mu      sync.Mutex
	w       io.Writer
	showPII bool
	now     func() time.Time
	fwd     *forwarder // --forward-to, or nil
}

// print is the webhook handler's fn: an error writing (stdout closed) makes
// the handler answer 500, so the sender may try again. With --forward-to
// it forwards the event first, and its line tells the receiver's status.
func (p *eventPrinter) print(ctx context.Context, e *argos.WebhookEvent) error {
	line := newEventLine(e, p.now(), p.showPII)
	if p.fwd != nil {
		line.ForwardStatus, line.ForwardError = p.fwd.forward(ctx, e.Trigger)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(line); err != nil {
		return fmt.Errorf("encoding the event: %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := p.w.Write(safeJSON(buf.Bytes())); err != nil {
		return fmt.Errorf("writing the event: %w", err)
	}
	return nil
}
