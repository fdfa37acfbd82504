package argostest

import (
	"bytes"
	_ "embed" // the committed placeholder images
	"encoding/base64"
	"mime"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
)

// placeholders are the tiny valid files recorded in place of downloads.
var placeholders struct {
	once                sync.Once
	png, jpeg, gif, pdf []byte
}

// The placeholder images are committed bytes, like the sample images (see
// images.go): a recorded fixture must not change with the Go release.
var (
	//go:embed images/placeholder.png
	placeholderPNG []byte
	//go:embed images/placeholder.jpg
	placeholderJPEG []byte
	//go:embed images/placeholder.gif
	placeholderGIF []byte
)

func initPlaceholders() {
	placeholders.png, placeholders.jpeg, placeholders.gif = placeholderPNG, placeholderJPEG, placeholderGIF
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

// base64ImagePrefixes are how the Base64 text of a JPEG or a PNG starts.
var base64ImagePrefixes = []string{"/9j/", "iVBORw0KGgo"}

// base64ImagePlaceholder returns the Base64 of the placeholder image when
// text (bare, quoted as a JSON string, or a data: URL) is the Base64 of a
// JPEG or PNG: PUT /submission/image fields and the FaceAuth image answer
// carry faces and ID documents that way.
func base64ImagePlaceholder(text string) (string, bool) {
	t := strings.TrimLeft(text, " \t\r\n\"")
	if strings.HasPrefix(t, "data:") {
		if i := strings.IndexByte(t, ','); i >= 0 {
			t = t[i+1:]
		}
	}
	for i, p := range base64ImagePrefixes {
		if strings.HasPrefix(t, p) {
			ct := []string{"image/jpeg", "image/png"}[i]
			return base64.StdEncoding.EncodeToString(placeholderFor(ct, nil)), true
		}
	}
	return "", false
}
