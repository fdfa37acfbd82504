package argos_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

// closeTracker records whether Close was called.
type closeTracker struct {
	io.Reader
	closed bool
}

func (c *closeTracker) Close() error { c.closed = true; return nil }

func TestSaveFileWritesTheImageForItsOwnerOnly(t *testing.T) {
	c, _ := fakeClient(t)
	s1 := step1(t, c, "save@example.com", "save-user")
	d, err := c.DownloadImage(context.Background(), s1.SubmissionID, argos.ImageID)
	require.NoError(t, err)

	dir := t.TempDir()
	name := filepath.Join(dir, "id.png")
	n, err := d.SaveFile(name)
	require.NoError(t, err)

	want := readImage(t, "id_front.png")
	got, err := os.ReadFile(name)
	require.NoError(t, err)
	assert.Equal(t, want, got, "the file holds the uploaded image byte for byte")
	assert.Equal(t, int64(len(want)), n)
	info, err := os.Stat(name)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o600), info.Mode().Perm())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file is left behind")
}

func TestSaveFileLeavesNothingBehindWhenTheDownloadBreaks(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "selfie.jpg")
	require.NoError(t, os.WriteFile(name, []byte("the previous file"), 0o600))
	body := &closeTracker{Reader: io.MultiReader(bytes.NewReader([]byte("partial")), iotest.ErrReader(errors.New("connection reset by peer")))}

	_, err := (&argos.Download{Body: body, ContentLength: -1}).SaveFile(name)
	require.Error(t, err)
	assert.True(t, body.closed, "the body is closed")
	got, err := os.ReadFile(name)
	require.NoError(t, err)
	assert.Equal(t, "the previous file", string(got), "an existing file is replaced only by a complete download")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "the temporary file is removed")
}

func TestSaveFileErrorsDoNotNameTheFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "no-such-dir", "jane-doe-passport.png")
	body := &closeTracker{Reader: bytes.NewReader([]byte("x"))}
	_, err := (&argos.Download{Body: body, ContentLength: 1}).SaveFile(name)
	require.Error(t, err)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.NotContains(t, err.Error(), "jane-doe")
	assert.True(t, body.closed)
}

func TestWriteToCopiesTheBodyAndClosesIt(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 10_000) // 160 kB, several buffers' worth

	t.Run("a complete body is copied", func(t *testing.T) {
		body := &closeTracker{Reader: bytes.NewReader(data)}
		var out bytes.Buffer
		n, err := (&argos.Download{Body: body, ContentLength: int64(len(data))}).WriteTo(&out)
		require.NoError(t, err)
		assert.Equal(t, int64(len(data)), n)
		assert.Equal(t, data, out.Bytes())
		assert.True(t, body.closed)
	})
	t.Run("a body the network cuts short is an error", func(t *testing.T) {
		body := &closeTracker{Reader: io.MultiReader(bytes.NewReader(data[:100]), iotest.ErrReader(io.ErrUnexpectedEOF))}
		_, err := (&argos.Download{Body: body, ContentLength: int64(len(data))}).WriteTo(io.Discard)
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		assert.True(t, body.closed)
	})
	t.Run("after a partial read the rest is copied", func(t *testing.T) {
		body := &closeTracker{Reader: bytes.NewReader(data)}
		d := &argos.Download{Body: body, ContentLength: int64(len(data))}
		head := make([]byte, 8)
		_, err := io.ReadFull(d.Body, head) // a caller sniffing the type first
		require.NoError(t, err)
		var out bytes.Buffer
		n, err := d.WriteTo(&out)
		require.NoError(t, err)
		assert.Equal(t, int64(len(data)-8), n)
		assert.Equal(t, data[8:], out.Bytes())
	})
	t.Run("a write error does not name the file", func(t *testing.T) {
		body := &closeTracker{Reader: bytes.NewReader(data)}
		w := pathErrorWriter{path: "/srv/kyc/jane-doe-passport.jpg"}
		_, err := (&argos.Download{Body: body, ContentLength: -1}).WriteTo(w)
		require.Error(t, err)
		assert.ErrorIs(t, err, syscall.ENOSPC)
		assert.NotContains(t, err.Error(), "jane-doe")
		assert.True(t, body.closed)
	})
	t.Run("a failing writer stops the copy", func(t *testing.T) {
		body := &closeTracker{Reader: bytes.NewReader(data)}
		_, err := (&argos.Download{Body: body, ContentLength: -1}).WriteTo(failingWriter{})
		assert.ErrorIs(t, err, errDiskFull)
		assert.True(t, body.closed)
	})
	t.Run("a download without a body is a validation error", func(t *testing.T) {
		_, err := (&argos.Download{}).WriteTo(io.Discard)
		assert.ErrorIs(t, err, argos.ErrValidation)
		var nilDownload *argos.Download
		_, err = nilDownload.SaveFile("x")
		assert.ErrorIs(t, err, argos.ErrValidation)
	})
}

var errDiskFull = errors.New("disk full")

// pathErrorWriter fails as a full disk does for an *os.File.
type pathErrorWriter struct{ path string }

func (w pathErrorWriter) Write([]byte) (int, error) {
	return 0, &fs.PathError{Op: "write", Path: w.path, Err: syscall.ENOSPC}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }
