package git_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiphys/tiphys/internal/source/git"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// gitServer is a bare repository that a work repository pushes to, as a Git
// server's repository with a developer's clone.
type gitServer struct {
	work *gittest.Repo
	bare *gittest.Repo // git runs in the bare directory
}

// newGitServer makes a bare repository root/name.git from a work repository
// with origin pointing at it.
func newGitServer(t *testing.T, root, name string) *gitServer {
	t.Helper()
	work := gittest.New(t)
	work.Commit("init", map[string]string{"README.md": "platform\n"})
	dir := filepath.Join(root, name+".git")
	work.Git("clone", "-q", "--bare", work.Dir, dir)
	work.Git("remote", "add", "origin", dir)
	return &gitServer{work: work, bare: gittest.Open(t, dir)}
}

// commit commits files in the work repository (a "" content deletes the
// file) and pushes them.
func (r *gitServer) commit(t *testing.T, msg string, files map[string]string) string {
	t.Helper()
	write := map[string]string{}
	for name, content := range files {
		if content == "" {
			r.work.Git("rm", "-q", name)
			continue
		}
		write[name] = content
	}
	sha := r.work.Commit(msg, write)
	r.work.Git("push", "-q", "origin", "HEAD:main")
	return sha
}

func (r *gitServer) show(t *testing.T, rev, path string) string {
	t.Helper()
	return r.bare.Git("show", rev+":"+path)
}

var bot = git.Author{Name: "Tiphys", Email: "tiphys@localhost"}

// Given a branch where commits changed an app's path and other paths,
// Revert restores only the given paths to the good revision, in one commit
// on the branch's current head, with the author and message given; when
// the paths already hold that content it writes nothing.
func TestRevert(t *testing.T) {
	base := map[string]string{
		"apps/web/deploy.yaml": "image: web:v1\n", "apps/web/svc.yaml": "port: 80\n",
		"apps/api/deploy.yaml": "image: api:v1\n", "apps/webby.yaml": "x: 1\n",
	}
	bad := map[string]string{
		"apps/web/deploy.yaml": "image: web:v2\n", "apps/web/svc.yaml": "", "apps/web/hpa/hpa.yaml": "max: 3\n",
		"apps/api/deploy.yaml": "image: api:v2\n", "apps/webby.yaml": "x: 2\n",
	}
	tests := []struct {
		name    string
		paths   []string
		after   map[string]string // a commit after the bad one, if any
		want    map[string]string // path → content at the new head ("" absent)
		changed []string
	}{
		{
			name:  "one path",
			paths: []string{"apps/web"},
			want: map[string]string{"apps/web/deploy.yaml": "image: web:v1", "apps/web/svc.yaml": "port: 80",
				"apps/web/hpa/hpa.yaml": "", "apps/api/deploy.yaml": "image: api:v2", "apps/webby.yaml": "x: 2"},
			changed: []string{"apps/web/deploy.yaml", "apps/web/hpa/hpa.yaml", "apps/web/svc.yaml"},
		},
		{
			name:  "path written as ./path/, branch moved on",
			paths: []string{"./apps/web/"},
			after: map[string]string{"apps/api/config.yaml": "debug: true\n"},
			want: map[string]string{"apps/web/deploy.yaml": "image: web:v1", "apps/api/config.yaml": "debug: true",
				"apps/api/deploy.yaml": "image: api:v2"},
			changed: []string{"apps/web/deploy.yaml", "apps/web/hpa/hpa.yaml", "apps/web/svc.yaml"},
		},
		{
			name:  "two paths",
			paths: []string{"apps/api", "apps/webby.yaml"},
			want: map[string]string{"apps/web/deploy.yaml": "image: web:v2", "apps/api/deploy.yaml": "image: api:v1",
				"apps/webby.yaml": "x: 1"},
			changed: []string{"apps/api/deploy.yaml", "apps/webby.yaml"},
		},
		{
			name:  "whole repository",
			paths: []string{"."},
			after: map[string]string{"later.yaml": "y: 1\n"},
			want: map[string]string{"apps/web/deploy.yaml": "image: web:v1", "apps/api/deploy.yaml": "image: api:v1",
				"later.yaml": ""},
			changed: []string{"apps/api/deploy.yaml", "apps/web/deploy.yaml", "apps/web/hpa/hpa.yaml", "apps/web/svc.yaml",
				"apps/webby.yaml", "later.yaml"},
		},
		{
			name:    "a path new since the good revision is removed",
			paths:   []string{"apps/web/hpa"},
			want:    map[string]string{"apps/web/hpa/hpa.yaml": "", "apps/web/deploy.yaml": "image: web:v2"},
			changed: []string{"apps/web/hpa/hpa.yaml"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newGitServer(t, t.TempDir(), "platform")
			good := r.commit(t, "good", base)
			badSHA := r.commit(t, "bad", bad)
			parent := badSHA
			if tt.after != nil {
				parent = r.commit(t, "after", tt.after)
			}
			when := time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC)
			res, err := git.Revert(context.Background(), git.RevertOptions{
				URL: "file://" + r.bare.Dir, Branch: "main", Paths: tt.paths, Good: good[:8], Bad: badSHA,
				Author: bot, Message: "Revert web\n\nbecause.", Now: func() time.Time { return when },
			})
			if err != nil {
				t.Fatal(err)
			}
			head := r.bare.Git("rev-parse", "main")
			if res.UpToDate || res.Commit != head || res.Parent != parent || res.Good != good || res.Bad != badSHA || res.Branch != "main" {
				t.Fatalf("result = %+v; want commit %s on %s", res, head, parent)
			}
			if got := r.bare.Git("log", "-1", "--format=%P|%an <%ae>|%cn <%ce>|%at|%B", "main"); got !=
				parent+"|Tiphys <tiphys@localhost>|Tiphys <tiphys@localhost>|"+
					"1777863721|Revert web\n\nbecause." {
				t.Errorf("commit = %q", got)
			}
			changed := strings.Fields(r.bare.Git("diff", "--name-only", parent, head))
			if !slices.Equal(changed, tt.changed) || !slices.Equal(res.Changed, tt.changed) {
				t.Errorf("changed files = %v (result %v), want %v", changed, res.Changed, tt.changed)
			}
			files := strings.Fields(r.bare.Git("ls-tree", "-r", "--name-only", "main"))
			for path, want := range tt.want {
				if want == "" {
					if slices.Contains(files, path) {
						t.Errorf("%s still there", path)
					}
					continue
				}
				if got := r.show(t, "main", path); got != want {
					t.Errorf("%s = %q, want %q", path, got, want)
				}
			}
			if r.bare.Git("fsck", "--strict") != "" {
				t.Error("git fsck complains")
			}

			// Again: the paths hold the good content, nothing is written.
			again, err := git.Revert(context.Background(), git.RevertOptions{
				URL: "file://" + r.bare.Dir, Paths: tt.paths, Good: good, Author: bot, Message: "again",
			})
			if err != nil {
				t.Fatal(err)
			}
			if !again.UpToDate || again.Commit != "" || again.Parent != head || r.bare.Git("rev-parse", "main") != head {
				t.Errorf("second revert = %+v, want up to date at %s", again, head)
			}
		})
	}
}

// Revert names the repository and branch in its errors and never shows a
// password.
func TestRevertErrors(t *testing.T) {
	root := t.TempDir()
	r := newGitServer(t, root, "platform")
	good := r.commit(t, "good", map[string]string{"app/a.yaml": "a: 1\n"})
	r.bare.Git("tag", "v1.0.0", good)
	url := "file://" + r.bare.Dir
	tests := []struct {
		name string
		o    git.RevertOptions
		want string
	}{
		{"no such branch", git.RevertOptions{URL: url, Branch: "nope", Good: good}, "branch nope: nope is no branch: not a branch"},
		{"a tag", git.RevertOptions{URL: url, Branch: "v1.0.0", Good: good}, "v1.0.0 is a tag: not a branch"},
		{"a commit", git.RevertOptions{URL: url, Branch: good, Good: good}, good + " is a commit: not a branch"},
		{"no such good revision", git.RevertOptions{URL: url, Branch: "main", Good: "v9.9.9"}, "branch main: good revision: v9.9.9 not found"},
		{"no author", git.RevertOptions{URL: url, Branch: "main", Good: good, Author: git.Author{Name: "x"}}, "no author name and email"},
		{"a path out of the repository", git.RevertOptions{URL: url, Branch: "main", Good: good, Paths: []string{"../x"}}, "is not a repository path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.o.Author == (git.Author{}) {
				tt.o.Author = bot
			}
			_, err := git.Revert(context.Background(), tt.o)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), r.bare.Dir) {
				t.Errorf("err = %v, want it to name the repository and say %q", err, tt.want)
			}
			if notBranch := strings.Contains(tt.want, "not a branch"); errors.Is(err, git.ErrNotBranch) != notBranch {
				t.Errorf("errors.Is(%v, ErrNotBranch) = %v, want %v", err, !notBranch, notBranch)
			}
		})
	}

	srv := gittest.ServeHTTP(t, root, "bot", "s3cret-token")
	_, err := git.Revert(context.Background(), git.RevertOptions{URL: srv.URL + "/platform.git", Branch: "main", Good: good,
		Author: bot, Message: "m", Credentials: git.Credentials{Username: "bot", Password: "wrong-password"}})
	if err == nil || strings.Contains(err.Error(), "wrong-password") || !strings.Contains(err.Error(), "platform.git branch main") {
		t.Errorf("wrong password: err = %v", err)
	}
}

// Given a repository served over smart HTTP with basic auth, where someone
// pushes to the branch while the revert is being pushed, Revert fetches the
// new head and writes its commit on it, keeping the other push's change.
func TestRevertHTTPPushRace(t *testing.T) {
	root := t.TempDir()
	r := newGitServer(t, root, "platform")
	r.bare.Git("config", "http.receivepack", "true")
	good := r.commit(t, "good", map[string]string{"app/a.yaml": "a: 1\n"})
	bad := r.commit(t, "bad", map[string]string{"app/a.yaml": "a: 2\n"})

	var once sync.Once
	var racer string
	backend := gittest.Handler(t, root, "bot", "s3cret-token")
	srv := gittest.ServeHandler(t, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/git-receive-pack") {
			once.Do(func() { racer = r.commit(t, "meanwhile", map[string]string{"other/b.yaml": "b: 1\n"}) })
		}
		backend.ServeHTTP(w, req)
	}))
	res, err := git.Revert(context.Background(), git.RevertOptions{URL: srv.URL + "/platform.git", Branch: "main",
		Paths: []string{"app"}, Good: good, Bad: bad, Author: bot, Message: "Revert app",
		Credentials: git.Credentials{Username: "bot", Password: "s3cret-token"}})
	if err != nil {
		t.Fatal(err)
	}
	if racer == "" || res.Parent != racer || res.Attempts != 2 {
		t.Fatalf("result = %+v, want a second attempt on %s", res, racer)
	}
	if got := r.bare.Git("log", "--format=%s", "main"); got != "Revert app\nmeanwhile\nbad\ngood\ninit" {
		t.Errorf("history:\n%s", got)
	}
	if r.show(t, "main", "app/a.yaml") != "a: 1" || r.show(t, "main", "other/b.yaml") != "b: 1" {
		t.Error("main does not have app/a.yaml from the good revision and the other push's file")
	}
}

// Without a branch, Revert writes to the remote's default branch.
func TestRevertDefaultBranch(t *testing.T) {
	r := newGitServer(t, t.TempDir(), "platform")
	r.bare.Git("symbolic-ref", "HEAD", "refs/heads/trunk")
	r.work.Git("push", "-q", "origin", "HEAD:trunk")
	good := r.work.Git("rev-parse", "HEAD")
	r.work.Commit("bad", map[string]string{"a.yaml": "a: 2\n"})
	r.work.Git("push", "-q", "origin", "HEAD:trunk")
	res, err := git.Revert(context.Background(), git.RevertOptions{URL: "file://" + r.bare.Dir, Branch: "HEAD",
		Good: good, Author: bot, Message: "Revert"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Branch != "trunk" || r.bare.Git("rev-parse", "trunk") != res.Commit {
		t.Errorf("result = %+v, want a commit on trunk", res)
	}
}

// Branch tells a branch from a tag or a commit, and names the default
// branch for HEAD.
func TestBranch(t *testing.T) {
	src := gittest.New(t)
	sha := src.Commit("one", map[string]string{"a.yaml": "a: 1\n"})
	src.Git("tag", "v1")
	src.Git("branch", "release")
	r := open(t, newCache(t), src.URL())
	resolve(t, r, "main")
	tests := []struct {
		rev, want string
		ok        bool
	}{
		{"", "main", true}, {"HEAD", "main", true}, {"main", "main", true}, {"refs/heads/release", "release", true},
		{"v1", "", false}, {sha, "", false}, {sha[:7], "", false}, {"nope", "", false},
	}
	for _, tt := range tests {
		if got, ok := r.Branch(tt.rev); got != tt.want || ok != tt.ok {
			t.Errorf("Branch(%q) = %q, %v; want %q, %v", tt.rev, got, ok, tt.want, tt.ok)
		}
	}
}
