package wire

import (
	"bytes"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/gogs/chardet"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// DecodeHTML returns an HTML page in UTF-8 and the name of the encoding it
// was read in. The encoding is, in order: a byte-order mark; UTF-8 when the
// bytes are valid UTF-8 (pages that declare Latin-1 but are UTF-8 are common
// enough that the bytes win over the label); the Content-Type charset; a
// <meta charset> or http-equiv in the first 1024 bytes; a statistical guess;
// windows-1252. Invalid sequences become U+FFFD: decoding never fails.
func DecodeHTML(body []byte, contentType string) ([]byte, string) {
	return decodeText(body, contentType, false)
}

// DecodeXML is DecodeHTML for feeds: it also recognizes UTF-16 and UTF-32
// without a byte-order mark from the "<?xml" they start with, reads the
// encoding="…" of the XML declaration instead of <meta>, and rewrites that
// declaration to say UTF-8, so that the XML decoder does not convert twice.
func DecodeXML(body []byte, contentType string) ([]byte, string) {
	out, name := decodeText(body, contentType, true)
	return rewriteXMLDecl(out), name
}

type bom struct {
	prefix []byte
	name   string
	enc    encoding.Encoding
}

// boms is checked in order: UTF-32LE's mark starts with UTF-16LE's.
var boms = []bom{
	{[]byte{0xEF, 0xBB, 0xBF}, "utf-8", encoding.Nop},
	{[]byte{0x00, 0x00, 0xFE, 0xFF}, "utf-32be", utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM)},
	{[]byte{0xFF, 0xFE, 0x00, 0x00}, "utf-32le", utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM)},
	{[]byte{0xFE, 0xFF}, "utf-16be", unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)},
	{[]byte{0xFF, 0xFE}, "utf-16le", unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)},
}

// xmlStarts are "<?" in the wide encodings, for XML without a mark.
var xmlStarts = []bom{
	{[]byte{0x00, 0x00, 0x00, 0x3C}, "utf-32be", utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM)},
	{[]byte{0x3C, 0x00, 0x00, 0x00}, "utf-32le", utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM)},
	{[]byte{0x00, 0x3C, 0x00, 0x3F}, "utf-16be", unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)},
	{[]byte{0x3C, 0x00, 0x3F, 0x00}, "utf-16le", unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)},
}

func decodeText(body []byte, contentType string, xml bool) ([]byte, string) {
	for _, b := range boms {
		if bytes.HasPrefix(body, b.prefix) {
			return convert(body[len(b.prefix):], b.enc), b.name
		}
	}
	if xml {
		for _, b := range xmlStarts {
			if bytes.HasPrefix(body, b.prefix) {
				return convert(body, b.enc), b.name
			}
		}
	}
	if utf8.Valid(body) {
		return body, "utf-8"
	}
	labels := []string{charsetParam(contentType)}
	if xml {
		labels = append(labels, xmlDeclEncoding(body))
	} else {
		labels = append(labels, metaCharset(body))
	}
	for _, l := range labels {
		if enc, name := lookupCharset(l); enc != nil {
			return convert(body, enc), name
		}
	}
	if r, err := chardet.NewTextDetector().DetectBest(body); err == nil && r.Confidence >= 20 {
		if enc, name := lookupCharset(r.Charset); enc != nil {
			return convert(body, enc), name
		}
	}
	return convert(body, charmap.Windows1252), "windows-1252"
}

// lookupCharset finds an encoding by label, the WHATWG way, plus the
// spellings chardet uses ("GB-18030"). UTF-8 and the wide encodings are not
// returned: bytes that reach here are not valid UTF-8, and a label saying
// UTF-16 without the matching bytes is wrong.
func lookupCharset(label string) (encoding.Encoding, string) {
	label = strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`))
	if label == "" {
		return nil, ""
	}
	enc, name := charset.Lookup(label)
	if enc == nil {
		enc, name = charset.Lookup(strings.ReplaceAll(label, "-", ""))
	}
	if enc == nil || name == "utf-8" || strings.HasPrefix(name, "utf-16") {
		return nil, ""
	}
	return enc, name
}

func convert(b []byte, enc encoding.Encoding) []byte {
	if enc == encoding.Nop {
		return bytes.ToValidUTF8(b, []byte("\uFFFD"))
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return bytes.ToValidUTF8(b, []byte("\uFFFD"))
	}
	return out
}

// charsetParam reads the charset of a Content-Type leniently: servers send
// quotes, spaces around '=' and other things mime.ParseMediaType refuses.
func charsetParam(contentType string) string {
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		if cs := params["charset"]; cs != "" {
			return cs
		}
	}
	m := charsetParamRE.FindStringSubmatch(contentType)
	if m == nil {
		return ""
	}
	return m[1]
}

var (
	charsetParamRE = regexp.MustCompile(`(?i);\s*charset\s*=\s*["']?([A-Za-z0-9._:\-]+)`)
	xmlDeclRE      = regexp.MustCompile(`^\s*<\?xml[^>]*?\?>`)
	xmlEncodingRE  = regexp.MustCompile(`(?i)\sencoding\s*=\s*["']([^"']*)["']`)
)

// xmlDeclEncoding is the encoding="…" of the XML declaration, if any.
func xmlDeclEncoding(body []byte) string {
	decl := xmlDeclRE.Find(body)
	if decl == nil {
		return ""
	}
	m := xmlEncodingRE.FindSubmatch(decl)
	if m == nil {
		return ""
	}
	return string(m[1])
}

// rewriteXMLDecl makes the declaration of a document already in UTF-8 say
// so: encoding/xml would otherwise convert it a second time.
func rewriteXMLDecl(body []byte) []byte {
	loc := xmlDeclRE.FindIndex(body)
	if loc == nil {
		return body
	}
	decl := body[loc[0]:loc[1]]
	if !xmlEncodingRE.Match(decl) {
		return body
	}
	fixed := xmlEncodingRE.ReplaceAll(decl, []byte(` encoding="utf-8"`))
	out := make([]byte, 0, len(body)-len(decl)+len(fixed))
	out = append(out, body[:loc[0]]...)
	out = append(out, fixed...)
	return append(out, body[loc[1]:]...)
}

// metaCharset finds a <meta charset> or <meta http-equiv content="…;
// charset=…"> in the first 16 KB: the HTML prescan's 1024 bytes miss the
// declaration of pages whose head starts with long scripts.
func metaCharset(body []byte) string {
	head := body
	if len(head) > 16<<10 {
		head = head[:16<<10]
	}
	m := metaCharsetRE.FindSubmatch(head)
	if m == nil {
		return ""
	}
	return string(m[1])
}

var metaCharsetRE = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)`)

func isXMLContentType(ct string) bool {
	mt, _, _ := mime.ParseMediaType(ct)
	return strings.HasSuffix(mt, "xml") || strings.Contains(mt, "+xml")
}
