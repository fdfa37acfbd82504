package argostest_test

import (
	"bytes"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos/argostest"
)

// TestPlaceholders covers downloads: passed through untouched, recorded as
// tiny valid files of the same type.
func TestPlaceholders(t *testing.T) {
	t.Run("downloads stream through untouched and are recorded as placeholders", func(t *testing.T) {
		realBytes := bytes.Repeat([]byte("REAL-APPLICANT-BYTES"), 1000)
		for _, tc := range []struct {
			contentType, disposition string
			body                     []byte
			check                    func(t *testing.T, b []byte)
			wantDisposition          string
		}{
			{"image/png", `attachment; filename="idImage.png"`, append([]byte("\x89PNG\r\n\x1a\n"), realBytes...), func(t *testing.T, b []byte) {
				_, err := png.Decode(bytes.NewReader(b))
				assert.NoError(t, err)
			}, "attachment; filename=idImage.png"},
			{"image/jpeg", `attachment; filename="Ottilie Vandersloot selfie.jpg"`, append([]byte{0xFF, 0xD8, 0xFF}, realBytes...), func(t *testing.T, b []byte) {
				_, err := jpeg.Decode(bytes.NewReader(b))
				assert.NoError(t, err)
			}, "attachment; filename=download.jpg"},
			{"application/pdf", `inline; filename=report.pdf`, append([]byte("%PDF-1.7\n"), realBytes...), func(t *testing.T, b []byte) {
				assert.True(t, bytes.HasPrefix(b, []byte("%PDF-1.4\n")))
				assert.True(t, bytes.HasSuffix(b, []byte("%%EOF\n")))
			}, "inline; filename=report.pdf"},
			{"image/gif", "", append([]byte("GIF89a"), realBytes...), func(t *testing.T, b []byte) {
				_, err := gif.Decode(bytes.NewReader(b))
				assert.NoError(t, err)
			}, ""},
			{"application/octet-stream", "", append([]byte("\x89PNG\r\n\x1a\n"), realBytes...), func(t *testing.T, b []byte) {
				_, err := png.Decode(bytes.NewReader(b))
				assert.NoError(t, err, "sniffed as PNG")
			}, ""},
			{"application/zip", "", append([]byte("PK\x03\x04"), realBytes...), func(t *testing.T, b []byte) {
				assert.Empty(t, b, "no placeholder for an unknown type")
			}, ""},
		} {
			srv := plainServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.contentType)
				if tc.disposition != "" {
					w.Header().Set("Content-Disposition", tc.disposition)
				}
				_, _ = w.Write(tc.body)
			})
			dir := t.TempDir()
			rec, err := argostest.NewRecorder(dir, srv.Client().Transport)
			require.NoError(t, err)
			resp, err := rec.Client().Get(srv.URL + "/v2/image?submission_id=s1&type=idImage")
			require.NoError(t, err)
			got, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			assert.Equal(t, tc.body, got, tc.contentType)
			_, fx := onlyFixture(t, dir)
			assert.NotContains(t, string(fx.Response.BodyBase64), "REAL-APPLICANT")
			tc.check(t, fx.Response.BodyBase64)
			assert.Equal(t, tc.wantDisposition, fx.Response.Headers["Content-Disposition"], tc.contentType)
			assert.Equal(t, tc.contentType, fx.Response.Headers["Content-Type"])
		}
	})
}
