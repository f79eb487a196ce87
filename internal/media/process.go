package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"

	"github.com/disintegration/imaging"
)

// checked is an upload whose type, dimensions and size passed the limits.
type checked struct {
	f    *format
	body *spool
}

// rendition is one file to store: the cleaned original or a smaller size.
type rendition struct {
	f             *format
	width, height int
	data          []byte
}

// readChecked reads an upload in the order that refuses bad files cheapest:
// the first 512 bytes decide the type (a program renamed .jpg stops there);
// the header then gives the dimensions, checked before any pixel is
// decoded (a bomb stops there, having cost a few kilobytes); only then is
// the rest read, at most MaxBytes+1 of it, whatever the body's length.
func (s *Service) readChecked(ctx context.Context, body io.Reader) (*checked, error) {
	rd := &readTracker{r: &io.LimitedReader{R: ctxReader{ctx, body}, N: s.opt.MaxBytes + 1}}
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(rd, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("media: read upload: %w", err)
	}
	head = head[:n]
	f, err := sniff(head)
	if err != nil {
		return nil, err
	}

	// Whatever the header decoder reads past the first bytes is kept, so
	// that the body is read once.
	buf := &spool{}
	buf.Write(head)
	cfg, err := f.decodeConfig(io.MultiReader(bytes.NewReader(head), io.TeeReader(rd, buf)))
	switch {
	case rd.err != nil:
		return nil, fmt.Errorf("media: read upload: %w", rd.err)
	case err != nil && rd.over(s.opt.MaxBytes):
		return nil, s.tooLarge()
	case err != nil:
		return nil, fmt.Errorf("%w: the file starts like a %s image, but its header cannot be read (%v)", ErrNotImage, f.name, err)
	}
	if err := s.checkDimensions(f, cfg.Width, cfg.Height); err != nil {
		return nil, err
	}

	if _, err := io.Copy(buf, rd); err != nil {
		return nil, fmt.Errorf("media: read upload: %w", err)
	}
	if buf.size > s.opt.MaxBytes {
		return nil, s.tooLarge()
	}
	return &checked{f: f, body: buf}, nil
}

func (s *Service) tooLarge() error {
	limit := fmt.Sprintf("%d bytes", s.opt.MaxBytes)
	switch m := s.opt.MaxBytes; {
	case m%(1<<20) == 0:
		limit = fmt.Sprintf("%d MB", m>>20)
	case m%(1<<10) == 0:
		limit = fmt.Sprintf("%d KB", m>>10)
	}
	return fmt.Errorf("%w: the file is larger than the limit of %s", ErrTooLarge, limit)
}

// checkDimensions applies MaxSide and MaxPixels, in 64-bit arithmetic so that
// no declared size can overflow past the check.
func (s *Service) checkDimensions(f *format, w, h int) error {
	switch {
	case w <= 0 || h <= 0:
		return fmt.Errorf("%w: the %s image declares a size of %d×%d pixels", ErrNotImage, f.name, w, h)
	case w > s.opt.MaxSide || h > s.opt.MaxSide:
		return fmt.Errorf("%w: the image is %d×%d pixels; neither side may exceed %d", ErrTooManyPixels, w, h, s.opt.MaxSide)
	case int64(w)*int64(h) > s.opt.MaxPixels:
		return fmt.Errorf("%w: the image has %.1f megapixels (%d×%d); the limit is %.1f",
			ErrTooManyPixels, float64(w)*float64(h)/1e6, w, h, float64(s.opt.MaxPixels)/1e6)
	}
	return nil
}

// render decodes the upload and encodes it again: the original, cleaned of
// every metadata block (EXIF, GPS, XMP, ICC, comments) because encoders
// write pixels only, and one smaller copy per configured width below the
// original's.
func (s *Service) render(ctx context.Context, c *checked) (orig rendition, sizes []rendition, err error) {
	img, err := c.f.decode(c.body.Reader())
	if err != nil {
		return orig, nil, fmt.Errorf("%w: the file starts like a %s image, but its data cannot be read (%v); it may be truncated or damaged",
			ErrNotImage, c.f.name, err)
	}
	b := img.Bounds()
	// The header was checked; this guards a decoder that disagrees with it.
	if err := s.checkDimensions(c.f, b.Dx(), b.Dy()); err != nil {
		return orig, nil, err
	}
	if orig, err = s.encode(c.f, img); err != nil {
		return orig, nil, err
	}
	for _, w := range s.opt.Widths {
		if w >= b.Dx() {
			break
		}
		if err := ctx.Err(); err != nil {
			return orig, nil, err
		}
		r, err := s.encode(c.f.variantFormat(), imaging.Resize(img, w, 0, imaging.Lanczos))
		if err != nil {
			return orig, nil, err
		}
		sizes = append(sizes, r)
	}
	return orig, sizes, nil
}

// encode writes img in format f. When the WebP encoder fails (see
// encodeWebP), the copy is written as JPEG, or as PNG if it has transparent
// pixels: browsers show either, and the item records the type it got.
func (s *Service) encode(f *format, img image.Image) (rendition, error) {
	var buf bytes.Buffer
	err := f.encode(&buf, img, s.opt.JPEGQuality)
	if errors.Is(err, errWebPEncoder) {
		f = jpegFormat
		if o, ok := img.(interface{ Opaque() bool }); !ok || !o.Opaque() {
			f = pngFormat
		}
		buf.Reset()
		err = f.encode(&buf, img, s.opt.JPEGQuality)
	}
	if err != nil {
		return rendition{}, fmt.Errorf("media: encode %s: %w", f.name, err)
	}
	b := img.Bounds()
	return rendition{f: f, width: b.Dx(), height: b.Dy(), data: buf.Bytes()}, nil
}

// readTracker counts what is read and keeps the first real read error, so
// that a broken connection is reported as such and not as a damaged image
// (decoders turn read errors into their own "unexpected EOF").
type readTracker struct {
	r   *io.LimitedReader
	n   int64
	err error
}

func (t *readTracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.n += int64(n)
	if err != nil && err != io.EOF && t.err == nil {
		t.err = err
	}
	return n, err
}

// over reports whether more than limit bytes have been read.
func (t *readTracker) over(limit int64) bool { return t.n > limit }
