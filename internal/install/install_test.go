package install_test

import (
	"context"
	"os"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tiphys/tiphys/internal/install"
	"github.com/tiphys/tiphys/internal/testenv"
)

var env *testenv.Env

var crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

func TestMain(m *testing.M) { os.Exit(testenv.Main(m, &env)) }

// Given a cluster where install already ran (testenv runs it), when install
// runs twice more, then both succeed, every object exists, and the second
// run changes nothing.
func TestApplyIsIdempotent(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	first, err := install.Apply(ctx, env.Config, install.Options{})
	if err != nil {
		t.Fatalf("first apply: %v", err)
	}
	versions := resourceVersions(t)
	second, err := install.Apply(ctx, env.Config, install.Options{})
	if err != nil {
		t.Fatalf("second apply: %v", err)
	}
	if len(first) != len(second) || len(second) != 12 {
		t.Fatalf("applied %d then %d objects, want 12 each (8 CRDs, the namespace, ServiceAccount, ClusterRole and binding)", len(first), len(second))
	}
	for name, rv := range resourceVersions(t) {
		if versions[name] != rv {
			t.Errorf("%s changed on the second apply (resourceVersion %s -> %s)", name, versions[name], rv)
		}
	}
}

func resourceVersions(t *testing.T) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	crds, err := install.Objects("crd")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range crds {
		got, err := env.Dynamic.Resource(crdGVR).Get(ctx, c.GetName(), metav1.GetOptions{})
		if err != nil {
			t.Fatalf("CRD %s: %v", c.GetName(), err)
		}
		out["crd/"+c.GetName()] = got.GetResourceVersion()
	}
	ns, err := env.Kube.CoreV1().Namespaces().Get(ctx, "argocd", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out["namespace/argocd"] = ns.ResourceVersion
	sa, err := env.Kube.CoreV1().ServiceAccounts("argocd").Get(ctx, "tiphys-controller", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out["serviceaccount/tiphys-controller"] = sa.ResourceVersion
	crb, err := env.Kube.RbacV1().ClusterRoleBindings().Get(ctx, "tiphys-controller", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out["clusterrolebinding/tiphys-controller"] = crb.ResourceVersion
	return out
}

// Given the default project (install created it), when a user narrows it
// and install runs again, then the user's edit stays; when the project is
// gone, install creates it again as Argo CD has it (any repository,
// destination and kind).
func TestDefaultProjectCreatedWhenMissing(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	projects := env.Dynamic.Resource(schema.GroupVersionResource{Group: "argoproj.io", Version: "v1alpha1", Resource: "appprojects"}).Namespace("argocd")
	p, err := projects.Get(ctx, "default", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("default project after install: %v", err)
	}
	_ = unstructured.SetNestedStringSlice(p.Object, []string{"https://git.example.com/*"}, "spec", "sourceRepos")
	if _, err := projects.Update(ctx, p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := install.Apply(ctx, env.Config, install.Options{}); err != nil {
		t.Fatal(err)
	}
	p, _ = projects.Get(ctx, "default", metav1.GetOptions{})
	if repos, _, _ := unstructured.NestedStringSlice(p.Object, "spec", "sourceRepos"); len(repos) != 1 || repos[0] != "https://git.example.com/*" {
		t.Errorf("install changed the user's default project: sourceRepos %v", repos)
	}
	if err := projects.Delete(ctx, "default", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	results, err := install.Apply(ctx, env.Config, install.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if last := results[len(results)-1]; last.Kind != "AppProject" || last.Name != "default" {
		t.Errorf("install did not report creating the default project: %+v", last)
	}
	p, err = projects.Get(ctx, "default", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if repos, _, _ := unstructured.NestedStringSlice(p.Object, "spec", "sourceRepos"); len(repos) != 1 || repos[0] != "*" {
		t.Errorf("recreated default project: sourceRepos %v, want [*]", repos)
	}
}
