// The fast lane's reading of a request head: what it answers itself and
// what it leaves to net/http (fastlane.go).

package web

import (
	"bytes"
	"errors"
	"time"
)

// errHandOver means the head is not the lane's to answer.
var errHandOver = errors.New("hand over to net/http")

// readHead returns the request head through its blank line, without
// consuming it; when the head is not all buffered yet, it reads on until
// deadline. A line not ended by CRLF, or a head that does not fit the
// buffer, is errHandOver; a read error (timeout, EOF) is returned.
func (c *laneConn) readHead(deadline time.Time) ([]byte, error) {
	br := c.br
	scanned := 0 // bytes of whole lines already checked
	for {
		buf, _ := br.Peek(br.Buffered())
		for {
			i := bytes.IndexByte(buf[scanned:], '\n')
			if i < 0 {
				break
			}
			end := scanned + i
			if end == 0 || buf[end-1] != '\r' {
				return nil, errHandOver
			}
			if end-1 == scanned { // an empty line: the head is whole
				if scanned == 0 {
					return nil, errHandOver // a stray CRLF before the request: net/http's to skip
				}
				return buf[:end+1], nil
			}
			scanned = end + 1
		}
		if len(buf) >= br.Size() {
			return nil, errHandOver
		}
		c.setReadDeadline(deadline)
		if _, err := br.Peek(len(buf) + 1); err != nil {
			return nil, err
		}
	}
}

// laneRequest is what the lane needs from a request head.
type laneRequest struct {
	head            bool   // HEAD, not GET
	target          []byte // the origin-form path, as sent
	gzip            bool
	ifNoneMatch     string // first value, as net/http's Header.Get
	ifModifiedSince string
}

// parseHead reads a head that readHead returned; false means net/http's.
func parseHead(head []byte) (laneRequest, bool) {
	var req laneRequest
	line, rest, _ := bytes.Cut(head, crlf)
	switch {
	case bytes.HasPrefix(line, []byte("GET ")):
		line = line[4:]
	case bytes.HasPrefix(line, []byte("HEAD ")):
		req.head, line = true, line[5:]
	default:
		return req, false
	}
	target, proto, ok := bytes.Cut(line, []byte(" "))
	if !ok || string(proto) != "HTTP/1.1" || len(target) == 0 || target[0] != '/' {
		return req, false
	}
	for i := 0; i < len(target); i++ {
		b := target[i]
		if b == '%' {
			if i+2 >= len(target) || !isHex(target[i+1]) || !isHex(target[i+2]) {
				return req, false
			}
			continue
		}
		if !pathByte[b] {
			return req, false // a query, a fragment, a space, a control or a non-ASCII byte
		}
	}
	req.target = target
	hosts := 0
	seenINM, seenIMS := false, false
	for len(rest) > 2 { // the head ends with the blank line's CRLF
		line, rest, _ = bytes.Cut(rest, crlf)
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok || len(name) == 0 {
			return req, false
		}
		for _, b := range name {
			if !tokenByte[b] {
				return req, false // includes a space before the colon, and obs-fold
			}
		}
		value = bytes.Trim(value, " \t")
		for _, b := range value {
			if (b < ' ' && b != '\t') || b == 0x7f {
				return req, false
			}
		}
		switch {
		case fold(name, "host"):
			hosts++
			for _, b := range value {
				if !hostByte[b] {
					return req, false
				}
			}
		case fold(name, "accept-encoding"):
			if !req.gzip && acceptsGzipValue(string(value)) {
				req.gzip = true
			}
		case fold(name, "if-none-match"):
			if !seenINM { // the first, even empty, as Header.Get
				req.ifNoneMatch, seenINM = string(value), true
			}
		case fold(name, "if-modified-since"):
			if !seenIMS {
				req.ifModifiedSince, seenIMS = string(value), true
			}
		case fold(name, "connection"):
			if !fold(value, "keep-alive") {
				return req, false
			}
		// Cookie: the cache's Bypass rule (a member's pages are personal)
		// reads cookies, so any request with one is net/http's. A Bypass
		// rule reading another header must be mirrored here.
		case fold(name, "content-length"), fold(name, "transfer-encoding"), fold(name, "expect"),
			fold(name, "upgrade"), fold(name, "cookie"), fold(name, "http2-settings"):
			return req, false
		}
	}
	return req, hosts == 1
}

var crlf = []byte("\r\n")

func fold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

func isHex(b byte) bool {
	return '0' <= b && b <= '9' || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F'
}

// Byte classes: RFC 3986 path characters (without '%', checked apart),
// RFC 9110 token characters, and the characters net/http allows in Host.
var pathByte, tokenByte, hostByte = byteSet("-._~!$&'()*+,;=:@/"), byteSet("!#$%&'*+-.^_`|~"), byteSet("-._~!$&'()*+,;=:[]%")

func byteSet(punct string) (set [256]bool) {
	for b := '0'; b <= '9'; b++ {
		set[b] = true
	}
	for b := 'a'; b <= 'z'; b++ {
		set[b], set[b-'a'+'A'] = true, true
	}
	for i := range len(punct) {
		set[punct[i]] = true
	}
	return set
}
