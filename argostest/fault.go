package argostest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// A Fault makes the fake misbehave on the next matching requests, so tests can
// check how a client copes with errors, slowness and broken connections.
// Faults are matched before the API key is checked, in the order they were
// injected; each matching request uses up one of a fault's Times.
//
// What a fault does depends on its fields:
//
//   - Latency alone delays the request, which is then served normally.
//   - Status answers with that status, Body and ContentType (default: a JSON
//     {"message":…} body for the status, as the API's gateway sends) and a
//     Retry-After header if RetryAfter is set; the endpoint does not run.
//   - Drop closes the connection without any response, before the endpoint
//     runs.
//   - Truncate sends a Content-Length larger than the bytes it writes, then
//     closes the connection. With Status 0 the endpoint runs first and the
//     real response is cut in half: the request took effect but the client
//     never learns the result.
//   - StallBody writes the headers and half the body, waits that long, then
//     writes the rest. If the request's context ends first (the client gave
//     up) or the server closes, the rest is never sent. With Status 0 it
//     slows down the real response.
//
// Latency may be combined with any of the others and is applied first.
type Fault struct {
	Method      string        // request method to match; "" matches any
	Path        string        // path after the version prefix, e.g. "/submission/step1"; "" matches any
	Times       int           // how many matching requests; 0 means 1, negative means every one
	Status      int           // status to answer with
	Body        string        // body to answer with; "" means a default for Status
	ContentType string        // Content-Type of Body; "" means application/json
	RetryAfter  string        // Retry-After header value, if not ""
	Latency     time.Duration // delay before anything else happens
	Drop        bool          // close the connection without a response
	Truncate    bool          // declare more body than is sent, then close
	StallBody   time.Duration // stall for this long in the middle of the body
}

// matches reports whether f applies to a request with method and path (path
// without the version prefix).
func (f *Fault) matches(method, path string) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, method) {
		return false
	}
	return f.Path == "" || strings.TrimSuffix(f.Path, "/") == strings.TrimSuffix(path, "/")
}

// InjectFault queues f. See Fault for what each field does.
func (fk *fake) InjectFault(f Fault) {
	if f.Times == 0 {
		f.Times = 1
	}
	fk.mu.Lock()
	defer fk.mu.Unlock()
	fk.faults = append(fk.faults, &f)
}

// ClearFaults removes every queued fault.
func (fk *fake) ClearFaults() {
	fk.mu.Lock()
	defer fk.mu.Unlock()
	fk.faults = nil
}

// takeFault returns a copy of the first queued fault that matches and uses up
// one of its Times, or nil.
func (h *Handler) takeFault(method, path string) *Fault {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, f := range h.faults {
		if !f.matches(method, path) {
			continue
		}
		c := *f
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				h.faults = append(h.faults[:i:i], h.faults[i+1:]...)
			}
		}
		return &c
	}
	return nil
}

// wait blocks for d, or until ctx ends or the handler is closed. It reports
// whether the full time passed.
func (h *Handler) wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-h.done:
		return false
	}
}

// defaultFaultBody is what a status fault sends when its Body is empty.
func defaultFaultBody(status int) string {
	msg := map[int]string{
		http.StatusBadRequest:            "Invalid Query String parameters",
		http.StatusForbidden:             "Forbidden",
		http.StatusRequestEntityTooLarge: "Request Entity Too Large",
		http.StatusTooManyRequests:       "Too Many Requests",
		http.StatusInternalServerError:   "Internal Server Error",
		http.StatusBadGateway:            "Bad Gateway",
		http.StatusServiceUnavailable:    "Service Unavailable",
		http.StatusGatewayTimeout:        "Endpoint request timed out",
	}[status]
	if msg == "" {
		msg = http.StatusText(status)
	}
	return fmt.Sprintf(`{"message":%q}`, msg)
}

// bufferedResponse is a response kept in memory so that a fault can send it
// slowly or cut it short.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferedResponse() *bufferedResponse {
	return &bufferedResponse{header: http.Header{}}
}

// Header implements http.ResponseWriter.
func (b *bufferedResponse) Header() http.Header { return b.header }

// Write implements http.ResponseWriter.
func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// WriteHeader implements http.ResponseWriter.
func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

// faultResponse builds the response a status fault sends.
func faultResponse(f *Fault) *bufferedResponse {
	b := newBufferedResponse()
	b.status = f.Status
	body := f.Body
	if body == "" {
		body = defaultFaultBody(f.Status)
	}
	ct := f.ContentType
	if ct == "" {
		ct = "application/json"
	}
	b.header.Set("Content-Type", ct)
	if f.RetryAfter != "" {
		b.header.Set("Retry-After", f.RetryAfter)
	}
	b.body.WriteString(body)
	return b
}

// hangUp closes the client connection without (more of) a response. If resp
// is not nil, its status line, headers (with a Content-Length larger than the
// body) and the first half of its body are written first.
func hangUp(w http.ResponseWriter, resp *bufferedResponse) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		// HTTP/2 or a wrapped writer: aborting the handler resets the stream.
		if resp != nil {
			writeHalf(w, resp)
		}
		panic(http.ErrAbortHandler)
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	if resp == nil {
		return
	}
	body := resp.body.Bytes()
	h := resp.header.Clone()
	h.Set("Content-Length", strconv.Itoa(len(body)+64))
	h.Del("Transfer-Encoding")
	fmt.Fprintf(rw, "HTTP/1.1 %d %s\r\n", resp.status, http.StatusText(resp.status))
	_ = h.Write(rw)
	_, _ = rw.WriteString("\r\n")
	_, _ = rw.Write(body[:len(body)/2])
	_ = rw.Flush()
}

// writeHalf writes resp's headers, with its full Content-Length, and the first
// half of its body, and flushes.
func writeHalf(w http.ResponseWriter, resp *bufferedResponse) {
	for k, v := range resp.header {
		w.Header()[k] = v
	}
	body := resp.body.Bytes()
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(resp.status)
	_, _ = w.Write(body[:len(body)/2])
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
}
