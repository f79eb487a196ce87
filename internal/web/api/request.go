package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
)

// maxBody bounds every request body: a post's Markdown is at most 2 MB
// (content's own rule), and nothing else sent to the API comes near it.
const maxBody = 2 << 20

// decodeJSON reads r's body, which must be one JSON value of Content-Type
// application/json, into dst. Fields dst does not know are refused rather
// than ignored, so that a misspelt field is a 400 naming it, not a silent
// loss of what the client meant to save.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) *apiError {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return &apiError{status: http.StatusUnsupportedMediaType, typ: typeUnsupportedMedia,
			msg: "the request body must be JSON, sent as Content-Type: application/json"}
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return &apiError{status: http.StatusUnsupportedMediaType, typ: typeUnsupportedMedia, msg: "JSON must be sent as UTF-8"}
	}
	if r.ContentLength > maxBody {
		return errTooLarge(maxBody)
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errTooLarge(maxBody)
		}
		return errBadRequest("the request body must hold one JSON value and nothing after it")
	}
	return nil
}

// jsonError says what is wrong with a body the decoder refused. The
// decoder's messages name types and fields, never data of the server's.
func jsonError(err error) *apiError {
	var tooLarge *http.MaxBytesError
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooLarge):
		return errTooLarge(maxBody)
	case errors.Is(err, io.EOF):
		return errBadRequest("the request body is empty; it must be JSON")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errBadRequest("malformed JSON: the body ends in the middle of a value")
	case errors.As(err, &syntax):
		return errBadRequest(fmt.Sprintf("malformed JSON at byte %d: %s", syntax.Offset, syntax.Error()))
	case errors.As(err, &typ):
		field := typ.Field
		for _, env := range []string{"posts.", "pages.", "categories.", "media."} {
			field = strings.TrimPrefix(field, env)
		}
		if field == "" {
			return errBadRequest(fmt.Sprintf("the body must be a JSON object, not %s", typ.Value))
		}
		return errBadRequest(fmt.Sprintf("the field %q must be %s, not %s", field, kindName(typ.Type), typ.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return errBadRequest("unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return errBadRequest("invalid JSON: " + strings.TrimPrefix(err.Error(), "json: "))
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

// pathID reads the {id} of a path. Anything but a positive integer names no
// resource, so it is a 404 like an unknown number.
func pathID(r *http.Request) (int64, bool) {
	s := r.PathValue("id")
	if s == "" || len(s) > 19 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// Paging limits: Ghost's default page size, and a ceiling that keeps one
// request's cost bounded.
const (
	defaultLimit = 15
	maxLimit     = 100
	maxPage      = 100000
)

// paging reads ?page= and ?limit=.
func paging(q url.Values) (page, limit int, e *apiError) {
	page, limit = 1, defaultLimit
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPage {
			return 0, 0, errBadRequest(fmt.Sprintf("page must be a whole number from 1 to %d", maxPage))
		}
		page = n
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			return 0, 0, errBadRequest(fmt.Sprintf("limit must be a whole number from 1 to %d", maxLimit))
		}
		limit = n
	}
	return page, limit, nil
}

// langPattern is the shape of a language tag (content's own rule): checked
// here so that a hostile ?lang= never reaches a query.
var langPattern = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

// maxLangTag bounds language tags, which content's pattern does not: real
// ones ("zh-Hant-TW", "ar-EG") are far shorter.
const maxLangTag = 35

func langParam(q url.Values) (string, *apiError) {
	lang := q.Get("lang")
	if lang != "" && (len(lang) > maxLangTag || !langPattern.MatchString(lang)) {
		return "", errBadRequest("lang must be a language tag such as ar or en")
	}
	return lang, nil
}

// meta is Ghost's list metadata.
type meta struct {
	Pagination pagination `json:"pagination"`
}

type pagination struct {
	Page  int  `json:"page"`
	Limit int  `json:"limit"`
	Pages int  `json:"pages"`
	Total int  `json:"total"`
	Next  *int `json:"next"`
	Prev  *int `json:"prev"`
}

func newMeta(page, limit, total int) meta {
	p := pagination{Page: page, Limit: limit, Total: total, Pages: max(1, (total+limit-1)/max(limit, 1))}
	if page < p.Pages {
		n := page + 1
		p.Next = &n
	}
	if page > 1 {
		n := page - 1
		p.Prev = &n
	}
	return meta{Pagination: p}
}
