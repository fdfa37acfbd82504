package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"

	"github.com/kycgo/argos"
)

// arrived is the body of a webhook as it arrived, kept for forwarding.
type arrived struct {
	body        []byte
	contentType string
}

type arrivedKey struct{}

// keepBody keeps each request's body (up to argos.MaxWebhookBody) in its
// context for the forwarder, and hands the handler the same bytes.
func keepBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(io.LimitReader(r.Body, argos.MaxWebhookBody+1))
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b), errReader{err}, r.Body))
		if err == nil && len(b) <= argos.MaxWebhookBody {
			r = r.WithContext(context.WithValue(r.Context(), arrivedKey{}, &arrived{b, r.Header.Get("Content-Type")}))
		}
		next.ServeHTTP(w, r)
	})
}

// errReader returns err (nil: io.EOF, the end of its part).
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	return 0, io.EOF
}

// forwarder sends each accepted event, as received (encrypted if it came
// encrypted), to the operator's application: "webhooks listen
// --forward-to".
type forwarder struct {
	url    string
	hc     *http.Client
	logger *slog.Logger
}

// forward POSTs the request's body to the receiver and returns its status,
// or the reason there is none. One log line says which (never the body).
func (f *forwarder) forward(ctx context.Context, trigger argos.WebhookTrigger) (int, string) {
	rec, _ := ctx.Value(arrivedKey{}).(*arrived)
	if rec == nil {
		return 0, "the body was not kept"
	}
	status, err := postWebhook(context.WithoutCancel(ctx), f.hc, f.url, rec.contentType, rec.body)
	logTrigger := "unknown"
	if trigger.Known() {
		logTrigger = string(trigger)
	}
	if err != nil {
		f.logger.LogAttrs(ctx, slog.LevelWarn, "argos webhook forwarded", slog.String("trigger", logTrigger), slog.String("error", err.Error()))
		return 0, err.Error()
	}
	f.logger.LogAttrs(ctx, slog.LevelInfo, "argos webhook forwarded", slog.String("trigger", logTrigger), slog.Int("status", status))
	return status, ""
}
