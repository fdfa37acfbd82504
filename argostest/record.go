package argostest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits of what a Recorder keeps. They bound memory, not what passes
// through: the caller always gets every byte the server sent.
const (
	// maxRecordedRequestBody bounds the non-multipart request bodies (JSON,
	// form-urlencoded) a Recorder copies while they stream. Multipart bodies
	// are parsed as they stream and never held whole.
	maxRecordedRequestBody = 8 << 20
	// maxRecordedField bounds one text field of a multipart request.
	maxRecordedField = 64 << 10
	// maxRecordedParts bounds the parts of a multipart request that are
	// recorded; later parts are only counted through.
	maxRecordedParts = 1000
	// maxRecordedResponse bounds the JSON and text response bodies a
	// Recorder reads before it hands them on (the SDK's MaxResponseSize).
	maxRecordedResponse = 32 << 20
	// requestBodyGrace is how long RoundTrip waits, once the response is in,
	// for the transport to finish sending the request body.
	requestBodyGrace = 5 * time.Second
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

// Recorder is an http.RoundTripper that sends each request with a real
// transport and writes the exchange, scrubbed, to a fixture directory: one
// JSON file per exchange, named "NNN_<METHOD>_<path>.json" in the order the
// exchanges finish. Replay them offline with a Replayer.
//
// The caller gets the real response, unchanged. The fixture never holds:
//   - the x-api-key, Authorization or Cookie headers, or any header other
//     than Content-Type and Accept (requests) and Content-Type,
//     Content-Disposition, Retry-After and Location (responses; a
//     Location's query is scrubbed and signatures or tokens in it become
//     "REDACTED");
//   - applicants' personal data: names, birth and ID dates, emails, ID,
//     document, licence, serial, phone and social-security numbers, IP
//     addresses, addresses and address codes, and everything under
//     verificationParams, ocr, OCR_raw, review, memo and data that is not a
//     known neutral field (ID type, gender, nationality, issuing country,
//     age group, cf1–cf3, scores). Values are replaced by fakes of the same
//     format: birth dates by "1990-01-01" (ID issue and expiry dates by
//     "2020-01-01" and "2030-01-01"), names by "Test Applicant", numbers
//     digit for digit by 0 (letters by X), IP addresses by 192.0.2.1,
//     addresses by "1 Test Street, Testville, Testland", user IDs by
//     "user-<hash>" and emails by "applicant-<hash>@example.com", where the
//     hash is stable (see WithSalt), so a user ID filter recorded later
//     still matches the user ID an earlier response returned. Emails (also
//     URL-encoded), personal query parameters of URLs, IPv4 addresses and
//     Korean resident registration numbers inside any other string (such
//     as an error message that echoes the email) are replaced too;
//   - uploaded files: only their size and content type, under the name
//     "<field>.<ext>";
//   - downloaded images and PDFs: a 1×1 PNG, JPEG or GIF or a one-page
//     blank PDF of the same type takes their place.
//
// Submission, applicant and resource IDs, statuses, scores, codes,
// messages, timestamps and the "Deleted Submission" marker are kept, so a
// replayed flow sees the same IDs and outcomes.
// Transport errors are not recorded.
//
// Request bodies stream through: multipart forms are parsed on the fly and
// files counted, not kept; other bodies are copied up to 8 MiB. JSON and
// text responses are read (up to 32 MiB) and handed on from memory;
// downloads stream through untouched. A Recorder is safe for concurrent use;
// concurrent exchanges are numbered in the order they finish.
type Recorder struct {
	dir  string
	base http.RoundTripper
	sc   *scrubber

	mu  sync.Mutex
	seq int
	err error
}

// NewRecorder returns a Recorder that writes fixtures to dir (created with
// mode 0700 if needed; files are written with mode 0600) and sends requests
// with base, or http.DefaultTransport when base is nil. Unless
// WithKeepFixtures is given it deletes the fixture files already in dir.
func NewRecorder(dir string, base http.RoundTripper, opts ...RecordOption) (*Recorder, error) {
	if dir == "" {
		return nil, errors.New("argostest: NewRecorder: empty directory")
	}
	if base == nil {
		base = http.DefaultTransport
	}
	cfg := newFixtureConfig(opts)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("argostest: NewRecorder: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("argostest: NewRecorder: %w", err)
	}
	seq := 0
	for _, e := range entries {
		m := fixtureNameRE.FindStringSubmatch(e.Name())
		if m == nil || !e.Type().IsRegular() {
			continue
		}
		if cfg.keep {
			if n, err := strconv.Atoi(m[1]); err == nil && n > seq {
				seq = n
			}
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			return nil, fmt.Errorf("argostest: NewRecorder: removing an old fixture: %w", err)
		}
	}
	return &Recorder{dir: dir, base: base, sc: newScrubber(cfg), seq: seq}, nil
}

// Client returns an *http.Client that sends through the Recorder, for
// argos.WithHTTPClient.
func (r *Recorder) Client() *http.Client { return &http.Client{Transport: r} }

// Dir returns the fixture directory.
func (r *Recorder) Dir() string { return r.dir }

// Err returns the first error met while writing a fixture, or nil. Such an
// error never fails the request itself; check Err at the end of a
// recording.
func (r *Recorder) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// RoundTrip sends req with the base transport, records the exchange and
// returns the response as the server sent it.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req
	var body *bodyRecorder
	if req.Body != nil && req.Body != http.NoBody {
		body = newBodyRecorder(r.sc, req.Header.Get("Content-Type"))
		out = req.Clone(req.Context())
		out.Body = body.wrap(req.Body)
		if get := req.GetBody; get != nil {
			out.GetBody = func() (io.ReadCloser, error) {
				rc, err := get()
				if err != nil || rc == nil || rc == http.NoBody {
					return rc, err
				}
				return body.wrap(rc), nil
			}
		}
	}
	resp, err := r.base.RoundTrip(out)
	if err != nil {
		return nil, err
	}

	fx := &Fixture{Request: r.recordRequest(req)}
	fx.Response.Status = resp.StatusCode
	fx.Response.Headers = r.sc.responseHeaders(resp.Header)
	if isDownload(resp.Header.Get("Content-Type")) {
		r.recordDownload(resp, &fx.Response)
	} else {
		r.recordText(resp, &fx.Response)
	}
	if body != nil {
		body.result(req.Context(), &fx.Request)
	}
	r.write(fx)
	return resp, nil
}

// recordRequest records what the request line and headers show.
func (r *Recorder) recordRequest(req *http.Request) FixtureRequest {
	fr := FixtureRequest{Method: req.Method, Path: req.URL.EscapedPath()}
	if fr.Method == "" {
		fr.Method = http.MethodGet
	}
	if q := req.URL.Query(); len(q) > 0 {
		fr.Query = r.sc.values(q)
	}
	h := map[string]string{}
	if ct := req.Header.Get("Content-Type"); ct != "" {
		h["Content-Type"] = normalizeContentType(ct)
	}
	if a := req.Header.Get("Accept"); a != "" {
		h["Accept"] = a
	}
	if len(h) > 0 {
		fr.Headers = h
	}
	return fr
}

// recordText reads a JSON or text body, records it scrubbed and gives the
// caller the same bytes (and the same read error, if any).
func (r *Recorder) recordText(resp *http.Response, fr *FixtureResponse) {
	if resp.Body == nil || resp.Body == http.NoBody {
		return
	}
	orig := resp.Body
	data, err := io.ReadAll(io.LimitReader(orig, maxRecordedResponse+1))
	switch {
	case len(data) > maxRecordedResponse:
		fr.Truncated = true
		resp.Body = &readCloser{Reader: io.MultiReader(bytes.NewReader(data), orig), Closer: orig}
		return
	case err != nil:
		fr.Incomplete = true
		resp.Body = &readCloser{Reader: io.MultiReader(bytes.NewReader(data), &errReader{err}), Closer: orig}
		if len(data) > 0 {
			if utf8.Valid(data) {
				fr.BodyText = r.sc.text(string(data))
			} else {
				fr.BodyBase64 = placeholderFor(resp.Header.Get("Content-Type"), data)
			}
		}
		return
	}
	_ = orig.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	if len(data) == 0 {
		return
	}
	if v, ok := decodeJSON(data); ok {
		fr.Body = r.sc.jsonBody(v)
		return
	}
	if utf8.Valid(data) {
		fr.BodyText = r.sc.text(string(data))
		return
	}
	fr.BodyBase64 = placeholderFor(resp.Header.Get("Content-Type"), data)
}

// recordDownload records a placeholder for a binary body. The body streams
// to the caller untouched; when its type is not specific enough, its first
// bytes are peeked (and still delivered) to choose the placeholder.
func (r *Recorder) recordDownload(resp *http.Response, fr *FixtureResponse) {
	if resp.Body == nil || resp.Body == http.NoBody {
		return
	}
	ct := resp.Header.Get("Content-Type")
	var head []byte
	if placeholderKind(ct) == "" {
		head = make([]byte, 512)
		n, err := io.ReadFull(resp.Body, head)
		head = head[:n]
		var rest io.Reader = resp.Body
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			rest = &errReader{err}
		}
		resp.Body = &readCloser{Reader: io.MultiReader(bytes.NewReader(head), rest), Closer: resp.Body}
	}
	fr.BodyBase64 = placeholderFor(ct, head)
}

// write numbers the fixture and writes it; the first error is kept for Err.
func (r *Recorder) write(fx *Fixture) {
	data, err := marshalFixture(fx)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err == nil {
		r.seq++
		name := fmt.Sprintf("%03d_%s_%s.json", r.seq, methodSlug(fx.Request.Method), pathSlug(fx.Request.Path))
		err = writeFile0600(filepath.Join(r.dir, name), data)
	}
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("argostest: recording a fixture: %w", err)
	}
}

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

// normalizeContentType replaces a multipart boundary, which is random per
// request, by "BOUNDARY".
func normalizeContentType(ct string) string {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return ct
	}
	if _, ok := params["boundary"]; ok {
		params["boundary"] = "BOUNDARY"
		return mime.FormatMediaType(mt, params)
	}
	return ct
}

// responseHeaders keeps the headers a replay needs.
func (s *scrubber) responseHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	if v := h.Get("Content-Type"); v != "" {
		out["Content-Type"] = v
	}
	if v := h.Get("Content-Disposition"); v != "" {
		out["Content-Disposition"] = neutralDisposition(v, h.Get("Content-Type"))
	}
	if v := h.Get("Retry-After"); v != "" {
		out["Retry-After"] = v
	}
	if v := h.Get("Location"); v != "" {
		if loc := s.location(v); loc != "" {
			out["Location"] = loc
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// knownDownloadName matches the file names the API (and the fake) give
// downloads: the image type or "report", with an extension.
var knownDownloadName = regexp.MustCompile(`^(idImage|idBackImage|selfieImage|addressImage|report)\.(png|jpe?g|gif|pdf)$`)

// neutralDisposition keeps a Content-Disposition's type and a file name that
// cannot be personal: a known download name, else "download.<ext>".
func neutralDisposition(v, contentType string) string {
	disp, params, err := mime.ParseMediaType(v)
	if err != nil {
		return "attachment"
	}
	name, ok := params["filename"]
	if !ok {
		return mime.FormatMediaType(disp, nil)
	}
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	if !knownDownloadName.MatchString(name) {
		name = "download." + fileExt(contentType, name)
	}
	return mime.FormatMediaType(disp, map[string]string{"filename": name})
}

// fileExt picks an extension from a content type, else from a file name.
func fileExt(contentType, name string) string {
	switch placeholderKind(contentType) {
	case "png":
		return "png"
	case "jpeg":
		return "jpg"
	case "gif":
		return "gif"
	case "pdf":
		return "pdf"
	}
	ext := strings.TrimPrefix(filepath.Ext(name), ".")
	if ext != "" && len(ext) <= 5 && strings.IndexFunc(ext, func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9')
	}) < 0 {
		return strings.ToLower(ext)
	}
	return "bin"
}

// isDownload reports whether a response is a file rather than JSON or text.
func isDownload(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || mt == "" {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"), strings.Contains(mt, "json"), strings.HasSuffix(mt, "+xml"),
		mt == "application/xml", mt == "application/javascript", mt == "application/x-www-form-urlencoded":
		return false
	}
	return true
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

type readCloser struct {
	io.Reader
	io.Closer
}

type errReader struct{ err error }

func (e *errReader) Read([]byte) (int, error) { return 0, e.err }

// --- request bodies --------------------------------------------------------

// bodyRecorder records a request body while the transport streams it. Each
// (re)send of the body (GetBody) starts a new capture; the last one counts.
type bodyRecorder struct {
	sc          *scrubber
	contentType string

	mu  sync.Mutex
	cur *capture
}

func newBodyRecorder(sc *scrubber, contentType string) *bodyRecorder {
	return &bodyRecorder{sc: sc, contentType: contentType}
}

// wrap returns rc teed into a new capture.
func (b *bodyRecorder) wrap(rc io.ReadCloser) io.ReadCloser {
	c := newCapture(b.sc, b.contentType)
	b.mu.Lock()
	if b.cur != nil {
		b.cur.finish(errors.New("body resent"))
	}
	b.cur = c
	b.mu.Unlock()
	return &teeBody{rc: rc, c: c}
}

// result waits (briefly) for the body to be sent and fills in fr.
func (b *bodyRecorder) result(ctx context.Context, fr *FixtureRequest) {
	b.mu.Lock()
	c := b.cur
	b.mu.Unlock()
	if c == nil {
		return
	}
	t := time.NewTimer(requestBodyGrace)
	defer t.Stop()
	select {
	case <-c.done:
	case <-ctx.Done():
	case <-t.C:
	}
	c.fill(fr)
}

// teeBody copies what the transport reads into a capture.
type teeBody struct {
	rc io.ReadCloser
	c  *capture
}

func (t *teeBody) Read(p []byte) (int, error) {
	n, err := t.rc.Read(p)
	if n > 0 {
		t.c.write(p[:n])
	}
	if errors.Is(err, io.EOF) {
		t.c.finish(nil)
	} else if err != nil {
		t.c.finish(err)
	}
	return n, err
}

func (t *teeBody) Close() error {
	err := t.rc.Close()
	t.c.finish(errors.New("body closed before its end"))
	return err
}

// capture is one pass over a request body. A multipart body is parsed by a
// goroutine fed through a pipe, so files are counted, never held; any other
// body is copied into a bounded buffer.
type capture struct {
	sc        *scrubber
	boundary  string // multipart
	mediaType string

	mu       sync.Mutex
	finished bool
	failed   bool // ended before its end
	buf      bytes.Buffer
	over     bool // buf hit its bound
	pw       *io.PipeWriter
	done     chan struct{}

	// Results of the multipart parser, guarded by mu.
	form  map[string][]string
	files map[string]FixtureFile
	perr  bool // malformed or cut
}

func newCapture(sc *scrubber, contentType string) *capture {
	c := &capture{sc: sc, done: make(chan struct{})}
	mt, params, err := mime.ParseMediaType(contentType)
	if err == nil {
		c.mediaType = mt
	}
	if err == nil && strings.HasPrefix(mt, "multipart/") && params["boundary"] != "" {
		c.boundary = params["boundary"]
		pr, pw := io.Pipe()
		c.pw = pw
		go c.parseMultipart(pr)
	}
	return c
}

func (c *capture) write(p []byte) {
	c.mu.Lock()
	if c.finished {
		c.mu.Unlock()
		return
	}
	if c.pw == nil {
		if room := maxRecordedRequestBody - c.buf.Len(); room < len(p) {
			p = p[:max(room, 0)]
			c.over = true
		}
		c.buf.Write(p)
		c.mu.Unlock()
		return
	}
	pw := c.pw
	c.mu.Unlock()
	// The parser always drains the pipe, so this returns promptly.
	_, _ = pw.Write(p)
}

// finish ends the capture; err != nil means the body did not reach its end.
func (c *capture) finish(err error) {
	c.mu.Lock()
	if c.finished {
		c.mu.Unlock()
		return
	}
	c.finished = true
	c.failed = err != nil
	pw := c.pw
	c.mu.Unlock()
	if pw != nil {
		_ = pw.CloseWithError(err) // nil: EOF; the parser closes done
		return
	}
	close(c.done)
}

// parseMultipart records text fields (scrubbed) and file sizes, then drains
// the pipe.
func (c *capture) parseMultipart(pr *io.PipeReader) {
	defer close(c.done)
	defer func() { _, _ = io.Copy(io.Discard, pr) }()
	form := map[string][]string{}
	files := map[string]FixtureFile{}
	bad := false
	mr := multipart.NewReader(pr, c.boundary)
	for parts := 0; ; parts++ {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil || parts >= maxRecordedParts {
			bad = true
			break
		}
		name := p.FormName()
		if p.FileName() != "" {
			n, err := io.Copy(io.Discard, p)
			if err != nil {
				bad = true
			}
			ct := p.Header.Get("Content-Type")
			key := name
			for i := 2; files[key] != (FixtureFile{}); i++ {
				key = name + "#" + strconv.Itoa(i)
			}
			files[key] = FixtureFile{Filename: safeFieldName(name) + "." + fileExt(ct, p.FileName()), ContentType: ct, Size: n}
			continue
		}
		v, err := io.ReadAll(io.LimitReader(p, maxRecordedField+1))
		if err != nil {
			bad = true
		}
		if len(v) > maxRecordedField {
			v = v[:maxRecordedField]
			bad = true
			_, _ = io.Copy(io.Discard, p)
		}
		form[name] = append(form[name], c.sc.field(name, string(v)))
		if err != nil {
			break
		}
	}
	c.mu.Lock()
	c.form, c.files, c.perr = form, files, bad
	c.mu.Unlock()
}

// safeFieldName keeps a form field name usable in a file name.
func safeFieldName(name string) string {
	s := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			return r
		}
		return -1
	}, name)
	if s == "" {
		return "file"
	}
	return s
}

// fill writes what the capture saw into fr. The parser may still be running
// (when the grace period ran out); then the body is marked truncated.
func (c *capture) fill(fr *FixtureRequest) {
	select {
	case <-c.done:
	default:
		fr.Truncated = true
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failed {
		fr.Truncated = true
	}
	if c.boundary != "" {
		if len(c.form) > 0 {
			fr.Form = c.form
		}
		if len(c.files) > 0 {
			fr.Files = c.files
		}
		if c.perr {
			fr.Truncated = true
		}
		return
	}
	if c.over {
		fr.Truncated = true
	}
	data := c.buf.Bytes()
	if len(data) == 0 {
		return
	}
	switch {
	case c.mediaType == "application/x-www-form-urlencoded":
		if q, err := url.ParseQuery(string(data)); err == nil && !c.over {
			fr.Form = c.sc.values(q)
			return
		}
	case !c.over:
		if v, ok := decodeJSON(data); ok {
			fr.Body = c.sc.jsonBody(v)
			return
		}
	}
	if utf8.Valid(data) {
		fr.BodyText = c.sc.text(string(data))
	}
}

// --- scrubbing -------------------------------------------------------------

// scrubRule turns one personal value into a fake of the same format. Every
// rule is idempotent: scrubbing a scrubbed value returns it unchanged, so a
// value a replayed response carried (a pseudonymous user ID) matches the
// recorded request that used it.
type scrubRule struct {
	str func(s *scrubber, v string) string
	// num replaces a JSON number under the key with 0 (an ID number or a
	// date sent as a number).
	num bool
}

func fixedRule(fake string) *scrubRule {
	return &scrubRule{str: func(_ *scrubber, v string) string { return fake }}
}

func dateRule(fake string) *scrubRule {
	return &scrubRule{str: func(_ *scrubber, v string) string { return fakeDate(v, fake) }, num: true}
}

var (
	ruleName = &scrubRule{str: func(s *scrubber, v string) string {
		switch t := strings.TrimSpace(v); {
		case t == deletedMarker:
			return v
		case scrubEmailFull.MatchString(t):
			return s.email(t)
		}
		return "Test Applicant"
	}}
	ruleFirstName  = fixedRule("Test")
	ruleLastName   = fixedRule("Applicant")
	ruleBirthDate  = dateRule("1990-01-01")
	ruleIssueDate  = dateRule("2020-01-01")
	ruleExpiryDate = dateRule("2030-01-01")
	ruleEmail      = &scrubRule{str: (*scrubber).email}
	ruleNumber     = &scrubRule{str: func(_ *scrubber, v string) string { return maskText(v) }, num: true}
	ruleIP         = &scrubRule{str: func(_ *scrubber, v string) string { return fakeIP(v) }, num: true}
	ruleAddress    = fixedRule("1 Test Street, Testville, Testland")
	ruleStreet     = fixedRule("1 Test Street")
	ruleDetail     = fixedRule("Apt 1")
	ruleCity       = fixedRule("Testville")
	ruleState      = fixedRule("Test State")
	ruleCountry    = &scrubRule{str: func(_ *scrubber, v string) string {
		if scrubCountryCode.MatchString(v) {
			return v
		}
		return "Testland"
	}}
	rulePlusCode     = &scrubRule{str: func(_ *scrubber, v string) string { return maskText(v) }}
	ruleCompoundCode = &scrubRule{str: func(_ *scrubber, v string) string {
		code, _, ok := strings.Cut(strings.TrimSpace(v), " ")
		if !ok {
			return maskText(v)
		}
		return maskText(code) + " Testville, Testland"
	}}
	ruleSecret  = fixedRule("REDACTED")
	ruleUserID  = &scrubRule{str: (*scrubber).userID}
	ruleDupInfo = &scrubRule{str: (*scrubber).dupInfo}
	rulePerson  = &scrubRule{str: func(s *scrubber, v string) string {
		switch t := strings.TrimSpace(v); {
		case strings.EqualFold(t, "system"):
			return v
		case scrubEmailFull.MatchString(t):
			return s.email(t)
		}
		return "Test Reviewer"
	}}
	// ruleGeneric scrubs a value whose meaning is unknown but whose
	// context is personal: an email or IP address becomes its placeholder,
	// anything else keeps its shape with letters X and digits 0.
	ruleGeneric = &scrubRule{str: func(s *scrubber, v string) string {
		t := strings.TrimSpace(v)
		switch {
		case scrubEmailFull.MatchString(t):
			return s.email(t)
		case looksLikeIP(t):
			return fakeIP(t)
		}
		return maskText(v)
	}}
)

// deletedMarker is the name GET /submission shows for a deleted
// submission (API.md §9.1); it is kept so a replay can tell.
const deletedMarker = "Deleted Submission"

// scrubKeys maps normalised keys (lower case, without "_", "-", "." and
// spaces) to their rule. A key whose rule is ruleGeneric opens a personal
// subtree: its unknown descendants are scrubbed too.
var scrubKeys = map[string]*scrubRule{
	"name": ruleName, "fullname": ruleName, "applicantname": ruleName, "holdername": ruleName,
	"firstname": ruleFirstName, "givenname": ruleFirstName, "middlename": ruleFirstName,
	"lastname": ruleLastName, "surname": ruleLastName, "familyname": ruleLastName,

	"dateofbirth": ruleBirthDate, "birthdate": ruleBirthDate, "dob": ruleBirthDate, "birthday": ruleBirthDate,
	"issuedate": ruleIssueDate, "dateofissue": ruleIssueDate, "idcardissuedate": ruleIssueDate,
	"expiredate": ruleExpiryDate, "expirydate": ruleExpiryDate, "expirationdate": ruleExpiryDate,
	"dateofexpiry": ruleExpiryDate, "idcardexpiredate": ruleExpiryDate, "expirydateofstaykor": ruleExpiryDate,

	"email": ruleEmail, "emailaddress": ruleEmail, "adminemail": ruleEmail,

	"identitynumber": ruleNumber, "idnumber": ruleNumber, "documentnumber": ruleNumber,
	"serialnumber": ruleNumber, "licensenumber": ruleNumber, "ssnnumber": ruleNumber, "ssn": ruleNumber,
	"phonenumber": ruleNumber, "phone": ruleNumber, "mobile": ruleNumber, "passportnumber": ruleNumber,
	"personalnumber": ruleNumber, "rrn": ruleNumber, "mrz": ruleNumber,
	"addresszipcode": ruleNumber, "zipcode": ruleNumber, "postalcode": ruleNumber,

	"ipaddress": ruleIP, "ip": ruleIP, "clientip": ruleIP,

	"address": ruleAddress, "formattedaddress": ruleAddress, "addressformatted": ruleAddress,
	"fulladdress": ruleAddress, "addressinput": ruleAddress,
	"addressstreet": ruleStreet, "addressstreet2": ruleDetail, "addressdetail": ruleDetail,
	"addresscity": ruleCity, "addressstate": ruleState, "addresscountry": ruleCountry,
	"globalcode": rulePlusCode, "addressglobalcode": rulePlusCode,
	"compoundcode": ruleCompoundCode, "addresscompoundcode": ruleCompoundCode,

	"userid":                ruleUserID,
	"duplicatedinformation": ruleDupInfo, "customduplicatedinformation": ruleDupInfo,
	"reviewer": rulePerson, "adminname": rulePerson,

	"key": ruleSecret, "apikey": ruleSecret, "xapikey": ruleSecret, "token": ruleSecret,
	"accesstoken": ruleSecret, "signature": ruleSecret, "sig": ruleSecret, "password": ruleSecret,
	"secret": ruleSecret, "clientsecret": ruleSecret, "authorization": ruleSecret,
	"xamzsignature": ruleSecret, "xamzcredential": ruleSecret, "xamzsecuritytoken": ruleSecret,

	"verificationparams": ruleGeneric, "ocr": ruleGeneric, "ocrraw": ruleGeneric,
	"review": ruleGeneric, "memo": ruleGeneric, "data": ruleGeneric,
}

// neutralKeys are kept even inside a personal subtree: enumerations, the
// integrator's custom fields, scores, IDs and timestamps.
var neutralKeys = map[string]bool{
	"idtype": true, "gender": true, "sex": true, "nationality": true, "issuingcountry": true,
	"idcardissuingcountry": true, "agegroup": true, "cf1": true, "cf2": true, "cf3": true,
	"type": true, "documenttype": true, "accepted": true, "rotate": true, "createdat": true,
	"updatedat": true, "submissionid": true, "applicantid": true, "resourceid": true,
	"status": true, "result": true, "typeofpermit": true, "typeofpermitgovkor": true,
	"nationalitygovkor": true, "confidence": true,
}

var (
	scrubEmailFull    = regexp.MustCompile(`^[^@\s"'<>]+@[^@\s"'<>]+\.[^@\s"'<>.]+$`)
	scrubEmailAny     = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
	scrubQueryParam   = regexp.MustCompile(`([?&;])([A-Za-z][A-Za-z0-9_.\-]*)=([^&\s"'<>#;]*)`)
	scrubEncodedEmail = regexp.MustCompile(`[A-Za-z0-9._%+\-]+%40[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
	scrubIPv4Any      = regexp.MustCompile(`\b(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\b`)
	scrubRRNAny       = regexp.MustCompile(`\b[0-9]{6}-[0-9][0-9*]{6}`)
	scrubPseudoEmail  = regexp.MustCompile(`^applicant-[0-9a-f]{8}@example\.com$`)
	scrubPseudoUser   = regexp.MustCompile(`^user-[0-9a-f]{8}$`)
	scrubCountryCode  = regexp.MustCompile(`^[A-Z]{2,3}$`)
	scrubPseudoDup    = regexp.MustCompile(`^dup-[0-9a-f]{8}$`)
	scrubDate         = regexp.MustCompile(`^[0-9]{4}([-./])[0-9]{2}([-./])[0-9]{2}`)
	scrubDate8        = regexp.MustCompile(`^[0-9]{8}$`)
	// scrubPair finds "key": "value" (or 'value', or an unquoted key) in a
	// text that is not valid JSON, such as the vendor's JS-literal samples.
	scrubPair = regexp.MustCompile(`(["']?)([A-Za-z_][A-Za-z0-9_.\-]*)(["']?)(\s*:\s*)(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')`)
)

// scrubber applies the rules with a salted hash for pseudonyms.
type scrubber struct {
	salt  []byte
	extra map[string]bool
}

func newScrubber(cfg *fixtureConfig) *scrubber {
	s := &scrubber{salt: []byte(cfg.salt), extra: map[string]bool{}}
	for _, k := range cfg.extra {
		s.extra[normKey(k)] = true
	}
	return s
}

// normKey lowers a key and drops separators: "date_of_birth",
// "dateOfBirth" and "Date-Of-Birth" are all "dateofbirth".
func normKey(k string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', '.', ' ':
			return -1
		}
		return unicode.ToLower(r)
	}, k)
}

// rule returns the rule for a key under a parent with rule parent (nil
// outside personal subtrees).
func (s *scrubber) rule(key string, parent *scrubRule) *scrubRule {
	n := normKey(key)
	if r, ok := scrubKeys[n]; ok {
		return r
	}
	if s.extra[n] {
		return ruleGeneric
	}
	// OCR fields: "ocr_name", "ocr_birthDate", "ocrIdentityNumber".
	if rest, ok := strings.CutPrefix(n, "ocr"); ok && rest != "" {
		if r, ok := scrubKeys[rest]; ok {
			return r
		}
		if neutralKeys[rest] {
			return nil
		}
		return ruleGeneric
	}
	if neutralKeys[n] || strings.HasSuffix(n, "score") || strings.HasSuffix(n, "image") {
		return nil
	}
	if strings.HasPrefix(n, "address") {
		return ruleAddress
	}
	return parent
}

// apply scrubs one string value under rule r; outside personal keys only
// emails, IPv4 addresses and resident registration numbers inside the text
// are replaced.
func (s *scrubber) apply(r *scrubRule, v string) string {
	if v == "" {
		return v
	}
	if r == nil {
		return s.freeText(v)
	}
	return r.str(s, v)
}

// field scrubs one form field or query value.
func (s *scrubber) field(key, v string) string { return s.apply(s.rule(key, nil), v) }

// values scrubs query parameters or form fields.
func (s *scrubber) values(q url.Values) map[string][]string {
	out := make(map[string][]string, len(q))
	for k, vs := range q {
		sv := make([]string, len(vs))
		for i, v := range vs {
			sv[i] = s.field(k, v)
		}
		out[k] = sv
	}
	return out
}

// location scrubs a redirect target: no user info or fragment, the query
// scrubbed like a request's (signatures and tokens become "REDACTED").
func (s *scrubber) location(v string) string {
	u, err := url.Parse(v)
	if err != nil {
		return ""
	}
	u.User = nil
	u.Fragment = ""
	if u.RawQuery != "" {
		u.RawQuery = url.Values(s.values(u.Query())).Encode()
	}
	return u.String()
}

// walk scrubs a decoded JSON value in place and returns it.
func (s *scrubber) walk(v any, r *scrubRule) any {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			x[k] = s.walk(child, s.rule(k, r))
		}
	case []any:
		for i := range x {
			x[i] = s.walk(x[i], r)
		}
	case string:
		return s.apply(r, x)
	case json.Number:
		if r != nil && r.num {
			return json.Number("0")
		}
	}
	return v
}

// jsonBody scrubs a decoded JSON body and encodes it compactly.
func (s *scrubber) jsonBody(v any) json.RawMessage {
	v = s.walk(v, nil)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil
	}
	return json.RawMessage(bytes.TrimRight(b.Bytes(), "\n"))
}

// text scrubs a body that is not JSON: "key": "value" pairs by their key,
// then free text.
func (s *scrubber) text(v string) string {
	v = scrubPair.ReplaceAllStringFunc(v, func(m string) string {
		g := scrubPair.FindStringSubmatch(m)
		r := s.rule(g[2], nil)
		if r == nil {
			return m
		}
		if strings.HasPrefix(m[len(g[1])+len(g[2])+len(g[3])+len(g[4]):], "'") {
			return g[1] + g[2] + g[3] + g[4] + "'" + strings.ReplaceAll(s.apply(r, g[6]), "'", "") + "'"
		}
		fake, _ := json.Marshal(s.apply(r, g[5]))
		return g[1] + g[2] + g[3] + g[4] + string(fake)
	})
	return s.freeText(v)
}

// freeText replaces, anywhere in v, the values of personal query parameters
// in URLs ("?email=…", "&amp;userid=…"), emails (plain or URL-encoded),
// IPv4 addresses and Korean resident registration numbers.
func (s *scrubber) freeText(v string) string {
	if strings.Contains(v, "=") {
		v = scrubQueryParam.ReplaceAllStringFunc(v, func(m string) string {
			g := scrubQueryParam.FindStringSubmatch(m)
			r := s.rule(g[2], nil)
			if r == nil {
				return m
			}
			val, err := url.QueryUnescape(g[3])
			if err != nil {
				val = g[3]
			}
			return g[1] + g[2] + "=" + url.QueryEscape(s.apply(r, val))
		})
	}
	if strings.Contains(v, "%40") {
		v = scrubEncodedEmail.ReplaceAllStringFunc(v, func(m string) string {
			e, err := url.QueryUnescape(m)
			if err != nil {
				return maskText(m)
			}
			return url.QueryEscape(s.email(e))
		})
	}
	if strings.Contains(v, "@") {
		v = scrubEmailAny.ReplaceAllStringFunc(v, s.email)
	}
	v = scrubIPv4Any.ReplaceAllString(v, "192.0.2.1")
	return scrubRRNAny.ReplaceAllStringFunc(v, maskText)
}

// hash8 is the first 8 hex digits of HMAC-SHA256(salt, v).
func (s *scrubber) hash8(v string) string {
	m := hmac.New(sha256.New, s.salt)
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil))[:8]
}

// email returns "applicant-<hash8>@example.com"; emails hash in lower case.
func (s *scrubber) email(v string) string {
	t := strings.TrimSpace(v)
	if scrubPseudoEmail.MatchString(t) {
		return t
	}
	return "applicant-" + s.hash8(strings.ToLower(t)) + "@example.com"
}

// userID returns "user-<hash8>".
func (s *scrubber) userID(v string) string {
	if scrubPseudoUser.MatchString(v) {
		return v
	}
	return "user-" + s.hash8(v)
}

// dupInfo replaces a duplicate-check digest by "dup-<hash8>", so equal
// digests stay equal.
func (s *scrubber) dupInfo(v string) string {
	if scrubPseudoDup.MatchString(v) {
		return v
	}
	return "dup-" + s.hash8("dup\x00"+v)
}

// maskText keeps v's shape: digits become 0, letters X (x in lower case),
// everything else stays.
func maskText(v string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsDigit(r):
			return '0'
		case unicode.IsLower(r):
			return 'x'
		case unicode.IsLetter(r):
			return 'X'
		}
		return r
	}, v)
}

// maskDigits turns every digit of v into 0.
func maskDigits(v string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return '0'
		}
		return r
	}, v)
}

// fakeDate replaces a date by fake in the same layout (YYYY-MM-DD,
// YYYY.MM.DD, YYYY/MM/DD, YYYYMMDD; the digits of a time part become 0);
// anything else is masked.
func fakeDate(v, fake string) string {
	t := strings.TrimSpace(v)
	if m := scrubDate.FindStringSubmatch(t); m != nil {
		f := fake[:4] + m[1] + fake[5:7] + m[2] + fake[8:10]
		return f + maskDigits(t[10:])
	}
	if scrubDate8.MatchString(t) {
		return strings.ReplaceAll(fake, "-", "")
	}
	return maskText(v)
}

func looksLikeIP(v string) bool {
	if net.ParseIP(v) != nil {
		return true
	}
	parts := strings.Split(v, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789*") != "" {
			return false
		}
	}
	return true
}

// fakeIP replaces an IP address by one of the documentation ranges
// (192.0.2.1, 2001:db8::1), keeping masked octets ("10.1.2.*" becomes
// "192.0.2.*").
func fakeIP(v string) string {
	t := strings.TrimSpace(v)
	if ip := net.ParseIP(t); ip != nil {
		if ip.To4() != nil {
			return "192.0.2.1"
		}
		return "2001:db8::1"
	}
	parts := strings.Split(t, ".")
	if len(parts) == 4 {
		testNet := [4]string{"192", "0", "2", "1"}
		for i, p := range parts {
			if strings.Trim(p, "*") != "" {
				parts[i] = testNet[i]
			}
		}
		return strings.Join(parts, ".")
	}
	return maskText(v)
}

// --- placeholders ----------------------------------------------------------

var placeholders struct {
	once                sync.Once
	png, jpeg, gif, pdf []byte
}

func initPlaceholders() {
	img := image.NewGray(image.Rect(0, 0, 1, 1))
	img.Pix[0] = 0x80
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	placeholders.png = bytes.Clone(b.Bytes())
	b.Reset()
	_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: 75})
	placeholders.jpeg = bytes.Clone(b.Bytes())
	b.Reset()
	pal := image.NewPaletted(image.Rect(0, 0, 1, 1), color.Palette{color.Gray{Y: 0x80}})
	_ = gif.Encode(&b, pal, nil)
	placeholders.gif = bytes.Clone(b.Bytes())
	placeholders.pdf = blankPDF()
}

// blankPDF returns a valid one-page PDF 1.4 with nothing on the page.
func blankPDF() []byte {
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>",
	}
	return pdfFromObjects(objects)
}

// placeholderKind names the placeholder for a content type: "png", "jpeg",
// "gif", "pdf", or "" when there is none.
func placeholderKind(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	switch mt {
	case "image/png", "image/x-png":
		return "png"
	case "image/jpeg", "image/jpg", "image/pjpeg":
		return "jpeg"
	case "image/gif":
		return "gif"
	case "application/pdf", "application/x-pdf":
		return "pdf"
	}
	return ""
}

// placeholderFor returns the placeholder for a body of the given content
// type, sniffing head when the type says too little; nil when the type is
// unknown.
func placeholderFor(contentType string, head []byte) []byte {
	k := placeholderKind(contentType)
	if k == "" && len(head) > 0 {
		k = placeholderKind(http.DetectContentType(head))
	}
	placeholders.once.Do(initPlaceholders)
	switch k {
	case "png":
		return bytes.Clone(placeholders.png)
	case "jpeg":
		return bytes.Clone(placeholders.jpeg)
	case "gif":
		return bytes.Clone(placeholders.gif)
	case "pdf":
		return bytes.Clone(placeholders.pdf)
	}
	return nil
}
