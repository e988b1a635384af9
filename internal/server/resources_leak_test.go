package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Given a cluster Secret named edge and a team-a repository Secret whose
// URLs carry a password, and bob, who may get neither,
// when bob and the admin ask for them by name and by URL,
// then bob's denials name only what he asked (not the cluster's server URL
// nor the repository's project), the same as for ones that do not exist,
// and no answer, the admin's included, holds a URL's password.
func TestClusterAndRepositoryAnswersLeakNothing(t *testing.T) {
	a := newAPI(t, unique("srv-resleak"))
	server, repoURL := "https://ops:s3rv3r-pass@edge.example.com", "https://ci:r3p0-pass@git.example.com/x.git"
	a.create(&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: "edge", Labels: map[string]string{secretTypeLabel: secretTypeCluster}},
		StringData: map[string]string{"server": server, "name": "edge", "config": "{}"}},
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: a.ns, Name: "repo", Labels: map[string]string{secretTypeLabel: secretTypeRepo}},
			StringData: map[string]string{"url": repoURL, "project": "team-a"}})
	a.account("bob", "builder")
	bob, admin := a.login("bob", "builder"), a.admin()

	tests := []struct {
		name, token, path string
		status            int
		// body is in the answer; none of the passwords ever is.
		body string
	}{
		{"bob, cluster by name", bob, "/api/v1/clusters/edge?id.type=name", http.StatusForbidden, "permission denied: clusters, get, edge, sub: bob"},
		{"bob, missing cluster by name", bob, "/api/v1/clusters/nope?id.type=name", http.StatusForbidden, "permission denied: clusters, get, nope, sub: bob"},
		{"bob, repository", bob, "/api/v1/repositories/" + url.PathEscape(repoURL), http.StatusForbidden, "permission denied: repositories, get, " + repoURL[:8]},
		{"admin, cluster by name", admin, "/api/v1/clusters/edge?id.type=name", http.StatusOK, `"name":"edge"`},
		{"admin, clusters", admin, "/api/v1/clusters", http.StatusOK, "edge.example.com"},
		{"admin, repository", admin, "/api/v1/repositories/" + url.PathEscape(repoURL), http.StatusOK, "git.example.com/x.git"},
		{"admin, repositories", admin, "/api/v1/repositories", http.StatusOK, "git.example.com/x.git"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := a.call("GET", tt.path, tt.token, nil)
			if status != tt.status || !strings.Contains(body, tt.body) {
				t.Errorf("%s: %d %s, want %d with %q", tt.path, status, body, tt.status, tt.body)
			}
			for _, secret := range []string{"s3rv3r-pass", "r3p0-pass", "team-a"} {
				if strings.Contains(body, secret) && !(secret == "team-a" && tt.token == admin) {
					t.Errorf("%s answered %q: %s", tt.path, secret, body)
				}
			}
		})
	}
}
