package argostest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Limits of what a Recorder keeps. They bound memory, not what passes
// through: the caller always gets every byte the server sent.
const (
	// maxRecordedResponse bounds the JSON and text response bodies a
	// Recorder reads before it hands them on (the SDK's MaxResponseSize).
	maxRecordedResponse = 32 << 20
	// requestBodyGrace is how long RoundTrip waits, once the response is in,
	// for the transport to finish sending the request body.
	requestBodyGrace = 5 * time.Second
)

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
	if ph, ok := base64ImagePlaceholder(string(data[:min(len(data), 64)])); ok {
		fr.BodyText = ph // the FaceAuth image, as Base64 text
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
