package argos

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Option configures a Client. Options validate their argument and make
// NewClient return an error instead of panicking.
//
// Every Client method that calls the API ends with opts ...Option: options
// for that call alone, applied over the client's own (a longer WithTimeout
// for one Step 2, WithRetryPolicy without retries for one read, another
// WithLogger). The client itself is not changed, and a call without options
// costs nothing extra. WithHTTPClient, WithRootCAs, WithBaseURL and
// WithSecureTransmission configure what every call of a client shares (its
// transport, its host and its project's wire format): given to one call they
// are a *ValidationError and nothing is sent.
type Option func(*Client) error

// RetryPolicy says how often and how long the client waits before repeating
// a request that is safe to repeat (see the package documentation for which
// requests are).
//
// MaxRetries is the number of retries after the first attempt; 0 disables
// retries. MinWait is the first backoff wait, doubled on each retry with
// jitter and capped at MaxWait; a Retry-After header from the server is
// honoured but never waited on for longer than MaxWait. A zero MinWait or
// MaxWait takes the DefaultRetryPolicy value.
type RetryPolicy struct {
	MaxRetries int
	MinWait    time.Duration
	MaxWait    time.Duration
}

// DefaultRetryPolicy returns the policy used when WithRetryPolicy is not
// given: 3 retries, waits from 500 ms up to 30 s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxRetries: 3, MinWait: 500 * time.Millisecond, MaxWait: 30 * time.Second}
}

// DefaultTimeout bounds each call (all attempts and waits included, and for
// downloads the reading of the body) unless WithTimeout says otherwise.
const DefaultTimeout = 2 * time.Minute

// WithBaseURL sets the API base URL, version path included, for example
// BaseURLV3 or a test server's URL. It must be an absolute https URL with no
// query, fragment or credentials.
func WithBaseURL(u string) Option {
	return func(c *Client) error {
		if err := c.clientOnly("WithBaseURL"); err != nil {
			return err
		}
		parsed, err := parseBaseURL(u)
		if err != nil {
			return err
		}
		c.baseURL = parsed
		return nil
	}
}

func parseBaseURL(u string) (*url.URL, error) {
	parsed, err := url.Parse(u)
	if err != nil {
		return nil, &ValidationError{Field: "base URL", Reason: "is not a valid URL"}
	}
	switch {
	case parsed.Scheme != "https":
		return nil, &ValidationError{Field: "base URL", Reason: "must use https (the API refuses plain HTTP and the API key must not travel in clear text)"}
	case parsed.Host == "":
		return nil, &ValidationError{Field: "base URL", Reason: "has no host"}
	case parsed.User != nil:
		return nil, &ValidationError{Field: "base URL", Reason: "must not carry credentials"}
	case parsed.RawQuery != "" || parsed.Fragment != "":
		return nil, &ValidationError{Field: "base URL", Reason: "must not have a query or fragment"}
	}
	parsed.Path = strings.TrimRight(parsed.Path, "/")
	parsed.RawPath = ""
	parsed.ForceQuery = false // "https://host/v2?" has an empty query: drop the "?"
	return parsed, nil
}

// WithHTTPClient makes the client send through hc's Transport (httpmock,
// otelhttp, a test server's TLS client, a proxy), used as given: a nil
// Transport means http.DefaultTransport, as in net/http, and the SDK's
// pooled transport is not applied (wrap NewTransport() to keep it). hc's
// Timeout and Jar are kept; its CheckRedirect runs after the SDK's own
// redirect rules. hc is not modified.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if err := c.clientOnly("WithHTTPClient"); err != nil {
			return err
		}
		if hc == nil {
			return &ValidationError{Field: "HTTP client", Reason: "is nil"}
		}
		c.httpClient = hc
		return nil
	}
}

// WithRetryPolicy replaces DefaultRetryPolicy.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *Client) error {
		if p.MaxRetries < 0 || p.MinWait < 0 || p.MaxWait < 0 {
			return &ValidationError{Field: "retry policy", Reason: "must not be negative"}
		}
		def := DefaultRetryPolicy()
		if p.MinWait == 0 {
			p.MinWait = def.MinWait
		}
		if p.MaxWait == 0 {
			p.MaxWait = def.MaxWait
		}
		if p.MinWait > p.MaxWait {
			return &ValidationError{Field: "retry policy", Reason: "MinWait is longer than MaxWait"}
		}
		c.retry = p
		return nil
	}
}

// WithLogger sends the client's debug records to l. The client logs method,
// URL path, status, attempt and duration of each attempt, never query
// values, bodies or the API key. The default discards everything.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error {
		if l == nil {
			return &ValidationError{Field: "logger", Reason: "is nil"}
		}
		c.logger = l
		return nil
	}
}

// WithTimeout bounds each call, retries and waits included; for downloads it
// also bounds reading the body. 0 means no bound beyond the caller's context.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d < 0 {
			return &ValidationError{Field: "timeout", Reason: "must not be negative"}
		}
		c.timeout = d
		return nil
	}
}

// WithUserAgent adds product tokens (for example "acme-onboarding/1.4") in
// front of the SDK's own User-Agent.
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		if strings.TrimSpace(ua) == "" || strings.ContainsAny(ua, "\r\n\x00") {
			return &ValidationError{Field: "user agent", Reason: "must be non-empty printable text"}
		}
		c.userAgent = ua + " " + defaultUserAgent
		return nil
	}
}

func applyOptions(c *Client, opts []Option) error {
	for i, opt := range opts {
		if opt == nil {
			return &ValidationError{Field: fmt.Sprintf("option %d", i), Reason: "is nil"}
		}
		if err := opt(c); err != nil {
			var ve *ValidationError
			if errors.As(err, &ve) {
				return err
			}
			return fmt.Errorf("argos: option %d: %w", i, err)
		}
	}
	return nil
}

// with returns the client a call runs with: c itself when the call has no
// options (no copy, no allocation), else a shallow copy of c with opts
// applied, which lives for that call only. An option that applies to a whole
// client only (clientOnly) is a *ValidationError here, and so is a Client
// that NewClient did not make.
func (c *Client) with(opts []Option) (*Client, error) {
	if c == nil || c.hc == nil {
		return nil, errZeroClient // before anything reads the client's fields
	}
	if len(opts) == 0 {
		return c, nil
	}
	cc := *c
	cc.perCall = true
	if err := applyOptions(&cc, opts); err != nil {
		return nil, err
	}
	cc.perCall = false
	return &cc, nil
}

// clientOnly refuses, when given to one call, an option that configures what
// every call of a client shares: its transport (WithHTTPClient,
// WithRootCAs), its host (WithBaseURL, which the redirect rules and the key
// are tied to) and its project's wire format (WithSecureTransmission).
func (c *Client) clientOnly(name string) error {
	if c.perCall {
		return &ValidationError{Field: "option " + name, Reason: "applies to a whole client: give it to NewClient, not to one call"}
	}
	return nil
}
