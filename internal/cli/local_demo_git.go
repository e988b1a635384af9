package cli

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tiphys/tiphys/internal/localdemo"
)

func newLocalDemoServeGitCmd() *cobra.Command {
	var root, listen string
	cmd := &cobra.Command{
		Use:    "serve-git --root DIR --listen ADDR",
		Short:  "Serve the Git repositories under DIR over HTTP with git http-backend (pushes too)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			gitPath, err := exec.LookPath("git")
			if err != nil {
				return fmt.Errorf("serve git: %w", err)
			}
			h := &cgi.Handler{
				Path: gitPath,
				Args: []string{"http-backend"},
				Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"},
			}
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return fmt.Errorf("serve git: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "serving %s on http://%s\n", root, ln.Addr())
			srv := &http.Server{Handler: h}
			go func() { <-cmd.Context().Done(); _ = srv.Close() }()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("serve git: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&root, "root", "", "directory holding the bare repositories (required)")
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:0", "address to listen on")
	_ = cmd.MarkFlagRequired("root")
	return cmd
}

// makeDemoRepo makes the bare repository bare and its working clone work
// from the example directory, with REPO_URL replaced by url in every file,
// and pushes the first commit. Symlinks are kept as symlinks.
func makeDemoRepo(example, bare, work, url string) error {
	if err := localdemo.CopyExample(example, work, url); err != nil {
		return err
	}
	steps := [][]string{
		{"init", "--quiet", "--bare", "--initial-branch", "main", bare},
		{"-C", bare, "config", "http.receivepack", "true"},
		{"-C", work, "init", "--quiet", "--initial-branch", "main"},
		{"-C", work, "config", "user.name", "Tiphys demo"},
		{"-C", work, "config", "user.email", "demo@tiphys.local"},
		{"-C", work, "add", "--all"},
		{"-C", work, "commit", "--quiet", "-m", "go-reliable-gitops: the example platform"},
		{"-C", work, "remote", "add", "origin", url},
		{"-C", work, "push", "--quiet", "-u", "origin", "main"},
	}
	for _, s := range steps {
		if err := runQuiet("git", s...); err != nil {
			return fmt.Errorf("make demo repository: %w", err)
		}
	}
	if err := addProductionSecretNamespaces(work); err != nil {
		return err
	}
	steps = [][]string{
		{"-C", work, "add", "--all"},
		{"-C", work, "commit", "--quiet", "-m", "demo: the production namespaces of the ExternalSecrets on the management plane"},
		{"-C", work, "push", "--quiet"},
	}
	for _, s := range steps {
		if err := runQuiet("git", s...); err != nil {
			return fmt.Errorf("make demo repository: %w", err)
		}
	}
	return nil
}

// addProductionSecretNamespaces writes external-secrets/production/namespaces.yaml:
// the example keeps every ExternalSecret in one app on the management
// cluster, in the service namespaces, which only the microservice apps
// create; production's run on the workload plane, so on the management plane
// nothing else makes them (see the example's README, Secrets).
func addProductionSecretNamespaces(work string) error {
	files, _ := filepath.Glob(filepath.Join(work, "external-secrets", "production", "*.yaml"))
	seen := map[string]bool{}
	var b strings.Builder
	b.WriteString("# Added by tiphys local demo: production runs on the workload cluster, so\n" +
		"# nothing else creates these namespaces on the management cluster.\n")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("read %s: %w", f, err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			ns, ok := strings.CutPrefix(strings.TrimSpace(line), "namespace: ")
			if !ok || !strings.HasSuffix(ns, "-production") || seen[ns] {
				continue
			}
			seen[ns] = true
			fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n", ns)
		}
	}
	if len(seen) == 0 {
		return nil
	}
	p := filepath.Join(work, "external-secrets", "production", "namespaces.yaml")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}

// freeLoopbackAddr returns a loopback address with a port free right now.
func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
