// Package form builds streaming multipart/form-data request bodies.
//
// Unlike mime/multipart with an io.Pipe, a Multipart body needs no goroutine:
// it is an io.MultiReader over pre-rendered part headers, text values and the
// callers' file readers, so nothing is read from a file until the transport
// reads the body, and memory does not grow with the file size. When every
// file's size is known the exact Content-Length is known too, so the request
// is not sent chunked.
package form

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"sync"
	"sync/atomic"
)

// ErrUnsafeHeaderValue is returned for a field name or file name that holds a
// control character (CR, LF, NUL, …), which could break the part headers.
var ErrUnsafeHeaderValue = errors.New("form: control character in a part header value")

// ErrShortFile is returned while streaming when a file delivers fewer bytes
// than its declared size.
var ErrShortFile = errors.New("form: file is shorter than its declared size")

var errTooLarge = errors.New("form: file larger than its limit")

// ErrNotReplayable is returned when reading a second body whose file parts
// were read from a reader that cannot be rewound (see File and FileFunc).
var ErrNotReplayable = errors.New("form: the body was already sent once and a file cannot be read again")

// Multipart is a multipart/form-data body under construction. Add parts with
// Field, File and FileFunc, then call Reader for each attempt to send it.
type Multipart struct {
	boundary string
	closing  string // the final boundary line
	// segs are the body up to and including each file; text is what was
	// rendered after the last file (boundaries, part headers and values).
	segs    []segment
	text    []byte
	started atomic.Bool
	// For a form with a File part (read once), mu serialises reads and gen
	// numbers the bodies: only the latest may read, so a transport still
	// reading an abandoned body cannot take bytes from the next one.
	mu  sync.Mutex
	gen uint64
}

// segment is rendered text followed by one file.
type segment struct {
	text   []byte
	file   io.Reader                 // read once (File)
	open   func() (io.Reader, error) // read afresh for each body (FileFunc)
	size   int64                     // -1: unknown
	limit  int64                     // 0: none
	tooBig error
	base64 bool // sent as its Base64 encoding (Base64File)
}

// New returns an empty body with a random boundary.
func New() *Multipart {
	var b [15]byte
	_, _ = rand.Read(b[:])
	boundary := "argos" + hex.EncodeToString(b[:])
	return &Multipart{boundary: boundary, closing: "--" + boundary + "--\r\n"}
}

// ContentType is the Content-Type header value, boundary included.
func (m *Multipart) ContentType() string {
	return "multipart/form-data; boundary=" + m.boundary
}

// Field adds a text part.
func (m *Multipart) Field(name, value string) error {
	if err := checkHeaderValue(name); err != nil {
		return err
	}
	m.text = m.appendHeader(m.text, name, "", "")
	m.text = append(append(m.text, value...), "\r\n"...)
	return nil
}

// File adds a file part read from r. size is the number of bytes r will
// deliver, or -1 when unknown. When limit > 0 and the file turns out to be
// larger than limit while streaming, reading the body fails with tooBig.
func (m *Multipart) File(name, fileName, contentType string, r io.Reader, size, limit int64, tooBig error) error {
	return m.addFile(name, fileName, contentType, segment{file: r, size: size, limit: limit, tooBig: tooBig})
}

// FileFunc adds a file part of exactly size bytes whose content open
// returns afresh, from its first byte, for each body: a body can be sent
// again (a retry, or net/http replaying a request on a new connection)
// without the SDK keeping a copy of the file.
func (m *Multipart) FileFunc(name, fileName, contentType string, open func() (io.Reader, error), size int64) error {
	return m.addFile(name, fileName, contentType, segment{open: open, size: size})
}

func (m *Multipart) addFile(name, fileName, contentType string, seg segment) error {
	for _, s := range []string{name, fileName, contentType} {
		if err := checkHeaderValue(s); err != nil {
			return err
		}
	}
	seg.text = m.appendHeader(m.text, name, fileName, contentType)
	m.segs = append(m.segs, seg)
	m.text = []byte("\r\n") // ends the file's part
	return nil
}

// Replayable reports whether every file part can be read again (FileFunc),
// so that Reader can return a complete body after one was read.
func (m *Multipart) Replayable() bool {
	for _, s := range m.segs {
		if s.open == nil {
			return false
		}
	}
	return true
}

// Len is the exact body length in bytes, or -1 when a file's size is unknown.
func (m *Multipart) Len() int64 {
	n := int64(len(m.text) + len(m.closing))
	for _, s := range m.segs {
		if s.size < 0 {
			return -1
		}
		n += int64(len(s.text)) + s.encodedLen()
	}
	return n
}

// Started reports whether a byte was read from any reader Reader returned.
func (m *Multipart) Started() bool { return m.started.Load() }

// Reader returns the body. Parts added with FileFunc are opened afresh for
// each body. Readers given to File are shared, so in a form that has any,
// only the latest body reads (an earlier one fails with ErrNotReplayable,
// even if a transport still holds it), and once a body was read from, a
// later one fails with ErrNotReplayable instead of sending a file with its
// start missing.
func (m *Multipart) Reader() io.ReadCloser {
	if !m.Replayable() {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.started.Load() {
			return &body{r: errReader{ErrNotReplayable}, m: m}
		}
		m.gen++
		return &body{r: m.readers(), m: m, oneShot: true, gen: m.gen}
	}
	return &body{r: m.readers(), m: m}
}

// readers is the body as one reader over its parts.
func (m *Multipart) readers() io.Reader {
	readers := make([]io.Reader, 0, 2*len(m.segs)+2)
	for _, s := range m.segs {
		readers = append(readers, bytes.NewReader(s.text))
		var file io.Reader
		switch {
		case s.open != nil:
			r, err := s.open()
			if err != nil {
				return errReader{err}
			}
			file = &exactReader{r: r, left: s.size}
		case s.size >= 0:
			file = &exactReader{r: s.file, left: s.size}
		default:
			file = &limitReader{r: s.file, left: s.limit, limited: s.limit > 0, err: s.tooBig}
		}
		if s.base64 {
			file = newBase64Reader(file)
		}
		readers = append(readers, file)
	}
	readers = append(readers, bytes.NewReader(m.text), strings.NewReader(m.closing))
	return io.MultiReader(readers...)
}

// appendHeader appends a part's boundary line and headers to dst.
func (m *Multipart) appendHeader(dst []byte, name, fileName, contentType string) []byte {
	dst = append(dst, "--"...)
	dst = append(dst, m.boundary...)
	dst = append(dst, "\r\nContent-Disposition: form-data; name=\""...)
	dst = append(dst, escapeQuotes(name)...)
	dst = append(dst, '"')
	if contentType != "" || fileName != "" {
		dst = append(dst, "; filename=\""...)
		dst = append(dst, escapeQuotes(fileName)...)
		dst = append(dst, '"')
		if contentType == "" {
			contentType = "application/octet-stream"
		}
		dst = append(dst, "\r\nContent-Type: "...)
		dst = append(dst, contentType...)
	}
	return append(dst, "\r\n\r\n"...)
}

// escapeQuotes escapes as mime/multipart does, so a server's parser reads
// the same name back.
var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

func escapeQuotes(s string) string { return quoteEscaper.Replace(s) }

func checkHeaderValue(s string) error {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return ErrUnsafeHeaderValue
		}
	}
	return nil
}

type body struct {
	r       io.Reader
	m       *Multipart
	oneShot bool
	gen     uint64
}

// Read fills p as far as the parts allow. The parts are many small pieces
// (boundaries, part headers, short values) and a transport writes each Read
// as it comes, over TLS as a record and a system call of its own; filling p
// sends the whole form in as few writes as its size needs.
func (b *body) Read(p []byte) (n int, err error) {
	if b.oneShot {
		b.m.mu.Lock()
		defer b.m.mu.Unlock()
		if b.gen != b.m.gen {
			return 0, ErrNotReplayable // a newer body took over the files
		}
	}
	defer func() {
		if n > 0 {
			b.m.started.Store(true) // a body that failed before a byte was read was not sent
		}
	}()
	for n < len(p) {
		var k int
		k, err = b.r.Read(p[n:])
		n += k
		if err != nil {
			return n, err
		}
		if k == 0 {
			break // a reader that returns nothing: let the caller come back
		}
	}
	return n, nil
}

func (b *body) Close() error { return nil }

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// exactReader delivers exactly left bytes or fails.
type exactReader struct {
	r    io.Reader
	left int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if errors.Is(err, io.EOF) {
		if e.left > 0 {
			return n, ErrShortFile
		}
		err = nil
	}
	if e.left == 0 && err == nil {
		return n, io.EOF
	}
	return n, err
}

// limitReader fails with err once more than left bytes were read.
type limitReader struct {
	r       io.Reader
	left    int64
	limited bool
	err     error
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.limited && int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	if l.limited {
		l.left -= int64(n)
		if l.left < 0 {
			if l.err != nil {
				return 0, l.err
			}
			return 0, errTooLarge
		}
	}
	return n, err
}
