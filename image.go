package argos

import (
	"context"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// ImageType names one of a submission's images (GET /image type). The set
// is open.
type ImageType string

// Documented image types (API.md §11.5).
const (
	ImageID      ImageType = "idImage"
	ImageIDBack  ImageType = "idBackImage"
	ImageSelfie  ImageType = "selfieImage"
	ImageAddress ImageType = "addressImage"
)

// Download is a file the API returned. Body is the open response body,
// streamed from the network: the caller must close it. ContentLength is -1
// when unknown; Filename comes from Content-Disposition (base name only) and
// may be empty.
type Download struct {
	Body          io.ReadCloser
	ContentType   string
	ContentLength int64
	Filename      string
}

// Image downloads one image of a submission. Close the returned Body.
//
// It calls GET /image?submission_id=…&type=….
func (c *Client) Image(ctx context.Context, submissionID string, t ImageType) (*Download, error) {
	if err := checkID("submission ID", submissionID); err != nil {
		return nil, err
	}
	if err := checkID("image type", string(t)); err != nil {
		return nil, err
	}
	return c.download(ctx, &call{op: "Image", method: http.MethodGet, path: "/image",
		query: url.Values{"submission_id": {submissionID}, "type": {string(t)}}, accept: "image/*"})
}

// download sends the call and hands back the open body. The call's timeout
// (WithTimeout) keeps running until the body is closed.
func (c *Client) download(ctx context.Context, r *call) (*Download, error) {
	if ctx == nil {
		return nil, &ValidationError{Field: "context", Reason: "is nil"}
	}
	ctx, cancel := c.withTimeout(ctx)
	resp, err := c.send(ctx, r) //nolint:bodyclose // the body is handed to the caller in Download, who closes it
	if err != nil {
		cancel()
		return nil, err
	}
	d := &Download{
		Body:          &downloadBody{ReadCloser: resp.Body, cancel: cancel},
		ContentType:   resp.Header.Get("Content-Type"),
		ContentLength: resp.ContentLength,
	}
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		name := strings.ReplaceAll(params["filename"], `\`, "/")
		if base := path.Base(name); base != "." && base != "/" && base != ".." {
			d.Filename = base
		}
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
