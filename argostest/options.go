package argostest

import (
	"log/slog"
	"net/http"
	"time"
)

// A ServerOption configures a Server or a Handler.
type ServerOption func(*config)

type config struct {
	apiKey        string
	addOnKey      string
	admins        []string
	argosReviewer bool
	clock         func() time.Time
	ids           func() string
	logger        *slog.Logger
	ipDenied      bool

	webhookURL    string       // WithWebhookURL
	webhookClient *http.Client // WithWebhookURL; nil: the fake's own
	admin         bool         // WithControlAPI
	// secure is WithSecureTransmission: the project's Secure Data
	// Transmission option is on (webhooks are then encrypted too).
	secure bool

	policy    Policy // WithPolicy
	returnURL string // WithReturnURL
	// limits are WithDailyQuota and WithRateLimit (quota.go); nil: none.
	limits *limits
}

// WithAPIKey sets the API key the fake accepts in the x-api-key header.
// Without it every server gets a fresh random key ("test_" and 32 hex
// digits), so a test cannot pass by accident with a key from elsewhere.
func WithAPIKey(key string) ServerOption {
	return func(c *config) { c.apiKey = key }
}

// WithClock sets the clock that stamps created_at, updated_at and the other
// timestamps of submissions and that the documented timers run on (see
// Advance, which moves it forward); it is called once per request that
// changes a submission, and on each request while a timer is pending. Use
// a fixed or stepping clock for deterministic output. The default is
// time.Now. Recorded requests are stamped with time.Now.
func WithClock(now func() time.Time) ServerOption {
	return func(c *config) { c.clock = now }
}

// WithSubmissionIDs sets the function that makes up the ID of each new
// submission. It must return a different ID on each call; a repeated ID makes
// Step 1 fail with 400 "data processing error". The default returns 16 random
// lowercase letters and digits, like the real API.
func WithSubmissionIDs(next func() string) ServerOption {
	return func(c *config) { c.ids = next }
}

// WithLogger makes the fake log one line per request: method, path (without
// query), status and duration. It never logs query strings, bodies, headers
// or the API key. By default the fake logs nothing.
func WithLogger(l *slog.Logger) ServerOption {
	return func(c *config) { c.logger = l }
}

// WithIPDenied makes the fake answer every request the way the API answers a
// caller whose IP address is not allow-listed for the project: 403 with
// {"message":"User is not authorized to access this resource with an
// explicit deny"}. To deny only some requests, inject a Fault with that body
// instead.
func WithIPDenied() ServerOption {
	return func(c *config) { c.ipDenied = true }
}

// WithSecureTransmission gives the fake project the Secure Data
// Transmission option: it encrypts and decrypts exactly as
// argos.WithSecureTransmission does, with the server's API key, and
// refuses plain input where the real service would.
//
// On GET /submission the query must be the single parameter data holding
// the encrypted JSON object of the plain query's parameters (values as
// strings; {} for an unfiltered list), and the 2xx answer is
// {"data": "<Base64>"}. The v3 endpoints the option covers (PATCH
// /submission, POST and DELETE /submission/tokens, the AML monitor GET,
// POST /submission/migration with "isEncrypted": true beside data) take a
// {"data": "<Base64>"} body (or a bare Base64 body, except migration) and
// answer the same way, when the fake serves them. Plain input, input with
// parameters beside data, and ciphertext that does not decrypt get 400
// {"message": "Decryption is Failed. Please check the api-key."}, the
// message the docs list for input the service cannot decrypt. Error
// answers are plain JSON. Every other endpoint (Step 1 and 2, DELETE
// /submission, applicant, address_code, image, AML report) is served as
// without the option.
//
// Requests records what travelled: the encrypted data parameter, not the
// plain query. Encrypt and decrypt in tests with argos.EncryptPayload and
// argos.DecryptPayload and the server's APIKey.
//
// Argos docs: https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/data-encryption-decryption-options-example
// and https://argos-kyc.gitbook.io/client-guide-1/dealing-the-data/get-submission
func WithSecureTransmission() ServerOption {
	return func(c *config) { c.secure = true }
}

// WithAddOnKey sets the Add-on API key the FaceAuth endpoints accept (and
// the only key they accept). Without it every server gets a fresh random
// one ("addon_" and 32 hex digits): read it from Server.AddOnKey.
func WithAddOnKey(key string) ServerOption {
	return func(c *config) { c.addOnKey = key }
}

// WithAdmins adds dashboard admins (emails) the v3 management endpoints
// accept in their admin field, besides DefaultAdmin. Any other admin is
// refused as the API refuses an unknown one.
func WithAdmins(emails ...string) ServerOption {
	return func(c *config) { c.admins = append(c.admins, emails...) }
}

// WithArgosReviewer makes the fake project's reviewer Argos' agents rather
// than the client: POST /submission/review then answers "This submission
// cannot be reviewed by client".
func WithArgosReviewer() ServerOption {
	return func(c *config) { c.argosReviewer = true }
}
