package argostest

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"
)

// Messages of the API's gateway (https://argos-kyc.gitbook.io/client-guide-1/api-guide-deprecated/api-guide/api-errors).
const (
	msgForbidden     = "Forbidden"
	msgIPDenied      = "User is not authorized to access this resource with an explicit deny"
	msgTooLarge      = "Request Entity Too Large"
	msgBadQuery      = "Invalid Query String parameters"
	msgNotFound      = "Not Found"
	msgMissingToken  = "Missing Authentication Token"
	msgMissingParams = "missing required parameters"
	msgParseFailed   = "failed to parse the input data"
)

// Handler is the fake Argos API as an http.Handler: the implementation behind
// Server, for serving it some other way (cmd/argos-fake serves it on a fixed
// address). It answers under both /v2 and /v3. Its methods are safe for
// concurrent use.
type Handler struct {
	*fake
}

// NewHandler returns a fake Argos API with no submissions.
func NewHandler(opts ...ServerOption) *Handler {
	return &Handler{fake: newFake(opts)}
}

// APIKey returns the API key the handler accepts.
func (h *Handler) APIKey() string { return h.cfg.apiKey }

// AddOnKey returns the Add-on key the handler's FaceAuth endpoints accept.
func (h *Handler) AddOnKey() string { return h.cfg.addOnKey }

// Close ends every wait a Fault started (Latency, StallBody), so that a
// server shutting down does not wait for them, and stops webhook delivery
// (see WithWebhookURL): a webhook in flight is aborted, queued ones are
// dropped, and Close returns once the delivery goroutine has ended. The
// handler still answers requests afterwards, without delays or webhooks.
func (h *Handler) Close() {
	h.closeOnce.Do(func() {
		close(h.done)
		h.hooks.close()
	})
}

// endpoint serves one method of one path. statusWriter records the status
// it sends.
type endpoint func(h *Handler, w http.ResponseWriter, r *http.Request, b *body)

// route is one endpoint: a method of a path below the version prefix.
type route struct {
	method, path string
	serve        endpoint
}

// routes maps a path and a method to its endpoint, under /v2 and /v3 alike.
// Each resource file declares its own table of routes beside its endpoints;
// a new resource is a new file with its table, added to this list.
var routes = newRouter(submissionRoutes, stepRoutes, addressRoutes, fileRoutes)

// v3Routes are the endpoints the vendor documents only under /v3 (see
// lookup); a path may hold "{name}" segments that match any one segment.
var v3Routes = newRouter(updateRoutes, partialRoutes, migrationRoutes, reviewRoutes, tokenRoutes, amlMonitorRoutes,
	faceAuthRoutes)

// newRouter merges route tables. Two endpoints for the same method and path
// are a programming error and panic, as with http.ServeMux.
func newRouter(tables ...[]route) map[string]map[string]endpoint {
	m := map[string]map[string]endpoint{}
	for _, table := range tables {
		for _, rt := range table {
			if m[rt.path] == nil {
				m[rt.path] = map[string]endpoint{}
			}
			if _, dup := m[rt.path][rt.method]; dup {
				panic("argostest: two endpoints for " + rt.method + " " + rt.path)
			}
			m[rt.path][rt.method] = rt.serve
		}
	}
	return m
}

// splitVersion splits "/v3/submission" into "v3" and "/submission".
func splitVersion(p string) (version, rest string) {
	for _, v := range []string{"v2", "v3"} {
		prefix := "/" + v
		if p == prefix {
			return v, "/"
		}
		if strings.HasPrefix(p, prefix+"/") {
			return v, p[len(prefix):]
		}
	}
	return "", p
}

// ServeHTTP serves one request: faults first, then the IP allow-list and the
// API key, then the endpoint. With WithControlAPI, paths below ControlPrefix go to
// the admin endpoints instead.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.settlePending() // timers due since the last request fire first
	if h.cfg.admin && strings.HasPrefix(r.URL.Path, ControlPrefix) {
		h.serveAdmin(w, r) // not an API request: neither recorded nor faulted
		return
	}
	start := time.Now()
	// API Gateway, in front of Argos, names each answer (faults' included).
	w.Header().Set("X-Amzn-Requestid", newRequestID())
	version, path := splitVersion(r.URL.Path)
	rec := &Request{
		Method:  r.Method,
		Version: version,
		Path:    path,
		Query:   r.URL.Query(),
		Header:  redactHeader(r.Header),
		Time:    time.Now(),
	}
	// The request is on record from the moment it arrives, and every field
	// is filled in before the client can see any answer, so a test that
	// calls Requests right after a call returns sees this request whole,
	// even when a fault hung up on it.
	h.reqMu.Lock()
	h.requests = append(h.requests, rec)
	h.reqMu.Unlock()
	set := func(fn func(*Request)) {
		h.reqMu.Lock()
		fn(rec)
		h.reqMu.Unlock()
	}
	w = &statusWriter{ResponseWriter: w, onStatus: func(code int) { set(func(r *Request) { r.Status = code }) }}
	defer func() {
		if l := h.cfg.logger; l != nil {
			l.LogAttrs(r.Context(), slog.LevelInfo, "argostest request",
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", h.statusOf(rec)), slog.Duration("duration", time.Since(start)))
		}
	}()

	f := h.takeFault(r.Method, path)
	if f != nil {
		set(func(r *Request) { r.Faulted = true })
		if !h.wait(r.Context(), f.Latency) && r.Context().Err() != nil {
			return // the client is gone
		}
		if f.Drop {
			hangUp(w, nil)
			return
		}
	}

	b := readBody(w, r)
	set(func(r *Request) {
		r.Form, r.Files, r.Body = b.form, b.fileInfos(), b.raw
		if len(r.Form) == 0 {
			r.Form = nil
		}
	})

	switch {
	case f == nil || (f.Status == 0 && !f.Truncate && f.StallBody == 0):
		h.serve(w, r, version, path, b) // statusWriter records the status
	case f.Status != 0:
		resp := faultResponse(f)
		set(func(r *Request) { r.Status = resp.status })
		h.send(w, r, f, resp)
	default: // Truncate or StallBody of the real response
		resp := newBufferedResponse()
		h.serve(resp, r, version, path, b)
		if resp.status == 0 {
			resp.status = http.StatusOK
		}
		set(func(r *Request) { r.Status = resp.status })
		h.send(w, r, f, resp)
	}
}

// statusOf reads a recorded request's status under the lock.
func (h *Handler) statusOf(r *Request) int {
	h.reqMu.Lock()
	defer h.reqMu.Unlock()
	return r.Status
}

// statusWriter reports the status before any byte of the answer leaves, and
// keeps the Hijacker and Flusher of the writer it wraps.
type statusWriter struct {
	http.ResponseWriter
	onStatus func(int)
	wrote    bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		w.onStatus(code)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Flush implements http.Flusher.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack implements http.Hijacker.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, http.ErrNotSupported
	}
	return hj.Hijack()
}

// Unwrap lets http.ResponseController reach the wrapped writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// send writes resp as fault f says: cut short, stalled or whole.
func (h *Handler) send(w http.ResponseWriter, r *http.Request, f *Fault, resp *bufferedResponse) {
	if f.Truncate {
		hangUp(w, resp)
		return
	}
	body := resp.body.Bytes()
	if f.StallBody > 0 {
		writeHalf(w, resp)
		if h.wait(r.Context(), f.StallBody) {
			_, _ = w.Write(body[len(body)/2:])
		}
		// Otherwise the client is gone or the server is closing: the response
		// stays short of its Content-Length and net/http closes the connection.
		return
	}
	for k, v := range resp.header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.status)
	_, _ = w.Write(body)
}

// serve runs the endpoint after the allow-list and key checks.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, version, path string, b *body) {
	if h.cfg.ipDenied {
		writeMessage(w, http.StatusForbidden, msgIPDenied)
		return
	}
	key := r.Header.Get("x-api-key")
	if subtle.ConstantTimeCompare([]byte(key), []byte(h.keyFor(path))) != 1 {
		writeMessage(w, http.StatusForbidden, msgForbidden)
		return
	}
	if h.overLimit(w) { // WithDailyQuota, WithRateLimit
		return
	}
	ep, status := lookup(version, r.Method, strings.TrimSuffix(path, "/"))
	switch status {
	case http.StatusNotFound:
		writeMessage(w, http.StatusNotFound, msgNotFound)
		return
	case http.StatusForbidden:
		// What API Gateway answers for a method a resource does not have
		// (and for a v3-only route under /v2).
		writeMessage(w, http.StatusForbidden, msgMissingToken)
		return
	}
	if b.tooLarge {
		writeMessage(w, http.StatusRequestEntityTooLarge, msgTooLarge)
		return
	}
	ep(h, w, r, b)
}

// writeJSON writes v as a JSON response.
func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		data = []byte(`{"message":"Internal Server Error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// writeMessage writes {"message": msg}.
func writeMessage(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"message": msg})
}

// badRequest writes a 400 with {"message": msg}.
func badRequest(w http.ResponseWriter, msg string) {
	writeMessage(w, http.StatusBadRequest, msg)
}

// clientIP is the address of the client without the port.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// newRequestID returns a random request ID in API Gateway's UUID shape.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
