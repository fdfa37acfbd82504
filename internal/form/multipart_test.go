package form

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func parse(t *testing.T, m *Multipart, body []byte) map[string]string {
	t.Helper()
	_, params, err := mime.ParseMediaType(m.ContentType())
	require.NoError(t, err)
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	got := map[string]string{}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return got
		}
		require.NoError(t, err)
		b, err := io.ReadAll(p)
		require.NoError(t, err)
		key := p.FormName()
		if p.FileName() != "" {
			key += "|" + p.FileName() + "|" + p.Header.Get("Content-Type")
		}
		got[key] = string(b)
	}
}

func TestMultipartRoundTripsThroughMimeMultipart(t *testing.T) {
	m := New()
	require.NoError(t, m.Field("email", "a@example.com"))
	require.NoError(t, m.Field("note", "line one\r\n--not-a-boundary\r\nline \"two\""))
	require.NoError(t, m.File("idImage", `a "quoted" \name.png`, "image/png", strings.NewReader("PNGDATA"), 7, 100, nil))
	require.NoError(t, m.File("back", "b.jpg", "image/jpeg", strings.NewReader("JPEGDATA"), -1, 100, nil))

	body, err := io.ReadAll(m.Reader())
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"email":                                  "a@example.com",
		"note":                                   "line one\r\n--not-a-boundary\r\nline \"two\"",
		`idImage|a "quoted" \name.png|image/png`: "PNGDATA",
		"back|b.jpg|image/jpeg":                  "JPEGDATA",
	}, parse(t, m, body))
	assert.Equal(t, int64(-1), m.Len(), "one size is unknown")
}

func TestMultipartLenIsExactWhenSizesAreKnown(t *testing.T) {
	m := New()
	require.NoError(t, m.Field("a", "1"))
	require.NoError(t, m.File("f", "f.png", "image/png", strings.NewReader("12345"), 5, 0, nil))
	body, err := io.ReadAll(m.Reader())
	require.NoError(t, err)
	assert.Equal(t, int64(len(body)), m.Len())
}

func TestMultipartRefusesControlCharactersInHeaders(t *testing.T) {
	m := New()
	assert.ErrorIs(t, m.Field("a\r\nb", "v"), ErrUnsafeHeaderValue)
	assert.ErrorIs(t, m.File("f", "x\n.png", "image/png", strings.NewReader(""), 0, 0, nil), ErrUnsafeHeaderValue)
	assert.ErrorIs(t, m.File("f", "x.png", "image/png\r\nX: y", strings.NewReader(""), 0, 0, nil), ErrUnsafeHeaderValue)
}

func TestMultipartEnforcesSizes(t *testing.T) {
	tooBig := errors.New("too big")
	t.Run("a stream over its limit fails with the caller's error", func(t *testing.T) {
		m := New()
		require.NoError(t, m.File("f", "f", "image/png", strings.NewReader(strings.Repeat("x", 11)), -1, 10, tooBig))
		_, err := io.ReadAll(m.Reader())
		assert.ErrorIs(t, err, tooBig)
	})
	t.Run("a stream at its limit passes", func(t *testing.T) {
		m := New()
		require.NoError(t, m.File("f", "f", "image/png", strings.NewReader(strings.Repeat("x", 10)), -1, 10, tooBig))
		_, err := io.ReadAll(m.Reader())
		assert.NoError(t, err)
	})
	t.Run("a file shorter than declared fails", func(t *testing.T) {
		m := New()
		require.NoError(t, m.File("f", "f", "image/png", strings.NewReader("abc"), 5, 0, nil))
		_, err := io.ReadAll(m.Reader())
		assert.ErrorIs(t, err, ErrShortFile)
	})
	t.Run("a file longer than declared is cut at its size so Content-Length holds", func(t *testing.T) {
		m := New()
		require.NoError(t, m.File("f", "f", "image/png", strings.NewReader("abcdef"), 3, 0, nil))
		body, err := io.ReadAll(m.Reader())
		require.NoError(t, err)
		assert.Equal(t, int64(len(body)), m.Len())
	})
}

func TestMultipartReadsNothingUntilTheBodyIsRead(t *testing.T) {
	src := &countingReader{r: strings.NewReader("data")}
	m := New()
	require.NoError(t, m.File("f", "f", "image/png", src, 4, 0, nil))
	r := m.Reader()
	assert.False(t, m.Started())
	assert.Zero(t, src.n, "building the body reads nothing")
	_, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.True(t, m.Started())
	assert.Equal(t, 4, src.n)
}

func TestMultipartBodiesCanBeReadAgainOnlyFromReopenableFiles(t *testing.T) {
	t.Run("FileFunc parts are opened afresh for each body", func(t *testing.T) {
		m := New()
		require.NoError(t, m.Field("email", "a@example.com"))
		opens := 0
		require.NoError(t, m.FileFunc("f", "f.png", "image/png", func() (io.Reader, error) {
			opens++
			return strings.NewReader("PNGDATA"), nil
		}, 7))
		assert.True(t, m.Replayable())
		first, err := io.ReadAll(m.Reader())
		require.NoError(t, err)
		second, err := io.ReadAll(m.Reader())
		require.NoError(t, err)
		assert.Equal(t, first, second)
		assert.Equal(t, int64(len(first)), m.Len())
		assert.Equal(t, 2, opens)
	})
	t.Run("a File part makes a second body fail once the first was read", func(t *testing.T) {
		m := New()
		require.NoError(t, m.File("f", "f.png", "image/png", strings.NewReader("PNGDATA"), 7, 0, nil))
		assert.False(t, m.Replayable())
		stale := m.Reader() // an attempt that never read its body
		_, err := io.ReadAll(m.Reader())
		require.NoError(t, err, "a body is available as long as none was read")
		_, err = io.ReadAll(stale)
		assert.ErrorIs(t, err, ErrNotReplayable, "an earlier body cannot take the file from the latest")
		_, err = io.ReadAll(m.Reader())
		assert.ErrorIs(t, err, ErrNotReplayable)
	})
	t.Run("an open error surfaces when the body is read", func(t *testing.T) {
		m := New()
		boom := errors.New("seek failed")
		require.NoError(t, m.FileFunc("f", "f.png", "image/png", func() (io.Reader, error) { return nil, boom }, 7))
		_, err := io.ReadAll(m.Reader())
		assert.ErrorIs(t, err, boom)
		assert.False(t, m.Started(), "nothing was read, so nothing can have been sent")
	})
	t.Run("a reopened file shorter than its size is an error", func(t *testing.T) {
		m := New()
		require.NoError(t, m.FileFunc("f", "f.png", "image/png", func() (io.Reader, error) { return strings.NewReader("PNG"), nil }, 7))
		_, err := io.ReadAll(m.Reader())
		assert.ErrorIs(t, err, ErrShortFile)
	})
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// The benchmarks compare streaming a near-limit image with the usual
// buffered approach (mime/multipart into a bytes.Buffer). Run with
// go test -bench Multipart -benchmem ./internal/form
const benchImageSize = 2<<20 - 1024

func BenchmarkMultipartStreaming(b *testing.B) {
	img := bytes.Repeat([]byte{0xAB}, benchImageSize)
	b.SetBytes(benchImageSize)
	b.ReportAllocs()
	for b.Loop() {
		m := New()
		_ = m.Field("email", "a@example.com")
		_ = m.File("idImage", "id.png", "image/png", bytes.NewReader(img), int64(len(img)), 0, nil)
		if _, err := io.Copy(io.Discard, m.Reader()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMultipartBufferedBaseline(b *testing.B) {
	img := bytes.Repeat([]byte{0xAB}, benchImageSize)
	b.SetBytes(benchImageSize)
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		_ = w.WriteField("email", "a@example.com")
		fw, _ := w.CreateFormFile("idImage", "id.png")
		_, _ = fw.Write(img)
		_ = w.Close()
		if _, err := io.Copy(io.Discard, &buf); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBase64PartsStreamTheEncodingOfTheFile(t *testing.T) {
	for _, size := range []int{1, 2, 3, 4, base64Chunk - 1, base64Chunk, base64Chunk + 1, 3*base64Chunk + 2} {
		t.Run(fmt.Sprintf("a %d-byte file is encoded whole with an exact length", size), func(t *testing.T) {
			raw := make([]byte, size)
			for i := range raw {
				raw[i] = byte(i * 7)
			}
			m := New()
			require.NoError(t, m.Field("submissionId", "abc"))
			require.NoError(t, m.Base64FileFunc("idImage", func() (io.Reader, error) { return bytes.NewReader(raw), nil }, int64(size)))
			require.NoError(t, m.Base64File("selfieImage", iotest.OneByteReader(bytes.NewReader(raw)), -1, int64(size), nil))
			body, err := io.ReadAll(m.Reader())
			require.NoError(t, err)
			got := parse(t, m, body)
			want := base64.StdEncoding.EncodeToString(raw)
			assert.Equal(t, want, got["idImage"], "a text part holding the Base64 of the file")
			assert.Equal(t, want, got["selfieImage"])
			assert.Equal(t, int64(-1), m.Len(), "one size is unknown")
		})
	}
	t.Run("the length is exact when every size is known", func(t *testing.T) {
		m := New()
		require.NoError(t, m.Base64File("idImage", strings.NewReader("12345"), 5, 0, nil))
		body, err := io.ReadAll(m.Reader())
		require.NoError(t, err)
		assert.Equal(t, int64(len(body)), m.Len())
	})
	t.Run("a file over its limit fails the body with the caller's error", func(t *testing.T) {
		tooBig := errors.New("too big")
		m := New()
		require.NoError(t, m.Base64File("idImage", strings.NewReader(strings.Repeat("x", 5000)), -1, 4000, tooBig))
		_, err := io.ReadAll(m.Reader())
		assert.ErrorIs(t, err, tooBig)
	})
	t.Run("a file shorter than its size fails the body", func(t *testing.T) {
		m := New()
		require.NoError(t, m.Base64File("idImage", strings.NewReader("123"), 5, 0, nil))
		_, err := io.ReadAll(m.Reader())
		assert.ErrorIs(t, err, ErrShortFile)
	})
	t.Run("a reader that never delivers fails instead of spinning", func(t *testing.T) {
		m := New()
		require.NoError(t, m.Base64File("idImage", emptyReader{}, -1, 0, nil))
		_, err := io.ReadAll(m.Reader())
		assert.ErrorIs(t, err, io.ErrNoProgress)
	})
}

type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, nil }

func BenchmarkBase64Part(b *testing.B) {
	raw := bytes.Repeat([]byte{0xff, 0xd8, 0xff, 1, 2, 3}, (2<<20)/6)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		m := New()
		_ = m.Base64FileFunc("idImage", func() (io.Reader, error) { return bytes.NewReader(raw), nil }, int64(len(raw)))
		if _, err := io.Copy(io.Discard, m.Reader()); err != nil {
			b.Fatal(err)
		}
	}
}
