package media

import "errors"

// Sentinel errors, checked with errors.Is. Every refusal wraps one of them
// with a message written for the person who uploaded the file ("not an
// accepted image: the file looks like a Windows program (EXE)…"): the message
// names no server path or internal detail, so the web layer may show Error()
// as is. Errors that wrap none of them (a full disk, a database that went
// away) are internal: log them, show a generic message.
var (
	// ErrNotImage: the file is not a JPEG, PNG, GIF or WebP image, is
	// empty, or is damaged or truncated so that it cannot be decoded.
	ErrNotImage = errors.New("not an accepted image")
	// ErrTooLarge: the file has more bytes than Options.MaxBytes.
	ErrTooLarge = errors.New("file too large")
	// ErrTooManyPixels: the image declares more pixels than
	// Options.MaxPixels, or a side longer than Options.MaxSide.
	ErrTooManyPixels = errors.New("image too large in pixels")
	// ErrNotFound: no media item, or no stored file, has that ID or key.
	ErrNotFound = errors.New("media not found")
	// ErrInvalid: a text field is too long or not valid text, an uploader
	// does not exist, or a storage key is not a safe relative path.
	ErrInvalid = errors.New("invalid media request")
)
