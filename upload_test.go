package argos_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
	"github.com/kycgo/argos/argostest"
)

// uploadedIDImage runs Step 1 with body as the ID image and returns what the
// fake stored.
func uploadedIDImage(t *testing.T, c *argos.Client, body io.Reader) []byte {
	t.Helper()
	s1, err := c.SubmitStep1(context.Background(), &argos.Step1Request{
		IssuingCountry: "USA", Email: "upload@example.com", IDType: argos.IDPassport,
		IDImage: &argos.File{Name: "id.png", Body: body},
	})
	require.NoError(t, err)
	d, err := c.DownloadImage(context.Background(), s1.SubmissionID, argos.ImageID)
	require.NoError(t, err)
	var got bytes.Buffer
	_, err = d.WriteTo(&got)
	require.NoError(t, err)
	return got.Bytes()
}

// seekOnly hides every method of its reader but Read and Seek.
type seekOnly struct{ r *bytes.Reader }

func (s *seekOnly) Read(p []byte) (int, error)                { return s.r.Read(p) }
func (s *seekOnly) Seek(off int64, whence int) (int64, error) { return s.r.Seek(off, whence) }

func TestUploadsReadSeekableBodiesFromWhereTheyStand(t *testing.T) {
	img := readImage(t, "id_front.png")
	c, _ := fakeClient(t)

	t.Run("a bytes.Reader is uploaded whole and keeps its offset", func(t *testing.T) {
		r := bytes.NewReader(img)
		assert.Equal(t, img, uploadedIDImage(t, c, r))
		assert.Equal(t, len(img), r.Len(), "read with ReadAt: the caller's offset did not move")
	})
	t.Run("an *os.File is uploaded from its offset, which it keeps", func(t *testing.T) {
		name := filepath.Join(t.TempDir(), "with-prefix.bin")
		require.NoError(t, os.WriteFile(name, append([]byte("JUNK"), img...), 0o600))
		f, err := os.Open(name)
		require.NoError(t, err)
		defer f.Close()
		_, err = f.Seek(4, io.SeekStart)
		require.NoError(t, err)
		assert.Equal(t, img, uploadedIDImage(t, c, f))
		off, err := f.Seek(0, io.SeekCurrent)
		require.NoError(t, err)
		assert.Equal(t, int64(4), off)
	})
	t.Run("a reader that can only seek is read once from where it stands", func(t *testing.T) {
		r := bytes.NewReader(append([]byte("JUNK"), img...))
		_, err := r.Seek(4, io.SeekStart)
		require.NoError(t, err)
		assert.Equal(t, img, uploadedIDImage(t, c, &seekOnly{r}))
		assert.Zero(t, r.Len(), "it was streamed to its end")
	})
	t.Run("a plain reader is streamed once", func(t *testing.T) {
		assert.Equal(t, img, uploadedIDImage(t, c, io.MultiReader(bytes.NewReader(img))))
	})
}

// replayingTransport behaves like net/http replaying a request on a new
// connection whenever it may: it reads part of the first body, then sends a
// fresh one from GetBody. It counts the replays it made.
type replayingTransport struct {
	base     http.RoundTripper
	replayed *atomic.Int32
}

func (rt replayingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.GetBody != nil {
		if _, err := io.CopyN(io.Discard, req.Body, 300); err != nil {
			return nil, err
		}
		_ = req.Body.Close()
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		req = req.Clone(req.Context())
		req.Body = body
		rt.replayed.Add(1)
	}
	return rt.base.RoundTrip(req)
}

func TestATransportCannotReplayAStepBody(t *testing.T) {
	img := readImage(t, "id_front.png")
	srv := argostest.NewServer()
	t.Cleanup(srv.Close)
	var replayed atomic.Int32
	c, err := argos.NewClient(srv.APIKey, argos.WithBaseURL(srv.BaseURL), argos.WithRetryPolicy(fastRetries),
		argos.WithHTTPClient(&http.Client{Transport: replayingTransport{base: srv.HTTPClient().Transport, replayed: &replayed}}))
	require.NoError(t, err)

	for name, body := range map[string]io.Reader{
		"a seekable image":  bytes.NewReader(img),
		"a one-shot reader": io.MultiReader(bytes.NewReader(img)),
	} {
		t.Run(name+" goes out once, whole, with no GetBody to replay it from", func(t *testing.T) {
			replayed.Store(0)
			assert.Equal(t, img, uploadedIDImage(t, c, body))
			assert.Zero(t, replayed.Load(), "the request carried a GetBody")
		})
	}
}
