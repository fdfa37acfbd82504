package argos

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/kycgo/argos/internal/endpoint"
	"github.com/kycgo/argos/internal/form"
)

// formBuilder collects a multipart body and the first input error.
type formBuilder struct {
	m   *form.Multipart
	err error
	// parts are the text parts and the file parts' names, for masking.
	parts query
}

func newFormBuilder() *formBuilder { return &formBuilder{m: form.New()} }

// text adds a non-empty text part.
func (b *formBuilder) text(name, value string) {
	if b.err != nil || value == "" {
		return
	}
	b.parts = append(b.parts, param{name, value})
	b.err = b.m.Field(name, value)
}

// file checks an image and adds it: present when required, JPEG or PNG by
// its bytes (and by ContentType when given), at most MaxImageSize, a name
// without control characters. Only the 8 bytes that identify the format
// are read now; the rest streams when the request is sent.
//
// A Body that can seek has a known size and is read from where it stands;
// one that also has ReadAt (an *os.File, *bytes.Reader, *strings.Reader) is
// read with it, keeps its offset and can be sent again without being
// buffered. Any other reader is read once, as it streams.
func (b *formBuilder) file(name, field string, f *File, required bool) {
	b.addImage(name, field, f, required, false)
}

// base64File checks an image as file does and adds it as a text part
// holding its Base64 encoding, encoded while the body streams (PUT
// /submission/image).
func (b *formBuilder) base64File(name, field string, f *File) {
	b.addImage(name, field, f, false, true)
}

func (b *formBuilder) addImage(name, field string, f *File, required, asBase64 bool) {
	if b.err != nil {
		return
	}
	if f == nil {
		if required {
			b.err = &ValidationError{Field: field, Reason: "is required"}
		}
		return
	}
	if isNil(f.Body) {
		// A File that is given but empty is a mistake, not "no image":
		// sending the request without it would change what the caller asked.
		b.err = &ValidationError{Field: field, Reason: "has no Body"}
		return
	}
	src, ct, err := checkImage(field, f)
	if err != nil {
		b.err = err
		return
	}
	tooBig := &ValidationError{Field: field, Reason: fmt.Sprintf("is larger than %d bytes (2 MB)", MaxImageSize)}
	rest := io.MultiReader(bytes.NewReader(src.head), checkedReader{f.Body})
	switch {
	case asBase64 && src.open != nil:
		err = b.m.Base64FileFunc(name, src.open, src.size)
	case asBase64:
		err = b.m.Base64File(name, rest, src.size, MaxImageSize, tooBig)
	default:
		fileName := f.Name
		if fileName == "" {
			fileName = name + map[string]string{"image/png": ".png", "image/jpeg": ".jpg"}[canonicalImageType(ct)]
		}
		b.parts = append(b.parts, param{name, fileName})
		if src.open != nil {
			err = b.m.FileFunc(name, fileName, ct, src.open, src.size)
		} else {
			err = b.m.File(name, fileName, ct, rest, src.size, MaxImageSize, tooBig)
		}
	}
	if err != nil {
		b.err = &ValidationError{Field: field, Reason: "Name or ContentType contains control characters"}
	}
}

// checkImage reads the first bytes of f and checks it is a JPEG or PNG of
// at most MaxImageSize; ct is its content type (f.ContentType when given
// and consistent with the bytes).
func checkImage(field string, f *File) (imageSource, string, error) {
	src, err := newImageSource(f.Body)
	if err != nil {
		return src, "", fmt.Errorf("argos: reading %s: %w", field, err)
	}
	if src.size > MaxImageSize {
		return src, "", &ValidationError{Field: field, Reason: fmt.Sprintf("is %d bytes; the API accepts at most %d (2 MB)", src.size, MaxImageSize)}
	}
	if src.size == 0 || len(src.head) == 0 {
		return src, "", &ValidationError{Field: field, Reason: "is empty"}
	}
	detected := imageType(src.head)
	if detected == "" {
		return src, "", &ValidationError{Field: field, Reason: "must be a JPEG or PNG image (checked by its content)"}
	}
	if f.ContentType != "" && canonicalImageType(f.ContentType) != detected {
		return src, "", &ValidationError{Field: field, Reason: "ContentType does not match the image's content"}
	}
	ct := f.ContentType
	if ct == "" {
		ct = detected
	}
	return src, ct, nil
}

// sniffLen is how many leading bytes imageType needs.
const sniffLen = 8

// imageSource is an upload's content: its first bytes for the format
// check, its size (-1 when unknown) and, for a body that can seek, a way to
// read it from the start again.
type imageSource struct {
	head []byte
	size int64
	open func() (io.Reader, error)
}

func newImageSource(r io.Reader) (imageSource, error) {
	src := imageSource{size: -1}
	start, seekable := int64(0), false
	if sk, ok := r.(io.Seeker); ok {
		// An *os.File on a pipe or terminal cannot seek: it is read once.
		if cur, err := sk.Seek(0, io.SeekCurrent); err == nil {
			end, err := sk.Seek(0, io.SeekEnd)
			if err != nil {
				return src, err
			}
			if _, err := sk.Seek(cur, io.SeekStart); err != nil {
				return src, err
			}
			start, seekable, src.size = cur, true, max(end-cur, 0)
		}
	}
	if l, ok := r.(interface{ Len() int }); ok && !seekable {
		src.size = int64(l.Len())
	}
	if src.size > MaxImageSize {
		return src, nil
	}
	head := make([]byte, sniffLen)
	if ra, ok := r.(io.ReaderAt); ok && seekable {
		ra := checkedReaderAt{ra}
		// ReadAt leaves the offset alone, and each attempt reads its own
		// section of the file.
		n, err := ra.ReadAt(head, start)
		if err != nil && !errors.Is(err, io.EOF) {
			return src, err
		}
		src.head = head[:n]
		size := src.size
		src.open = func() (io.Reader, error) { return io.NewSectionReader(ra, start, size), nil }
		return src, nil
	}
	// Any other reader is read once, from where it stands (seeking back for
	// a second attempt could race with a transport still reading the first).
	n, err := io.ReadFull(checkedReader{r}, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return src, err
	}
	src.head = head[:n]
	return src, nil
}

// call is the request of ep that sends the collected form; the values of
// ep's Personal parts are masked wherever Argos echoes them into an error
// string.
func (b *formBuilder) call(ep *endpoint.Endpoint) *call {
	r := newCall(ep, nil)
	r.body, r.bodyLen, r.contentType, r.started, r.form = b.m.Reader, b.m.Len(), b.m.ContentType(), b.m.Started, b.parts
	return r
}

func imageType(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return "image/jpeg"
	}
	return ""
}

func canonicalImageType(ct string) string {
	switch strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0])) {
	case "image/png":
		return "image/png"
	case "image/jpeg", "image/jpg", "image/pjpeg":
		return "image/jpeg"
	}
	return ""
}

// errBadReader is the error for a File.Body that reports reading fewer than
// 0 or more than len(p) bytes: net/http would panic on such a count in its
// own goroutine, killing the process.
var errBadReader = &ValidationError{Field: "File.Body", Reason: "reported an impossible byte count (it breaks the io.Reader contract)"}

// checkedReader refuses impossible counts from the caller's reader.
type checkedReader struct{ r io.Reader }

func (c checkedReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n < 0 || n > len(p) {
		return 0, errBadReader
	}
	return n, err
}

// checkedReaderAt refuses impossible counts from the caller's ReaderAt.
type checkedReaderAt struct{ r io.ReaderAt }

func (c checkedReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	if n < 0 || n > len(p) {
		return 0, errBadReader
	}
	return n, err
}

// isNil reports a nil reader, including a typed nil pointer such as
// (*bytes.Reader)(nil), whose methods would panic.
func isNil(r io.Reader) bool {
	if r == nil {
		return true
	}
	v := reflect.ValueOf(r)
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan:
		return v.IsNil()
	}
	return false
}
