package argostest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Size limits of the fake, modelled on the API's documented limits.
const (
	maxBodyBytes  = 6 << 20  // a whole request body
	maxImageBytes = 2 << 20  // one image (https://argos-kyc.gitbook.io/client-guide-1/getting-started-1/submit-via-api/post-submission-step-1: "limit 2 MB")
	maxFieldBytes = 64 << 10 // one text field of a form
	// maxBase64Bytes is the Base64 text of the largest image, with room for
	// line breaks.
	maxBase64Bytes = (maxImageBytes+2)/3*4 + 64<<10
)

// Redacted replaces the API key in recorded request headers.
const Redacted = "REDACTED"

// FileInfo describes one file of a recorded multipart request.
type FileInfo struct {
	Name        string // the file name the client sent
	ContentType string // the part's Content-Type header as the client sent it
	Size        int    // bytes
}

// Request is one request the fake served, as Server.Requests returns it.
// Header holds the request headers with the x-api-key value replaced by
// Redacted; Form and Query hold whatever the client sent, including
// applicants' data, for tests to check.
type Request struct {
	Method  string
	Version string // "v2", "v3", or "" if the path had no known version prefix
	Path    string // the path after the version prefix, e.g. "/submission/step1"
	Query   url.Values
	Header  http.Header
	Form    map[string]string   // text fields of a multipart or URL-encoded body
	Files   map[string]FileInfo // file fields of a multipart body, by field name
	Body    []byte              // any other body (JSON, text/plain), as sent
	Time    time.Time           // when the request arrived (time.Now, not WithClock)
	Status  int                 // status sent; 0 when a Fault dropped the connection
	Faulted bool                // the response came from an injected Fault
}

// String returns the method, path and status only, never headers, query or
// body, so printing a Request cannot leak the API key or applicants' data.
func (r Request) String() string {
	p := r.Path
	if r.Version != "" {
		p = "/" + r.Version + p
	}
	return fmt.Sprintf("%s %s %d", r.Method, p, r.Status)
}

// GoString is String, so %#v does not print fields either.
func (r Request) GoString() string { return "argostest.Request{" + r.String() + "}" }

func (r Request) clone() Request {
	c := r
	c.Query = url.Values(cloneHeader(http.Header(r.Query)))
	c.Header = cloneHeader(r.Header)
	c.Form = maps.Clone(r.Form)
	c.Files = maps.Clone(r.Files)
	c.Body = bytes.Clone(r.Body)
	return c
}

func cloneHeader(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	return h.Clone()
}

// redactHeader returns a copy of h with the API key replaced.
func redactHeader(h http.Header) http.Header {
	c := h.Clone()
	for k := range c {
		if strings.EqualFold(k, "x-api-key") {
			for i := range c[k] {
				c[k][i] = Redacted
			}
		}
	}
	return c
}

// upload is one file field of a request body.
type upload struct {
	name        string
	contentType string
	data        []byte
}

// body is a request body, read and parsed once before any endpoint runs.
type body struct {
	form     map[string]string
	files    map[string]*upload
	raw      []byte // any other body (JSON, text), as sent
	parseErr error  // malformed body
	tooLarge bool   // body over 6 MB or an image over 2 MB
}

// fileFields are the form fields the API expects files in; they are read as
// files even if the client sent no file name.
var fileFields = map[string]bool{"idImage": true, "idBackImage": true, "faceImage": true, "addressImage": true, "selfieImage": true}

// readBody reads and parses r's body: multipart/form-data and
// application/x-www-form-urlencoded bodies become fields and files; any other
// body is kept as it came (raw).
func readBody(w http.ResponseWriter, r *http.Request) *body {
	b := &body{form: map[string]string{}, files: map[string]*upload{}}
	if r.Body == nil || r.Body == http.NoBody {
		return b
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	defer r.Body.Close()
	mediaType, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mediaType {
	case "multipart/form-data":
		b.readMultipart(multipart.NewReader(r.Body, params["boundary"]))
		if params["boundary"] == "" && b.parseErr == nil {
			b.parseErr = errors.New("no multipart boundary")
		}
	case "application/x-www-form-urlencoded":
		data, err := io.ReadAll(r.Body)
		if b.setErr(err) {
			return b
		}
		vals, err := url.ParseQuery(string(data))
		if b.setErr(err) {
			return b
		}
		for k, v := range vals {
			b.form[k] = v[0]
		}
	default:
		data, err := io.ReadAll(r.Body)
		if !b.setErr(err) {
			b.raw = data
		}
	}
	return b
}

// setErr records err, telling a body that is too large from a malformed one.
// It reports whether err was not nil.
func (b *body) setErr(err error) bool {
	if err == nil {
		return false
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		b.tooLarge = true
	} else if b.parseErr == nil {
		b.parseErr = err
	}
	return true
}

func (b *body) readMultipart(mr *multipart.Reader) {
	for {
		p, err := mr.NextPart()
		// Only a bare io.EOF is the clean end: a body that is not multipart
		// at all gives "multipart: NextPart: EOF", which wraps io.EOF.
		if err == io.EOF { //nolint:errorlint // see above

			return
		}
		if b.setErr(err) {
			return
		}
		field := p.FormName()
		if field == "" {
			p.Close()
			continue
		}
		isFile := p.FileName() != "" || fileFields[field]
		limit := int64(maxFieldBytes)
		switch {
		case p.FileName() != "":
			limit = maxImageBytes
		case isFile:
			// A file field without a file name may hold the image as Base64
			// text (PUT /submission/image): allow the encoding of the
			// largest image, and check raw bytes against the image limit
			// below.
			limit = maxBase64Bytes
		}
		var buf bytes.Buffer
		n, err := io.Copy(&buf, io.LimitReader(p, limit+1))
		p.Close()
		if b.setErr(err) {
			return
		}
		if isFile && p.FileName() == "" && n > maxImageBytes && !isBase64Text(buf.Bytes()) {
			n = limit + 1 // raw bytes over the image limit
		}
		if n > limit {
			if isFile {
				b.tooLarge = true
			} else {
				b.parseErr = fmt.Errorf("field %q too long", field)
			}
			return
		}
		if isFile {
			if _, dup := b.files[field]; !dup {
				b.files[field] = &upload{name: p.FileName(), contentType: p.Header.Get("Content-Type"), data: buf.Bytes()}
			}
			continue
		}
		if _, dup := b.form[field]; !dup {
			b.form[field] = buf.String()
		}
	}
}

// fileInfos summarises the files for a recorded Request.
func (b *body) fileInfos() map[string]FileInfo {
	if len(b.files) == 0 {
		return nil
	}
	m := make(map[string]FileInfo, len(b.files))
	for k, f := range b.files {
		m[k] = FileInfo{Name: f.name, ContentType: f.contentType, Size: len(f.data)}
	}
	return m
}
