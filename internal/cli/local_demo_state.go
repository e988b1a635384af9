package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// What a new `demo up` keeps of the previous demo in its directory: the
// served repository (with the user's pushed commits), the working clone
// (with their unpushed ones and uncommitted changes), and the addresses
// the repository's files name. Everything else (planes, caches, logs,
// Prometheus' data) is made again; the platform then syncs from the
// repository's head, as GitOps wants.
const (
	demoGitDir        = "git"
	demoCloneDir      = "platform"
	demoAddressesFile = "addresses.json"
)

// demoAnalysisValues is the file whose analysis names Prometheus.
const demoAnalysisValues = "charts/microservice/values.yaml"

// demoInClusterPrometheus is the Prometheus address of the example's
// analysis, which the demo replaces with its local Prometheus.
const demoInClusterPrometheus = "http://prometheus.monitoring.svc:9090"

// demoAddresses are the loopback addresses a demo served at, which its
// repository's files name: the Git server's in every repoURL, Prometheus'
// in the microservice chart's analysis. The next `demo up` serves at the
// same addresses when they are free, so that the kept repository stays
// valid; else it commits the new ones (see moveDemoRepo).
type demoAddresses struct {
	// Git is the Git server's host:port.
	Git string `json:"git"`
	// Prometheus is Prometheus' URL, "" when the demo ran without one.
	Prometheus string `json:"prometheus,omitempty"`
}

// repoURL is the repository's URL at the Git address.
func (a *demoAddresses) repoURL() string { return "http://" + a.Git + "/" + demoRepoName }

// write records the addresses in the demo directory.
func (a *demoAddresses) write(dir string) error {
	b, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		return fmt.Errorf("demo addresses: %w", err)
	}
	p := filepath.Join(dir, demoAddressesFile)
	if err := os.WriteFile(p, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}

// prepareDemoDir makes dir ready for a new demo once the previous one is
// stopped. With a served repository from a previous demo and no fresh, it
// keeps that repository, the working clone and the addresses record,
// removes everything else and returns the previous addresses; otherwise
// (fresh, or no repository) it empties dir and returns nil: the demo
// starts from the example. A previous demo without an addresses record
// (made before up kept repositories) has its Git address read from the
// clone's origin.
func prepareDemoDir(dir string, fresh bool) (*demoAddresses, error) {
	bare := filepath.Join(dir, demoGitDir, demoRepoName)
	var prev *demoAddresses
	if _, err := os.Stat(filepath.Join(bare, "HEAD")); err == nil && !fresh {
		var err error
		if prev, err = readDemoAddresses(dir); err != nil {
			return nil, err
		}
	}
	if prev == nil {
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("remove previous demo: %w", err)
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create demo directory: %w", err)
		}
		return nil, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("demo directory %s: %w", dir, err)
	}
	for _, e := range entries {
		switch e.Name() {
		case demoGitDir, demoCloneDir, demoAddressesFile:
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return nil, fmt.Errorf("remove previous demo's %s: %w", e.Name(), err)
		}
	}
	return prev, nil
}

// readDemoAddresses reads the addresses record of the demo in dir, or
// without one, the Git address of the working clone's origin; nil when
// neither says (the repository cannot be kept: its URLs are unknown).
func readDemoAddresses(dir string) (*demoAddresses, error) {
	p := filepath.Join(dir, demoAddressesFile)
	b, err := os.ReadFile(p)
	switch {
	case err == nil:
		a := &demoAddresses{}
		if err := json.Unmarshal(b, a); err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		if a.Git != "" {
			return a, nil
		}
	case !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	out, err := exec.Command("git", "-C", filepath.Join(dir, demoCloneDir), "remote", "get-url", "origin").Output()
	if err != nil {
		return nil, nil
	}
	addr, ok := strings.CutPrefix(strings.TrimSpace(string(out)), "http://")
	if addr, ok = strings.CutSuffix(addr, "/"+demoRepoName); !ok || strings.Contains(addr, "/") {
		return nil, nil
	}
	a := &demoAddresses{Git: addr}
	bare := filepath.Join(dir, demoGitDir, demoRepoName)
	values, _ := exec.Command("git", "--git-dir", bare, "show", "HEAD:"+demoAnalysisValues).Output()
	if m := demoLocalPrometheus.FindSubmatch(values); m != nil {
		a.Prometheus = string(m[1])
	}
	return a, nil
}

// demoLocalPrometheus finds the local Prometheus a demo committed to the
// analysis (pointAnalysisAt).
var demoLocalPrometheus = regexp.MustCompile(`address: (http://127\.0\.0\.1:[0-9]+)`)

// loopbackAddr is prev when it can be listened on now (the previous demo's
// address, kept stable across runs), else a free loopback address.
func loopbackAddr(prev string) (string, error) {
	if prev != "" {
		if ln, err := net.Listen("tcp", prev); err == nil {
			ln.Close()
			return prev, nil
		}
	}
	return freeLoopbackAddr()
}

// moveDemoRepo commits to the repository's default branch, in a clone of
// its own (never the user's working clone), every old replaced with new in
// the files of paths (all files when none); nothing when old is new or no
// file names it.
func moveDemoRepo(bare, old, new, message string, paths ...string) error {
	if old == new || old == "" {
		return nil
	}
	tmp, err := os.MkdirTemp("", "tiphys-demo-repo-")
	if err != nil {
		return fmt.Errorf("move demo repository: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := runQuiet("git", "clone", "--quiet", bare, tmp); err != nil {
		return fmt.Errorf("move demo repository: %w", err)
	}
	out, err := exec.Command("git", append([]string{"-C", tmp, "grep", "-l", "-z", "-F", "-e", old, "--"}, paths...)...).Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 1 {
		return nil // no file names it
	}
	if err != nil {
		return fmt.Errorf("move demo repository: git grep: %w", err)
	}
	for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		p := filepath.Join(tmp, f)
		b, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("move demo repository: %w", err)
		}
		if err := os.WriteFile(p, []byte(strings.ReplaceAll(string(b), old, new)), 0o644); err != nil {
			return fmt.Errorf("move demo repository: %w", err)
		}
	}
	for _, s := range [][]string{
		{"-C", tmp, "-c", "user.name=Tiphys demo", "-c", "user.email=demo@tiphys.local", "commit", "--quiet", "-am", message},
		{"-C", tmp, "push", "--quiet", "origin", "HEAD"},
	} {
		if err := runQuiet("git", s...); err != nil {
			return fmt.Errorf("move demo repository: %w", err)
		}
	}
	return nil
}

// syncDemoClone points the working clone's origin at url and, when it is
// on main, fast-forwards it to the repository's head: git keeps
// uncommitted changes and refuses to overwrite them. A clone that cannot
// be fast-forwarded (local commits, changes in the way, another branch) is
// left as it is; the returned note says to pull. A missing clone is made
// again from the repository.
func syncDemoClone(work, bare, url string) (string, error) {
	if _, err := os.Stat(filepath.Join(work, ".git")); errors.Is(err, os.ErrNotExist) {
		for _, s := range [][]string{
			{"clone", "--quiet", bare, work},
			{"-C", work, "config", "user.name", "Tiphys demo"},
			{"-C", work, "config", "user.email", "demo@tiphys.local"},
		} {
			if err := runQuiet("git", s...); err != nil {
				return "", fmt.Errorf("clone the demo repository: %w", err)
			}
		}
	}
	for _, s := range [][]string{
		{"-C", work, "remote", "set-url", "origin", url},
		{"-C", work, "fetch", "--quiet", bare, "+refs/heads/*:refs/remotes/origin/*"},
	} {
		if err := runQuiet("git", s...); err != nil {
			return "", fmt.Errorf("update the demo's working clone: %w", err)
		}
	}
	note := fmt.Sprintf("your clone %s is not at the repository's head (local commits, another branch, or uncommitted changes "+
		"to files the new commits change are in the way): git pull there", work)
	branch, err := exec.Command("git", "-C", work, "symbolic-ref", "--quiet", "--short", "HEAD").Output()
	if err != nil || strings.TrimSpace(string(branch)) != "main" {
		return note, nil
	}
	if err := runQuiet("git", "-C", work, "merge", "--quiet", "--ff-only", "origin/main"); err != nil {
		return note, nil
	}
	return "", nil
}
