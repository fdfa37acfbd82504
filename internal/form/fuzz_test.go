package form

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzMultipart builds a body from one text field and one file with
// arbitrary names, values and content, then parses it back with
// mime/multipart, as a server would:
//
//   - a field name, file name or content type with a control character (CR,
//     LF, NUL, …) is refused, so no part header can be injected;
//   - every accepted part comes back with exactly its name, file name,
//     content type and bytes, and with no other header;
//   - Len() is the number of bytes Reader produces (or -1 when a file's size
//     is unknown);
//   - a file that is shorter than declared fails with ErrShortFile, one
//     larger than its limit with the limit's error.
//
// mode picks the file's size handling: 0 exact, 1 unknown (limit applies
// when > 0), 2 declared longer than the content.
func FuzzMultipart(f *testing.F) {
	png, err := os.ReadFile(filepath.Join("..", "..", "testdata", "images", "id_front.png"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add("email", "applicant@example.com", "idImage", "id_front.png", "image/png", png[:64], uint16(0), uint16(0))
	f.Add(`na"me\`, "value\r\nwith CRLF", `file"field`, `C:\dir\"x".jpg`, "image/jpeg", []byte("\xff\xd8\xff"), uint16(0), uint16(0))
	f.Add("k", "v", "f", "f.bin", "", []byte("0123456789"), uint16(1), uint16(4))
	f.Add("k", "", "f", "", "", []byte("abc"), uint16(2), uint16(0))
	f.Add("bad\r\nX-Injected: 1", "v", "f", "evil\r\nContent-Type: text/html", "image/png", []byte("x"), uint16(0), uint16(0))
	f.Add("이름", "홍길동", "사진", "홍길동 여권.png", "image/png", []byte("png"), uint16(1), uint16(0))
	f.Add("a", "--argos", "b", "name; filename=\"x\"", "text/plain; charset=\"utf-8\"", []byte("\r\n--\r\n"), uint16(0), uint16(0))

	errLimit := errors.New("fuzz: over the limit")
	f.Fuzz(func(t *testing.T, field, value, fileField, fileName, contentType string, content []byte, mode, limit uint16) {
		mode %= 3
		m := New()
		if m.Started() {
			t.Fatal("Started before any read")
		}

		type want struct {
			name, fileName, contentType, body string
			file                              bool
		}
		var parts []want

		err := m.Field(field, value)
		if unsafe := hasControl(field); unsafe != (err != nil) {
			t.Fatalf("Field(%q): err = %v, want refused = %v", field, err, unsafe)
		} else if err != nil {
			if !errors.Is(err, ErrUnsafeHeaderValue) {
				t.Fatalf("Field refused with %v, want ErrUnsafeHeaderValue", err)
			}
		} else {
			parts = append(parts, want{name: field, body: value})
		}

		size := int64(len(content))
		switch mode {
		case 1:
			size = -1
		case 2:
			size = int64(len(content)) + 1 + int64(limit%16)
		}
		err = m.File(fileField, fileName, contentType, bytes.NewReader(content), size, int64(limit), errLimit)
		fileOK := err == nil
		if unsafe := hasControl(fileField) || hasControl(fileName) || hasControl(contentType); unsafe != !fileOK {
			t.Fatalf("File(%q, %q, %q): err = %v, want refused = %v", fileField, fileName, contentType, err, unsafe)
		}
		if fileOK {
			ct := contentType
			if ct == "" && fileName != "" {
				ct = "application/octet-stream"
			}
			parts = append(parts, want{name: fileField, fileName: fileName, contentType: ct, body: string(content),
				file: fileName != "" || contentType != ""})
		}

		body, readErr := io.ReadAll(m.Reader())
		if fileOK {
			switch {
			case mode == 2:
				if !errors.Is(readErr, ErrShortFile) {
					t.Fatalf("a file shorter than declared: read err = %v, want ErrShortFile", readErr)
				}
				return
			case mode == 1 && limit > 0 && len(content) > int(limit):
				if !errors.Is(readErr, errLimit) {
					t.Fatalf("a %d-byte file over its %d-byte limit: read err = %v", len(content), limit, readErr)
				}
				return
			}
		}
		if readErr != nil {
			t.Fatalf("reading the body: %v", readErr)
		}
		if len(parts) > 0 && !m.Started() {
			t.Fatal("Started is false after the body was read")
		}
		switch n := m.Len(); {
		case fileOK && mode == 1:
			if n != -1 {
				t.Fatalf("Len() = %d with a file of unknown size, want -1", n)
			}
		case n != int64(len(body)):
			t.Fatalf("Len() = %d, but Reader produced %d bytes", n, len(body))
		}
		// A second Reader repeats the text parts (files are consumed).
		if !fileOK {
			again, err := io.ReadAll(m.Reader())
			if err != nil || !bytes.Equal(again, body) {
				t.Fatalf("a second Reader differs: %v", err)
			}
		}

		mediaType, params, err := mime.ParseMediaType(m.ContentType())
		if err != nil || mediaType != "multipart/form-data" || params["boundary"] == "" {
			t.Fatalf("ContentType %q: %v", m.ContentType(), err)
		}
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		for i, w := range parts {
			p, err := mr.NextPart()
			if err != nil {
				t.Fatalf("part %d (%q): %v\nbody: %q", i, w.name, err, body)
			}
			disp, dparams, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
			if err != nil || disp != "form-data" {
				t.Fatalf("part %d: Content-Disposition %q: %v", i, p.Header.Get("Content-Disposition"), err)
			}
			if dparams["name"] != w.name {
				t.Fatalf("part %d: name %q came back as %q", i, w.name, dparams["name"])
			}
			wantHeaders := 1
			if w.file {
				wantHeaders = 2
				if got, ok := dparams["filename"]; !ok || got != w.fileName {
					t.Fatalf("part %d: filename %q came back as %q", i, w.fileName, got)
				}
				// textproto trims the spaces and tabs around a header value.
				if got := p.Header.Get("Content-Type"); got != strings.Trim(w.contentType, " \t") {
					t.Fatalf("part %d: Content-Type %q came back as %q", i, w.contentType, got)
				}
			} else if _, ok := dparams["filename"]; ok {
				t.Fatalf("part %d: a text part has a filename", i)
			}
			if len(p.Header) != wantHeaders {
				t.Fatalf("part %d: headers %v, want %d", i, p.Header, wantHeaders)
			}
			got, err := io.ReadAll(p)
			if err != nil {
				t.Fatalf("part %d: reading: %v", i, err)
			}
			if string(got) != w.body {
				t.Fatalf("part %d: %d bytes came back as %d bytes", i, len(w.body), len(got))
			}
		}
		if _, err := mr.NextPart(); !errors.Is(err, io.EOF) {
			t.Fatalf("after %d parts: %v, want io.EOF", len(parts), err)
		}
	})
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}
