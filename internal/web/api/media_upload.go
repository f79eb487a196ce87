package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"nashra.dev/nashra/internal/media"
	"nashra.dev/nashra/internal/staff"
)

// maxFormField bounds one text field of the upload form, in bytes: above
// anything the library's limits in characters allow (a caption has at most
// 2,000, of at most 4 bytes each), far below the body's limit.
const maxFormField = 16 << 10

// adminUploadMedia takes one image sent as multipart/form-data: the file in
// the field "file", and optionally "alt", "caption" and "credit", in any
// order. The file part is streamed into the library as it arrives, never
// spooled to disk or parsed into a form first (no ParseMultipartForm): the
// library reads at most its size limit plus one byte, and refuses a
// non-image or a decompression bomb from its first bytes. The body as a
// whole may exceed the file limit by 1 MB, for the other fields and the
// multipart framing.
//
// Text fields sent after the file are applied to the stored item; when
// anything fails after the file was stored, the item is deleted again, so
// a refused request leaves nothing in the library.
func (h *Handler) adminUploadMedia(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !mayUseLibrary(w, u) {
		return
	}
	limit := h.media.Options().MaxBytes + 1<<20
	if r.ContentLength > limit {
		writeError(w, errTooLarge(limit))
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "multipart/form-data" {
		writeError(w, &apiError{status: http.StatusUnsupportedMediaType, typ: typeUnsupportedMedia,
			msg: "send the image as multipart/form-data, in a field named file"})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	mr, err := r.MultipartReader()
	if err != nil {
		writeError(w, errBadRequest("the multipart/form-data body has no boundary parameter"))
		return
	}

	in := media.Upload{UploadedBy: u.ID}
	texts := map[string]*string{"alt": &in.Alt, "caption": &in.Caption, "credit": &in.Credit}
	var item *media.Item
	late := false // a text field came after the file
	abort := func(err error) {
		if item != nil {
			h.discardMedia(r.Context(), item.ID)
		}
		h.failUpload(w, r, err)
	}
	for {
		part, err := mr.NextPart()
		// Only a bare io.EOF is the final boundary: NextPart wraps the
		// io.EOF of a body that was cut short.
		if err == io.EOF { //nolint:errorlint
			break
		}
		if err != nil {
			abort(bodyError(err, limit))
			return
		}
		switch name := part.FormName(); name {
		case "alt", "caption", "credit":
			v, err := readFormField(part, name, limit)
			if err != nil {
				abort(err)
				return
			}
			*texts[name] = v
			late = late || item != nil
		case "file":
			if item != nil {
				abort(errBadRequest("send one file per request"))
				return
			}
			in.Filename = part.FileName()
			body := &errReader{r: part}
			in.Body = body
			if item, err = h.media.Upload(r.Context(), in); err != nil {
				if body.err != nil {
					// The body broke off or ran over: that, not what
					// the library made of it, is the answer.
					err = bodyError(body.err, limit)
				}
				abort(err)
				return
			}
		}
		// Other fields (Ghost's purpose and ref, say) are skipped:
		// NextPart reads past them.
	}
	if item == nil {
		writeError(w, errValidation("no file was sent: send the image in a form field named file"))
		return
	}
	if late {
		it, err := h.media.Update(r.Context(), item.ID, in.Alt, in.Caption, in.Credit)
		if err != nil {
			abort(err)
			return
		}
		item = it
	}
	w.Header().Set("Location", fmt.Sprintf("%s/media/%d", adminBase, item.ID))
	writeJSON(w, http.StatusCreated, map[string]any{"media": []mediaOut{mediaJSON(item)}})
}

// readFormField reads a text field of the upload form.
func readFormField(part *multipart.Part, name string, limit int64) (string, error) {
	b, err := io.ReadAll(io.LimitReader(part, maxFormField+1))
	if err != nil {
		return "", bodyError(err, limit)
	}
	if len(b) > maxFormField {
		return "", errValidation(fmt.Sprintf("the %s field is longer than %d KB", name, maxFormField>>10))
	}
	return string(b), nil
}

// bodyError is what a failure to read the request body means for the
// client: too large, or malformed (cut short, a broken boundary).
func bodyError(err error, limit int64) *apiError {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return errTooLarge(limit)
	}
	return errBadRequest("the multipart/form-data body is malformed or was cut short")
}

// failUpload answers a refused upload. A client that went away mid-upload
// is no failure of the server's: it is noted, not logged as an error.
func (h *Handler) failUpload(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	if !errors.As(err, &ae) && r.Context().Err() != nil {
		h.log.Info("api: upload abandoned by the client", "path", r.URL.Path, "err", err)
		writeError(w, errBadRequest("the upload was interrupted"))
		return
	}
	h.fail(w, r, err)
}

// discardMedia deletes an item stored by a request that then failed.
func (h *Handler) discardMedia(ctx context.Context, id int64) {
	if err := h.media.Delete(context.WithoutCancel(ctx), id); err != nil {
		h.log.Error("api: discard a refused upload", "media", id, "err", err)
	}
}

// errReader keeps the first read error other than io.EOF, so that a body
// that broke off is told apart from a file the library refused.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && e.err == nil {
		e.err = err
	}
	return n, err
}
