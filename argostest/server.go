package argostest

import (
	"crypto/x509"
	"encoding/pem"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
)

// Server is a fake Argos API running in-process over TLS on 127.0.0.1. It
// keeps submissions in memory and behaves as the vendor documents: Step 1 and
// Step 2 with retries, listing and pagination, applicants, address codes,
// deletion, images and AML reports. Tests script what verification decides
// (ScriptStep1, ScriptStep2, SetKYCResult, SetAMLHits), play the hosted
// liveform (Liveform), move the clock (Advance), fill the project
// (AddSubmissions), inject failures (InjectFault), inspect what was sent
// (Requests) and receive the webhooks of each transition (WithWebhookURL,
// Webhooks, FlushWebhooks). All methods are safe for concurrent use.
type Server struct {
	// BaseURL is the API's base URL on this server, with the /v3 prefix of
	// argos.DefaultBaseURL: "https://127.0.0.1:PORT/v3". The API guide's
	// endpoints answer under /v2 too (see URL).
	BaseURL string
	// APIKey is the key the server accepts in x-api-key.
	APIKey string
	// AddOnKey is the Add-on key the FaceAuth endpoints accept instead
	// (argos.WithAddOnKey).
	AddOnKey string

	// The hooks (ScriptStep2, SetKYCResult, SetAMLHits, Submission,
	// InjectFault, ClearFaults, Requests, ResetRequests) are the Handler's
	// own methods, shared through the state both embed.
	*fake

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
	return &Server{BaseURL: ts.URL + "/v3", APIKey: h.APIKey(), AddOnKey: h.AddOnKey(), fake: h.fake, h: h, ts: ts}
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
