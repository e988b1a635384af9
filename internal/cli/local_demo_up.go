package cli

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tiphys/tiphys/internal/localdemo"
)

type localDemoUpOptions struct {
	dir     string
	example string
	binDir  string
	timeout time.Duration
	fresh   bool
}

func newLocalDemoUpCmd() *cobra.Command {
	o := &localDemoUpOptions{}
	cmd := &cobra.Command{
		Use:   "up --dir DIR --example EXAMPLE",
		Short: "Start the example platform: two planes, the controllers and a local Git server",
		Long: `Start a management plane (2 nodes) and a workload plane (1 node) in DIR, install
the CRDs on both, register the workload plane as the cluster "workload", serve a Git
repository made from EXAMPLE over HTTP (working clone in DIR/platform), start the
controllers, apply the projects and the root app, and wait until every Application
is Synced and Healthy.

A demo already in DIR is stopped first. Its Git repository (DIR/git/platform.git) and
working clone (DIR/platform) are kept, with your commits and uncommitted changes: the
planes, caches and logs are made again and the platform syncs from the repository's head.
The repository is served at the same address as before when it is free (else a commit
moves its URLs to the new one, and the clone's origin follows). --fresh removes everything
and starts from EXAMPLE again.`,
		Example: `  tiphys local demo up --dir .state/demo --example examples/go-reliable-gitops
  tiphys local demo up --dir .state/demo --example examples/go-reliable-gitops --fresh
  tiphys local demo down --dir .state/demo`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd) },
	}
	cmd.Flags().StringVar(&o.dir, "dir", "", "directory of the demo (required)")
	cmd.Flags().StringVar(&o.example, "example", "examples/go-reliable-gitops", "the GitOps repository to run (its files use REPO_URL for the repository's URL)")
	cmd.Flags().StringVar(&o.binDir, "bin-dir", defaultBinDir(), "directory holding the control plane binaries")
	cmd.Flags().DurationVar(&o.timeout, "timeout", 10*time.Minute, "how long to wait for every Application to be Synced and Healthy")
	cmd.Flags().BoolVar(&o.fresh, "fresh", false, "remove the previous demo's repository and working clone too, and start from EXAMPLE")
	_ = cmd.MarkFlagRequired("dir")
	return cmd
}

func (o *localDemoUpOptions) run(cmd *cobra.Command) error {
	out := cmd.OutOrStdout()
	start := time.Now()
	dir, err := filepath.Abs(o.dir)
	if err != nil {
		return fmt.Errorf("demo directory %q: %w", o.dir, err)
	}
	example, err := filepath.Abs(o.example)
	if err != nil {
		return fmt.Errorf("example %q: %w", o.example, err)
	}
	if _, err := os.Stat(filepath.Join(example, "argocd", "root-app.yaml")); err != nil {
		return fmt.Errorf("example %s: no argocd/root-app.yaml: %w", example, err)
	}
	if _, err := exec.LookPath("kubectl"); err != nil {
		return fmt.Errorf("the demo applies its first objects with kubectl: %w", err)
	}
	step := func(format string, args ...any) {
		fmt.Fprintf(out, "[%4.0fs] %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, args...))
	}

	if err := checkDemoDir(dir); err != nil {
		return err
	}
	step("stopping any previous demo in %s", dir)
	if err := demoDown(cmd, dir); err != nil {
		return err
	}
	prev, err := prepareDemoDir(dir, o.fresh)
	if err != nil {
		return err
	}
	if prev != nil {
		step("keeping the previous demo's Git repository (git/%s) and working clone (platform/): the platform syncs from its head; "+
			"to start from the example again: tiphys local demo up --fresh --dir %s --example %s", demoRepoName, o.dir, o.example)
	}
	mgmt := filepath.Join(dir, demoManagement, "kubeconfig")
	work := filepath.Join(dir, demoWorkload, "kubeconfig")

	step("starting the management plane (2 nodes) and the workload plane (1 node)")
	errs := make(chan error, 2)
	for plane, nodes := range map[string]int{demoManagement: 2, demoWorkload: 1} {
		go func() {
			err := runSelf("local", "up", "--detach", "--dir", filepath.Join(dir, plane),
				"--bin-dir", o.binDir, "--nodes", strconv.Itoa(nodes))
			if err == nil {
				err = runSelf("install", "--kubeconfig", filepath.Join(dir, plane, "kubeconfig"))
			}
			if err != nil {
				err = fmt.Errorf("%s plane: %w", plane, err)
			}
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			return err
		}
	}

	step("registering the workload plane as cluster %q", demoWorkload)
	if err := runSelf("cluster", "add", "tiphys-local", "--name", demoWorkload,
		"--kubeconfig-file", work, "--kubeconfig", mgmt); err != nil {
		return err
	}

	addrs := &demoAddresses{}
	if prev != nil {
		addrs.Git = prev.Git
	}
	if addrs.Git, err = loopbackAddr(addrs.Git); err != nil {
		return fmt.Errorf("git server address: %w", err)
	}
	addr := addrs.Git
	gitRoot := filepath.Join(dir, demoGitDir)
	if err := os.MkdirAll(gitRoot, 0o700); err != nil {
		return fmt.Errorf("create git root: %w", err)
	}
	repoURL := addrs.repoURL()
	if prev != nil {
		step("serving the kept repository at %s", repoURL)
	} else {
		step("serving %s at %s", example, repoURL)
	}
	if err := startDetached(dir, "git-server", "local", "demo", "serve-git", "--root", gitRoot, "--listen", addr); err != nil {
		return err
	}
	if err := waitHTTP("http://"+addr+"/", 10*time.Second); err != nil {
		return fmt.Errorf("git server: %w (see %s)", err, filepath.Join(dir, "git-server.log"))
	}
	platform := filepath.Join(dir, demoCloneDir)
	bare := filepath.Join(gitRoot, demoRepoName)
	if prev == nil {
		if err := makeDemoRepo(example, bare, platform, repoURL); err != nil {
			return err
		}
	} else if prev.Git != addr {
		step("%s is taken: a commit moves the repository's URLs to %s", prev.Git, repoURL)
		if err := moveDemoRepo(bare, prev.repoURL(), repoURL, "demo: the Git server moved to "+addr); err != nil {
			return err
		}
	}

	var prometheus bool
	addrs.Prometheus, prometheus, err = startDemoAnalysis(step, dir, bare, platform, prev)
	if err != nil {
		return err
	}
	if prev != nil {
		note, err := syncDemoClone(platform, bare, repoURL)
		if err != nil {
			return err
		}
		if note != "" {
			step("%s", note)
		}
	}
	if err := addrs.write(dir); err != nil {
		return err
	}
	// The cluster gets the repository's head, whatever the working clone holds.
	head, err := os.MkdirTemp(dir, "head-")
	if err != nil {
		return fmt.Errorf("check out the demo repository: %w", err)
	}
	defer os.RemoveAll(head)
	if err := runQuiet("git", "clone", "--quiet", bare, head); err != nil {
		return fmt.Errorf("check out the demo repository: %w", err)
	}

	step("applying the demo's health overrides (argocd-cm)")
	cmPath := filepath.Join(dir, "argocd-cm.yaml")
	if err := os.WriteFile(cmPath, []byte(localdemo.ArgoCDCM), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", cmPath, err)
	}
	if err := runQuiet("kubectl", "--kubeconfig", mgmt, "apply", "-f", cmPath); err != nil {
		return err
	}

	step("starting the controllers (logs: controller.log, workload-controller.log)")
	if err := startDetached(dir, "controller", "controller", "--kubeconfig", mgmt,
		"--cache-dir", filepath.Join(dir, "cache"), "--metrics-addr", "127.0.0.1:0", "--git-poll", "5s"); err != nil {
		return err
	}
	// Rollouts run where they live: the workload plane has a controller of its
	// own, as each cluster has its Argo Rollouts; it holds no Applications.
	if err := startDetached(dir, "workload-controller", "controller", "--kubeconfig", work,
		"--cache-dir", filepath.Join(dir, "workload-cache"), "--metrics-addr", "127.0.0.1:0"); err != nil {
		return err
	}

	apiAddr, err := freeLoopbackAddr()
	if err != nil {
		return fmt.Errorf("API server address: %w", err)
	}
	step("starting the API server on http://%s (log: server.log)", apiAddr)
	if err := startDetached(dir, "server", "server", "--kubeconfig", mgmt, "--listen", apiAddr); err != nil {
		return err
	}

	step("applying argocd/projects/ and argocd/root-app.yaml")
	if err := runQuiet("kubectl", "--kubeconfig", mgmt, "apply",
		"-f", filepath.Join(head, "argocd", "projects"),
		"-f", filepath.Join(head, "argocd", "root-app.yaml")); err != nil {
		return err
	}

	expected := expectedApps(head, repoURL)
	if err := waitDemoApps(cmd.Context(), out, mgmt, expected, o.timeout, start); err != nil {
		return err
	}
	printDemoNext(out, dir, prometheus, apiAddr, time.Since(start))
	return nil
}

// checkDemoDir refuses a directory that up would wipe but that is not a
// demo's: it must be missing, empty, or hold a demo's plane or repository.
func checkDemoDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) || err == nil && len(entries) == 0 {
		return nil
	}
	if err != nil {
		return fmt.Errorf("demo directory %s: %w", dir, err)
	}
	for _, marker := range []string{demoManagement, demoWorkload, filepath.Join("git", demoRepoName)} {
		if _, err := os.Stat(filepath.Join(dir, marker)); err == nil {
			return nil
		}
	}
	return fmt.Errorf("demo directory %s holds files but no demo: up would remove them; give a new or empty directory", dir)
}

// waitHTTP waits until url answers at all.
func waitHTTP(url string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// expectedApps counts the Applications the platform makes: the root, the
// Application files under argocd/apps and what each ApplicationSet
// generates (rendered offline from the working clone). 0 when unknown.
func expectedApps(platform, repoURL string) int {
	n := 1
	err := filepath.WalkDir(filepath.Join(platform, "argocd", "apps"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n += strings.Count(string(b), "\nkind: Application\n")
		if strings.HasPrefix(string(b), "kind: Application\n") {
			n++
		}
		return nil
	})
	if err != nil {
		return 0
	}
	sets, _ := filepath.Glob(filepath.Join(platform, "argocd", "appsets", "*.yaml"))
	exe, err := os.Executable()
	if err != nil {
		return 0
	}
	for _, f := range sets {
		b, err := exec.Command(exe, "appset", "generate", "-f", f, "--repo-path", repoURL+"="+platform, "-o", "name").Output()
		if err != nil {
			return 0
		}
		n += len(strings.Fields(string(b)))
	}
	return n
}

func printDemoNext(out io.Writer, dir string, prometheus bool, apiAddr string, took time.Duration) {
	rel := dir
	// The export is kept past a cd: a path relative to the working
	// directory is printed after $PWD.
	kubeconfig := filepath.Join(dir, demoManagement, "kubeconfig")
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, dir); err == nil && !strings.HasPrefix(r, "..") {
			rel = r
			kubeconfig = "$PWD/" + filepath.ToSlash(filepath.Join(r, demoManagement, "kubeconfig"))
		}
	}
	analysis := fmt.Sprintf(`Its analysis asks the demo's Prometheus, where every service answers without
    errors: the canary goes 20 %%, 50 %%, 100 %% in about 6 minutes. For an abort, make 5 %%
    of order-service's requests fail first: echo "order-service 5" > %s/errors`, rel)
	if !prometheus {
		analysis = `Its analysis asks Prometheus, which does not run in this demo: the run fails
    and the Rollout aborts back to stable, the safety net at work.`
	}
	fmt.Fprintf(out, `
The example platform is up in %s: every Application is Synced and Healthy.

  export KUBECONFIG=%s     # the management plane (workload: %s/workload/kubeconfig)
  bin/tiphys app list                            # root, infrastructure, 8 microservices (production on "workload")

Try:
  - a change: edit %s/platform/environments/production/order-service/values.yaml
    (say image.tag), then: git -C %s/platform commit -am "order-service: new tag" && git -C %s/platform push
    The app syncs within seconds; the Rollout on the workload plane starts a canary:
      bin/tiphys rollout get order-service -N order-service-production --kubeconfig %s/workload/kubeconfig --watch
    %s
  - a rollback: bin/tiphys app history order-service-production, then
    bin/tiphys app rollback order-service-production ID (syncs that revision and holds the app there)
  - the API (Argo CD's REST paths): kubectl -n argocd get secret argocd-initial-admin-secret \
      -o jsonpath='{.data.password}' | base64 -d | bin/tiphys login %s --password-stdin
    then bin/tiphys app list --server %s
  - the web UI: http://%s/ (user admin, the same password; docs/ui.md)
  - the logs: %s/controller.log, %s/workload-controller.log, %s/server.log
  - stop it all: make demo-down

`, took.Round(time.Second), kubeconfig, rel, rel, rel, rel, rel, analysis, apiAddr, apiAddr, apiAddr, rel, rel, rel)
}
