package argostest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Limits of what a capture keeps of a request body. They bound memory, not
// what passes through: the server always gets every byte the caller sent.
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
)

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
		if ph, ok := base64ImagePlaceholder(string(v[:min(len(v), 64)])); ok {
			// An image sent as Base64 text (PUT /submission/image).
			_, _ = io.Copy(io.Discard, p)
			form[name] = append(form[name], ph)
			continue
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
