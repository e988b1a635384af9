package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/client-go/discovery"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/cluster"
	"github.com/tiphys/tiphys/internal/diff"
	"github.com/tiphys/tiphys/internal/render"
	"github.com/tiphys/tiphys/internal/source"
	"github.com/tiphys/tiphys/internal/source/git"
	tsync "github.com/tiphys/tiphys/internal/sync"
	"github.com/tiphys/tiphys/internal/tracking"
	"github.com/tiphys/tiphys/internal/version"
)

type appManifestsOptions struct {
	file        string
	repoPaths   []string
	kubeVersion string
	apiVersions []string
	cacheDir    string
	kubeconfig  string
}

func newAppManifestsCmd() *cobra.Command {
	o := &appManifestsOptions{}
	cmd := &cobra.Command{
		Use:   "manifests -f APP.yaml",
		Short: "Render an Application file offline and print its objects in sync order",
		Long: `Render the Application in a file as the controller would, without a cluster, and print
the objects as YAML in the order a sync applies them (phase, wave, kind, name).
Secret values are masked with runs of "+", as in Argo CD.

Each source's repository is cloned into the local cache and its targetRevision
resolved, unless --repo-path maps the repository URL to a local directory, which
is then read as it is (handy for a branch you have checked out).`,
		Example: `  tiphys app manifests -f argocd/apps/web.yaml
  tiphys app manifests -f app.yaml --repo-path https://git.example.com/platform/gitops.git=.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), cmd.OutOrStdout()) },
	}
	cmd.Flags().StringVarP(&o.file, "file", "f", "", "Application YAML file (required)")
	cmd.Flags().StringArrayVar(&o.repoPaths, "repo-path", nil, "read repository URL from a local directory: URL=DIR (repeatable)")
	cmd.Flags().StringVar(&o.kubeVersion, "kube-version", strings.TrimPrefix(version.Kubernetes, "v"), "Kubernetes version the templates see")
	cmd.Flags().StringArrayVar(&o.apiVersions, "api-versions", nil, "API versions the templates see (repeatable)")
	cmd.Flags().StringVar(&o.cacheDir, "cache-dir", defaultCacheDir("repos"), "where repositories are cloned")
	cmd.Flags().StringVar(&o.kubeconfig, "kubeconfig", "", "take the Kubernetes version, API versions and kind scopes from this cluster's discovery")
	_ = cmd.MarkFlagRequired("file")
	return cmd
}

func defaultCacheDir(sub string) string {
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		if home, err := os.UserHomeDir(); err == nil {
			base = filepath.Join(home, ".cache")
		}
	}
	return filepath.Join(base, "tiphys", sub)
}

func (o *appManifestsOptions) run(ctx context.Context, out io.Writer) error {
	app, err := readApplication(o.file)
	if err != nil {
		return err
	}
	opener := &source.Opener{LocalPaths: map[string]string{}}
	for _, rp := range o.repoPaths {
		url, dir, ok := strings.Cut(rp, "=")
		if !ok || url == "" || dir == "" {
			return fmt.Errorf("--repo-path %q: want URL=DIR", rp)
		}
		opener.LocalPaths[url] = dir
	}
	if opener.Git, err = git.NewCache(git.CacheOptions{Dir: o.cacheDir}); err != nil {
		return err
	}
	var namespaced render.ScopeFunc
	if o.kubeconfig != "" {
		d, err := o.discovery()
		if err != nil {
			return err
		}
		namespaced = d.Namespaced
		if o.kubeVersion, err = d.KubeVersion(); err != nil {
			return err
		}
		if len(o.apiVersions) == 0 {
			if o.apiVersions, err = d.APIVersions(); err != nil {
				return err
			}
		}
	}
	res, err := render.RenderApp(ctx, render.AppRequest{
		Namespaced:  namespaced,
		AppName:     tracking.AppInstanceName(app.Name, app.Namespace, "argocd"),
		Spec:        app.Spec,
		KubeVersion: o.kubeVersion,
		APIVersions: o.apiVersions,
		Charts:      &render.HTTPCharts{},
		Remote:      opener.Remote,
		Open:        opener.Source,
	})
	if err != nil {
		return fmt.Errorf("application file %s: %w", o.file, err)
	}
	tsync.Order(res.Objects)
	for _, obj := range res.Objects {
		obj, _ = diff.HideSecretData(obj, nil)
		b, err := yaml.Marshal(obj.Object)
		if err != nil {
			return fmt.Errorf("print %s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
		if _, err := fmt.Fprintf(out, "---\n%s", b); err != nil {
			return err
		}
	}
	return nil
}

func (o *appManifestsOptions) discovery() (*cluster.Discovery, error) {
	cfg, err := loadKubeconfig(o.kubeconfig)
	if err != nil {
		return nil, err
	}
	client, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("discovery client: %w", err)
	}
	return cluster.NewDiscovery(client), nil
}

// readApplication reads one Application from a YAML or JSON file, strictly:
// a misspelt field is an error, as the API server would reject it.
func readApplication(file string) (*v1alpha1.Application, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("application file: %w", err)
	}
	app := &v1alpha1.Application{}
	if err := yaml.UnmarshalStrict(b, app); err != nil {
		return nil, fmt.Errorf("application file %s: %w", file, err)
	}
	if app.Kind != "Application" || app.APIVersion != v1alpha1.SchemeGroupVersion.String() {
		return nil, fmt.Errorf("application file %s: kind %q %q is not an argoproj.io/v1alpha1 Application", file, app.APIVersion, app.Kind)
	}
	if app.Name == "" {
		return nil, fmt.Errorf("application file %s: metadata.name is empty", file)
	}
	return app, nil
}
