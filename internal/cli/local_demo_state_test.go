package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/internal/localdemo"
)

// gitIn runs git in dir and returns its trimmed output.
func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// previousDemo makes in dir what a stopped demo served at gitAddr leaves:
// the repository, the working clone (its origin at gitAddr, with a pushed
// commit, an uncommitted change and a file the user made), the planes'
// directories, caches and logs.
func previousDemo(t *testing.T, dir, gitAddr string, record bool) {
	t.Helper()
	example := t.TempDir()
	writeFile(t, example, "root-app.yaml", "repoURL: REPO_URL\n")
	if err := os.MkdirAll(filepath.Join(example, "charts", "microservice"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, example, "charts/microservice/values.yaml", "address: "+demoInClusterPrometheus+"\n")
	bare, work := filepath.Join(dir, demoGitDir, demoRepoName), filepath.Join(dir, demoCloneDir)
	url := "http://" + gitAddr + "/" + demoRepoName
	if err := localdemo.CopyExample(example, work, url); err != nil {
		t.Fatal(err)
	}
	gitIn(t, dir, "init", "--quiet", "--bare", "--initial-branch", "main", bare)
	gitIn(t, work, "init", "--quiet", "--initial-branch", "main")
	gitIn(t, work, "config", "user.name", "Ada")
	gitIn(t, work, "config", "user.email", "ada@example.com")
	gitIn(t, work, "add", "--all")
	gitIn(t, work, "commit", "--quiet", "-m", "example")
	gitIn(t, work, "remote", "add", "origin", url)
	gitIn(t, work, "push", "--quiet", bare, "main")
	gitIn(t, work, "fetch", "--quiet", bare, "+refs/heads/*:refs/remotes/origin/*")
	gitIn(t, work, "branch", "--quiet", "--set-upstream-to", "origin/main")
	writeFile(t, work, "mine.yaml", "a: 1\n") // the user's commit
	gitIn(t, work, "add", "mine.yaml")
	gitIn(t, work, "commit", "--quiet", "-m", "mine")
	gitIn(t, work, "push", "--quiet", bare, "main")
	gitIn(t, work, "fetch", "--quiet", bare, "+refs/heads/*:refs/remotes/origin/*")
	writeFile(t, work, "mine.yaml", "a: 2\n") // uncommitted
	writeFile(t, work, "notes.txt", "untracked\n")
	for _, d := range []string{demoManagement, demoWorkload, "cache", "prometheus"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, dir, "controller.log", "log\n")
	writeFile(t, dir, "errors", "order-service 5\n")
	if record {
		if err := (&demoAddresses{Git: gitAddr}).write(dir); err != nil {
			t.Fatal(err)
		}
	}
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// Given a stopped demo whose user committed, pushed and left changes,
// When a new demo prepares its directory, Then the repository, the
// working clone and the addresses record are kept and the rest removed,
// unless --fresh, or when there is no repository to keep.
func TestPrepareDemoDir(t *testing.T) {
	tests := []struct {
		name        string
		fresh       bool
		noRepo      bool
		record      bool
		wantKept    *demoAddresses
		wantEntries []string
	}{
		{"kept, with the addresses record", false, false, true, &demoAddresses{Git: "127.0.0.1:40001"},
			[]string{demoAddressesFile, demoGitDir, demoCloneDir}},
		{"kept, the Git address from the clone's origin", false, false, false, &demoAddresses{Git: "127.0.0.1:40001"},
			[]string{demoGitDir, demoCloneDir}},
		{"--fresh removes everything", true, false, true, nil, nil},
		{"no repository: nothing to keep", false, true, true, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "demo")
			previousDemo(t, dir, "127.0.0.1:40001", tt.record)
			if tt.noRepo {
				if err := os.RemoveAll(filepath.Join(dir, demoGitDir)); err != nil {
					t.Fatal(err)
				}
			}
			kept, err := prepareDemoDir(dir, tt.fresh)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(kept, tt.wantKept) {
				t.Errorf("kept = %+v, want %+v", kept, tt.wantKept)
			}
			if got := entries(t, dir); !reflect.DeepEqual(got, tt.wantEntries) {
				t.Errorf("demo directory holds %q, want %q", got, tt.wantEntries)
			}
			if kept == nil {
				return
			}
			work := filepath.Join(dir, demoCloneDir)
			if got := gitIn(t, work, "status", "--porcelain"); got != "M mine.yaml\n?? notes.txt" {
				t.Errorf("clone's changes = %q, want the uncommitted and untracked files left", got)
			}
			if got := gitIn(t, filepath.Join(dir, demoGitDir, demoRepoName), "log", "--format=%s", "main"); got != "mine\nexample" {
				t.Errorf("repository's history = %q", got)
			}
		})
	}
}

// Given a kept repository whose URLs name the previous Git server's
// address, When the new server listens elsewhere, Then one commit on the
// repository (not in the user's clone) moves every URL, the analysis'
// Prometheus address moves in its file only, and the clone follows: its
// origin is the new URL and it is fast-forwarded, its uncommitted change
// kept.
func TestMoveDemoRepo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	previousDemo(t, dir, "127.0.0.1:40001", true)
	bare, work := filepath.Join(dir, demoGitDir, demoRepoName), filepath.Join(dir, demoCloneDir)
	old, now := (&demoAddresses{Git: "127.0.0.1:40001"}).repoURL(), (&demoAddresses{Git: "127.0.0.1:40002"}).repoURL()
	if err := moveDemoRepo(bare, old, now, "demo: the Git server moved"); err != nil {
		t.Fatal(err)
	}
	if err := moveDemoRepo(bare, "address: "+demoInClusterPrometheus, "address: http://127.0.0.1:9", "demo: local Prometheus", demoAnalysisValues); err != nil {
		t.Fatal(err)
	}
	if err := moveDemoRepo(bare, "absent", "x", "nothing to do"); err != nil {
		t.Fatal(err)
	}
	if got := gitIn(t, bare, "log", "--format=%s", "main"); got != "demo: local Prometheus\ndemo: the Git server moved\nmine\nexample" {
		t.Errorf("repository's history = %q", got)
	}
	if got := gitIn(t, bare, "show", "main:root-app.yaml"); got != "repoURL: "+now {
		t.Errorf("root-app.yaml = %q, want the new URL", got)
	}
	note, err := syncDemoClone(work, bare, now)
	if err != nil || note != "" {
		t.Fatalf("syncDemoClone = %q, %v", note, err)
	}
	if got := gitIn(t, work, "remote", "get-url", "origin"); got != now {
		t.Errorf("origin = %q, want %q", got, now)
	}
	if got, want := gitIn(t, work, "rev-parse", "HEAD"), gitIn(t, bare, "rev-parse", "main"); got != want {
		t.Errorf("clone at %s, want the repository's head %s", got, want)
	}
	if got := gitIn(t, work, "status", "--porcelain"); got != "M mine.yaml\n?? notes.txt" {
		t.Errorf("clone's changes = %q, want them kept", got)
	}
	if b, _ := os.ReadFile(filepath.Join(work, "charts", "microservice", "values.yaml")); string(b) != "address: http://127.0.0.1:9\n" {
		t.Errorf("clone's values.yaml = %q", b)
	}

	// A clone with a local commit is not fast-forwarded: the note says to pull.
	writeFile(t, work, "local.yaml", "b: 1\n")
	gitIn(t, work, "add", "local.yaml")
	gitIn(t, work, "commit", "--quiet", "-m", "local")
	if err := moveDemoRepo(bare, now, old, "demo: moved back"); err != nil {
		t.Fatal(err)
	}
	note, err = syncDemoClone(work, bare, old)
	if err != nil || !strings.Contains(note, "git pull") {
		t.Errorf("syncDemoClone = %q, %v; want a note to pull", note, err)
	}
	if got := gitIn(t, work, "log", "-1", "--format=%s"); got != "local" {
		t.Errorf("clone's head = %q, want the local commit kept", got)
	}
}
