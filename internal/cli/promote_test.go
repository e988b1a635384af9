package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

const promoteValues = `# order-service in production
image:
  repository: registry.example.com/shop/order-service

  tag: "1.4.1"   # set by CI
replicaCount: 3
`

const promoteFile = "environments/production/order-service/values.yaml"

// Given a local clone with a values file,
// when promote sets the image tag,
// then one commit with the message and author holds the file with only the
// tag's text changed, the SHA is printed, and a second run says "no change".
func TestPromoteLocalClone(t *testing.T) {
	repo := gittest.New(t)
	repo.Commit("init", map[string]string{promoteFile: promoteValues})
	code, out, stderr := run("promote", "--repo", repo.Dir, "--file", promoteFile, "--set", "image.tag=1.4.2",
		"--message", "promote order-service 1.4.2", "--author", "CI Bot <ci@example.com>")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	head := repo.Git("rev-parse", "HEAD")
	if strings.TrimSpace(out) != head {
		t.Errorf("printed %q, head is %s", out, head)
	}
	if got := repo.Git("log", "-1", "--format=%an <%ae>|%s"); got != "CI Bot <ci@example.com>|promote order-service 1.4.2" {
		t.Errorf("commit: %s", got)
	}
	want := strings.Replace(promoteValues, `"1.4.1"`, `"1.4.2"`, 1)
	if got := repo.Git("show", "HEAD:"+promoteFile); got+"\n" != want {
		t.Errorf("file at HEAD:\n%s\nwant:\n%s", got, want)
	}
	if st := repo.Git("status", "--porcelain"); st != "" {
		t.Errorf("work tree not clean: %s", st)
	}
	code, out, stderr = run("promote", "--repo", repo.Dir, "--file", promoteFile, "--set", "image.tag=1.4.2", "-m", "again")
	if code != 0 || strings.TrimSpace(out) != "no change" || repo.Git("rev-parse", "HEAD") != head {
		t.Errorf("second run: exit %d, out %q, stderr %q", code, out, stderr)
	}
}

// Given a bare repository served over HTTP with basic auth,
// when promote clones it by URL, sets two values and pushes,
// then the remote branch has the commit, authored by the default author.
func TestPromotePushHTTP(t *testing.T) {
	src := gittest.New(t)
	src.Commit("init", map[string]string{promoteFile: promoteValues})
	root := t.TempDir()
	bare := filepath.Join(root, "gitops.git")
	src.Git("clone", "-q", "--bare", src.Dir, bare)
	remote := gittest.Open(t, bare)
	remote.Git("config", "http.receivepack", "true")
	srv := gittest.ServeHTTP(t, root, "ci", "s3cret")
	t.Setenv("TIPHYS_GIT_USERNAME", "ci")
	t.Setenv("TIPHYS_GIT_PASSWORD", "s3cret")
	t.Setenv("HOME", t.TempDir()) // no global git config: the default author

	url := srv.URL + "/gitops.git"
	if code, _, stderr := run("promote", "--repo", url, "--file", promoteFile, "--set", "image.tag=1.4.2", "-m", "m"); code == 0 ||
		!strings.Contains(stderr, "--push") {
		t.Errorf("without --push: exit %d, stderr %q", code, stderr)
	}
	code, out, stderr := run("promote", "--repo", url, "--branch", "main", "--push", "--file", promoteFile,
		"--set", "image.tag=1.4.2", "--set", "replicaCount=5", "-m", "promote 1.4.2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if head := remote.Git("rev-parse", "main"); strings.TrimSpace(out) != head {
		t.Errorf("printed %q, remote main is %s", out, head)
	}
	if got := remote.Git("log", "-1", "--format=%an <%ae>|%s", "main"); got != "Tiphys <tiphys@localhost>|promote 1.4.2" {
		t.Errorf("commit: %s", got)
	}
	want := strings.Replace(strings.Replace(promoteValues, `"1.4.1"`, `"1.4.2"`, 1), "replicaCount: 3", "replicaCount: 5", 1)
	if got := remote.Git("show", "main:"+promoteFile); got+"\n" != want {
		t.Errorf("file on remote main:\n%s\nwant:\n%s", got, want)
	}
	if n := remote.Git("rev-list", "--count", "main"); n != "2" {
		t.Errorf("remote main has %s commits, want 2", n)
	}
}

// Given a local clone whose origin is a bare repository,
// when promote commits on a new branch with --push,
// then origin has the branch with the commit, and main is untouched.
func TestPromotePushBranchToOrigin(t *testing.T) {
	src := gittest.New(t)
	src.Commit("init", map[string]string{promoteFile: promoteValues})
	bare := filepath.Join(t.TempDir(), "origin.git")
	src.Git("clone", "-q", "--bare", src.Dir, bare)
	clone := filepath.Join(t.TempDir(), "clone")
	src.Git("clone", "-q", bare, clone)
	work := gittest.Open(t, clone)
	work.Git("config", "user.name", "Clone User")
	work.Git("config", "user.email", "clone@example.com")
	code, out, stderr := run("promote", "--repo", clone, "--branch", "promote/order-1.4.2", "--push", "--file", promoteFile,
		"--set", "image.tag=1.4.2", "-m", "promote")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	origin := gittest.Open(t, bare)
	if got := origin.Git("rev-parse", "promote/order-1.4.2"); got != strings.TrimSpace(out) {
		t.Errorf("origin branch at %s, printed %q", got, out)
	}
	if got := origin.Git("log", "-1", "--format=%an", "promote/order-1.4.2"); got != "Clone User" {
		t.Errorf("author %q, want the clone's git config user", got)
	}
	if n := origin.Git("rev-list", "--count", "main"); n != "1" {
		t.Errorf("origin main has %s commits, want 1", n)
	}
}

// Bad keys and flags end with an error naming the file and the path, and
// nothing is committed.
func TestPromoteErrors(t *testing.T) {
	repo := gittest.New(t)
	head := repo.Commit("init", map[string]string{promoteFile: promoteValues})
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing key", []string{"--set", "image.digest=sha256:1"}, "edit " + promoteFile + " in " + repo.Dir + ": path image.digest: key not found"},
		{"not a scalar", []string{"--set", "image=x"}, "not a scalar"},
		{"bad index", []string{"--set", "image[0]=x"}, "wrong kind of value"},
		{"type", []string{"--set", "replicaCount=many"}, "--string writes a string"},
		{"bad set", []string{"--set", "image.tag"}, "want KEY=VALUE"},
		{"missing file", []string{"--set", "a=b", "--file", "nope.yaml"}, "nope.yaml"},
		{"bad author", []string{"--set", "image.tag=2", "--author", "nobody"}, "--author"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"promote", "--repo", repo.Dir, "--file", promoteFile, "-m", "m"}, tt.args...)
			code, _, stderr := run(args...)
			if code == 0 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q: want an error with %q", code, stderr, tt.want)
			}
			if repo.Git("rev-parse", "HEAD") != head {
				t.Error("a commit was made")
			}
		})
	}
	if b, _ := os.ReadFile(filepath.Join(repo.Dir, promoteFile)); string(b) != promoteValues {
		t.Errorf("file changed:\n%s", b)
	}
}
