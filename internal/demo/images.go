package demo

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"

	"nashra.dev/nashra/internal/content"
)

// writeImages draws the demo's featured images (simple generated artwork, so
// that the demo needs no outside files) into DATA/uploads/demo/.
func writeImages(uploads string) (map[string]content.Image, error) {
	dir := filepath.Join(uploads, "demo")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	specs := []struct {
		key, alt, caption, credit string
		from, to                  color.RGBA
	}{
		{"solar", "صفوف من الألواح الشمسية تحت سماء صافية", "ألواح المحطة الجديدة", "رسم: نشرة", color.RGBA{0xf6, 0xb2, 0x3c, 255}, color.RGBA{0x1f, 0x4e, 0x79, 255}},
		{"code", "شاشة تعرض شيفرة برمجية", "", "رسم: نشرة", color.RGBA{0x2d, 0x33, 0x48, 255}, color.RGBA{0x3c, 0xb3, 0x71, 255}},
		{"water", "نهر يعبر سهلاً أخضر", "", "رسم: نشرة", color.RGBA{0x4a, 0x90, 0xd9, 255}, color.RGBA{0x2e, 0x7d, 0x32, 255}},
	}
	out := map[string]content.Image{}
	const w, h = 1200, 675
	for i, s := range specs {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				t := float64(y) / h
				wave := 0.5 + 0.5*math.Sin(float64(x)/(60+float64(i)*25)+t*6)
				c := mix(s.from, s.to, t*0.8+wave*0.2)
				img.SetRGBA(x, y, c)
			}
		}
		name := s.key + ".png"
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(f, img)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		out[s.key] = content.Image{URL: "/uploads/demo/" + name, Alt: s.alt, Caption: s.caption, Credit: s.credit, Width: w, Height: h}
	}
	return out, nil
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	t = math.Max(0, math.Min(1, t))
	l := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t) }
	return color.RGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 255}
}
