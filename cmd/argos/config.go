package main

import (
	"crypto/x509"
	"errors"
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
	envSecure  = "ARGOS_SECURE_TRANSMISSION"
)

// client builds the SDK client from the environment and the common flags.
// A missing API key is a usage error; so is a CA file that holds no
// certificate, and an ARGOS_SECURE_TRANSMISSION that is not a yes or a no.
func (a *app) client(opts ...argos.Option) (*argos.Client, error) {
	secure, err := a.secureTransmission()
	if err != nil {
		return nil, err
	}
	return a.newClient(secure, opts...)
}

// newClient builds the SDK client from the environment and the common
// flags, with Secure Data Transmission when secure.
func (a *app) newClient(secure bool, opts ...argos.Option) (*argos.Client, error) {
	key := strings.TrimSpace(a.getenv(envAPIKey))
	if key == "" {
		return nil, usagef("%s is not set", envAPIKey)
	}
	all := []argos.Option{argos.WithUserAgent("argos-cli/" + argos.Version)}
	if u := strings.TrimSpace(a.getenv(envBaseURL)); u != "" {
		all = append(all, argos.WithBaseURL(u))
	}
	pool, err := a.rootCAs()
	if err != nil {
		return nil, err
	}
	if pool != nil {
		all = append(all, argos.WithRootCAs(pool))
	}
	if secure {
		all = append(all, argos.WithSecureTransmission())
	}
	all = append(all, a.clientOpts...)
	c, err := argos.NewClient(key, append(all, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("configuring the client: %w", err)
	}
	a.clients = append(a.clients, c)
	return c, nil
}

// rootCAs returns the certificate authorities of --ca-file or
// ARGOS_CA_FILE, or nil (the system's) when neither is set.
func (a *app) rootCAs() (*x509.CertPool, error) {
	caFile := a.caFile
	if caFile == "" {
		caFile = a.getenv(envCAFile)
	}
	if caFile == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(caFile) //nolint:gosec // the operator names the file to read
	if err != nil {
		return nil, fmt.Errorf("reading the CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, usagef("the CA file holds no PEM certificate")
	}
	return pool, nil
}

// secureTransmission reads ARGOS_SECURE_TRANSMISSION: whether the project
// has the Secure Data Transmission option on, so that the calls it covers
// (listing and reading submissions) are encrypted with the API key
// (argos.WithSecureTransmission). "argos doctor" tells which the project
// needs.
func (a *app) secureTransmission() (bool, error) {
	switch strings.ToLower(strings.TrimSpace(a.getenv(envSecure))) {
	case "", "0", "false", "no", "off":
		return false, nil
	case "1", "true", "yes", "on":
		return true, nil
	}
	return false, usagef("%s must be 1 or 0 (on or off)", envSecure)
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

// v3Refused reports whether err is the SDK's refusal of a call Argos
// documents only under /v3 on a base URL that ends in /v2: a
// *argos.ValidationError about the base URL, returned before anything is
// sent. The base URL is a client's option, so no other call's error names
// it.
func v3Refused(err error) bool {
	var ve *argos.ValidationError
	return errors.As(err, &ve) && ve.Field == "base URL"
}

// needsV3 is the usage error of a command (what) whose v3 call the SDK
// refused (v3Refused): it says what to set, the v3 base of the host in use
// (v3Base).
func (a *app) needsV3(what string) error {
	base := a.baseURL()
	return usagef("%s calls the v3 API, and the base URL is v2 (%s): set %s=%s", what, base, envBaseURL, v3Base(base))
}

// baseURL is the base URL the client uses: ARGOS_BASE_URL, else the SDK's
// default.
func (a *app) baseURL() string {
	if base := strings.TrimSpace(a.getenv(envBaseURL)); base != "" {
		return base
	}
	return argos.DefaultBaseURL
}

// vendorV2Host is the host of the deprecated API guide's base
// (argos.DefaultBaseURL today), whose v3 lives on another host.
const vendorV2Host = "rest-api.argoskyc.com"

// v3Base returns the v3 base URL that replaces the v2 base: the vendor's
// (argos.BaseURLV3) for the vendor's v2 host, and for any other host — a
// fake, a proxy — the same scheme, host and path with the final /v2
// replaced by /v3, so that the fix never points a test or a proxied setup
// at production.
func v3Base(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return argos.BaseURLV3
	}
	if strings.EqualFold(u.Hostname(), vendorV2Host) {
		return argos.BaseURLV3
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/v2") + "/v3"
	u.RawPath, u.RawQuery, u.Fragment = "", "", ""
	return u.String()
}
