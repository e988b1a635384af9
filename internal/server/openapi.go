package server

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/tiphys/tiphys/internal/version"
)

// queryParams are the query parameters of the routes that take some, by
// "METHOD path", for the OpenAPI description.
var queryParams = map[string][]string{
	"GET /api/v1/applications":                          {"projects", "selector", "name", "sync", "health", "search", "limit", "continue", "appNamespace"},
	"GET /api/v1/applications/{name}":                   {"refresh", "appNamespace"},
	"DELETE /api/v1/applications/{name}":                {"cascade", "propagationPolicy", "appNamespace"},
	"GET /api/v1/stream/applications":                   {"projects", "name", "appNamespace"},
	"GET /api/v1/applicationsets":                       {"projects"},
	"GET /api/v1/rollouts":                              {"namespace"},
	"GET /api/v1/clusters/{server}":                     {"id.type"},
	"GET /api/v1/applications/{name}/managed-resources": {"group", "kind", "namespace", "name", "appNamespace"},
}

// pathParam is a net/http pattern's wildcard: {name} or {name...}.
var pathParam = regexp.MustCompile(`\{([A-Za-z.]+)(\.\.\.)?\}`)

// openAPI is GET /swagger.json (Argo CD's path for its description): an
// OpenAPI 3.0 description of every route, made from the route table, so
// that it cannot miss one. Bodies and answers are described by name (Argo
// CD's message names); errors by their JSON shape.
func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request) {
	paths := map[string]map[string]any{}
	for _, rt := range s.routes() {
		path := pathParam.ReplaceAllString(rt.path, "{$1}")
		var params []map[string]any
		for _, m := range pathParam.FindAllStringSubmatch(rt.path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]string{"type": "string"}})
		}
		for _, q := range queryParams[rt.method+" "+rt.path] {
			params = append(params, map[string]any{"name": q, "in": "query", "schema": map[string]string{"type": "string"}})
		}
		op := map[string]any{
			"summary":     rt.summary,
			"operationId": operationID(rt.method, path),
			"responses": map[string]any{
				"200":     map[string]any{"description": "OK", "content": jsonContent(map[string]string{"type": "object"})},
				"default": map[string]any{"description": "an error", "content": jsonContent(map[string]string{"$ref": "#/components/schemas/Error"})},
			},
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.body != "" {
			op["requestBody"] = map[string]any{"description": rt.body, "content": jsonContent(map[string]string{"type": "object"})}
		}
		if rt.public {
			op["security"] = []any{}
		}
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(rt.method)] = op
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"openapi": "3.0.3",
		"info": map[string]string{"title": "Tiphys API", "version": version.Version,
			"description": "Argo CD's REST paths and JSON shapes, served by tiphys server (docs/server.md)."},
		"paths": paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer": map[string]string{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
				"cookie": map[string]string{"type": "apiKey", "in": "cookie", "name": "argocd.token"},
			},
			"schemas": map[string]any{"Error": map[string]any{"type": "object", "properties": map[string]any{
				"error": map[string]string{"type": "string"}, "message": map[string]string{"type": "string"},
				"code": map[string]string{"type": "integer", "description": "the gRPC status code, as Argo CD's"},
			}}},
		},
		"security": []any{map[string][]string{"bearer": {}}, map[string][]string{"cookie": {}}},
	})
}

func jsonContent(schema map[string]string) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": schema}}
}

// operationID is a route's OpenAPI operation id: the method and the
// path's words, such as get_api_v1_applications_name.
func operationID(method, path string) string {
	id := strings.ToLower(method) + strings.NewReplacer("/", "_", "{", "", "}", "", "-", "_", ".", "_").Replace(path)
	return strings.TrimSuffix(id, "_")
}
