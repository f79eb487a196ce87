package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"image/jpeg"
	"strings"
	"testing"

	"nashra.dev/nashra/internal/store"
	"nashra.dev/nashra/internal/store/storetest"
)

// gpsMarker stands for a place name a phone writes into a photo.
const gpsMarker = "NASHRA-SECRET-GPS-DATUM"

// gpsLatitude is the 44.44 of the test latitude, as a TIFF rational.
var gpsLatitude = []byte{0, 0, 0x11, 0x5c, 0, 0, 0, 0x64}

// exifSegment builds an APP1 "Exif" segment holding a big-endian TIFF
// structure: IFD0 with an Orientation and a pointer to a GPS IFD that has a
// latitude reference, a latitude (30° 2' 44.44") and a map datum.
func exifSegment(orientation uint16) []byte {
	be := binary.BigEndian
	var t bytes.Buffer
	t.WriteString("MM\x00\x2a")
	binary.Write(&t, be, uint32(8)) // IFD0 follows the header
	entry := func(tag, typ uint16, count, value uint32) {
		binary.Write(&t, be, tag)
		binary.Write(&t, be, typ)
		binary.Write(&t, be, count)
		binary.Write(&t, be, value)
	}
	const ifd0, gpsIFD = 8, 8 + 2 + 2*12 + 4
	const ratOff = gpsIFD + 2 + 3*12 + 4
	const datumOff = ratOff + 24
	binary.Write(&t, be, uint16(2))
	entry(0x0112, 3, 1, uint32(orientation)<<16) // SHORT, left-justified in the value field
	entry(0x8825, 4, 1, gpsIFD)
	binary.Write(&t, be, uint32(0))
	binary.Write(&t, be, uint16(3))
	entry(0x0001, 2, 2, uint32('N')<<24) // "N\0"
	entry(0x0002, 5, 3, ratOff)
	entry(0x0012, 2, uint32(len(gpsMarker)+1), datumOff)
	binary.Write(&t, be, uint32(0))
	for _, r := range [][2]uint32{{30, 1}, {2, 1}, {4444, 100}} {
		binary.Write(&t, be, r)
	}
	t.WriteString(gpsMarker + "\x00")

	payload := append([]byte("Exif\x00\x00"), t.Bytes()...)
	seg := []byte{0xff, 0xe1, 0, 0}
	be.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// withExif inserts the segment right after the JPEG's SOI marker, where
// cameras put it.
func withExif(jpg, seg []byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

func TestUploadStripsMetadataAndAppliesOrientation(t *testing.T) {
	// 1200×600 as recorded by the sensor; orientation 6 says "turn 90°
	// clockwise to view", so the picture is 600×1200.
	photo := withExif(encodeAs(t, "image/jpeg", gradient(1200, 600)), exifSegment(6))
	for _, needle := range [][]byte{[]byte("Exif"), []byte(gpsMarker), gpsLatitude} {
		if !bytes.Contains(photo, needle) {
			t.Fatalf("test photo lacks %q", needle)
		}
	}
	if _, err := jpeg.DecodeConfig(bytes.NewReader(photo)); err != nil {
		t.Fatalf("test photo is not a valid JPEG: %v", err)
	}

	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc, st := newTestService(t, db, Options{})
		it, err := svc.Upload(context.Background(), Upload{Filename: "IMG_0042.JPG", Body: bytes.NewReader(photo)})
		if err != nil {
			t.Fatal(err)
		}
		if it.Width != 600 || it.Height != 1200 {
			t.Fatalf("stored %dx%d, want 600x1200 (orientation applied)", it.Width, it.Height)
		}
		keys := []string{it.StorageKey}
		for _, v := range it.Variants {
			keys = append(keys, strings.TrimPrefix(v.URL, "/uploads/"))
		}
		if len(keys) != 2 {
			t.Fatalf("want the original and a 480 px copy, got %v", keys)
		}
		for _, k := range keys {
			b := readStored(t, st, k)
			for _, needle := range [][]byte{[]byte("Exif"), []byte(gpsMarker), gpsLatitude, {0xff, 0xe1}} {
				if bytes.Contains(b, needle) {
					t.Errorf("%s still contains %q", k, needle)
				}
			}
		}

		// The white corner, top left as recorded, is top right once turned.
		img, err := jpeg.Decode(bytes.NewReader(readStored(t, st, it.StorageKey)))
		if err != nil {
			t.Fatal(err)
		}
		bright := func(x, y int) bool {
			r, g, b, _ := img.At(x, y).RGBA()
			return r>>8 > 230 && g>>8 > 230 && b>>8 > 230
		}
		if !bright(596, 3) || bright(3, 3) {
			t.Fatalf("orientation not applied: top-right bright %v, top-left bright %v", bright(596, 3), bright(3, 3))
		}
	})
}
