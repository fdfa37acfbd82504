package argos

import (
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/kycgo/argos/internal/endpoint"
)

// Base URLs. DefaultBaseURL is BaseURLV3, the vendor's current API, where
// the API guide's calls live at the same paths as under the deprecated
// guide's BaseURLV2; the v3-only calls (UpdateSubmission, ReviewSubmission,
// …) refuse a base URL ending in /v2.
//
// Argos docs: https://developers.argosidentity.com/en/idcheck/api-reference/api-reference-guide/get-submission
// and https://argos-kyc.gitbook.io/client-guide-1/api-guide-deprecated/api-guide
const (
	DefaultBaseURL = BaseURLV3
	BaseURLV3      = "https://rest-api.argosidentity.com/v3"
	BaseURLV2      = "https://rest-api.argoskyc.com/v2"
)

// Version is the SDK version sent in the User-Agent header.
const Version = "1.0.0"

const defaultUserAgent = "argos-go/" + Version

// Client calls the Argos KYC REST API. It is safe for concurrent use; create
// one per API key and reuse it.
type Client struct {
	baseURL    *url.URL
	base       string // baseURL.String(), which every request URL starts with
	key        *secretKey
	addOnKey   *secretKey // WithAddOnKey: sent by the FaceAuth calls only
	httpClient *http.Client
	hc         *http.Client // what go-retryablehttp sends through
	logger     *slog.Logger
	retry      RetryPolicy
	poll       PollPolicy // WaitForDecision's; zero: DefaultPollPolicy
	timeout    time.Duration
	userAgent  string
	secure     bool // WithSecureTransmission
	rootCAs    *x509.CertPool
	transport  http.RoundTripper // the transport under the SDK's logging wrapper
	middleware []Middleware      // WithMiddleware, outermost first
	// opPaths maps each endpoint's path to the URL path with the base's, for
	// Operation.Path and Route without an allocation per call.
	opPaths map[string]string
	perCall bool    // options being applied to one call (Client.with)
	limiter Limiter // WithRateLimiter; nil: none
	// correlation is WithCorrelationField's field; "" without it.
	correlation DataField
	settle      *time.Duration // WithSettleTime; nil: defaultSettleTime
}

// Format describes the client by its base URL for every verb, never its
// keys. (The keys are held behind pointers, which fmt prints as addresses,
// so a copied Client value does not show them either.)
func (c *Client) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, "argos.Client{"+c.BaseURL()+"}")
}

// secretKey is an API key. The Client holds its keys behind pointers: fmt
// prints a nested pointer as an address, so no verb shows a key.
type secretKey string

// NewClient returns a client for the project whose API key is apiKey. It
// fails on an empty key, a base URL that is not https, or an invalid option.
func NewClient(apiKey string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(apiKey) == "" {
		return nil, &ValidationError{Field: fieldAPIKey, Reason: "is empty"}
	}
	if strings.ContainsAny(apiKey, "\r\n\x00") {
		return nil, &ValidationError{Field: fieldAPIKey, Reason: "contains control characters"}
	}
	key := secretKey(apiKey)
	base, _ := parseBaseURL(DefaultBaseURL)
	c := &Client{
		baseURL:   base,
		key:       &key,
		logger:    slog.New(slog.DiscardHandler),
		retry:     DefaultRetryPolicy(),
		timeout:   DefaultTimeout,
		userAgent: defaultUserAgent,
	}
	if err := applyOptions(c, opts); err != nil {
		return nil, err
	}
	if c.rootCAs != nil && c.httpClient != nil {
		return nil, &ValidationError{Field: "root CAs", Reason: "cannot be combined with WithHTTPClient; set them on that client's transport"}
	}
	c.base = c.baseURL.String()
	c.opPaths = make(map[string]string, len(endpoint.All))
	for _, ep := range endpoint.All {
		c.opPaths[ep.Path] = c.baseURL.Path + ep.Path
	}
	c.hc = c.newHTTPClient()
	return c, nil
}

// BaseURL returns the base URL the client sends to.
// It is "" on a Client that NewClient did not make.
func (c *Client) BaseURL() string {
	if c == nil || c.baseURL == nil {
		return ""
	}
	return c.baseURL.String()
}

func (c *Client) newHTTPClient() *http.Client {
	var hc *http.Client
	if c.httpClient != nil {
		// The caller's client is used as given: its transport (nil means
		// http.DefaultTransport, as in net/http), Timeout and Jar.
		copied := *c.httpClient
		hc = &copied
		if hc.Transport == nil {
			hc.Transport = http.DefaultTransport
		}
	} else {
		t := NewTransport()
		t.TLSClientConfig.RootCAs = c.rootCAs
		// Each call's deadline (WithTimeout, the client's or the call's own)
		// bounds the wait for headers: a longer WithTimeout given to one slow
		// Step 2 must not be cut short by the transport.
		t.ResponseHeaderTimeout = 0
		hc = &http.Client{Transport: t}
	}
	userRedirect := hc.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := c.checkRedirect(req, via); err != nil {
			return err
		}
		if userRedirect != nil {
			return userRedirect(req, via)
		}
		return nil
	}
	c.transport = hc.Transport
	return hc
}

// maxRedirects is how many redirects one call follows in all, across its
// attempts. Redirect hops are requests too: APIError.Attempts counts them,
// beside the 1 + RetryPolicy.MaxRetries attempts of the call itself.
const maxRedirects = 10

var errTooManyRedirects = fmt.Errorf("argos: stopped after %d redirects", maxRedirects)

// checkRedirect keeps the API key only on https requests to the API host:
// net/http copies custom headers such as x-api-key to every redirect target.
// Plain-HTTP targets and redirected POST, PATCH and PUT requests (whose
// streamed body cannot be replayed, and which net/http would turn into a GET
// on a 301, 302 or 303) are refused.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return errTooManyRedirects
	}
	if req.URL.Scheme != "https" {
		return ErrInsecureRedirect
	}
	if m := via[0].Method; m != http.MethodGet && m != http.MethodDelete {
		// A 301/302/303 would turn a PATCH or PUT into a GET elsewhere.
		return http.ErrUseLastResponse
	}
	// net/http sends the previous URL as Referer, query (submission ID,
	// email, user ID) included: never pass it on.
	req.Header.Del("Referer")
	if !strings.EqualFold(req.URL.Host, c.baseURL.Host) {
		req.Header.Del(headerAPIKey)
	}
	return nil
}

const headerAPIKey = "x-api-key"

// CloseIdleConnections closes the keep-alive connections the client's
// transport holds open; calls in flight and open Download bodies are not
// affected. Call it when the client is no longer needed. With WithHTTPClient
// it acts on that client's transport (on http.DefaultTransport when its
// Transport is nil, as http.Client.CloseIdleConnections does).
func (c *Client) CloseIdleConnections() {
	if c == nil {
		return
	}
	if t, ok := c.transport.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
}
