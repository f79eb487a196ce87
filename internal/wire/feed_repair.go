package wire

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
)

// repairTruncatedXML mends a feed that was cut off — a connection dropped
// mid-transfer, a server that stops writing, a file saved half-way: it keeps
// everything up to the last complete token and closes the elements still
// open, so that the items before the cut can be read. It reports false when
// the document is not truncated (its problem is elsewhere) or cannot be
// mended; only the end of the document is ever changed.
func repairTruncatedXML(doc []byte) ([]byte, bool) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = false
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var stack []xml.Name
	good := int64(0)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			if len(stack) == 0 {
				return nil, false
			}
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if !errors.As(err, &se) || !bytes.Contains([]byte(se.Msg), []byte("EOF")) {
				return nil, false
			}
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name)
		case xml.EndElement:
			if n := len(stack); n > 0 && stack[n-1] == t.Name {
				stack = stack[:n-1]
			}
		}
		good = d.InputOffset()
		if len(stack) > 256 {
			return nil, false
		}
	}
	if len(stack) == 0 {
		return nil, false
	}
	out := bytes.NewBuffer(make([]byte, 0, int(good)+32*len(stack)))
	out.Write(doc[:good])
	for i := len(stack) - 1; i >= 0; i-- {
		out.WriteString("</")
		if stack[i].Space != "" {
			out.WriteString(stack[i].Space + ":")
		}
		out.WriteString(stack[i].Local + ">")
	}
	return out.Bytes(), true
}
