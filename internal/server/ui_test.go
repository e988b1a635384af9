package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestUIMount: every path outside /api/ goes to the UI; an unknown /api/
// path is still the API's JSON 404.
func TestUIMount(t *testing.T) {
	ui := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("the ui")) })
	h := New(Options{UI: ui}).Handler()
	tests := []struct {
		path, want string
		code       int
	}{
		{"/", "the ui", http.StatusOK},
		{"/applications/guestbook", "the ui", http.StatusOK},
		{"/assets/main-ABC.js", "the ui", http.StatusOK},
		{"/api/v1/nope", `"code":5`, http.StatusNotFound},
		{"/api/nope", `"code":5`, http.StatusNotFound},
	}
	for _, tt := range tests {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, tt.path, nil))
		if w.Code != tt.code || !strings.Contains(w.Body.String(), tt.want) {
			t.Errorf("GET %s: %d %q, want %d with %q", tt.path, w.Code, w.Body, tt.code, tt.want)
		}
	}
}
