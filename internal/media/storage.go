package media

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Storage keeps the bytes of media files under keys such as
// "2026/03/3f2a9c0d1e4b5a67-cairo-skyline.jpg". Keys are relative paths with
// '/' separators; every implementation refuses a key that could escape its
// root (see checkKey) with ErrInvalid.
type Storage interface {
	// Put stores size bytes from r under key (size is -1 when unknown),
	// replacing any object already there. It is all or nothing: when Put
	// fails or ctx ends midway, readers never see a partial object.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Open reads the object at key; a missing key is ErrNotFound. The
	// caller closes the reader.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes the object at key. Deleting a missing key is not an
	// error, so a cleanup that was interrupted can simply be run again.
	Delete(ctx context.Context, key string) error
	// URL is where browsers fetch the object: a path on this site
	// ("/uploads/2026/03/…") or an absolute URL (a bucket or CDN). Each
	// path segment is percent-escaped, so the URL can go into srcset as is.
	URL(key string) string
}

// checkKey refuses keys that are not plain relative paths. The service makes
// its keys itself, from a random part and a slug, so a bad key means a bug or
// an attack; refusing ".." anywhere (not only as a whole segment) keeps the
// rule obvious.
func checkKey(key string) error {
	bad := ""
	switch {
	case key == "":
		bad = "is empty"
	case !utf8.ValidString(key):
		bad = "is not valid UTF-8"
	case strings.HasPrefix(key, "/"):
		bad = "starts with '/'"
	case strings.Contains(key, ".."):
		bad = "contains '..'"
	case strings.ContainsAny(key, "\\\x00"):
		bad = "contains a backslash or NUL"
	case strings.HasSuffix(key, "/") || strings.Contains(key, "//"):
		bad = "has an empty path segment"
	}
	if bad != "" {
		return fmt.Errorf("%w: storage key %q %s", ErrInvalid, key, bad)
	}
	return nil
}

// joinURL appends key to base, percent-escaping each segment of the key
// (Arabic letters included) but keeping its slashes.
func joinURL(base, key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.TrimRight(base, "/") + "/" + strings.Join(segs, "/")
}

// ctxReader stops a copy when its context ends, for storage back-ends whose
// copy loop does not watch the context itself.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
