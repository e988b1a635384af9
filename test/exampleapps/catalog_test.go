package exampleapps_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/render"
)

// example is one entry of the applications list in the app of apps chart's
// values (apps/values.yaml).
type example struct {
	// Name is the entry's name; the chart names its Application example.<name>.
	Name string
	// Entry is the entry as the values file has it, passed back to the
	// chart unchanged when the example runs.
	Entry map[string]any
	// Source is the Application source the chart renders for it, without
	// the repository.
	Source v1alpha1.ApplicationSource
	// Namespace is its destination namespace.
	Namespace string
	// Skip says why the example cannot run here; empty when it runs.
	Skip string
	// Cause is a word that Tiphys's own error for a skipped example must
	// contain (the plugin, the dependency, the kind).
	Cause string
	// Hooks are the hooks its syncs run, as "Kind name" (a generateName
	// ends in "*"), read from an offline render.
	Hooks []string
	// URLs are the external URLs its summary shows: one per Ingress rule
	// and path with a host, as Argo CD lists them.
	URLs []string
	// Kinds are the kinds of its objects, hooks included.
	Kinds []schema.GroupVersionKind
}

// appName is the name the chart gives the example's Application.
func (e example) appName() string { return "example." + e.Name }

// catalog reads the chart's applications and decides, for each, whether it
// can run on the plane (see the package documentation).
func catalog(t *testing.T, dir string) []example {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "apps", "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var values struct {
		Applications []map[string]any `json:"applications"`
	}
	if err := yaml.Unmarshal(b, &values); err != nil {
		t.Fatalf("apps/values.yaml: %v", err)
	}
	if len(values.Applications) == 0 {
		t.Fatal("apps/values.yaml lists no applications")
	}
	var out []example
	for _, entry := range values.Applications {
		e := example{Entry: entry}
		e.Name, _ = entry["name"].(string)
		e.Source.Path, _ = entry["path"].(string)
		if e.Source.Path == "" {
			e.Source.Path = e.Name
		}
		e.Namespace, _ = entry["namespace"].(string)
		if e.Namespace == "" {
			e.Namespace = e.Name
		}
		if tool, ok := entry["tool"]; ok {
			raw, _ := json.Marshal(tool)
			if err := json.Unmarshal(raw, &e.Source); err != nil {
				t.Fatalf("apps/values.yaml: tool of %s: %v", e.Name, err)
			}
		}
		inspect(t, dir, &e)
		out = append(out, e)
	}
	return out
}

// inspect sets why an example cannot run on the plane (Skip), and else the
// hooks its syncs run and the kinds of its objects, from an offline render.
func inspect(t *testing.T, dir string, e *example) {
	t.Helper()
	if p := e.Source.Plugin; p != nil {
		e.Skip, e.Cause = fmt.Sprintf("config management plugin %q: Tiphys runs no plugins", p.Name), "plugin"
		return
	}
	if dep, name := downloadedDependency(t, filepath.Join(dir, e.Source.Path)); dep != "" {
		e.Skip, e.Cause = "Helm dependency "+dep+" is not vendored in charts/: it needs a download", name
		return
	}
	res, err := render.Render(context.Background(), render.Request{
		AppName: e.appName(), Namespace: e.Namespace, Source: e.Source, Repo: os.DirFS(dir),
	})
	if err != nil {
		return // the controller reports the render error, and the test fails on it
	}
	for _, o := range res.Objects {
		gvk := o.GroupVersionKind()
		if !served(gvk) {
			e.Skip = fmt.Sprintf("kind %s is not served: the test plane has no %s CRD", gvk, o.GetKind())
			e.Cause = o.GetKind()
			return
		}
		if !slices.Contains(e.Kinds, gvk) {
			e.Kinds = append(e.Kinds, gvk)
		}
		if o.GetKind() == "Ingress" {
			e.URLs = append(e.URLs, ingressURLs(o)...)
		}
		if runsAsHook(o.GetAnnotations()) {
			name := o.GetName()
			if name == "" {
				name = o.GetGenerateName() + "*"
			}
			e.Hooks = append(e.Hooks, o.GetKind()+" "+name)
		}
	}
}

// ingressURLs are the URLs Argo CD shows for an Ingress whose rules have
// hosts: scheme (https with a TLS secret), host and path
// ("http://sockshop.apps.argoproj.io/").
func ingressURLs(o *unstructured.Unstructured) []string {
	scheme := "http"
	tls, _, _ := unstructured.NestedSlice(o.Object, "spec", "tls")
	for _, t := range tls {
		if m, _ := t.(map[string]any); m["secretName"] != nil {
			scheme = "https"
		}
	}
	var out []string
	rules, _, _ := unstructured.NestedSlice(o.Object, "spec", "rules")
	for _, r := range rules {
		rule, _ := r.(map[string]any)
		host, _ := rule["host"].(string)
		paths, _, _ := unstructured.NestedSlice(rule, "http", "paths")
		for _, p := range paths {
			path, _ := p.(map[string]any)["path"].(string)
			if host != "" {
				out = append(out, scheme+"://"+host+strings.TrimSuffix(path, "*"))
			}
		}
	}
	return out
}

// runsAsHook tells whether annotations make an object a hook of a phase
// that runs in every successful sync, as Argo CD documents them: its own
// annotation, else Helm's install and upgrade hooks.
func runsAsHook(ann map[string]string) bool {
	phases, ok := ann["argocd.argoproj.io/hook"]
	runs := []string{"PreSync", "Sync", "PostSync"}
	if !ok {
		phases, runs = ann["helm.sh/hook"], []string{"pre-install", "pre-upgrade", "post-install", "post-upgrade"}
	}
	for _, p := range strings.Split(phases, ",") {
		if slices.Contains(runs, strings.TrimSpace(p)) {
			return true
		}
	}
	return false
}

// downloadedDependency describes a dependency of the chart in chartDir that
// is neither vendored in charts/ nor a local path, and gives its name; or
// returns "".
func downloadedDependency(t *testing.T, chartDir string) (desc, name string) {
	t.Helper()
	var deps struct {
		Dependencies []struct{ Name, Version, Repository string } `json:"dependencies"`
	}
	for _, f := range []string{"Chart.yaml", "requirements.yaml"} {
		b, err := os.ReadFile(filepath.Join(chartDir, f))
		if err != nil {
			continue
		}
		if err := yaml.Unmarshal(b, &deps); err != nil {
			t.Fatalf("%s: %v", filepath.Join(chartDir, f), err)
		}
		for _, d := range deps.Dependencies {
			if d.Repository == "" || strings.HasPrefix(d.Repository, "file://") {
				continue
			}
			vendored, _ := filepath.Glob(filepath.Join(chartDir, "charts", d.Name+"*"))
			if len(vendored) == 0 {
				return fmt.Sprintf("%s %s from %s", d.Name, d.Version, d.Repository), d.Name
			}
		}
	}
	return "", ""
}

// served tells whether the plane serves a kind.
func served(gvk schema.GroupVersionKind) bool {
	list, err := env.Kube.Discovery().ServerResourcesForGroupVersion(gvk.GroupVersion().String())
	if err != nil {
		return false
	}
	for _, r := range list.APIResources {
		if r.Kind == gvk.Kind {
			return true
		}
	}
	return false
}
