package git_test

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tiphys/tiphys/internal/source/git"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

func newCache(t *testing.T) *git.Cache {
	t.Helper()
	c, err := git.NewCache(git.CacheOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func open(t *testing.T, c *git.Cache, url string) *git.Repo {
	t.Helper()
	r, err := c.Repo(url)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// resolve resolves rev with a refresh: the remote is listed again, so a
// commit made a moment before is seen.
func resolve(t *testing.T, r *git.Repo, rev string) string {
	t.Helper()
	sha, err := r.Resolve(context.Background(), rev, git.Credentials{}, git.FetchOptions{Refresh: true})
	if err != nil {
		t.Fatalf("resolve %q: %v", rev, err)
	}
	return sha
}

// Given a repository with branches, tags and commits, every form of
// targetRevision resolves to the right commit.
func TestResolveRevisions(t *testing.T) {
	src := gittest.New(t)
	first := src.Commit("first", map[string]string{"a.yaml": "a: 1\n"})
	src.Git("tag", "v1.0.0")
	src.Git("tag", "-a", "v1.0.1", "-m", "annotated")
	src.Git("checkout", "-q", "-b", "feature")
	feature := src.Commit("feature", map[string]string{"b.yaml": "b: 1\n"})
	src.Git("checkout", "-q", "main")
	second := src.Commit("second", map[string]string{"a.yaml": "a: 2\n"})

	r := open(t, newCache(t), src.URL())
	tests := []struct{ rev, want string }{
		{"", second},
		{"HEAD", second},
		{"main", second},
		{"feature", feature},
		{"v1.0.0", first},
		{"v1.0.1", first},
		{"refs/heads/feature", feature},
		{first, first},
		{first[:7], first},
		{strings.ToUpper(feature), feature},
	}
	for _, tt := range tests {
		t.Run(tt.rev, func(t *testing.T) {
			if got := resolve(t, r, tt.rev); got != tt.want {
				t.Errorf("Resolve(%q) = %s, want %s", tt.rev, got, tt.want)
			}
		})
	}
	if _, err := r.Resolve(context.Background(), "no-such-branch", git.Credentials{}, git.FetchOptions{}); err == nil ||
		!strings.Contains(err.Error(), `revision "no-such-branch" not found`) {
		t.Errorf("unknown revision: err = %v", err)
	}
}

// Given a clone, when the branch moves and when it is force-pushed to another
// history, Resolve follows it; an unchanged remote is not fetched again.
func TestResolveFollowsMovesAndForcePush(t *testing.T) {
	src := gittest.New(t)
	base := src.Commit("base", map[string]string{"a.yaml": "a: 1\n"})
	r := open(t, newCache(t), src.URL())
	if got := resolve(t, r, "main"); got != base {
		t.Fatalf("main = %s, want %s", got, base)
	}
	fetched, err := r.Fetch(context.Background(), git.Credentials{}, git.FetchOptions{Refresh: true})
	if err != nil || fetched {
		t.Errorf("Fetch of an unchanged remote: fetched=%v err=%v, want no fetch", fetched, err)
	}

	moved := src.Commit("moved", map[string]string{"a.yaml": "a: 2\n"})
	if got := resolve(t, r, "HEAD"); got != moved {
		t.Errorf("after a commit HEAD = %s, want %s", got, moved)
	}

	src.Git("reset", "-q", "--hard", base)
	rewritten := src.Commit("rewritten", map[string]string{"c.yaml": "c: 1\n"})
	if got := resolve(t, r, "main"); got != rewritten {
		t.Errorf("after a force push main = %s, want %s", got, rewritten)
	}
}

// The files of a commit read without a worktree; symlinks inside the
// repository are followed, a symlink that leaves it is refused, and tree
// hashes change only for paths that changed.
func TestTreeFS(t *testing.T) {
	src := gittest.New(t)
	src.Write(map[string]string{"apps/web/deploy.yaml": "kind: Deployment\n", "apps/api/deploy.yaml": "kind: Service\n"})
	src.Symlink(map[string]string{"apps/api/link.yaml": "../web/deploy.yaml", "apps/api/escape.yaml": "../../../etc/passwd"})
	one := src.Commit("one", nil)
	two := src.Commit("two", map[string]string{"apps/web/deploy.yaml": "kind: StatefulSet\n"})

	r := open(t, newCache(t), src.URL())
	resolve(t, r, "main")
	tree, err := r.FS(one)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := fs.ReadFile(tree, "apps/api/link.yaml"); err != nil || string(b) != "kind: Deployment\n" {
		t.Errorf("symlink inside: %q, %v", b, err)
	}
	if _, err := fs.ReadFile(tree, "apps/api/escape.yaml"); !errors.Is(err, git.ErrEscapes) {
		t.Errorf("symlink outside: err = %v, want ErrEscapes", err)
	}
	entries, err := fs.ReadDir(tree, "apps")
	if err != nil || len(entries) != 2 || entries[0].Name() != "api" || !entries[0].IsDir() {
		t.Errorf("ReadDir(apps) = %v, %v", entries, err)
	}
	if _, err := fs.ReadFile(tree, "../outside"); err == nil {
		t.Error("reading ../outside succeeded")
	}

	treeTwo, err := r.FS(two)
	if err != nil {
		t.Fatal(err)
	}
	for path, wantSame := range map[string]bool{"apps/api": true, "apps/web": false, "missing": true} {
		h1, _ := tree.TreeHash(path)
		h2, _ := treeTwo.TreeHash(path)
		if (h1 == h2) != wantSame {
			t.Errorf("TreeHash(%s): %s vs %s, want same=%v", path, h1, h2, wantSame)
		}
	}
}

// A symlinked directory inside the repository reads as the directory it
// points to (listed as a symlink, as os.ReadDir lists it); one that leaves
// the repository is refused, and a link to its own directory does not loop.
func TestTreeFSSymlinkedDirectories(t *testing.T) {
	src := gittest.New(t)
	src.Write(map[string]string{"apps/shared/cm.yaml": "kind: ConfigMap\n", "apps/web/deploy.yaml": "kind: Deployment\n"})
	src.Symlink(map[string]string{
		"apps/web/common":  "../shared",
		"apps/web/outside": "../../../etc",
		"apps/web/abs":     "/etc",
		"apps/web/self":    ".",
	})
	src.Commit("links", nil)
	r := open(t, newCache(t), src.URL())
	tree, err := r.FS(resolve(t, r, "main"))
	if err != nil {
		t.Fatal(err)
	}

	entries, err := fs.ReadDir(tree, "apps/web")
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]fs.FileMode{}
	for _, e := range entries {
		types[e.Name()] = e.Type()
	}
	if types["common"] != fs.ModeSymlink || types["deploy.yaml"] != 0 {
		t.Errorf("ReadDir(apps/web) types = %v, want common a symlink", types)
	}
	info, err := fs.Stat(tree, "apps/web/common")
	if err != nil || !info.IsDir() || info.Name() != "common" {
		t.Errorf("Stat(apps/web/common) = %v, %v; want the directory, named common", info, err)
	}
	if b, err := fs.ReadFile(tree, "apps/web/common/cm.yaml"); err != nil || string(b) != "kind: ConfigMap\n" {
		t.Errorf("ReadFile through the link: %q, %v", b, err)
	}
	var walked []string
	err = fs.WalkDir(tree, "apps/web/common", func(p string, d fs.DirEntry, err error) error {
		walked = append(walked, p)
		return err
	})
	if err != nil || strings.Join(walked, " ") != "apps/web/common apps/web/common/cm.yaml" {
		t.Errorf("WalkDir(apps/web/common) = %v, %v", walked, err)
	}
	h1, _ := tree.TreeHash("apps/web/common")
	h2, _ := tree.TreeHash("apps/shared")
	if h1 != h2 {
		t.Errorf("TreeHash through the link = %s, want the target's %s", h1, h2)
	}
	if b, err := fs.ReadFile(tree, "apps/web/self/self/deploy.yaml"); err != nil || string(b) != "kind: Deployment\n" {
		t.Errorf("ReadFile through a link to its own directory: %q, %v", b, err)
	}

	for _, name := range []string{"apps/web/outside", "apps/web/outside/passwd", "apps/web/abs", "apps/web/abs/passwd"} {
		if _, err := fs.Stat(tree, name); !errors.Is(err, git.ErrEscapes) {
			t.Errorf("Stat(%s): err = %v, want ErrEscapes", name, err)
		}
		if _, err := fs.ReadDir(tree, name); !errors.Is(err, git.ErrEscapes) {
			t.Errorf("ReadDir(%s): err = %v, want ErrEscapes", name, err)
		}
	}
	if _, err := fs.Stat(tree, "apps/web"+strings.Repeat("/self", 50)); err == nil || !strings.Contains(err.Error(), "too many symlinks") {
		t.Errorf("50 links deep: err = %v, want too many symlinks", err)
	}
}

// Many readers share one clone safely.
func TestConcurrentReaders(t *testing.T) {
	src := gittest.New(t)
	files := map[string]string{}
	for i := range 20 {
		files[filepath.Join("apps", string(rune('a'+i)), "cm.yaml")] = "kind: ConfigMap\n"
	}
	sha := src.Commit("apps", files)
	c := newCache(t)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := c.Repo(src.URL())
			if err != nil {
				errs <- err
				return
			}
			got, err := r.Resolve(context.Background(), "main", git.Credentials{}, git.FetchOptions{})
			if err != nil || got != sha {
				errs <- errors.Join(err, errors.New("wrong sha "+got))
				return
			}
			tree, err := r.FS(got)
			if err != nil {
				errs <- err
				return
			}
			for name := range files {
				if _, err := fs.ReadFile(tree, name); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
