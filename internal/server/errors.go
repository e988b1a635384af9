package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// apiError is an error with its HTTP status, written as Argo CD's
// grpc-gateway writes errors: {"error", "code", "message"}, code being the
// gRPC status code of the HTTP status.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func errorf(status int, format string, args ...any) error {
	return &apiError{status: status, msg: fmt.Sprintf(format, args...)}
}

// grpcCodes are the gRPC codes of the statuses the API answers.
var grpcCodes = map[int]int{
	http.StatusBadRequest: 3, http.StatusNotFound: 5, http.StatusConflict: 6, http.StatusForbidden: 7,
	http.StatusTooManyRequests: 8, http.StatusUnauthorized: 16, http.StatusInternalServerError: 13,
	http.StatusServiceUnavailable: 14, http.StatusMethodNotAllowed: 12, http.StatusNotImplemented: 12,
	http.StatusRequestEntityTooLarge: 8, http.StatusBadGateway: 13,
}

// writeError answers err: an apiError with its status, a Kubernetes API
// error with the status it carries, anything else as 500.
func writeError(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	var ae *apiError
	var se apierrors.APIStatus
	switch {
	case errors.As(err, &ae):
		status = ae.status
	case errors.As(err, &se) && se.Status().Code != 0:
		status = int(se.Status().Code)
	}
	code, ok := grpcCodes[status]
	if !ok {
		code = 2
	}
	writeJSON(w, status, map[string]any{"error": err.Error(), "code": code, "message": err.Error()})
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// readJSON decodes a request body of at most 1 MiB into v: a larger body
// is 413, one that is not the JSON object the call takes is 400.
func readJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		var syntax *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &tooLarge):
			return errorf(http.StatusRequestEntityTooLarge, "request body: larger than %d bytes", tooLarge.Limit)
		case errors.As(err, &syntax):
			return errorf(http.StatusBadRequest, "request body: invalid JSON at byte %d", syntax.Offset)
		case errors.As(err, &typ):
			field := typ.Field
			if field == "" {
				field = "the body"
			}
			return errorf(http.StatusBadRequest, "request body: %s must be a JSON %s", field, jsonKind(typ.Type.Kind().String()))
		}
		return errorf(http.StatusBadRequest, "request body: %v", err)
	}
	return nil
}

// jsonKind names a Go kind as JSON does.
func jsonKind(k string) string {
	switch k {
	case "struct", "map":
		return "object"
	case "slice", "array":
		return "array"
	case "bool":
		return "boolean"
	case "string":
		return "string"
	}
	return "number"
}
