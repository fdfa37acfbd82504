package argostest

import (
	"testing"
	"time"

	"github.com/kycgo/argos"
)

// NewClient starts a Server for the test and returns an SDK client wired to
// it: the server's base URL, API key and TLS client, and a fast retry policy
// (3 retries, 1 ms to 20 ms apart) so that tests of retries stay quick. opts
// are applied after those and may override them. The server is closed when
// the test ends; NewClient fails the test if the client cannot be built.
func NewClient(t testing.TB, opts ...argos.Option) (*argos.Client, *Server) {
	t.Helper()
	srv := NewServer()
	t.Cleanup(srv.Close)
	all := append([]argos.Option{
		argos.WithBaseURL(srv.BaseURL),
		argos.WithHTTPClient(srv.HTTPClient()),
		argos.WithRetryPolicy(argos.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 20 * time.Millisecond}),
	}, opts...)
	c, err := argos.NewClient(srv.APIKey, all...)
	if err != nil {
		t.Fatalf("argostest: argos.NewClient: %v", err)
	}
	return c, srv
}
