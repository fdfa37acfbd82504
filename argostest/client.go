package argostest

import (
	"net/http"
	"testing"
	"time"

	"github.com/kycgo/argos"
)

// NewClient starts a Server with opts for the test and returns an SDK client
// wired to it (see Server.NewClient). When the test ends the client's idle
// connections and the server are closed; NewClient fails the test if the
// client cannot be built.
func NewClient(t testing.TB, opts ...ServerOption) (*argos.Client, *Server) {
	t.Helper()
	srv := NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := srv.NewClient()
	if err != nil {
		t.Fatalf("argostest: argos.NewClient: %v", err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c, srv
}

// NewClient returns another SDK client of the server: its v3 base URL and
// API key, the SDK's default transport trusting the server's certificate
// (argos.WithRootCAs), and a fast retry policy (3 retries, 1 ms to 20 ms
// apart) so that tests of retries stay quick. opts are applied after those
// and may override them; to send through a transport of your own, build the
// client with argos.NewClient and HTTPClient instead (argos.WithHTTPClient
// and argos.WithRootCAs do not combine). Close the client's idle
// connections (CloseIdleConnections) when done.
func (s *Server) NewClient(opts ...argos.Option) (*argos.Client, error) {
	all := append([]argos.Option{
		argos.WithBaseURL(s.BaseURL),
		argos.WithRootCAs(s.RootCAs()),
		argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 20 * time.Millisecond}),
	}, opts...)
	return argos.NewClient(s.APIKey, all...)
}

// SetWebhookURL changes, once the server runs, where its webhooks go (see
// WithWebhookURL): a receiver started after the fake, or one that needs a
// client of the fake to confirm events. "" stops sending them. Webhooks
// already queued go to the new URL; hc nil means a client of the fake's
// own.
func (s *Server) SetWebhookURL(url string, hc *http.Client) {
	s.hooks.setURL(url, hc, false)
}
