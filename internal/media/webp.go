package media

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"io"

	"github.com/HugoSmits86/nativewebp"
	"golang.org/x/image/webp"
)

// maxWebPPixels is the largest picture handed to the WebP encoder (about
// 420 MB of its working memory); larger ones take the fallback format.
const maxWebPPixels = 8_000_000

// errWebPEncoder marks a failure of the WebP encoder itself (as opposed to
// the writer), after which the image is written in another format.
var errWebPEncoder = errors.New("WebP encoder failed")

// encodeWebP writes img as lossless WebP and proves the result by decoding
// it and comparing every pixel before writing a byte to w.
//
// Why the proof: nativewebp v0.9.3 limits Huffman code lengths with a
// heuristic that does not always hold. On some detailed images (in trials,
// 5 of 48 photograph-like pictures, all 1000 px wide or more) it panics ("too many bits for the given value",
// HugoSmits86/nativewebp#16), and a code longer than 15 bits would be
// written as a length the format reads as "repeat", which is a damaged file
// rather than a panic. A panic is turned into errWebPEncoder, and so is
// any output that does not decode to the same pixels.
//
// And why the size cap: nativewebp allocates about 52 bytes a pixel (600 MB
// for a 12-megapixel photo), so a larger picture is not given to it at all.
func encodeWebP(w io.Writer, img image.Image) (err error) {
	if b := img.Bounds(); int64(b.Dx())*int64(b.Dy()) > maxWebPPixels {
		return fmt.Errorf("%w: %d×%d is more than it can write in bounded memory", errWebPEncoder, b.Dx(), b.Dy())
	}
	src := toNRGBA(img)
	var buf bytes.Buffer
	func() {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("%w: %v", errWebPEncoder, p)
			}
		}()
		err = nativewebp.Encode(&buf, src, nil)
	}()
	if err != nil {
		return err
	}
	back, err := webp.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		return fmt.Errorf("%w: its output does not decode: %v", errWebPEncoder, err)
	}
	if !samePixels(src, back) {
		return fmt.Errorf("%w: its output decodes to other pixels", errWebPEncoder)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// toNRGBA returns img as an NRGBA image at the origin, copying only when it
// is not one already.
func toNRGBA(img image.Image) *image.NRGBA {
	if n, ok := img.(*image.NRGBA); ok && n.Rect.Min == (image.Point{}) {
		return n
	}
	b := img.Bounds()
	n := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(n, n.Rect, img, b.Min, draw.Src)
	return n
}

// samePixels compares two images of the same size pixel by pixel; where a
// pixel is fully transparent its colour does not count.
func samePixels(a *image.NRGBA, img image.Image) bool {
	b, ok := img.(*image.NRGBA)
	if !ok || a.Rect.Dx() != b.Rect.Dx() || a.Rect.Dy() != b.Rect.Dy() {
		return false
	}
	w := 4 * a.Rect.Dx()
	for y := range a.Rect.Dy() {
		oa, ob := a.PixOffset(a.Rect.Min.X, a.Rect.Min.Y+y), b.PixOffset(b.Rect.Min.X, b.Rect.Min.Y+y)
		ra, rb := a.Pix[oa:oa+w], b.Pix[ob:ob+w]
		if bytes.Equal(ra, rb) {
			continue
		}
		for i := 0; i < w; i += 4 {
			if ra[i+3] == 0 && rb[i+3] == 0 {
				continue
			}
			if [4]byte(ra[i:i+4]) != [4]byte(rb[i:i+4]) {
				return false
			}
		}
	}
	return true
}
