package argos_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/kycgo/argos"
)

func TestNewTransportIsMadeForConcurrentCallers(t *testing.T) {
	tr := argos.NewTransport()
	assert.Equal(t, maxConnsPerHost, tr.MaxConnsPerHost)
	assert.Equal(t, tr.MaxConnsPerHost, tr.MaxIdleConnsPerHost, "every connection opened can be kept")
	assert.GreaterOrEqual(t, tr.MaxIdleConns, tr.MaxIdleConnsPerHost)
	assert.True(t, tr.ForceAttemptHTTP2)
	assert.Positive(t, tr.IdleConnTimeout)
	assert.Positive(t, tr.TLSHandshakeTimeout)
	assert.Positive(t, tr.ResponseHeaderTimeout)
	assert.NotNil(t, tr.DialContext)
	assert.NotNil(t, tr.Proxy)
	require.NotNil(t, tr.TLSClientConfig)
	assert.Equal(t, uint16(tls.VersionTLS12), tr.TLSClientConfig.MinVersion)
	assert.False(t, tr.TLSClientConfig.InsecureSkipVerify)

	// Each call returns a transport of its own, TLS settings included: a
	// caller tuning one (a proxy, a lower TLS floor for a test) changes no
	// other client's.
	tr.MaxConnsPerHost = 1
	tr.TLSClientConfig.MinVersion = tls.VersionTLS10
	next := argos.NewTransport()
	assert.Equal(t, maxConnsPerHost, next.MaxConnsPerHost)
	assert.Equal(t, uint16(tls.VersionTLS12), next.TLSClientConfig.MinVersion)
}

func TestConcurrentCallersShareOnePoolOfConnections(t *testing.T) {
	// Every caller starts at once, so the first round of calls is when a
	// pool without a cap would open a connection per caller; a few calls
	// each (4 × 64 > 64 connections) show that connections are reused.
	// Throughput is BenchmarkConcurrentCallers' job.
	const perCaller = 4
	for _, tc := range []struct {
		name     string
		callers  int
		http2    bool
		maxConns int64
	}{
		{"64 callers over HTTP/1.1 open at most 64 connections", 64, false, maxConnsPerHost},
		{"200 callers over HTTP/1.1 wait for one of 64 connections", 200, false, maxConnsPerHost},
		{"64 callers over HTTP/2 open at most 64 connections", 64, true, maxConnsPerHost},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newConnCountingServer(t, tc.http2)
			ignore := goleak.IgnoreCurrent() // the server's own goroutines
			c, err := argos.NewClient(testKey, argos.WithBaseURL(srv.URL+"/v2"), argos.WithRootCAs(srv.roots()))
			require.NoError(t, err)

			var wg sync.WaitGroup
			var failures atomic.Int64
			for range tc.callers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range perCaller {
						if _, err := c.GetSubmission(context.Background(), "gt7rcxx9l1o*****"); err != nil {
							failures.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			assert.Zero(t, failures.Load())
			conns, peak := srv.conns.Load(), srv.peak.Load()
			t.Logf("%d calls from %d goroutines opened %d connections, at most %d at once", tc.callers*perCaller, tc.callers, conns, peak)
			// The cap is on connections open at once: under heavy load a
			// connection can close and be replaced, which opens one more in
			// all without exceeding the cap.
			assert.LessOrEqual(t, peak, tc.maxConns)
			assert.LessOrEqual(t, conns, 2*tc.maxConns, "connections are reused, not opened per call")
			assert.Positive(t, conns)

			// CloseIdleConnections closes every pooled connection, and with
			// them the client's per-connection goroutines, while the server
			// is still up.
			c.CloseIdleConnections()
			srv.waitAllClosed() // the server saw every connection closed
			goleak.VerifyNone(t, ignore)
		})
	}
}

func TestWithRootCAsTrustsAPrivateCA(t *testing.T) {
	srv := newConnCountingServer(t, false)

	t.Run("the client trusts the given pool", func(t *testing.T) {
		c, err := argos.NewClient(testKey, argos.WithBaseURL(srv.URL+"/v2"), argos.WithRootCAs(srv.roots()))
		require.NoError(t, err)
		defer c.CloseIdleConnections()
		_, err = c.GetSubmission(context.Background(), "gt7rcxx9l1o*****")
		assert.NoError(t, err)
	})
	t.Run("without it the test CA is refused", func(t *testing.T) {
		c, err := argos.NewClient(testKey, argos.WithBaseURL(srv.URL+"/v2"), argos.WithRetryPolicy(fastRetries))
		require.NoError(t, err)
		_, err = c.GetSubmission(context.Background(), "gt7rcxx9l1o*****")
		var unknown x509.UnknownAuthorityError
		assert.ErrorAs(t, err, &unknown)
	})
	t.Run("a nil pool is an error", func(t *testing.T) {
		_, err := argos.NewClient(testKey, argos.WithRootCAs(nil))
		assert.ErrorIs(t, err, argos.ErrValidation)
	})
	t.Run("it cannot be combined with WithHTTPClient", func(t *testing.T) {
		_, err := argos.NewClient(testKey, argos.WithRootCAs(srv.roots()), argos.WithHTTPClient(srv.Client()))
		assert.ErrorIs(t, err, argos.ErrValidation)
	})
}

func TestAnHTTPClientIsUsedAsGiven(t *testing.T) {
	srv := newConnCountingServer(t, false)
	ct := &countingTransport{base: srv.Client().Transport}
	hc := &http.Client{Transport: ct}
	c, err := argos.NewClient(testKey, argos.WithBaseURL(srv.URL+"/v2"), argos.WithHTTPClient(hc))
	require.NoError(t, err)
	_, err = c.GetSubmission(context.Background(), "gt7rcxx9l1o*****")
	require.NoError(t, err)
	assert.Equal(t, int64(1), ct.n.Load(), "the request went through the caller's transport")
	assert.Same(t, ct, hc.Transport, "the caller's client is not modified")
	assert.Nil(t, hc.CheckRedirect)
}
