package argostest

import (
	"testing"
	"time"

	"github.com/kycgo/argos"
)

// NewClient starts a Server for the test and returns an SDK client wired to
// it: the server's base URL and API key, the SDK's default transport trusting
// the server's certificate (argos.WithRootCAs), and a fast retry policy
// (3 retries, 1 ms to 20 ms apart) so that tests of retries stay quick. opts
// are applied after those and may override them; to send through a
// transport of your own, build the client with argos.NewClient and
// srv.HTTPClient() instead (argos.WithHTTPClient and argos.WithRootCAs do
// not combine). When the test ends the client's idle connections and the
// server are closed; NewClient fails the test if the client cannot be built.
func NewClient(t testing.TB, opts ...argos.Option) (*argos.Client, *Server) {
	t.Helper()
	srv := NewServer()
	t.Cleanup(srv.Close)
	all := append([]argos.Option{
		argos.WithBaseURL(srv.BaseURL),
		argos.WithRootCAs(srv.RootCAs()),
		argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 20 * time.Millisecond}),
	}, opts...)
	c, err := argos.NewClient(srv.APIKey, all...)
	if err != nil {
		t.Fatalf("argostest: argos.NewClient: %v", err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c, srv
}
