package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// DiskStorage keeps media files in a folder of the server, the default for a
// single-machine site: DATA/uploads, served by the site at /uploads/.
type DiskStorage struct {
	// Dir is the root folder; keys are paths below it.
	Dir string
	// URLPrefix is where the web layer serves Dir: "/uploads" when empty,
	// or an absolute URL when a CDN or another host serves the folder.
	URLPrefix string
}

// NewDiskStorage returns the default storage of a site whose data folder is
// dataDir: files under dataDir/uploads, served at /uploads/.
func NewDiskStorage(dataDir string) *DiskStorage {
	return &DiskStorage{Dir: filepath.Join(dataDir, "uploads"), URLPrefix: "/uploads"}
}

func (d *DiskStorage) path(key string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	if d.Dir == "" {
		return "", errors.New("media: DiskStorage has no Dir")
	}
	return filepath.Join(d.Dir, filepath.FromSlash(key)), nil
}

// Put writes to a temporary file in the destination folder, syncs it and
// renames it into place, so that a crash or an error leaves either the old
// file or the new one, never half of one. A short read (fewer than size
// bytes) is an error.
func (d *DiskStorage) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (err error) {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("media: create folder for %s: %w", key, err)
	}
	f, err := os.CreateTemp(dir, ".upload-*.tmp")
	if err != nil {
		return fmt.Errorf("media: store %s: %w", key, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	n, err := io.Copy(f, ctxReader{ctx, r})
	if err != nil {
		return fmt.Errorf("media: store %s: %w", key, err)
	}
	if size >= 0 && n != size {
		return fmt.Errorf("media: store %s: got %d bytes, expected %d", key, n, size)
	}
	// CreateTemp makes the file private; uploads are public, and a web
	// server in front (nginx) may serve the folder directly.
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("media: store %s: %w", key, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("media: store %s: %w", key, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("media: store %s: %w", key, err)
	}
	if err = os.Rename(tmp, p); err != nil {
		return fmt.Errorf("media: store %s: %w", key, err)
	}
	syncDir(dir) // make the rename itself durable; best effort
	return nil
}

func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		_ = f.Sync()
		f.Close()
	}
}

// Open opens the file at key; a missing file (or a folder) is ErrNotFound.
func (d *DiskStorage) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: no file %s", ErrNotFound, key)
	}
	if err != nil {
		return nil, fmt.Errorf("media: open %s: %w", key, err)
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%w: no file %s", ErrNotFound, key)
	}
	return f, nil
}

// Delete removes the file at key; a missing file is not an error. Emptied
// month folders are left in place: the next upload of the month reuses them.
func (d *DiskStorage) Delete(ctx context.Context, key string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("media: delete %s: %w", key, err)
	}
	return nil
}

// URL is URLPrefix (default "/uploads") followed by the escaped key.
func (d *DiskStorage) URL(key string) string {
	prefix := d.URLPrefix
	if prefix == "" {
		prefix = "/uploads"
	}
	return joinURL(prefix, key)
}
