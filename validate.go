package argos

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/kycgo/argos/internal/form"
)

func checkAlpha3(field, v string, required bool) error {
	if v == "" {
		if required {
			return &ValidationError{Field: field, Reason: "is required"}
		}
		return nil
	}
	if len(v) != 3 || strings.IndexFunc(v, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
		return &ValidationError{Field: field, Reason: "must be an ISO 3166-1 alpha-3 code in capitals, like USA or KOR"}
	}
	return nil
}

func checkDate(field, v string, required bool) error {
	if v == "" {
		if required {
			return &ValidationError{Field: field, Reason: "is required"}
		}
		return nil
	}
	if _, err := time.Parse("2006-01-02", v); err != nil {
		return &ValidationError{Field: field, Reason: "must be a date as YYYY-MM-DD"}
	}
	return nil
}

func checkEmail(v string) error {
	if v == "" {
		return &ValidationError{Field: "Email", Reason: "is required"}
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || a.Name != "" {
		return &ValidationError{Field: "Email", Reason: "is not a valid email address"}
	}
	return nil
}

// formBuilder collects a multipart body and the first input error.
type formBuilder struct {
	m         *form.Multipart
	err       error
	sensitive []string
}

func newFormBuilder() *formBuilder { return &formBuilder{m: form.New()} }

// text adds a non-empty text part.
func (b *formBuilder) text(name, value string) {
	if b.err != nil || value == "" {
		return
	}
	if !publicField[name] {
		b.sensitive = append(b.sensitive, value)
	}
	b.err = b.m.Field(name, value)
}

// file checks an image and adds it: present when required, JPEG or PNG by
// its bytes (and by ContentType when given), at most MaxImageSize, a name
// without control characters. Only the first 512 bytes are read now; the
// rest streams when the request is sent.
func (b *formBuilder) file(name, field string, f *File, required bool) {
	if b.err != nil {
		return
	}
	if f == nil || f.Body == nil {
		if required {
			b.err = &ValidationError{Field: field, Reason: "is required"}
		}
		return
	}
	size := sizeOf(f.Body)
	if size > MaxImageSize {
		b.err = &ValidationError{Field: field, Reason: fmt.Sprintf("is %d bytes; the API accepts at most %d (2 MB)", size, MaxImageSize)}
		return
	}
	head := make([]byte, 512)
	n, err := io.ReadFull(f.Body, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		b.err = fmt.Errorf("argos: reading %s: %w", field, err)
		return
	}
	head = head[:n]
	if n == 0 {
		b.err = &ValidationError{Field: field, Reason: "is empty"}
		return
	}
	detected := imageType(head)
	if detected == "" {
		b.err = &ValidationError{Field: field, Reason: "must be a JPEG or PNG image (checked by its content)"}
		return
	}
	ct := f.ContentType
	if ct == "" {
		ct = detected
	} else if canonicalImageType(ct) != detected {
		b.err = &ValidationError{Field: field, Reason: "ContentType does not match the image's content"}
		return
	}
	fileName := f.Name
	if fileName == "" {
		fileName = name + map[string]string{"image/png": ".png", "image/jpeg": ".jpg"}[detected]
	}
	body := io.MultiReader(bytes.NewReader(head), f.Body)
	if err := b.m.File(name, fileName, ct, body, size, MaxImageSize,
		&ValidationError{Field: field, Reason: fmt.Sprintf("is larger than %d bytes (2 MB)", MaxImageSize)}); err != nil {
		b.err = &ValidationError{Field: field, Reason: "Name or ContentType contains control characters"}
	}
}

// call is the POST of the collected form to path.
func (b *formBuilder) call(op, path string) *call {
	return &call{
		op: op, method: http.MethodPost, path: path,
		body:        b.m.Reader,
		bodyLen:     b.m.Len(),
		contentType: b.m.ContentType(),
		started:     b.m.Started,
		sensitive:   b.sensitive,
	}
}

// sizeOf returns how many bytes r will deliver, or -1 when it cannot tell.
func sizeOf(r io.Reader) int64 {
	switch v := r.(type) {
	case interface{ Len() int }:
		return int64(v.Len())
	case io.Seeker:
		cur, err := v.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1
		}
		end, err := v.Seek(0, io.SeekEnd)
		if err != nil {
			return -1
		}
		if _, err := v.Seek(cur, io.SeekStart); err != nil {
			return -1
		}
		return end - cur
	}
	return -1
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
