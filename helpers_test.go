package argos_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

const (
	testKey  = "sk_test_5ecret_k3y_do_not_print"
	mockBase = "https://api.argos.test/v2"
)

var fastRetries = argos.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}

// newMockClient returns a client whose transport is an httpmock transport.
func newMockClient(t *testing.T, opts ...argos.Option) (*argos.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	opts = append([]argos.Option{
		argos.WithBaseURL(mockBase),
		argos.WithHTTPClient(&http.Client{Transport: mt}),
		argos.WithRetryPolicy(fastRetries),
	}, opts...)
	c, err := argos.NewClient(testKey, opts...)
	require.NoError(t, err)
	return c, mt
}

// fixture reads a file under testdata/.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
	require.NoError(t, err)
	return b
}

// jsonResponder answers with a fixture as JSON.
func jsonResponder(t *testing.T, status int, name string) httpmock.Responder {
	t.Helper()
	resp := httpmock.NewBytesResponse(status, fixture(t, name))
	resp.Header.Set("Content-Type", "application/json")
	return httpmock.ResponderFromResponse(resp)
}

// image opens a sample image as an *argos.File.
func image(t *testing.T, name string) *argos.File {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "images", name))
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	return &argos.File{Name: name, Body: f}
}

func ptr(f float64) *float64 { return &f }

// selfSignedCert returns a certificate for 127.0.0.1 that no client
// trusts (unlike httptest's built-in one, which every httptest client
// trusts).
func selfSignedCert(t testing.TB) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "untrusted.argos.test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// discardLog is a server error log that prints nothing (handlers that hang
// up on purpose make net/http log).
func discardLog() *log.Logger { return log.New(io.Discard, "", 0) }

// reflectNew returns a pointer to a copy of v (v itself when it is already a
// pointer).
func reflectNew(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		return v
	}
	p := reflect.New(rv.Type())
	p.Elem().Set(rv)
	return p.Interface()
}
