package form

import (
	"encoding/base64"
	"io"
)

// Base64File adds a text part (no file name, no Content-Type) whose value
// is the standard Base64 encoding of r, encoded while the body streams:
// neither the file nor its encoding is ever held whole. size and limit
// are those of the file's raw bytes, as in File.
func (m *Multipart) Base64File(name string, r io.Reader, size, limit int64, tooBig error) error {
	return m.addFile(name, "", "", segment{file: r, size: size, limit: limit, tooBig: tooBig, base64: true})
}

// Base64FileFunc is Base64File for a file of exactly size bytes that open
// returns afresh for each body, as in FileFunc.
func (m *Multipart) Base64FileFunc(name string, open func() (io.Reader, error), size int64) error {
	return m.addFile(name, "", "", segment{open: open, size: size, base64: true})
}

// encodedLen is the length of the part's value: size itself, or the length
// of its Base64 encoding; -1 stays unknown.
func (s *segment) encodedLen() int64 {
	if !s.base64 || s.size < 0 {
		return s.size
	}
	return (s.size + 2) / 3 * 4
}

// base64Chunk is how many raw bytes a base64Reader encodes at a time (a
// multiple of 3, so only the last chunk is padded).
const base64Chunk = 3 * 1024

// base64Reader encodes what it reads from r, a chunk at a time, with a
// fixed buffer: the io.Reader counterpart of base64.NewEncoder.
type base64Reader struct {
	r   io.Reader
	in  [base64Chunk]byte
	out [base64Chunk / 3 * 4]byte
	pos int // of the first unread byte of out
	end int // of out's encoded bytes
	err error
}

func newBase64Reader(r io.Reader) *base64Reader { return &base64Reader{r: r} }

func (b *base64Reader) Read(p []byte) (int, error) {
	for b.pos == b.end {
		if b.err != nil {
			return 0, b.err
		}
		n := b.fill()
		base64.StdEncoding.Encode(b.out[:], b.in[:n])
		b.pos, b.end = 0, base64.StdEncoding.EncodedLen(n)
	}
	n := copy(p, b.out[b.pos:b.end])
	b.pos += n
	return n, nil
}

// fill reads a whole chunk, or what is left before the source ends (b.err
// becomes io.EOF) or fails (b.err is its error, which ends the body once
// the bytes read before it are encoded).
func (b *base64Reader) fill() int {
	n, empty := 0, 0
	for n < len(b.in) && b.err == nil {
		k, err := b.r.Read(b.in[n:])
		n += k
		switch {
		case err != nil:
			b.err = err
		case k > 0:
			empty = 0
		default:
			if empty++; empty >= 100 {
				b.err = io.ErrNoProgress
			}
		}
	}
	return n
}
