package gittest

import (
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ServeHTTP serves the repositories under root with git http-backend (the
// real Git smart HTTP server), requiring basic auth when user is not empty.
// A repository r is at URL + "/" + its directory name relative to root.
func ServeHTTP(t testing.TB, root, user, password string) *httptest.Server {
	t.Helper()
	gitPath, err := exec.LookPath("git")
	if err != nil {
		t.Fatal(err)
	}
	backend := &cgi.Handler{
		Path: gitPath,
		Args: []string{"http-backend"},
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if user != "" {
			u, p, ok := r.BasicAuth()
			if !ok || u != user || p != password {
				w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
		}
		backend.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// RepoPath is a repository's path below root for ServeHTTP URLs.
func RepoPath(root, dir string) string {
	rel, _ := filepath.Rel(root, dir)
	return "/" + strings.TrimPrefix(filepath.ToSlash(rel), "/")
}
