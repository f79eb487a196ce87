package media

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
)

// sniffLen is how many leading bytes decide the type: the window that
// http.DetectContentType itself reads.
const sniffLen = 512

// sniff tells the file's real type from its first bytes; the name the
// uploader gave it is never consulted. Anything but JPEG, PNG, GIF and WebP
// is ErrNotImage, with a message saying what the file looks like.
func sniff(head []byte) (*format, error) {
	if len(head) == 0 {
		return nil, fmt.Errorf("%w: the file is empty", ErrNotImage)
	}
	if isWebP(head) {
		return webpFormat, nil
	}
	ct := http.DetectContentType(head)
	switch ct {
	case "image/jpeg":
		return jpegFormat, nil
	case "image/png":
		return pngFormat, nil
	case "image/gif":
		return gifFormat, nil
	}
	return nil, fmt.Errorf("%w: the file looks like %s; upload a JPEG, PNG, GIF or WebP image "+
		"(the file's contents decide, not its name)", ErrNotImage, describe(head, ct))
}

// isWebP matches the RIFF container with the WEBP form type; the chunk that
// follows (VP8, VP8L, VP8X) is left to the decoder to judge.
func isWebP(b []byte) bool {
	return len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP"
}

// describe names a refused file in words an editor understands.
func describe(head []byte, ct string) string {
	switch {
	case bytes.HasPrefix(head, []byte("MZ")):
		return "a Windows program (EXE or DLL)"
	case bytes.HasPrefix(head, []byte("\x7fELF")):
		return "a Linux program (ELF)"
	case bytes.HasPrefix(head, []byte{0xcf, 0xfa, 0xed, 0xfe}), bytes.HasPrefix(head, []byte{0xce, 0xfa, 0xed, 0xfe}),
		bytes.HasPrefix(head, []byte{0xfe, 0xed, 0xfa, 0xcf}), bytes.HasPrefix(head, []byte{0xca, 0xfe, 0xba, 0xbe}):
		return "a macOS program or Java class file"
	case bytes.HasPrefix(head, []byte("#!")):
		return "a script"
	case len(head) >= 12 && string(head[4:8]) == "ftyp" && isHEIF(string(head[8:12])):
		return "a HEIC or AVIF photo (export it as JPEG first)"
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return "a TIFF image (export it as JPEG or PNG first)"
	case bytes.Contains(bytes.ToLower(head), []byte("<svg")):
		return "an SVG drawing (not accepted: SVG files can carry scripts)"
	}
	mime, _, _ := strings.Cut(ct, ";")
	switch mime {
	case "text/html":
		return "a web page (HTML)"
	case "text/plain":
		return "plain text"
	case "text/xml":
		return "an XML document"
	case "application/pdf":
		return "a PDF document"
	case "application/zip":
		return "a ZIP archive (or an Office document)"
	case "image/bmp":
		return "a BMP image (export it as PNG first)"
	case "image/x-icon":
		return "an icon file"
	case "application/octet-stream":
		return "binary data of an unknown kind"
	}
	return "a file of type " + mime
}

func isHEIF(brand string) bool {
	switch brand {
	case "heic", "heix", "hevc", "heim", "heis", "mif1", "msf1", "avif", "avis":
		return true
	}
	return false
}
