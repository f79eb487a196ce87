package media

import (
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/disintegration/imaging"
	"golang.org/x/image/webp"
)

// format is one accepted image type: how to read its header, decode it and
// write it again. Each is called directly, never through image.Decode's
// registry, so that the format sniffed from the bytes is the decoder used.
type format struct {
	mime string
	ext  string
	name string // for messages: "JPEG"

	decodeConfig func(io.Reader) (image.Config, error)
	decode       func(io.Reader) (image.Image, error)
	encode       func(w io.Writer, img image.Image, jpegQuality int) error
}

var (
	jpegFormat = &format{
		mime: "image/jpeg", ext: "jpg", name: "JPEG",
		decodeConfig: jpeg.DecodeConfig,
		// Phones store photos sideways and record the turn in EXIF; since
		// the EXIF block is dropped, the turn is applied to the pixels.
		decode: func(r io.Reader) (image.Image, error) {
			return imaging.Decode(r, imaging.AutoOrientation(true))
		},
		encode: func(w io.Writer, img image.Image, q int) error {
			return jpeg.Encode(w, img, &jpeg.Options{Quality: q})
		},
	}
	pngFormat = &format{
		mime: "image/png", ext: "png", name: "PNG",
		decodeConfig: png.DecodeConfig,
		decode:       png.Decode,
		encode:       func(w io.Writer, img image.Image, _ int) error { return png.Encode(w, img) },
	}
	// GIF: gif.Decode returns the first frame only, so an animated GIF is
	// stored as a still. That is deliberate: an animation multiplies the
	// pixels to decode (a bomb in time), and news images do not move.
	gifFormat = &format{
		mime: "image/gif", ext: "gif", name: "GIF",
		decodeConfig: gif.DecodeConfig,
		decode:       gif.Decode,
		// A decoded GIF frame is paletted, and gif.Encode keeps its palette.
		encode: func(w io.Writer, img image.Image, _ int) error { return gif.Encode(w, img, nil) },
	}
	// WebP is decoded by golang.org/x/image/webp (lossy and lossless) and
	// written by nativewebp, the only pure-Go encoder, which is lossless:
	// files may grow, but nothing is lost twice. When that encoder fails or
	// the picture is too big for it, Service.encode writes JPEG or PNG
	// instead (see encodeWebP).
	webpFormat = &format{
		mime: "image/webp", ext: "webp", name: "WebP",
		decodeConfig: webp.DecodeConfig,
		decode:       webp.Decode,
		encode:       func(w io.Writer, img image.Image, _ int) error { return encodeWebP(w, img) },
	}
)

// variantFormat is the format of the resized copies: the original's, except
// that GIF sizes are PNG, because a resized image has thousands of colours
// and a GIF palette has 256 (and the original is a still anyway).
func (f *format) variantFormat() *format {
	if f == gifFormat {
		return pngFormat
	}
	return f
}
