package argostest

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/kycgo/argos"
)

// Server is a fake Argos API running in-process over TLS on 127.0.0.1. It
// keeps submissions in memory and behaves as API.md documents: Step 1 and
// Step 2 with retries, listing and pagination, applicants, address codes,
// deletion, images and AML reports. Tests script what verification decides
// (ScriptStep2, SetKYCResult, SetAMLHits), inject failures (InjectFault) and
// inspect what was sent (Requests). All methods are safe for concurrent use.
type Server struct {
	// BaseURL is the API's base URL on this server, with the /v2 prefix of
	// the API guide: "https://127.0.0.1:PORT/v2". The same endpoints answer
	// under /v3 (see URL).
	BaseURL string
	// APIKey is the key the server accepts in x-api-key.
	APIKey string

	h  *Handler
	ts *httptest.Server
}

// NewServer starts a fake Argos API. Close it when done.
func NewServer(opts ...ServerOption) *Server {
	h := NewHandler(opts...)
	ts := httptest.NewUnstartedServer(h)
	if h.cfg.logger != nil {
		ts.Config.ErrorLog = slog.NewLogLogger(h.cfg.logger.Handler(), slog.LevelWarn)
	} else {
		ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	}
	ts.StartTLS()
	return &Server{BaseURL: ts.URL + "/v2", APIKey: h.APIKey(), h: h, ts: ts}
}

// Handler returns the http.Handler behind the server.
func (s *Server) Handler() *Handler { return s.h }

// HTTPClient returns an *http.Client that trusts the server's certificate.
// It follows redirects like http.DefaultClient does. Server.Close closes its
// idle connections.
func (s *Server) HTTPClient() *http.Client { return s.ts.Client() }

// RootCAs returns a pool holding the server's certificate, for
// argos.WithRootCAs: the client then trusts the fake and keeps the SDK's own
// pooled transport, as in production.
func (s *Server) RootCAs() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(s.ts.Certificate())
	return pool
}

// URL returns the API's base URL for a version prefix: URL("v3") is
// "https://127.0.0.1:PORT/v3". The fake serves "v2" and "v3".
func (s *Server) URL(version string) string {
	return s.ts.URL + "/" + strings.Trim(version, "/")
}

// CertPEM returns the server's certificate, PEM-encoded, for clients that
// need a CA file.
func (s *Server) CertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.ts.Certificate().Raw})
}

// Close ends every stalled or delayed response, shuts the server down and
// waits for the requests in progress to finish.
func (s *Server) Close() {
	s.h.Close()
	s.ts.Close()
}

// ScriptStep2 queues outcomes for the next Step 2 tries. See
// Handler.ScriptStep2.
func (s *Server) ScriptStep2(outcomes ...Outcome) { s.h.ScriptStep2(outcomes...) }

// SetKYCResult finishes a pending submission as a reviewer would. See
// Handler.SetKYCResult.
func (s *Server) SetKYCResult(submissionID string, result argos.KYCStatus, comment ...string) error {
	return s.h.SetKYCResult(submissionID, result, comment...)
}

// SetAMLHits sets the AML result of an approved submission. See
// Handler.SetAMLHits.
func (s *Server) SetAMLHits(submissionID string, n int) error {
	return s.h.SetAMLHits(submissionID, n)
}

// Submission returns a submission as GET /submission?submission_id= shows it.
// See Handler.Submission.
func (s *Server) Submission(id string) (json.RawMessage, bool) { return s.h.Submission(id) }

// InjectFault queues a fault. See Fault.
func (s *Server) InjectFault(f Fault) { s.h.InjectFault(f) }

// ClearFaults removes every queued fault.
func (s *Server) ClearFaults() { s.h.ClearFaults() }

// Requests returns a copy of the requests served so far, oldest first.
func (s *Server) Requests() []Request { return s.h.Requests() }

// ResetRequests forgets the requests recorded so far.
func (s *Server) ResetRequests() { s.h.ResetRequests() }
