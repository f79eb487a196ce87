package api

import (
	"encoding/json"
	"fmt"
	"net/http"

	"nashra.dev/nashra/internal/media"
	"nashra.dev/nashra/internal/staff"
)

// The media library in the Admin API. Ghost uploads with POST
// /images/upload/ and keeps no library; Nashra's library is a resource,
// /media, in the same envelopes as posts ({"media": [{…}]}).
//
// Role rules are the admin's: the library is for those who may upload
// (CapUploadMedia: authors and above; contributors are refused), and an
// item is deleted by its uploader or by someone who may delete others'
// posts (editors and above). Any uploader may correct any item's alt text,
// caption and credit, as in the admin.

// mediaOut is an item of the library. url and the variants' urls are what
// the storage serves: a path on this site (/uploads/…), or an absolute URL
// when the files are on a bucket or CDN; either is accepted as a post's
// feature_image, and the site then offers the variants as srcset.
type mediaOut struct {
	ID         int64        `json:"id"`
	URL        string       `json:"url"`
	Filename   string       `json:"filename"`
	MIME       string       `json:"mime"`
	Width      int          `json:"width"`
	Height     int          `json:"height"`
	Bytes      int64        `json:"bytes"`
	Alt        *string      `json:"alt"`
	Caption    *string      `json:"caption"`
	Credit     *string      `json:"credit"`
	SrcSet     string       `json:"srcset"`
	Variants   []variantOut `json:"variants"`
	UploadedBy *int64       `json:"uploaded_by"`
	CreatedAt  string       `json:"created_at"`
}

type variantOut struct {
	Width int    `json:"width"`
	URL   string `json:"url"`
	MIME  string `json:"mime"`
}

func mediaJSON(it *media.Item) mediaOut {
	out := mediaOut{ID: it.ID, URL: it.URL, Filename: it.Filename, MIME: it.MIME, Width: it.Width, Height: it.Height,
		Bytes: it.Bytes, Alt: null(it.Alt), Caption: null(it.Caption), Credit: null(it.Credit), SrcSet: it.SrcSet(),
		Variants: make([]variantOut, 0, len(it.Variants)), CreatedAt: stamp(it.CreatedAt)}
	for _, v := range it.Variants {
		out.Variants = append(out.Variants, variantOut{Width: v.Width, URL: v.URL, MIME: v.MIME})
	}
	if it.UploadedBy != 0 {
		by := it.UploadedBy
		out.UploadedBy = &by
	}
	return out
}

// withMedia answers 501 when the server was built without a media library.
func (h *Handler) withMedia(next adminHandler) adminHandler {
	return func(w http.ResponseWriter, r *http.Request, u *staff.User) {
		if h.media == nil {
			writeError(w, &apiError{status: http.StatusNotImplemented, typ: typeNotImplemented,
				msg: "this server has no media library configured"})
			return
		}
		next(w, r, u)
	}
}

// mayUseLibrary refuses roles that may not upload; it says so and returns
// false.
func mayUseLibrary(w http.ResponseWriter, u *staff.User) bool {
	if !u.Role.Can(staff.CapUploadMedia) {
		writeError(w, errNoPermission("your role may not use the media library"))
		return false
	}
	return true
}

func (h *Handler) adminListMedia(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !mayUseLibrary(w, u) {
		return
	}
	page, limit, e := paging(r.URL.Query())
	if e != nil {
		writeError(w, e)
		return
	}
	items, total, err := h.media.List(r.Context(), limit, (page-1)*limit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]mediaOut, 0, len(items))
	for i := range items {
		out = append(out, mediaJSON(&items[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"media": out, "meta": newMeta(page, limit, total)})
}

// mediaItem reads the item of the path's {id}, or answers 404.
func (h *Handler) mediaItem(w http.ResponseWriter, r *http.Request) (*media.Item, bool) {
	id, ok := pathID(r)
	if !ok {
		writeError(w, errNotFound("no media item has this id"))
		return nil, false
	}
	it, err := h.media.Get(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	return it, true
}

func (h *Handler) adminGetMedia(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !mayUseLibrary(w, u) {
		return
	}
	if it, ok := h.mediaItem(w, r); ok {
		writeJSON(w, http.StatusOK, map[string]any{"media": []mediaOut{mediaJSON(it)}})
	}
}

// mediaEnvelope is the body of PUT /media/{id}.
type mediaEnvelope struct {
	Media []mediaIn `json:"media"`
}

// mediaIn is an item as a client sends it back. Only alt, caption and
// credit can change (the file never does: upload a new one); absent ones
// keep their values and null clears them. The read-only fields of mediaOut
// are accepted and ignored, so that an item read from the API can be sent
// back whole; id, if sent, must be the address's.
type mediaIn struct {
	ID      opt[int64]  `json:"id"`
	Alt     opt[string] `json:"alt"`
	Caption opt[string] `json:"caption"`
	Credit  opt[string] `json:"credit"`

	URL        json.RawMessage `json:"url"`
	Filename   json.RawMessage `json:"filename"`
	MIME       json.RawMessage `json:"mime"`
	Width      json.RawMessage `json:"width"`
	Height     json.RawMessage `json:"height"`
	Bytes      json.RawMessage `json:"bytes"`
	SrcSet     json.RawMessage `json:"srcset"`
	Variants   json.RawMessage `json:"variants"`
	UploadedBy json.RawMessage `json:"uploaded_by"`
	CreatedAt  json.RawMessage `json:"created_at"`
}

func (h *Handler) adminUpdateMedia(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !mayUseLibrary(w, u) {
		return
	}
	id, ok := pathID(r)
	if !ok {
		writeError(w, errNotFound("no media item has this id"))
		return
	}
	var env mediaEnvelope
	if e := decodeJSON(w, r, &env); e != nil {
		writeError(w, e)
		return
	}
	if len(env.Media) != 1 {
		writeError(w, errBadRequest(`the body must be {"media": [{…}]} with exactly one item`))
		return
	}
	in := env.Media[0]
	if in.ID.Set && !in.ID.Null && in.ID.V != id {
		writeError(w, errBadRequest(fmt.Sprintf("the id in the body (%d) is not the address's (%d)", in.ID.V, id)))
		return
	}
	it, err := h.media.Get(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	alt, caption, credit := it.Alt, it.Caption, it.Credit
	for _, f := range []struct {
		o   opt[string]
		dst *string
	}{{in.Alt, &alt}, {in.Caption, &caption}, {in.Credit, &credit}} {
		if f.o.Set {
			*f.dst = f.o.V
		}
	}
	if it, err = h.media.Update(r.Context(), id, alt, caption, credit); err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"media": []mediaOut{mediaJSON(it)}})
}

// adminDeleteMedia removes an item and its files. Posts that show the
// image keep its URL, which then no longer answers: the uploader's or an
// editor's call, as in the admin.
func (h *Handler) adminDeleteMedia(w http.ResponseWriter, r *http.Request, u *staff.User) {
	if !mayUseLibrary(w, u) {
		return
	}
	it, ok := h.mediaItem(w, r)
	if !ok {
		return
	}
	if it.UploadedBy != u.ID && !u.Role.Can(staff.CapDeleteOthersPosts) {
		writeError(w, errNoPermission("only its uploader or an editor may delete this item"))
		return
	}
	if err := h.media.Delete(r.Context(), it.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
