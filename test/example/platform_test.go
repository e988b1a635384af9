// Package example checks examples/go-reliable-gitops offline, with Tiphys'
// own renderer, ApplicationSet generators and project rules: the example is
// committed to a temporary Git repository (REPO_URL replaced by its file://
// URL, as make demo does), and every Application the platform makes renders
// and is allowed by its project. No cluster is needed.
package example

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/cluster"
	"github.com/tiphys/tiphys/internal/controller/applicationset"
	"github.com/tiphys/tiphys/internal/controller/applicationset/generators"
	"github.com/tiphys/tiphys/internal/project"
	"github.com/tiphys/tiphys/internal/render"
	"github.com/tiphys/tiphys/internal/source"
	"github.com/tiphys/tiphys/internal/source/git"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// exampleDir is the example, relative to this package.
const exampleDir = "../../examples/go-reliable-gitops"

// workloadServer is the server of the cluster Secret "workload" that the
// demo creates; here it only resolves the name for the project checks.
const workloadServer = "https://workload.example.com:6443"

var (
	services = []string{"api-gateway", "order-service", "notification-worker", "ml-inference-gateway"}
	envs     = []string{"staging", "production"}
)

// platform is the example as the controller would see it: the files under
// argocd/ parsed, every Application (hand-written and generated), and the
// renders of all of them.
type platform struct {
	repoURL  string
	opener   *source.Opener
	root     *v1alpha1.Application
	apps     map[string]*v1alpha1.Application // root's children, by name
	appFiles map[string]string                // child name -> file
	sets     map[string]*v1alpha1.ApplicationSet
	projects map[string]*v1alpha1.AppProject
	// generated are the ApplicationSets' Applications, by set name.
	generated map[string][]*v1alpha1.Application
	// renders of every Application (root included), by name.
	renders map[string]*render.AppResult
	// crds are the kinds the platform's CRDs define (namespaced or not).
	crds map[schema.GroupKind]bool
	// crdOwner is the app that renders each CRD kind.
	crdOwner map[schema.GroupKind]string
}

func TestGoReliableGitOps(t *testing.T) {
	p := load(t)

	t.Run("argocd files parse as their kinds", func(t *testing.T) {
		if len(p.apps) != 19 || len(p.sets) != 3 || len(p.projects) != 3 {
			t.Errorf("argocd/: %d Applications, %d ApplicationSets, %d AppProjects; want 19, 3, 3", len(p.apps), len(p.sets), len(p.projects))
		}
		for _, name := range []string{"staging", "production", "platform"} {
			if p.projects[name] == nil {
				t.Errorf("no AppProject %q", name)
			} else if err := project.Validate(p.projects[name]); err != nil {
				t.Errorf("AppProject %s: %v", name, err)
			}
		}
	})

	t.Run("root app renders every Application file", func(t *testing.T) {
		var got []string
		for _, o := range p.renders[p.root.Name].Objects {
			if o.GetKind() != "Application" {
				t.Errorf("root renders %s %s, want only Applications", o.GetKind(), o.GetName())
			}
			got = append(got, o.GetName())
		}
		want := sortedKeys(p.apps)
		sort.Strings(got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("root renders %v\nwant (one per file under argocd/apps) %v", got, want)
		}
	})

	t.Run("ApplicationSets generate the expected apps", func(t *testing.T) {
		var micro []string
		for _, s := range services {
			for _, e := range envs {
				micro = append(micro, s+"-"+e)
			}
		}
		sort.Strings(micro)
		want := map[string][]string{
			"microservices":   micro,
			"kubeflow":        {"kubeflow-central-dashboard", "kubeflow-profiles", "kubeflow-training-operator"},
			"governance-jobs": {"drift-detector", "model-evaluator"},
		}
		for set, names := range want {
			var got []string
			for _, a := range p.generated[set] {
				got = append(got, a.Name)
			}
			sort.Strings(got)
			if !reflect.DeepEqual(got, names) {
				t.Errorf("ApplicationSet %s makes %v, want %v", set, got, names)
			}
		}
	})

	t.Run("every app is allowed by its project", func(t *testing.T) {
		for _, app := range p.allApps() {
			p.checkProject(t, app)
		}
	})

	t.Run("no Secret with data", func(t *testing.T) {
		for name, res := range p.renders {
			for _, o := range res.Objects {
				if o.GetKind() != "Secret" {
					continue
				}
				for _, f := range []string{"data", "stringData"} {
					if m, _, _ := unstructured.NestedMap(o.Object, f); len(m) > 0 {
						t.Errorf("app %s renders Secret %s with %s", name, o.GetName(), f)
					}
				}
			}
		}
	})

	t.Run("microservices", func(t *testing.T) { p.checkMicroservices(t) })

	t.Run("CRD providers sync in earlier waves than their users", func(t *testing.T) {
		// The kinds the platform's own objects need come from its stand-in charts.
		for _, gk := range []schema.GroupKind{
			{Group: "external-secrets.io", Kind: "ExternalSecret"}, {Group: "external-secrets.io", Kind: "ClusterSecretStore"},
			{Group: "serving.kserve.io", Kind: "InferenceService"}, {Group: "cert-manager.io", Kind: "ClusterIssuer"},
			{Group: "monitoring.coreos.com", Kind: "ServiceMonitor"},
		} {
			if p.crdOwner[gk] == "" {
				t.Errorf("no app renders the CRD of %s", gk)
			}
		}
		for name, res := range p.renders {
			if name == p.root.Name {
				continue
			}
			seen := map[schema.GroupKind]bool{}
			for _, o := range res.Objects {
				gk := o.GroupVersionKind().GroupKind()
				owner, ok := p.crdOwner[gk]
				if !ok || owner == name || seen[gk] {
					continue
				}
				seen[gk] = true
				if p.wave(owner) >= p.wave(name) {
					t.Errorf("app %s (wave %d) uses %s, whose CRD app %s has wave %d", name, p.wave(name), gk, owner, p.wave(owner))
				}
			}
		}
	})
}

// load commits the example to a Git repository with REPO_URL replaced,
// parses argocd/, generates the ApplicationSets and renders every app
// twice: once to learn the platform's CRDs, once with their scopes (as the
// controller learns them from discovery).
func load(t *testing.T) *platform {
	t.Helper()
	repo := gittest.New(t)
	copyExample(t, repo)
	cache, err := git.NewCache(git.CacheOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	p := &platform{
		repoURL: repo.URL(), opener: &source.Opener{Git: cache},
		apps: map[string]*v1alpha1.Application{}, appFiles: map[string]string{},
		sets: map[string]*v1alpha1.ApplicationSet{}, projects: map[string]*v1alpha1.AppProject{},
		generated: map[string][]*v1alpha1.Application{},
	}
	p.parseArgoCD(t, repo.Dir)
	p.generate(t)
	p.renderAll(t, nil)
	p.crds, p.crdOwner = map[schema.GroupKind]bool{}, map[schema.GroupKind]string{}
	for name, res := range p.renders {
		for _, o := range res.Objects {
			if o.GetKind() != "CustomResourceDefinition" {
				continue
			}
			group, _, _ := unstructured.NestedString(o.Object, "spec", "group")
			kind, _, _ := unstructured.NestedString(o.Object, "spec", "names", "kind")
			scope, _, _ := unstructured.NestedString(o.Object, "spec", "scope")
			gk := schema.GroupKind{Group: group, Kind: kind}
			if prev, dup := p.crdOwner[gk]; dup {
				t.Errorf("CRD %s rendered by both %s and %s", gk, prev, name)
			}
			p.crds[gk], p.crdOwner[gk] = scope == "Namespaced", name
		}
	}
	p.renderAll(t, func(gk schema.GroupKind) (bool, bool) {
		if namespaced, ok := p.crds[gk]; ok {
			return namespaced, true
		}
		return !clusterScoped[gk], clusterScoped[gk]
	})
	return p
}

// clusterScoped are the built-in cluster-scoped kinds the example renders.
var clusterScoped = map[schema.GroupKind]bool{
	{Kind: "Namespace"}: true,
	{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}: true,
	{Group: "networking.k8s.io", Kind: "IngressClass"}:                true,
}

// copyExample writes the example into repo (symlinks kept as links, as Git
// keeps them) with REPO_URL replaced by the repository's URL, and commits.
func copyExample(t *testing.T, repo *gittest.Repo) {
	t.Helper()
	err := filepath.WalkDir(exampleDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(exampleDir, p)
		dst := filepath.Join(repo.Dir, rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, dst)
		case d.IsDir():
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, []byte(strings.ReplaceAll(string(b), "REPO_URL", repo.URL())), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	repo.Git("add", "-A")
	repo.Git("commit", "-q", "-m", "go-reliable-gitops")
}

// parseArgoCD reads every file under argocd/ strictly as the kind its
// directory holds.
func (p *platform) parseArgoCD(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(filepath.Join(dir, "argocd"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if !strings.HasSuffix(rel, ".yaml") {
			t.Errorf("%s: not a .yaml file", rel)
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		switch {
		case rel == "argocd/root-app.yaml":
			p.root = &v1alpha1.Application{}
			strict(t, rel, b, p.root, "Application")
		case strings.HasPrefix(rel, "argocd/apps/"):
			app := &v1alpha1.Application{}
			strict(t, rel, b, app, "Application")
			if prev, dup := p.appFiles[app.Name]; dup {
				t.Errorf("%s and %s both define Application %q", prev, rel, app.Name)
			}
			p.apps[app.Name], p.appFiles[app.Name] = app, rel
		case strings.HasPrefix(rel, "argocd/appsets/"):
			set := &v1alpha1.ApplicationSet{}
			strict(t, rel, b, set, "ApplicationSet")
			p.sets[set.Name] = set
		case strings.HasPrefix(rel, "argocd/projects/"):
			proj := &v1alpha1.AppProject{}
			strict(t, rel, b, proj, "AppProject")
			p.projects[proj.Name] = proj
		default:
			t.Errorf("%s: unexpected file under argocd/", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.root == nil {
		t.Fatal("no argocd/root-app.yaml")
	}
}

func strict(t *testing.T, file string, b []byte, into interface {
	GetObjectKind() schema.ObjectKind
	GetName() string
	GetNamespace() string
}, kind string) {
	t.Helper()
	if err := yaml.UnmarshalStrict(b, into); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	gvk := into.GetObjectKind().GroupVersionKind()
	if gvk.Kind != kind || gvk.GroupVersion() != v1alpha1.SchemeGroupVersion {
		t.Errorf("%s: %s, want argoproj.io/v1alpha1 %s", file, gvk, kind)
	}
	if into.GetName() == "" || into.GetNamespace() != "argocd" {
		t.Errorf("%s: name %q namespace %q, want a name in argocd", file, into.GetName(), into.GetNamespace())
	}
}

// generate runs each ApplicationSet with the controller's generators and
// template, the clusters being in-cluster and the demo's "workload".
func (p *platform) generate(t *testing.T) {
	t.Helper()
	env := &generators.Env{
		Git: applicationset.GitFromOpener(p.opener),
		Clusters: func(context.Context) ([]generators.Cluster, error) {
			return []generators.Cluster{{Name: cluster.InClusterName, Server: cluster.InCluster}, {Name: "workload", Server: workloadServer, SecretName: "cluster-workload"}}, nil
		},
	}
	for name, set := range p.sets {
		gen, err := applicationset.Generate(context.Background(), set, env)
		if err != nil {
			t.Fatalf("ApplicationSet %s: %v", name, err)
		}
		for _, e := range gen.ElementErrors {
			t.Errorf("ApplicationSet %s: %v", name, e)
		}
		for _, app := range gen.Applications {
			if err := applicationset.ValidateStatic(set, app); err != nil {
				t.Errorf("ApplicationSet %s: application %s: %v", name, app.Name, err)
			}
		}
		p.generated[name] = gen.Applications
	}
}

// allApps is the root, its children and the generated apps.
func (p *platform) allApps() []*v1alpha1.Application {
	out := []*v1alpha1.Application{p.root}
	for _, name := range sortedKeys(p.apps) {
		out = append(out, p.apps[name])
	}
	for _, set := range sortedKeys(p.generated) {
		out = append(out, p.generated[set]...)
	}
	return out
}

// renderAll renders every app as the controller would (scope nil: the
// renderer's built-in table plus the render's own CRDs).
func (p *platform) renderAll(t *testing.T, scope render.ScopeFunc) {
	t.Helper()
	p.renders = map[string]*render.AppResult{}
	for _, app := range p.allApps() {
		if _, dup := p.renders[app.Name]; dup {
			t.Errorf("two Applications named %q", app.Name)
		}
		res, err := render.RenderApp(context.Background(), render.AppRequest{
			AppName: app.Name, Spec: app.Spec, Open: p.opener.Source, Remote: p.opener.Remote,
			Namespaced: scope,
		})
		if err != nil {
			t.Fatalf("render %s: %v", app.Name, err)
		}
		if len(res.Objects) == 0 {
			t.Errorf("app %s renders nothing", app.Name)
		}
		p.renders[app.Name] = res
	}
}

// wave is the sync wave of a root child; a generated app syncs with the
// child that applies its ApplicationSet.
func (p *platform) wave(app string) int {
	child := p.apps[app]
	if child == nil {
		child = p.apps["platform-appsets"]
	}
	w, err := strconv.Atoi(child.Annotations["argocd.argoproj.io/sync-wave"])
	if err != nil {
		w = 0 // no annotation: wave 0
	}
	return w
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
