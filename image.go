package argos

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kycgo/argos/internal/endpoint"
)

// ImageType names one of a submission's images (GET /image type). The set
// is open.
type ImageType string

// Documented image types (https://developers.argosidentity.com/ko/idcheck/api-reference/api-reference-guide/get-image.md).
const (
	ImageID      ImageType = "idImage"
	ImageIDBack  ImageType = "idBackImage"
	ImageSelfie  ImageType = "selfieImage"
	ImageAddress ImageType = "addressImage"
)

// Download is a file the API returned. Body is the open response body,
// streamed from the network: the caller must close it (WriteTo and SaveFile
// do), and until then it holds one of the client's pooled connections. ContentLength is -1
// when unknown; Filename comes from Content-Disposition (base name only) and
// may be empty.
type Download struct {
	Body          io.ReadCloser
	ContentType   string
	ContentLength int64
	Filename      string
}

// LogValue implements slog.LogValuer without the file name (which may name
// the applicant).
func (d Download) LogValue() slog.Value {
	return slog.GroupValue(slog.String("content_type", d.ContentType), slog.Int64("content_length", d.ContentLength))
}

// Format prints the download's type and length, never its file name.
func (d Download) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "argos.Download{ContentType:%s ContentLength:%d Filename:%s}", d.ContentType, d.ContentLength, redacted)
}

// DownloadImage downloads one image of a submission. Close the returned Body.
//
// It calls GET /image?submission_id=…&type=….
//
// Argos docs: https://developers.argosidentity.com/ko/idcheck/api-reference/api-reference-guide/get-image.md
func (c *Client) DownloadImage(ctx context.Context, submissionID string, t ImageType, opts ...Option) (*Download, error) {
	c, err := c.begin(endpoint.DownloadImage, opts)
	if err != nil {
		return nil, err
	}
	if err := checkID("submission ID", submissionID); err != nil {
		return nil, err
	}
	if err := checkID("image type", string(t)); err != nil {
		return nil, err
	}
	return c.download(ctx, newCall(endpoint.DownloadImage, query{{"submission_id", submissionID}, {"type", string(t)}}))
}

// download sends the call, through the client's middleware, and hands back
// the open body. The call's timeout (WithTimeout) keeps running until the
// body is closed.
func (c *Client) download(ctx context.Context, r *call) (*Download, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	r.stream = true
	if len(c.middleware) == 0 {
		return c.sendDownload(ctx, r)
	}
	o := c.newOpRun(r)
	err := o.run(ctx)
	if err != nil && o.dl != nil {
		// A middleware failed the call after it was made: the caller gets
		// no Download, so its body is closed here.
		_ = o.dl.Body.Close()
		return nil, err
	}
	return o.dl, err
}

// sendDownload is download below the middleware.
func (c *Client) sendDownload(ctx context.Context, r *call) (*Download, error) {
	ctx, cancel := c.callContext(ctx)
	resp, _, err := c.do(ctx, cancel, r)
	if err != nil {
		cancel()
		return nil, err
	}
	body, err := checkDownloadType(r, resp)
	if err != nil {
		_ = resp.Body.Close()
		cancel()
		return nil, err
	}
	d := &Download{
		Body:          &downloadBody{ReadCloser: body, cancel: cancel},
		ContentType:   resp.Header.Get("Content-Type"),
		ContentLength: resp.ContentLength,
	}
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		d.Filename = safeFilename(params["filename"])
	}
	return d, nil
}

type downloadBody struct {
	io.ReadCloser
	cancel func()
}

func (b *downloadBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// copyBufferSize is the fixed buffer WriteTo and SaveFile copy with.
const copyBufferSize = 32 << 10

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, copyBufferSize); return &b }}

// WriteTo copies the rest of the body to w through one fixed 32 KiB buffer
// (memory does not grow with the file's size) and closes the body. It
// returns the number of bytes written. A body the network cut short fails
// with io.ErrUnexpectedEOF; a failing w stops the copy with its error,
// reported without the file path an *os.File's error carries.
func (d *Download) WriteTo(w io.Writer) (int64, error) {
	if d == nil || d.Body == nil {
		return 0, &ValidationError{Field: "Download", Reason: "has no body"}
	}
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	// Only the body's Read and w's Write are used: a ReaderFrom or WriterTo
	// on either side could pick its own (growing) buffer.
	dst := &errorWriter{w: w}
	n, err := io.CopyBuffer(dst, struct{ io.Reader }{d.Body}, *bp)
	closeErr := d.Body.Close()
	switch {
	case dst.err != nil:
		return n, fmt.Errorf("argos: writing the download: %w", pathless(dst.err))
	case err != nil:
		return n, fmt.Errorf("argos: downloading: %w", sanitize(err))
	case closeErr != nil:
		return n, fmt.Errorf("argos: downloading: %w", closeErr)
	}
	return n, nil
}

// errorWriter remembers the error of the writer it wraps, which tells a
// failed write from a failed read.
type errorWriter struct {
	w   io.Writer
	err error
}

func (e *errorWriter) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil {
		e.err = err
	}
	return n, err
}

// SaveFile writes the rest of the body to the file name, readable by its
// owner only (the files are applicants' documents), and closes the body. The
// file appears complete or not at all: the data goes to a temporary file in
// the same directory that is renamed to name once written and synced. An
// existing file name is replaced.
func (d *Download) SaveFile(name string) (int64, error) {
	if d == nil || d.Body == nil {
		return 0, &ValidationError{Field: "Download", Reason: "has no body"}
	}
	if name == "" {
		_ = d.Body.Close()
		return 0, &ValidationError{Field: "file name", Reason: "is empty"}
	}
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.part")
	if err != nil {
		_ = d.Body.Close()
		return 0, saveError(err)
	}
	n, err := d.WriteTo(f) // closes the body
	if err == nil {
		if err = commitFile(f, name); err != nil {
			err = saveError(err)
		}
	}
	if err != nil {
		_ = f.Close()
		_ = os.Remove(f.Name())
		return n, err
	}
	return n, nil
}

// commitFile makes the written temporary file f the file name: owner-only
// permissions, synced, closed and renamed.
func commitFile(f *os.File, name string) error {
	if err := f.Chmod(0o600); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// saveError reports a file-system failure without the file's path.
func saveError(err error) error {
	return fmt.Errorf("argos: saving the download: %w", pathless(err))
}

// pathless drops the path from a file-system error (it may name the
// applicant); errors.Is still finds fs.ErrPermission, syscall.ENOSPC and
// the like.
func pathless(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	case errors.As(err, &le):
		return fmt.Errorf("%s: %w", le.Op, le.Err)
	}
	return err
}

// checkDownloadType refuses an answer that cannot be the file asked for: a
// proxy's or server's HTML or JSON page sent with 200. An image/* (DownloadImage) or
// application/pdf (DownloadAMLReport) type is accepted as is; no type or a generic
// one (application/octet-stream) is accepted when the first bytes sniff as
// the expected kind. It returns the body to hand to the caller (with the
// sniffed bytes still to be read).
func checkDownloadType(r *call, resp *http.Response) (io.ReadCloser, error) {
	if r.accept == acceptBase64Text {
		return resp.Body, nil // DownloadFaceAuthImage checks the bytes the text decodes to
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	mt = strings.ToLower(mt)
	if mt != "" && mt != "application/octet-stream" && mt != "binary/octet-stream" {
		if kindOf(mt) == r.accept {
			return resp.Body, nil
		}
		return nil, &DecodeError{Op: r.op, StatusCode: resp.StatusCode, ContentType: mt,
			Reason: "the answer's content type cannot be the file asked for"}
	}
	br := bufio.NewReaderSize(resp.Body, 512)
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("argos: %s: reading the download: %w", r.op, sanitize(err))
	}
	if sniffed := http.DetectContentType(head); kindOf(sniffed) != r.accept {
		return nil, &DecodeError{Op: r.op, StatusCode: resp.StatusCode, ContentType: mt,
			Reason: "the answer's bytes are not the kind of file asked for"}
	}
	return struct {
		io.Reader
		io.Closer
	}{br, resp.Body}, nil
}

// kindOf maps a media type to the Accept value of the call that wants it.
func kindOf(mediaType string) string {
	mt, _, _ := strings.Cut(mediaType, ";")
	switch mt = strings.TrimSpace(mt); {
	case strings.HasPrefix(mt, "image/"):
		return acceptImage
	case mt == "application/pdf":
		return acceptPDF
	}
	return ""
}

// The Accept values of the download calls, which also name the kind of file
// each expects.
const (
	acceptImage      = "image/*"
	acceptPDF        = "application/pdf"
	acceptBase64Text = "text/plain, application/json" // an image as Base64 text

)

// safeFilename returns the server's file name when it is safe to join to a
// directory: no control or format characters, no separator, not "." or
// "..", at most 255 bytes. Otherwise it returns "" (the caller names the
// file).
func safeFilename(name string) string {
	if name == "" || len(name) > 255 || !utf8.ValidString(name) || name == "." || name == ".." {
		return ""
	}
	for _, r := range name {
		if r == '/' || r == '\\' || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return ""
		}
	}
	return name
}
