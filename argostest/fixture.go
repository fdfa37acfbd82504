package argostest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// Fixture is one recorded exchange: the content of one fixture file. Every
// value that could identify an applicant has been scrubbed (see Recorder).
type Fixture struct {
	Request  FixtureRequest  `json:"request"`
	Response FixtureResponse `json:"response"`
}

// FixtureRequest is the scrubbed request of a Fixture. Method, Path (with the
// version prefix, e.g. "/v2/submission") and Query are what a Replayer
// matches on; the rest documents what was sent.
type FixtureRequest struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	// Query holds the query parameters, scrubbed.
	Query map[string][]string `json:"query,omitempty"`
	// Headers holds Content-Type (a multipart boundary replaced by
	// "BOUNDARY") and Accept; no other header is ever recorded.
	Headers map[string]string `json:"headers,omitempty"`
	// Form holds the text fields of a multipart or form-urlencoded body,
	// scrubbed.
	Form map[string][]string `json:"form,omitempty"`
	// Files describes the file parts of a multipart body; their bytes are
	// never recorded.
	Files map[string]FixtureFile `json:"files,omitempty"`
	// Body is a JSON request body, scrubbed; BodyText any other text body,
	// with emails, IP addresses and ID numbers scrubbed.
	Body     json.RawMessage `json:"body,omitempty"`
	BodyText string          `json:"body_text,omitempty"`
	// Truncated reports that the body was larger than the recorder keeps,
	// or did not finish, so Form, Files or Body are incomplete.
	Truncated bool `json:"truncated,omitempty"`
}

// FixtureFile describes one uploaded file of a multipart request.
type FixtureFile struct {
	// Filename is "<field>.<ext>", never the name the client sent.
	Filename    string `json:"filename"`
	ContentType string `json:"content_type,omitempty"`
	Size        int64  `json:"size"`
}

// FixtureResponse is the scrubbed response of a Fixture. At most one of
// Body, BodyText and BodyBase64 is set.
type FixtureResponse struct {
	Status int `json:"status"`
	// Headers holds Content-Type, Content-Disposition (with a neutral file
	// name), Retry-After and Location (its query scrubbed); no other header
	// is recorded.
	Headers map[string]string `json:"headers,omitempty"`
	// Body is a JSON body, scrubbed (object keys sorted).
	Body json.RawMessage `json:"body,omitempty"`
	// BodyText is a text body that is not JSON, scrubbed.
	BodyText string `json:"body_text,omitempty"`
	// BodyBase64 is a binary body (an image, a PDF): always a tiny valid
	// placeholder of the same type, never the bytes the server sent.
	BodyBase64 []byte `json:"body_base64,omitempty"`
	// Incomplete reports that reading the body failed after the bytes
	// recorded; a Replayer ends the body with io.ErrUnexpectedEOF.
	Incomplete bool `json:"incomplete,omitempty"`
	// Truncated reports that the body was larger than the recorder keeps
	// and was not recorded.
	Truncated bool `json:"truncated,omitempty"`
}

// A RecordOption configures a Recorder. The scrubbing options (WithSalt,
// WithScrubKeys) also configure a Replayer, which scrubs the query strings
// of the requests it matches the same way: pass it the same ones.
type RecordOption func(*fixtureConfig)

type fixtureConfig struct {
	salt  string
	extra []string
	keep  bool
}

// defaultSalt keys the hash behind the stable pseudonyms (user-…,
// applicant-…@example.com) when WithSalt is not given.
const defaultSalt = "argostest fixtures v1"

// WithSalt sets the secret that keys the hash behind the stable pseudonyms
// ("user-1a2b3c4d", "applicant-1a2b3c4d@example.com"). With the default,
// fixed salt anyone holding a guess of an email or user ID can check it
// against a committed fixture; record real traffic with a salt of your own,
// kept out of the repository, and pass the same salt to NewReplayer.
func WithSalt(salt string) RecordOption {
	return func(c *fixtureConfig) { c.salt = salt }
}

// WithScrubKeys scrubs the values of more JSON keys, query parameters and
// form fields (for example the custom fields "cf1", "cf2", "cf3", which are
// kept by default): letters become X, digits 0, emails and IP addresses
// become their placeholders. Keys match case-insensitively, ignoring "_"
// and "-".
func WithScrubKeys(keys ...string) RecordOption {
	return func(c *fixtureConfig) { c.extra = append(c.extra, keys...) }
}

// WithKeepFixtures makes NewRecorder leave the fixture files already in its
// directory alone and number new ones after them. By default it deletes
// them (and only them: files named like fixtures), so that a recording
// replaces the previous one.
func WithKeepFixtures() RecordOption {
	return func(c *fixtureConfig) { c.keep = true }
}

func newFixtureConfig(opts []RecordOption) *fixtureConfig {
	c := &fixtureConfig{salt: defaultSalt}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	return c
}

// fixtureNameRE matches the names of fixture files: "001_GET_v2_submission.json".
var fixtureNameRE = regexp.MustCompile(`^([0-9]+)_[A-Za-z]+_[A-Za-z0-9_]*\.json$`)

// writeFile0600 writes a fixture file readable by its owner only.
func writeFile0600(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600) //nolint:gosec // name is the fixture directory the caller chose plus our own file name
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// marshalFixture encodes a fixture as indented JSON without HTML escaping.
func marshalFixture(fx *Fixture) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(fx); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// methodSlug is the method part of a fixture file name: letters only.
func methodSlug(m string) string {
	s := strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, strings.ToUpper(m))
	if s == "" {
		return "X"
	}
	return s
}

// pathSlug is the path part of a fixture file name: letters and digits,
// every other run of characters one "_", at most 60 characters.
func pathSlug(p string) string {
	var b strings.Builder
	underscore := false
	for _, r := range strings.Trim(p, "/") {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			underscore = false
		} else if !underscore && b.Len() > 0 {
			b.WriteByte('_')
			underscore = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	return strings.TrimRight(b.String(), "_")
}

// readFixture reads and checks one fixture file.
func readFixture(name string) (*Fixture, error) {
	data, err := os.ReadFile(name) //nolint:gosec // a fixture file in the directory the caller chose
	if err != nil {
		return nil, err
	}
	var fx Fixture
	if err := json.Unmarshal(data, &fx); err != nil {
		return nil, err
	}
	switch {
	case fx.Request.Method == "":
		return nil, errors.New("no request method")
	case !strings.HasPrefix(fx.Request.Path, "/"):
		return nil, errors.New("request path does not start with /")
	case fx.Response.Status < 100 || fx.Response.Status > 999:
		return nil, fmt.Errorf("response status %d out of range", fx.Response.Status)
	}
	return &fx, nil
}

// decodeJSON decodes a whole body as one JSON value, numbers kept exact.
func decodeJSON(data []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, false
	}
	return v, true
}

// readCloser hands on a body that reads from Reader and closes Closer.
type readCloser struct {
	io.Reader
	io.Closer
}

// errReader fails every read with err: the end of a body cut short.
type errReader struct{ err error }

func (e *errReader) Read([]byte) (int, error) { return 0, e.err }
