package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"nashra.dev/nashra/internal/content"
	"nashra.dev/nashra/internal/media"
	"nashra.dev/nashra/internal/store"
)

// Ghost's error types, which its clients switch on.
const (
	typeValidation       = "ValidationError"
	typeNotFound         = "NotFoundError"
	typeUnauthorized     = "UnauthorizedError"
	typeNoPermission     = "NoPermissionError"
	typeBadRequest       = "BadRequestError"
	typeConflict         = "ConflictError"
	typeTooLarge         = "RequestEntityTooLargeError"
	typeUnsupportedMedia = "UnsupportedMediaTypeError"
	typeMethodNotAllowed = "MethodNotAllowedError"
	typeNotImplemented   = "NotImplementedError"
	typeInternal         = "InternalServerError"
)

// apiError is an answer that went wrong: the status, Ghost's type and a
// message safe to show to the client. The cause of a 500 is logged by fail,
// never sent.
type apiError struct {
	status int
	typ    string
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func errBadRequest(msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: typeBadRequest, msg: msg}
}

func errValidation(msg string) *apiError {
	return &apiError{status: http.StatusUnprocessableEntity, typ: typeValidation, msg: msg}
}

func errNotFound(msg string) *apiError {
	return &apiError{status: http.StatusNotFound, typ: typeNotFound, msg: msg}
}

func errNoPermission(msg string) *apiError {
	return &apiError{status: http.StatusForbidden, typ: typeNoPermission, msg: msg}
}

func errUnauthorized(msg string) *apiError {
	return &apiError{status: http.StatusUnauthorized, typ: typeUnauthorized, msg: msg}
}

// errorBody is Ghost's error envelope. Posts is set on a 409 only: the
// current version of the post, so that the client can merge and retry.
type errorBody struct {
	Errors []errorItem `json:"errors"`
	Posts  []postOut   `json:"posts,omitempty"`
	Pages  []postOut   `json:"pages,omitempty"`
}

type errorItem struct {
	Message string `json:"message"`
	Type    string `json:"type"`
}

// writeError answers with e. Errors are never cached.
func writeError(w http.ResponseWriter, e *apiError) {
	writeErrorBody(w, e.status, errorBody{Errors: []errorItem{{Message: e.msg, Type: e.typ}}})
}

func writeErrorBody(w http.ResponseWriter, status int, body errorBody) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, body)
}

// fail answers with what err means for the client: a domain error becomes
// its status and safe message; anything else is a 500 with a generic
// message, and its cause goes to the log.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
	case errors.Is(err, content.ErrNotFound), errors.Is(err, content.ErrGone):
		ae = errNotFound("not found")
	case errors.Is(err, content.ErrInvalid):
		ae = errValidation(err.Error())
	case errors.Is(err, store.ErrConflict):
		ae = &apiError{status: http.StatusConflict, typ: typeConflict, msg: "something with this slug already exists"}
	case errors.Is(err, store.ErrReference):
		ae = errValidation("it refers to something that does not exist")
	case errors.As(err, &tooLarge):
		ae = errTooLarge(tooLarge.Limit)
	// The media library's refusals are written for the uploader (see
	// media's errors.go): their messages are shown as they are.
	case errors.Is(err, media.ErrNotFound):
		ae = errNotFound("no media item has this id")
	case errors.Is(err, media.ErrNotImage):
		ae = &apiError{status: http.StatusUnsupportedMediaType, typ: typeUnsupportedMedia, msg: err.Error()}
	case errors.Is(err, media.ErrTooLarge):
		ae = &apiError{status: http.StatusRequestEntityTooLarge, typ: typeTooLarge, msg: err.Error()}
	case errors.Is(err, media.ErrTooManyPixels), errors.Is(err, media.ErrInvalid):
		ae = errValidation(err.Error())
	default:
		h.log.Error("api", "method", r.Method, "path", r.URL.Path, "err", err)
		ae = &apiError{status: http.StatusInternalServerError, typ: typeInternal, msg: "an unexpected error occurred; it has been logged"}
	}
	writeError(w, ae)
}

func errTooLarge(limit int64) *apiError {
	size := strconv.FormatInt(limit>>20, 10) + " MB"
	if limit%(1<<20) != 0 {
		size = strconv.FormatInt(limit>>10, 10) + " KB"
	}
	return &apiError{status: http.StatusRequestEntityTooLarge, typ: typeTooLarge,
		msg: "the request body is larger than " + size}
}

// writeJSON sends v with an exact Content-Length (one write, no chunking).
// HTML in strings is left as it is: these are API answers, not pages.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	var b []byte
	if err := enc.Encode(v); err != nil {
		// Only unencodable values get here: a programming error.
		status = http.StatusInternalServerError
		b = []byte(`{"errors":[{"message":"an unexpected error occurred","type":"InternalServerError"}]}` + "\n")
	} else {
		b = buf.Bytes()
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
