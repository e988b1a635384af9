// Command render measures the render cache on a monorepo of N applications:
// a cold render of every app, a warm pass (a resync: nothing changed), and a
// pass after a commit that touches one app's values file. Beside each, the
// baseline renders every app every time, as a controller without a render
// cache does on every resync and commit. The pass after the commit is the
// one-app commit cost of issue #8, printed beside its figure before
// (-cpuprofile profiles it).
//
//	go run ./bench/render -apps 1000
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/render"
	"github.com/tiphys/tiphys/internal/source/git"
)

func main() {
	apps := flag.Int("apps", 1000, "number of applications in the monorepo")
	flag.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the cached pass after the one-app commit to this file")
	flag.Parse()
	if err := run(*apps); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// cpuProfile is where -cpuprofile writes the profile of the one-app commit.
var cpuProfile string

func run(n int) error {
	dir, err := os.MkdirTemp("", "tiphys-bench-render-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	repoDir := filepath.Join(dir, "repo")
	if err := writeMonorepo(repoDir, n); err != nil {
		return err
	}
	gc, err := git.NewCache(git.CacheOptions{Dir: filepath.Join(dir, "cache")})
	if err != nil {
		return err
	}
	repo, err := gc.Repo("file://" + repoDir)
	if err != nil {
		return err
	}
	cache := render.NewCache(0)

	type row struct {
		phase              string
		renders, baseline  int64
		took, baselineTook time.Duration
	}
	var rows []row
	pass := func(phase, profile string) error {
		tree, err := head(repo)
		if err != nil {
			return err
		}
		before := cache.Stats().Renders
		stop, err := startProfile(profile)
		if err != nil {
			return err
		}
		start := time.Now()
		if err := renderAll(tree, n, cache.Render); err != nil {
			return err
		}
		took := time.Since(start)
		stop()
		start = time.Now()
		if err := renderAll(tree, n, render.Render); err != nil {
			return err
		}
		rows = append(rows, row{phase, cache.Stats().Renders - before, int64(n), took, time.Since(start)})
		return nil
	}
	if err := pass("cold", ""); err != nil {
		return err
	}
	if err := pass("warm (resync, no change)", ""); err != nil {
		return err
	}
	if err := gitCmd(repoDir, "commit", "-q", "--allow-empty", "-m", "docs", "--", "."); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(repoDir, "envs", "app-42", "values.yaml"), []byte("replicas: 9\n"), 0o644); err != nil {
		return err
	}
	if err := gitCmd(repoDir, "commit", "-q", "-am", "scale app-42"); err != nil {
		return err
	}
	if err := pass("commit touching one values file", cpuProfile); err != nil {
		return err
	}

	fmt.Printf("render cache, %d apps (half Helm with a values file each, half plain directories)\n\n", n)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "pass\ttiphys renders\ttiphys time\tbaseline renders\tbaseline time\t")
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%d\t%s\t%d\t%s\t\n", r.phase, r.renders, r.took.Round(time.Millisecond), r.baseline, r.baselineTook.Round(time.Millisecond))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	commit := rows[len(rows)-1].took
	fmt.Printf("\none-app commit at %d apps: %s (before issue #8: 1.16s at 1000 apps; goal: 50ms)\n", n, commit.Round(time.Millisecond))
	return nil
}

// startProfile starts a CPU profile into path ("" for none) and returns its stop.
func startProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); _ = f.Close() }, nil
}

func head(repo *git.Repo) (*git.TreeFS, error) {
	sha, err := repo.Resolve(context.Background(), "main", git.Credentials{}, git.FetchOptions{Refresh: true})
	if err != nil {
		return nil, err
	}
	return repo.FS(sha)
}

func renderAll(tree *git.TreeFS, n int, fn func(context.Context, render.Request) (*render.Result, error)) error {
	for i := range n {
		src := v1alpha1.ApplicationSource{Path: fmt.Sprintf("apps/app-%d", i)}
		if i%2 == 0 {
			src = v1alpha1.ApplicationSource{Path: "charts/svc", Helm: &v1alpha1.ApplicationSourceHelm{
				ValueFiles: []string{fmt.Sprintf("../../envs/app-%d/values.yaml", i)}}}
		}
		if _, err := fn(context.Background(), render.Request{
			AppName: fmt.Sprintf("app-%d", i), Namespace: fmt.Sprintf("app-%d", i), Source: src, Repo: tree,
		}); err != nil {
			return err
		}
	}
	return nil
}

func writeMonorepo(dir string, n int) error {
	files := map[string]string{
		"charts/svc/Chart.yaml":         "apiVersion: v2\nname: svc\nversion: 0.1.0\n",
		"charts/svc/values.yaml":        "replicas: 1\nimage: example/svc:1.0.0\n",
		"charts/svc/templates/all.yaml": strings.TrimSpace(helmTemplates) + "\n",
	}
	for i := range n {
		if i%2 == 0 {
			files[fmt.Sprintf("envs/app-%d/values.yaml", i)] = "replicas: 2\n"
		} else {
			files[fmt.Sprintf("apps/app-%d/all.yaml", i)] = fmt.Sprintf(plainManifests, i)
		}
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return err
		}
	}
	if err := gitCmd(dir, "init", "-q", "-b", "main"); err != nil {
		return err
	}
	if err := gitCmd(dir, "add", "-A"); err != nil {
		return err
	}
	return gitCmd(dir, "commit", "-q", "-m", "apps")
}

func gitCmd(dir string, args ...string) error {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=bench", "GIT_AUTHOR_EMAIL=bench@example.com",
		"GIT_COMMITTER_NAME=bench", "GIT_COMMITTER_EMAIL=bench@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, out)
	}
	return nil
}

const helmTemplates = `
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .Release.Name }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
data:
  replicas: {{ .Values.replicas | quote }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  selector: {app: {{ .Release.Name }}}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector: {matchLabels: {app: {{ .Release.Name }}}}
  template:
    metadata: {labels: {app: {{ .Release.Name }}}}
    spec:
      serviceAccountName: {{ .Release.Name }}
      containers: [{name: app, image: {{ .Values.image }}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ .Release.Name }}
spec:
  rules:
  - host: {{ .Release.Name }}.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: {{ .Release.Name }}, port: {number: 80}}}}
`

const plainManifests = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: app-%[1]d
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-%[1]d
data:
  replicas: "1"
---
apiVersion: v1
kind: Service
metadata:
  name: app-%[1]d
spec:
  selector: {app: app-%[1]d}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%[1]d
spec:
  replicas: 1
  selector: {matchLabels: {app: app-%[1]d}}
  template:
    metadata: {labels: {app: app-%[1]d}}
    spec:
      containers: [{name: app, image: example/app:1.0.0}]
`
