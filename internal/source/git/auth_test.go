package git_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/internal/source/git"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// Given a private repository behind HTTP basic auth (git http-backend),
// the right credentials resolve it and wrong ones fail without showing the
// password.
func TestHTTPBasicAuth(t *testing.T) {
	root := t.TempDir()
	src := gittest.New(t)
	sha := src.Commit("one", map[string]string{"a.yaml": "a: 1\n"})
	bare := filepath.Join(root, "private.git")
	src.Git("clone", "-q", "--bare", src.Dir, bare)
	srv := gittest.ServeHTTP(t, root, "bot", "s3cret-token")
	url := srv.URL + "/private.git"

	r := open(t, newCache(t), url)
	got, err := r.Resolve(context.Background(), "main", git.Credentials{Username: "bot", Password: "s3cret-token"}, git.FetchOptions{})
	if err != nil || got != sha {
		t.Fatalf("Resolve with credentials = %s, %v; want %s", got, err, sha)
	}

	r2 := open(t, newCache(t), url)
	_, err = r2.Resolve(context.Background(), "main", git.Credentials{Username: "bot", Password: "wrong-password"}, git.FetchOptions{})
	if err == nil {
		t.Fatal("Resolve with a wrong password succeeded")
	}
	if strings.Contains(err.Error(), "wrong-password") {
		t.Errorf("error shows the password: %v", err)
	}
	if !strings.Contains(err.Error(), "private.git") {
		t.Errorf("error does not name the repository: %v", err)
	}
}

// Given a repository served over SSH, a client key with known hosts resolves
// it; an unknown host key is refused.
func TestSSH(t *testing.T) {
	src := gittest.New(t)
	sha := src.Commit("one", map[string]string{"a.yaml": "a: 1\n"})
	bare := filepath.Join(t.TempDir(), "repo.git")
	src.Git("clone", "-q", "--bare", src.Dir, bare)
	srv := gittest.ServeSSH(t)
	url := "ssh://git@" + srv.Addr + bare

	creds := git.Credentials{SSHPrivateKey: srv.ClientKey, KnownHosts: srv.KnownHosts}
	got, err := open(t, newCache(t), url).Resolve(context.Background(), "main", creds, git.FetchOptions{})
	if err != nil || got != sha {
		t.Fatalf("Resolve over SSH = %s, %v; want %s", got, err, sha)
	}

	other := gittest.ServeSSH(t)
	creds.KnownHosts = other.KnownHosts
	_, err = open(t, newCache(t), url).Resolve(context.Background(), "main", creds, git.FetchOptions{})
	if err == nil || !strings.Contains(err.Error(), "not in known hosts") {
		t.Errorf("unknown host key: err = %v", err)
	}
}

// Given a repository behind HTTPS that requires a TLS client certificate,
// the certificate from the credentials opens it and no certificate does not.
func TestHTTPSClientCertificate(t *testing.T) {
	root := t.TempDir()
	src := gittest.New(t)
	sha := src.Commit("one", map[string]string{"a.yaml": "a: 1\n"})
	src.Git("clone", "-q", "--bare", src.Dir, filepath.Join(root, "mtls.git"))
	srv, cert := gittest.ServeHTTPSClientCert(t, root)
	url := srv.URL + "/mtls.git"

	creds := git.Credentials{TLSClientCert: cert.Cert, TLSClientKey: cert.Key, Insecure: true}
	got, err := open(t, newCache(t), url).Resolve(context.Background(), "main", creds, git.FetchOptions{})
	if err != nil || got != sha {
		t.Fatalf("Resolve with a client certificate = %s, %v; want %s", got, err, sha)
	}
	if _, err := open(t, newCache(t), url).Resolve(context.Background(), "main", git.Credentials{Insecure: true}, git.FetchOptions{}); err == nil {
		t.Error("Resolve without a client certificate succeeded")
	}
}
