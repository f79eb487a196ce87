package media

import (
	"bytes"
	"io"
)

// spoolChunk is the size of the pieces an upload is kept in.
const spoolChunk = 256 << 10

// spool holds an upload's bytes in memory in fixed chunks. Growing a single
// slice instead would copy it at each doubling and, at 20 MB, allocate some
// 80 MB to hold 20; chunks allocate the file's size plus at most one chunk.
type spool struct {
	chunks [][]byte
	size   int64
}

// Write appends p; it never fails.
func (s *spool) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if len(s.chunks) == 0 || len(s.chunks[len(s.chunks)-1]) == spoolChunk {
			s.chunks = append(s.chunks, make([]byte, 0, spoolChunk))
		}
		last := &s.chunks[len(s.chunks)-1]
		k := min(len(p), spoolChunk-len(*last))
		*last = append(*last, p[:k]...)
		p = p[k:]
	}
	s.size += int64(n)
	return n, nil
}

// Reader reads the spooled bytes from the start.
func (s *spool) Reader() io.Reader {
	rs := make([]io.Reader, len(s.chunks))
	for i, c := range s.chunks {
		rs[i] = bytes.NewReader(c)
	}
	return io.MultiReader(rs...)
}
