package main

import (
	"crypto/x509"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/kycgo/argos"
)

// Environment variables the tool reads.
const (
	envAPIKey  = "ARGOS_API_KEY" //nolint:gosec // the variable's name, not a credential
	envBaseURL = "ARGOS_BASE_URL"
	envCAFile  = "ARGOS_CA_FILE"
)

// client builds the SDK client from the environment and the common flags.
// A missing API key is a usage error; so is a CA file that holds no
// certificate.
func (a *app) client(opts ...argos.Option) (*argos.Client, error) {
	key := strings.TrimSpace(a.getenv(envAPIKey))
	if key == "" {
		return nil, usagef("%s is not set", envAPIKey)
	}
	all := []argos.Option{argos.WithUserAgent("argos-cli/" + argos.Version)}
	if u := strings.TrimSpace(a.getenv(envBaseURL)); u != "" {
		all = append(all, argos.WithBaseURL(u))
	}
	caFile := a.caFile
	if caFile == "" {
		caFile = a.getenv(envCAFile)
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile) //nolint:gosec // the operator names the file to read
		if err != nil {
			return nil, fmt.Errorf("reading the CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, usagef("the CA file holds no PEM certificate")
		}
		all = append(all, argos.WithRootCAs(pool))
	}
	all = append(all, a.clientOpts...)
	c, err := argos.NewClient(key, append(all, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("configuring the client: %w", err)
	}
	a.clients = append(a.clients, c)
	return c, nil
}

// secretKey returns the key that encrypts or decrypts with Secure Data
// Transmission: the content of keyFile when it is given (trimmed; the
// liveform secretKey issued in the dashboard, say), else ARGOS_API_KEY. The
// key is read from a file or the environment, never from a flag, so it
// stays out of the process list and the shell's history. Neither source
// set, or an empty file, is a usage error; no error quotes the key.
func (a *app) secretKey(keyFile string) (string, error) {
	if keyFile == "" {
		key := strings.TrimSpace(a.getenv(envAPIKey))
		if key == "" {
			return "", usagef("%s is not set (or give --key-file)", envAPIKey)
		}
		return key, nil
	}
	b, err := os.ReadFile(keyFile) //nolint:gosec // the operator names the file to read
	if err != nil {
		return "", fmt.Errorf("reading the key file: %w", err)
	}
	key := strings.TrimSpace(string(b))
	clear(b)
	if key == "" {
		return "", usagef("the key file is empty")
	}
	return key, nil
}

// requireV3 refuses, before anything is sent, a command that calls an
// endpoint Argos documents only under /v3 when ARGOS_BASE_URL ends in /v2:
// the SDK would refuse each call. It is a usage error saying what to set.
func (a *app) requireV3(what string) error {
	base := strings.TrimSpace(a.getenv(envBaseURL))
	if base == "" {
		base = argos.DefaultBaseURL
	}
	if u, err := url.Parse(base); err == nil && strings.HasSuffix(strings.TrimSuffix(u.Path, "/"), "/v2") {
		return usagef("%s calls the v3 API, and the base URL is v2 (%s): set %s=%s", what, base, envBaseURL, argos.BaseURLV3)
	}
	return nil
}
