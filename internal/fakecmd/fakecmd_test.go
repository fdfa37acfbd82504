package fakecmd

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// started is what run printed.
type started struct {
	baseURL, key, certFile string
	try, admin             string // the curl lines
	stop                   func() // stops the command and waits for it
	encrypted              bool
	seeded                 int // the submissions it said it seeded
}

// start runs the command with args until the test ends and returns what it
// printed.
func start(t *testing.T, args ...string) started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, "argos-fake", args, pw, io.Discard)
		pw.Close()
		done <- err
	}()
	var s started
	var once sync.Once
	s.stop = func() {
		once.Do(func() {
			cancel()
			// One that never stops is reported by go test's -timeout.
			assert.NoError(t, <-done, "run returns nil after a clean shutdown")
		})
	}
	t.Cleanup(s.stop)

	sc := bufio.NewScanner(pr)
	for s.admin == "" && sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "base URL: "):
			s.baseURL = strings.Fields(strings.TrimPrefix(line, "base URL: "))[0]
		case strings.HasPrefix(line, "API key:  "):
			s.key = strings.TrimPrefix(line, "API key:  ")
		case strings.HasPrefix(line, "seeded:   "):
			_, err := fmt.Sscanf(line, "seeded:   %d submissions", &s.seeded)
			require.NoError(t, err)
		case strings.HasPrefix(line, "encrypt:  "):
			s.encrypted = true
		case strings.HasPrefix(line, "CA file:  "):
			s.certFile = strings.TrimPrefix(line, "CA file:  ")
		case strings.HasPrefix(line, "try:      "):
			s.try = strings.TrimPrefix(line, "try:      ")
		case strings.HasPrefix(line, "admin:    "):
			s.admin = strings.TrimPrefix(line, "admin:    ")
		}
	}
	require.NotEmpty(t, s.admin, "run printed its details")
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	return s
}

// trusting returns an HTTP client that trusts the certificate in file.
func trusting(t *testing.T, file string) *http.Client {
	t.Helper()
	pemBytes, err := os.ReadFile(file)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pemBytes), "the file holds a PEM certificate")
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func TestRun(t *testing.T) {
	t.Run("it serves the fake API to an SDK client that trusts the written certificate", func(t *testing.T) {
		certFile := filepath.Join(t.TempDir(), "ca.pem")
		s := start(t, "-addr", "127.0.0.1:0", "-key", "local-key", "-cert-out", certFile)
		assert.Regexp(t, `^https://127\.0\.0\.1:\d+/v3$`, s.baseURL)
		assert.Equal(t, "local-key", s.key)
		assert.Equal(t, certFile, s.certFile)

		client, err := argos.NewClient(s.key, argos.WithBaseURL(s.baseURL), argos.WithHTTPClient(trusting(t, certFile)))
		require.NoError(t, err)
		ctx := context.Background()
		s1, err := client.SubmitStep1(ctx, &argos.Step1Request{
			IssuingCountry: "USA", Email: "a@example.com", IDType: argos.IDPassport,
			IDImage: &argos.File{Name: "id.png", Body: bytes.NewReader(argostest.SamplePNG())},
		})
		require.NoError(t, err)
		got, err := client.GetSubmission(ctx, s1.SubmissionID)
		require.NoError(t, err)
		assert.Equal(t, argos.KYCIncomplete, got.KYC.Status)
	})
	t.Run("v2 answers too", func(t *testing.T) {
		s := start(t, "-addr", "127.0.0.1:0", "-cert-out", filepath.Join(t.TempDir(), "ca.pem"))
		assert.Regexp(t, `^test_[0-9a-f]{32}$`, s.key, "a random key by default")
		req, _ := http.NewRequest(http.MethodGet, strings.TrimSuffix(s.baseURL, "/v3")+"/v2/submission", nil)
		req.Header.Set("x-api-key", s.key)
		resp, err := trusting(t, s.certFile).Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "HTTP/1.1", resp.Proto)
	})
	t.Run("with -encrypt it serves GET /submission encrypted and refuses a plain query", func(t *testing.T) {
		s := start(t, "-addr", "127.0.0.1:0", "-cert-out", filepath.Join(t.TempDir(), "ca.pem"), "-encrypt")
		assert.True(t, s.encrypted, "it says encryption is on")
		hc := trusting(t, s.certFile)

		secure, err := argos.NewClient(s.key, argos.WithBaseURL(s.baseURL), argos.WithHTTPClient(hc), argos.WithSecureTransmission())
		require.NoError(t, err)
		list, err := secure.ListSubmissions(context.Background(), &argos.ListSubmissionsParams{UserID: "u1"})
		require.NoError(t, err)
		assert.Empty(t, list.Items)

		plain, err := argos.NewClient(s.key, argos.WithBaseURL(s.baseURL), argos.WithHTTPClient(hc))
		require.NoError(t, err)
		_, err = plain.ListSubmissions(context.Background(), &argos.ListSubmissionsParams{UserID: "u1"})
		var apiErr *argos.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
		assert.Contains(t, err.Error(), "Decryption is Failed")
	})
	t.Run("without -encrypt it says nothing about encryption", func(t *testing.T) {
		s := start(t, "-addr", "127.0.0.1:0", "-cert-out", filepath.Join(t.TempDir(), "ca.pem"))
		assert.False(t, s.encrypted)
	})
	t.Run("with -seed it starts with that many submissions in varied states", func(t *testing.T) {
		s := start(t, "-addr", "127.0.0.1:0", "-cert-out", filepath.Join(t.TempDir(), "ca.pem"), "-seed", "120")
		assert.Equal(t, 120, s.seeded)
		client, err := argos.NewClient(s.key, argos.WithBaseURL(s.baseURL), argos.WithHTTPClient(trusting(t, s.certFile)))
		require.NoError(t, err)
		list, err := client.ListSubmissions(context.Background(), &argos.ListSubmissionsParams{Count: argos.MaxPageSize})
		require.NoError(t, err)
		assert.Len(t, list.Items, 120)
		statuses := map[argos.KYCStatus]bool{}
		for _, it := range list.Items {
			statuses[it.KYC.Status] = true
		}
		assert.Len(t, statuses, 4, "approved, rejected, pending and incomplete: %v", statuses)
	})
	t.Run("with -return-url the admin liveform lands there", func(t *testing.T) {
		s := start(t, "-addr", "127.0.0.1:0", "-cert-out", filepath.Join(t.TempDir(), "ca.pem"), "-return-url", "https://app.example/back")
		link, err := argos.LiveformURL(&argos.LiveformParams{ProjectID: "p", Email: "cli@example.com"})
		require.NoError(t, err)
		body, err := json.Marshal(map[string]any{"link": link})
		require.NoError(t, err)
		req, _ := http.NewRequest(http.MethodPost, strings.TrimSuffix(strings.TrimSuffix(s.baseURL, "/v2"), "/v3")+argostest.ControlPrefix+"liveform", bytes.NewReader(body))
		req.Header.Set("x-api-key", s.key)
		resp, err := trusting(t, s.certFile).Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		var out struct {
			ReturnURL string `json:"return_url"`
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
		ret, err := argos.ParseReturnURL(out.ReturnURL)
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(out.ReturnURL, "https://app.example/back?"))
		assert.Equal(t, argos.KYCApproved, ret.Status)
	})
	t.Run("without -seed it starts empty and says nothing of seeding", func(t *testing.T) {
		s := start(t, "-addr", "127.0.0.1:0", "-cert-out", filepath.Join(t.TempDir(), "ca.pem"))
		assert.Zero(t, s.seeded)
	})
	t.Run("a wrong key is forbidden", func(t *testing.T) {
		s := start(t, "-addr", "127.0.0.1:0", "-cert-out", filepath.Join(t.TempDir(), "ca.pem"))
		req, _ := http.NewRequest(http.MethodGet, s.baseURL+"/submission", nil)
		req.Header.Set("x-api-key", "wrong")
		resp, err := trusting(t, s.certFile).Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	})
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"an unknown flag is an error", []string{"-nope"}, "flag provided but not defined"},
		{"a negative -seed is an error", []string{"-seed", "-1"}, "-seed must not be negative"},
		{"a stray argument is an error", []string{"-addr", "127.0.0.1:0", "extra"}, "unexpected arguments"},
		{"an address that cannot be listened on is an error", []string{"-addr", "256.0.0.1:0"}, "listen"},
		{"a certificate path that cannot be written is an error",
			[]string{"-addr", "127.0.0.1:0", "-cert-out", filepath.Join("/nonexistent-dir", "x", "ca.pem")}, "writing the certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), "argos-fake", tt.args, &out, io.Discard)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	t.Run("-h prints the usage", func(t *testing.T) {
		var out bytes.Buffer
		err := run(context.Background(), "argos-fake", []string{"-h"}, &out, io.Discard)
		assert.ErrorIs(t, err, flag.ErrHelp)
		assert.Contains(t, out.String(), "-cert-out")
	})
}

func TestSelfSignedCert(t *testing.T) {
	t.Run("it covers loopback, localhost and the listen host", func(t *testing.T) {
		now := time.Now()
		_, pemBytes, err := selfSignedCert("fake.test", now)
		require.NoError(t, err)
		pool := x509.NewCertPool()
		require.True(t, pool.AppendCertsFromPEM(pemBytes))
		block, _ := pem.Decode(pemBytes)
		require.NotNil(t, block)
		cert, err := x509.ParseCertificate(block.Bytes)
		require.NoError(t, err)
		for _, host := range []string{"127.0.0.1", "::1", "localhost", "fake.test"} {
			_, err := cert.Verify(x509.VerifyOptions{DNSName: host, Roots: pool, CurrentTime: now})
			assert.NoError(t, err, host)
		}
		_, err = cert.Verify(x509.VerifyOptions{DNSName: "other.test", Roots: pool, CurrentTime: now})
		assert.Error(t, err)
	})
}

func TestRunExitCodes(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		want       int
		wantStderr string
	}{
		{"-h exits 0 with nothing on stderr", []string{"-h"}, 0, ""},
		{"an unknown flag is a usage error", []string{"-nope"}, 2, "argos fake: flag provided but not defined"},
		{"a stray argument is a usage error", []string{"extra"}, 2, "argos fake: unexpected arguments"},
		{"an address that cannot be listened on is a failure", []string{"-addr", "256.0.0.1:0"}, 1, "argos fake: listen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			got := Run(context.Background(), "argos fake", tt.args, &stdout, &stderr)
			assert.Equal(t, tt.want, got)
			if tt.wantStderr == "" {
				assert.Empty(t, stderr.String())
			} else {
				assert.True(t, strings.HasPrefix(stderr.String(), tt.wantStderr), stderr.String())
			}
		})
	}
	t.Run("a cancelled context stops the server with 0", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var stdout, stderr bytes.Buffer
		got := Run(ctx, "argos fake", []string{"-addr", "127.0.0.1:0", "-cert-out", filepath.Join(t.TempDir(), "ca.pem")}, &stdout, &stderr)
		assert.Equal(t, 0, got, stderr.String())
		assert.Contains(t, stdout.String(), "base URL: https://127.0.0.1:")
	})
}
