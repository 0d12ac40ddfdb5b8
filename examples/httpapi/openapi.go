package main

import (
	"bytes"
	_ "embed"
	"encoding"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// openAPIJSON is the API's OpenAPI 3.1 document, kept in the repository
// and served as it is. TestOpenAPIIsTheRouteTable fails when it is not
// what Generate makes of the route table; `go test ./examples/httpapi
// -run OpenAPI -update` writes it again.
//
//go:embed openapi.json
var openAPIJSON []byte

func openAPIDocument() json.RawMessage { return openAPIJSON }

// GenerateOpenAPI builds the OpenAPI 3.1 document of routes: one
// operation per route, its parameters (path, query, the actor header,
// If-Match, Idempotency-Key, Accept-Language), its body and its answers,
// with JSON schemas made from the SDK's Go types and their JSON tags.
func GenerateOpenAPI(routes []Route) ([]byte, error) {
	g := &schemas{defs: map[string]any{}}
	paths := map[string]map[string]any{}
	for _, rt := range routes {
		path := pathTemplate(rt.Pattern)
		op := map[string]any{
			"operationId": rt.ID,
			"summary":     rt.Summary,
			"tags":        []string{rt.Tag},
		}
		var params []any
		for _, name := range pathParams(rt.Pattern) {
			p := map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}}
			if strings.HasSuffix(rt.Pattern, "{"+name+"...}") {
				p["description"] = "the rest of the path: may hold slashes"
			}
			params = append(params, p)
		}
		for _, q := range rt.Query {
			params = append(params, map[string]any{"name": q.Name, "in": "query", "required": q.Required,
				"description": q.Description, "schema": map[string]any{"type": q.Type}})
		}
		if !rt.NoActor {
			params = append(params, map[string]any{"$ref": "#/components/parameters/Actor"})
		}
		if rt.IfMatch {
			params = append(params, map[string]any{"$ref": "#/components/parameters/IfMatch"})
		}
		if rt.Idempotent {
			params = append(params, map[string]any{"$ref": "#/components/parameters/IdempotencyKey"})
		}
		params = append(params, map[string]any{"$ref": "#/components/parameters/AcceptLanguage"})
		op["parameters"] = params
		if rt.Body != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": g.of(rt.Body)}}}
		}
		status := rt.Status
		if status == 0 {
			status = http.StatusOK
		}
		ok := map[string]any{"description": http.StatusText(status),
			"content": map[string]any{"application/json": map[string]any{"schema": g.of(rt.Result)}}}
		if rt.NoActor {
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}
		}
		headers := map[string]any{}
		if _, ok := versioned(rt.Result); ok {
			headers["ETag"] = map[string]any{"$ref": "#/components/headers/ETag"}
		}
		if rt.Idempotent {
			headers["Idempotent-Replayed"] = map[string]any{"$ref": "#/components/headers/IdempotentReplayed"}
		}
		if len(headers) > 0 {
			ok["headers"] = headers
		}
		op["responses"] = map[string]any{
			strconv.Itoa(status): ok,
			"default":            map[string]any{"$ref": "#/components/responses/Problem"},
		}
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		method := strings.ToLower(rt.Method)
		if _, dup := paths[path][method]; dup {
			return nil, fmt.Errorf("openapi: %s %s twice", rt.Method, path)
		}
		paths[path][method] = op
	}
	problem := g.of(reflect.TypeFor[org.Problem]())
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "servicelane reference HTTP API",
			"version": "1",
			"description": "The service lane of a dealership's service advisor department over HTTP, as examples/httpapi serves it. " +
				"Every call names its actor in " + ActorHeader + ` ("advisor:chen"): that is for trying the API, not authentication; ` +
				"a host derives the actor from the caller it authenticated. Records carry an ETag (their version, \"v3\"); " +
				"If-Match sends it back as the expected version (412 when stale). POSTs take an Idempotency-Key. " +
				"Errors are RFC 9457 problem details with the rule IDs that refused (blockers).",
		},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": g.defs,
			"parameters": map[string]any{
				"Actor": map[string]any{"name": ActorHeader, "in": "header", "required": true,
					"description": `who calls, "role:id" (org.ParseActor); NOT authentication: the host derives it from its own`,
					"schema":      map[string]any{"type": "string", "pattern": "^[a-z_]+:.+$"}},
				"IfMatch": map[string]any{"name": "If-Match", "in": "header", "required": false,
					"description": `the ETag read ("v3"): the record's expected version; a stale one is 412`,
					"schema":      map[string]any{"type": "string"}},
				"IdempotencyKey": map[string]any{"name": "Idempotency-Key", "in": "header", "required": false,
					"description": "a retry with the same key gets the first answer; a settlement keeps it as its key",
					"schema":      map[string]any{"type": "string", "pattern": `^[A-Za-z0-9._-]{1,100}$`}},
				"AcceptLanguage": map[string]any{"name": "Accept-Language", "in": "header", "required": false,
					"description": "zh-Hant for Traditional Chinese explanations and problem titles; English otherwise",
					"schema":      map[string]any{"type": "string"}},
			},
			"headers": map[string]any{
				"ETag":               map[string]any{"description": `the record's version, "v3"`, "schema": map[string]any{"type": "string"}},
				"IdempotentReplayed": map[string]any{"description": "true when the answer is the replay of an earlier call with the same key", "schema": map[string]any{"type": "string"}},
			},
			"responses": map[string]any{
				"Problem": map[string]any{"description": "RFC 9457 problem details",
					"content": map[string]any{"application/problem+json": map[string]any{"schema": problem}}},
			},
		},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)(\.\.\.)?\}`)

// pathTemplate turns a Go pattern into an OpenAPI path ("{key...}" is
// "{key}").
func pathTemplate(pattern string) string { return pathParam.ReplaceAllString(pattern, "{$1}") }

func pathParams(pattern string) []string {
	var out []string
	for _, m := range pathParam.FindAllStringSubmatch(pattern, -1) {
		out = append(out, m[1])
	}
	return out
}

// versioned reports whether values of t carry a version (an ETag).
func versioned(t reflect.Type) (reflect.StructField, bool) {
	if t == nil || t.Kind() != reflect.Struct {
		return reflect.StructField{}, false
	}
	f, ok := t.FieldByName("Version")
	return f, ok && f.Type.Kind() == reflect.Int64
}

// schemas makes JSON schemas of Go types as encoding/json writes them,
// named types in components.
type schemas struct{ defs map[string]any }

var (
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
)

func (g *schemas) of(t reflect.Type) any {
	switch t {
	case reflect.TypeFor[time.Time]():
		return map[string]any{"type": "string", "format": "date-time"}
	case reflect.TypeFor[decimal.Decimal]():
		return map[string]any{"type": "string", "pattern": `^-?[0-9]+(\.[0-9]+)?$`, "description": "an exact decimal"}
	case reflect.TypeFor[json.RawMessage]():
		return map[string]any{}
	case reflect.TypeFor[org.Month]():
		return map[string]any{"type": "string", "pattern": `^[0-9]{4}-[0-9]{2}$`}
	case reflect.TypeFor[time.Duration]():
		return map[string]any{"type": "integer", "description": "nanoseconds"}
	case reflect.TypeFor[org.Actor]():
		// Actor is an object in JSON ({"id","role"}), "role:id" in text.
		if _, ok := g.defs["org.Actor"]; !ok {
			g.defs["org.Actor"] = map[string]any{"type": "object", "properties": map[string]any{
				"id": map[string]any{"type": "string"}, "role": map[string]any{"type": "string"}}}
		}
		return map[string]any{"$ref": "#/components/schemas/org.Actor"}
	}
	if t.Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(jsonMarshaler) {
		return map[string]any{} // its own JSON: any value
	}
	if t.Kind() != reflect.String && (t.Implements(textMarshaler) || reflect.PointerTo(t).Implements(textMarshaler)) {
		return map[string]any{"type": "string"}
	}
	switch t.Kind() {
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Pointer:
		return nullable(g.of(t.Elem()))
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": []string{"string", "null"}, "contentEncoding": "base64"}
		}
		s := map[string]any{"type": "array", "items": g.of(t.Elem())}
		if t.Kind() == reflect.Slice {
			s["type"] = []string{"array", "null"}
		}
		return s
	case reflect.Map:
		return map[string]any{"type": []string{"object", "null"}, "additionalProperties": g.of(t.Elem())}
	case reflect.Struct:
		name := schemaName(t)
		if name == "" {
			return g.object(t)
		}
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = nil // a placeholder while its fields refer to it
			g.defs[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

// nullable lets s also be null (a nil pointer).
func nullable(s any) any {
	return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
}

// schemaName is "servicedesk.WorkOrder" for a named type, "" otherwise.
func schemaName(t reflect.Type) string {
	if t.Name() == "" {
		return ""
	}
	pkg := t.PkgPath()
	pkg = pkg[strings.LastIndex(pkg, "/")+1:]
	return pkg + "." + t.Name()
}

// object is the schema of a struct: its fields as encoding/json names
// them, embedded structs' fields promoted. Properties carry no "required":
// a request may leave any field out (the SDK checks what is needed and
// answers with its field problems).
func (g *schemas) object(t reflect.Type) any {
	props := map[string]any{}
	for _, f := range jsonFields(t) {
		props[f.name] = g.of(f.typ)
	}
	return map[string]any{"type": "object", "properties": props}
}

type jsonField struct {
	name  string
	typ   reflect.Type
	depth int
}

// jsonFields lists t's fields as encoding/json encodes them: names from
// tags, "-" skipped, unexported skipped, untagged embedded structs
// promoted, a shallower field winning over a deeper one of the same name.
func jsonFields(t reflect.Type) []jsonField {
	byName := map[string]jsonField{}
	var walk func(t reflect.Type, depth int)
	walk = func(t reflect.Type, depth int) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft, depth+1)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if old, ok := byName[name]; ok && old.depth <= depth {
				continue
			}
			byName[name] = jsonField{name: name, typ: ft, depth: depth}
		}
	}
	walk(t, 0)
	return slices.SortedFunc(maps.Values(byName), func(a, b jsonField) int { return strings.Compare(a.name, b.name) })
}
