package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// openAPIDoc is a parsed OpenAPI document with a checker for the subset of
// JSON Schema the document uses: $ref, type (one or a list, "null"
// included), enum, properties, required, additionalProperties, items,
// minItems, maxItems, minimum, maximum, anyOf and format date-time. A
// keyword outside the subset is itself an error, so the document cannot
// come to rely on something this checker ignores.
type openAPIDoc struct {
	root map[string]any
}

// annotations carry no rule. (contentMediaType describes a file field of a
// multipart form, which the checker sees as a string.)
var annotations = map[string]bool{"description": true, "readOnly": true, "default": true, "title": true, "example": true,
	"contentMediaType": true}

func parseOpenAPI(b []byte) (*openAPIDoc, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		return nil, err
	}
	return &openAPIDoc{root: root}, nil
}

// resolve follows a local $ref ("#/components/schemas/Post") if node is one.
func (d *openAPIDoc) resolve(node any) (map[string]any, error) {
	m, ok := node.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not an object: %v", node)
	}
	for range 10 {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m, nil
		}
		var cur any = d.root
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			obj, _ := cur.(map[string]any)
			if cur = obj[part]; cur == nil {
				return nil, fmt.Errorf("unresolvable $ref %s", ref)
			}
		}
		if m, ok = cur.(map[string]any); !ok {
			return nil, fmt.Errorf("$ref %s is not an object", ref)
		}
	}
	return nil, fmt.Errorf("$ref chain too long")
}

// check validates v (decoded with UseNumber) against schema, appending
// problems, each prefixed with its JSON path.
func (d *openAPIDoc) check(schema any, v any, path string, errs *[]string) {
	s, err := d.resolve(schema)
	if err != nil {
		*errs = append(*errs, path+": "+err.Error())
		return
	}
	fail := func(format string, a ...any) { *errs = append(*errs, path+": "+fmt.Sprintf(format, a...)) }
	for k := range s {
		switch k {
		case "$ref", "type", "enum", "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
			"minimum", "maximum", "anyOf", "format":
		default:
			if !annotations[k] {
				fail("the checker does not support the keyword %q", k)
			}
		}
	}
	if branches, ok := s["anyOf"].([]any); ok {
		for _, b := range branches {
			var sub []string
			if d.check(b, v, path, &sub); len(sub) == 0 {
				return
			}
		}
		fail("matches none of anyOf: %v", v)
		return
	}
	if t, ok := s["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, x.(string))
			}
		}
		if !slices.Contains(types, jsonType(v)) && !(jsonType(v) == "integer" && slices.Contains(types, "number")) {
			fail("is %s %s, want %v", jsonType(v), short(v), types)
			return
		}
	}
	if enum, ok := s["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return jsonEqual(e, v) }) {
		fail("%s is not one of %v", short(v), enum)
	}
	if f, _ := s["format"].(string); f == "date-time" {
		if str, ok := v.(string); ok {
			if _, err := time.Parse(time.RFC3339, str); err != nil {
				fail("%q is not an RFC 3339 date-time", str)
			}
		}
	}
	if n, ok := v.(json.Number); ok {
		x, _ := n.Float64()
		if m, ok := s["minimum"].(json.Number); ok {
			if lo, _ := m.Float64(); x < lo {
				fail("%v is below the minimum %v", n, m)
			}
		}
		if m, ok := s["maximum"].(json.Number); ok {
			if hi, _ := m.Float64(); x > hi {
				fail("%v is above the maximum %v", n, m)
			}
		}
	}
	if obj, ok := v.(map[string]any); ok {
		props, _ := s["properties"].(map[string]any)
		for _, r := range asStrings(s["required"]) {
			if _, ok := obj[r]; !ok {
				fail("lacks the required property %q", r)
			}
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ps, ok := props[k]; ok {
				d.check(ps, obj[k], path+"."+k, errs)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					fail("has the undocumented property %q", k)
				}
			case map[string]any:
				d.check(ap, obj[k], path+"."+k, errs)
			}
		}
	}
	if list, ok := v.([]any); ok {
		if m, ok := s["minItems"].(json.Number); ok {
			if lo, _ := m.Int64(); int64(len(list)) < lo {
				fail("has %d items, fewer than %v", len(list), m)
			}
		}
		if m, ok := s["maxItems"].(json.Number); ok {
			if hi, _ := m.Int64(); int64(len(list)) > hi {
				fail("has %d items, more than %v", len(list), m)
			}
		}
		if items, ok := s["items"]; ok {
			for i, x := range list {
				d.check(items, x, path+"["+strconv.Itoa(i)+"]", errs)
			}
		}
	}
}

func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		if _, err := v.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func asStrings(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 60 {
		return string(b[:60]) + "…"
	}
	return string(b)
}

// operation finds the document's path template and operation for a
// request; ok is false when the document has none.
func (d *openAPIDoc) operation(method, path string) (template string, op map[string]any, ok bool) {
	paths, _ := d.root["paths"].(map[string]any)
	path = strings.TrimSuffix(path, "/")
	segs := strings.Split(path, "/")
	for tpl, item := range paths {
		tsegs := strings.Split(tpl, "/")
		if len(tsegs) != len(segs) {
			continue
		}
		match := true
		for i := range tsegs {
			wild := strings.HasPrefix(tsegs[i], "{") && strings.HasSuffix(tsegs[i], "}")
			if !(wild && segs[i] != "") && tsegs[i] != segs[i] {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		if method == http.MethodHead {
			method = http.MethodGet
		}
		op, ok := item.(map[string]any)[strings.ToLower(method)].(map[string]any)
		return tpl, op, ok
	}
	return "", nil, false
}

// checkResponse validates an answer to op against the responses op
// declares: the status must be listed (5xx may fall to default), and the
// body must match the listed schema, or be empty where none is.
func (d *openAPIDoc) checkResponse(op map[string]any, status int, header http.Header, body []byte) []string {
	responses, _ := op["responses"].(map[string]any)
	resp, ok := responses[strconv.Itoa(status)]
	if !ok && status >= 500 {
		resp, ok = responses["default"]
	}
	if !ok {
		return []string{fmt.Sprintf("status %d is not documented", status)}
	}
	r, err := d.resolve(resp)
	if err != nil {
		return []string{err.Error()}
	}
	media, _ := r["content"].(map[string]any)
	if len(media) == 0 {
		if len(body) != 0 {
			return []string{fmt.Sprintf("status %d documents no body but got %q", status, short(string(body)))}
		}
		return nil
	}
	mt, _, _ := mime.ParseMediaType(header.Get("Content-Type"))
	spec, ok := media[mt].(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("Content-Type %q is not documented for status %d", header.Get("Content-Type"), status)}
	}
	return d.checkJSON(spec["schema"], body)
}

// checkJSON validates a JSON text against schema.
func (d *openAPIDoc) checkJSON(schema any, body []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return []string{"the body is not JSON: " + err.Error()}
	}
	var errs []string
	d.check(schema, v, "$", &errs)
	return errs
}

// requestSchema is the schema of op's request body sent as mediaType
// (application/json, multipart/form-data), or nil.
func (d *openAPIDoc) requestSchema(op map[string]any, mediaType string) any {
	rb, ok := op["requestBody"]
	if !ok {
		return nil
	}
	r, err := d.resolve(rb)
	if err != nil {
		return nil
	}
	media, _ := r["content"].(map[string]any)
	spec, _ := media[mediaType].(map[string]any)
	return spec["schema"]
}

// formJSON turns a multipart/form-data body into the JSON object its
// schema describes: each field's value as a string (a file's contents
// included), so that the field names and the required ones are checked.
func formJSON(body []byte, contentType string) ([]byte, error) {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, err
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	fields := map[string]string{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(part)
		if err != nil {
			return nil, err
		}
		fields[part.FormName()] = string(b)
	}
	return json.Marshal(fields)
}
