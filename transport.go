package argos

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"time"
)

// Connection pool and timeout defaults of NewTransport.
const (
	// defaultMaxConnsPerHost caps the connections the default transport
	// opens to one host, and as many are kept alive between calls. Dozens
	// of goroutines sharing one Client reuse them instead of paying a TLS
	// handshake per call (net/http's default keeps only 2 idle, so
	// concurrent callers open and close connections all the time). A call
	// that finds all of them busy waits for the first one free, within its
	// context; over HTTP/2 one connection carries many calls at once.
	defaultMaxConnsPerHost = 64

	defaultDialTimeout           = 10 * time.Second
	defaultKeepAlive             = 30 * time.Second
	defaultTLSHandshakeTimeout   = 10 * time.Second
	defaultIdleConnTimeout       = 90 * time.Second
	defaultExpectContinueTimeout = time.Second
)

// NewTransport returns a new *http.Transport with the settings the Client
// uses when WithHTTPClient is not given:
//
//   - at most 64 connections per host, all kept alive
//     between calls and closed after 90 s idle;
//   - HTTP/2 when the server offers it;
//   - a 10 s dial timeout with TCP keep-alives, a 10 s TLS handshake timeout
//     and a response-header timeout of DefaultTimeout (Step 2's face
//     comparison can take a while). A Client built without WithHTTPClient
//     leaves the latter to each call's deadline, so a longer WithTimeout,
//     the client's or one call's, is never cut short by the transport;
//   - TLS 1.2 or later, certificates always verified;
//   - proxies from the environment (HTTPS_PROXY, NO_PROXY).
//
// Each open Download holds one connection until its Body is closed (or the
// call's WithTimeout ends it), so close downloads promptly: 64 bodies left
// open make every other call wait.
//
// Use it as the base when wrapping the transport (tracing, metrics) so the
// wrapped client keeps the pool; if you raise WithTimeout above
// DefaultTimeout, raise ResponseHeaderTimeout on it to match:
//
//	hc := &http.Client{Transport: otelhttp.NewTransport(argos.NewTransport())}
//	client, err := argos.NewClient(key, argos.WithHTTPClient(hc))
func NewTransport() *http.Transport {
	dialer := &net.Dialer{Timeout: defaultDialTimeout, KeepAlive: defaultKeepAlive}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxConnsPerHost:       defaultMaxConnsPerHost,
		MaxIdleConnsPerHost:   defaultMaxConnsPerHost,
		MaxIdleConns:          2 * defaultMaxConnsPerHost, // the API host and a download host
		IdleConnTimeout:       defaultIdleConnTimeout,
		TLSHandshakeTimeout:   defaultTLSHandshakeTimeout,
		ResponseHeaderTimeout: DefaultTimeout,
		ExpectContinueTimeout: defaultExpectContinueTimeout,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
	}
}

// WithRootCAs makes the default transport trust the certificate authorities
// in pool instead of the system's: a corporate TLS-inspecting proxy, or a
// test server such as argostest's. The pooled transport (NewTransport) is
// kept. It cannot be combined with WithHTTPClient, whose transport is used
// as given; configure that transport's TLS instead.
func WithRootCAs(pool *x509.CertPool) Option {
	return func(c *Client) error {
		if err := c.clientOnly("WithRootCAs"); err != nil {
			return err
		}
		if pool == nil {
			return &ValidationError{Field: "root CAs", Reason: "is nil"}
		}
		c.rootCAs = pool
		return nil
	}
}
