package api

import (
	"net/http"

	"nashra.dev/nashra/internal/staff"
)

// mediaNotYet holds the media library's place in the Admin API (and in the
// OpenAPI document) until internal/media exists.
//
// TODO(media): replace with the media handlers once internal/media lands;
// the routes are GET and POST /api/admin/v1/media in routes().
func (h *Handler) mediaNotYet(w http.ResponseWriter, _ *http.Request, _ *staff.User) {
	writeError(w, &apiError{status: http.StatusNotImplemented, typ: typeNotImplemented,
		msg: "the media library comes with the media feature"})
}
