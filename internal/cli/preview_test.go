package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/cluster"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

const previewDeploy = `apiVersion: apps/v1
kind: Deployment
metadata: {name: order-service}
spec:
  replicas: 1
  selector: {matchLabels: {app: order-service}}
  template:
    metadata: {labels: {app: order-service}}
    spec:
      containers:
      - {name: app, image: "registry.example.com/order-service:TAG"}
`

const previewSetManifest = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: services-ENV}
spec:
  goTemplate: true
  generators:
  - git:
      repoURL: REPO
      revision: main
      directories: [{path: "services/*"}]
  template:
    metadata: {name: '{{.path.basename}}-ENV'}
    spec:
      project: default
      source: {repoURL: REPO, targetRevision: main, path: '{{.path.path}}'}
      destination: {server: https://kubernetes.default.svc, namespace: 'NS'}
`

// Given a repository synced at main (two Applications, and two sets that
// make an Application per services/* directory for staging and production)
// and a branch that changes one image tag and deletes one service,
// when `preview` runs on the branch,
// then it shows the Deployment's image change for order-service, the two
// Applications of the deleted service going, nothing for the untouched
// apps, with exit code 1 under --exit-code (and no error on stderr);
// markdown as the golden file.
func TestPreview(t *testing.T) {
	ns, flags := testNamespace(t)
	ctx := context.Background()
	cache := filepath.Join(t.TempDir(), "cache")
	flags = append(flags, "--cache-dir", cache)
	if err := env.Client.Create(ctx, &v1alpha1.AppProject{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: ns},
		Spec: v1alpha1.AppProjectSpec{SourceRepos: []string{"*"}, Destinations: []v1alpha1.ApplicationDestination{{Server: "*", Namespace: "*"}}}}); err != nil {
		t.Fatal(err)
	}
	repo := gittest.New(t)
	main := repo.Commit("main", map[string]string{
		"apps/order-service/deploy.yaml": strings.ReplaceAll(previewDeploy, "TAG", "1.4.1"),
		"apps/web/cm.yaml":               "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata: {a: b}\n",
		"services/cart/cm.yaml":          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cart}\n",
		"services/search/cm.yaml":        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: search}\n",
	})
	repo.Git("checkout", "-q", "-b", "feature")
	repo.Commit("promote order-service, retire search", map[string]string{
		"apps/order-service/deploy.yaml": strings.ReplaceAll(previewDeploy, "TAG", "1.4.2")})
	repo.Git("rm", "-q", "-r", "services/search")
	repo.Git("commit", "-q", "-m", "retire search")
	repo.Git("checkout", "-q", "main")

	// The live state: both apps synced at main (the Deployment applied as
	// a sync would), the sets' Applications as the controller made them.
	for _, name := range []string{"order-service", "web"} {
		app := &v1alpha1.Application{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: v1alpha1.ApplicationSpec{Project: "default",
				Source:      &v1alpha1.ApplicationSource{RepoURL: repo.URL(), TargetRevision: "main", Path: "apps/" + name},
				Destination: v1alpha1.ApplicationDestination{Server: "https://kubernetes.default.svc", Namespace: ns}},
			Status: v1alpha1.ApplicationStatus{Sync: v1alpha1.SyncStatus{Status: v1alpha1.SyncStatusCodeSynced, Revision: main}},
		}
		if err := env.Client.Create(ctx, app); err != nil {
			t.Fatal(err)
		}
	}
	applyManifests(t, ns, repo.URL(), cache)
	for _, envName := range []string{"staging", "prod"} {
		set := createSet(t, ns, strings.NewReplacer("REPO", repo.URL(), "ENV", envName, "NS", ns).Replace(previewSetManifest), nil)
		in := &generateInputs{cacheDir: cache, client: env.Client, namespace: ns}
		gen, err := in.generate(ctx, set)
		if err != nil || len(gen.apps) != 2 {
			t.Fatalf("generate %s: %v %v", set.Name, gen, err)
		}
		for _, app := range gen.apps {
			app.OwnerReferences = []metav1.OwnerReference{{APIVersion: v1alpha1.SchemeGroupVersion.String(), Kind: "ApplicationSet",
				Name: set.Name, UID: set.UID, Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}}
			if err := env.Client.Create(ctx, app); err != nil {
				t.Fatal(err)
			}
		}
	}

	code, out, stderr := runIn("", append([]string{"preview", "--repo", repo.Dir, "--revision", "feature", "--exit-code"}, flags...)...)
	if code != 1 || strings.Contains(stderr, "error:") {
		t.Fatalf("exit %d, want 1 and no error (a change is the answer): %s\n%s", code, stderr, out)
	}
	for _, want := range []string{
		"Application order-service (modified): 0 added, 1 modified, 0 deleted\n",
		"-      - image: registry.example.com/order-service:1.4.1\n+      - image: registry.example.com/order-service:1.4.2\n",
		"Application search-prod (deleted, from applicationset services-prod)",
		"Application search-staging (deleted, from applicationset services-staging)",
		"1 applications modified, 0 added, 2 deleted\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("preview lacks %q:\n%s", want, out)
		}
	}
	for _, unwanted := range []string{"web", "cart"} {
		if strings.Contains(out, unwanted) {
			t.Errorf("preview shows untouched %s:\n%s", unwanted, out)
		}
	}

	md := mustRunCode(t, 1, append([]string{"preview", "--repo", repo.Dir, "--revision", "feature", "-o", "markdown", "--exit-code"}, flags...)...)
	md = strings.NewReplacer(ns, "NS", repo.Git("rev-parse", "--short=7", "feature"), "SHORTSHA").Replace(md)
	golden := filepath.Join("testdata", "preview.golden.md")
	if *update {
		if err := os.WriteFile(golden, []byte(md), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if md != string(want) {
		t.Errorf("markdown:\n%s\nwant:\n%s", md, want)
	}

	// main itself changes nothing.
	if out := mustRun(t, "", append([]string{"preview", "--repo", repo.Dir, "--revision", "main", "--exit-code"}, flags...)...); !strings.Contains(out, "no application would change") {
		t.Errorf("preview of main:\n%s", out)
	}
}

// mustRunCode runs a command that must end with code and returns its output.
func mustRunCode(t *testing.T, code int, args ...string) string {
	t.Helper()
	got, out, stderr := runIn("", args...)
	if got != code {
		t.Fatalf("%s: exit %d, want %d: %s", strings.Join(args, " "), got, code, stderr)
	}
	return out
}

// applyManifests applies order-service's objects at main as a sync would:
// rendered by `app manifests` (tracking annotation included), applied
// server-side by the controller's field manager.
func applyManifests(t *testing.T, ns, repoURL, cache string) {
	t.Helper()
	file := writeFile(t, t.TempDir(), "app.yaml", strings.NewReplacer("REPO", repoURL, "path: app", "path: apps/order-service",
		"name: web", "name: order-service", "namespace: web", "namespace: "+ns).Replace(manifestsApp))
	out := mustRun(t, "", "app", "manifests", "-f", file, "--cache-dir", cache)
	for _, doc := range strings.Split(out, "\n---\n") {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		obj := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(doc), &obj.Object); err != nil {
			t.Fatal(err)
		}
		if err := env.Client.Patch(context.Background(), obj, client.Apply, client.FieldOwner(cluster.FieldManager), client.ForceOwnership); err != nil {
			t.Fatal(err)
		}
	}
}
