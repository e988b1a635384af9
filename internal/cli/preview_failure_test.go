package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

const previewChart = `apiVersion: v2
name: worker
version: 0.1.0
`

const previewChartCM = `apiVersion: v1
kind: ConfigMap
metadata: {name: worker}
data: {level: {{ .Values.level | quote }}}
`

// previewAppManifest is an Application file of the root app's path.
const previewAppManifest = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: NAME, namespace: NS}
spec:
  project: default
  source: {repoURL: REPO, targetRevision: main, path: apps/NAME}
  destination: {server: https://kubernetes.default.svc, namespace: NS}
`

// Given a repository synced at main with a Helm app (notification-worker)
// whose values file lies outside its chart, a plain app (web) and a root
// app whose path holds the worker's Application file (the root sorts after
// the worker: it is diffed later),
// when `preview` runs on a branch that deletes the worker's values file (and
// changes web),
// then it prints web's diff and the worker as failing to render with the
// missing file, in text, markdown (golden file) and JSON, and exits 2;
// and when the branch also deletes the worker's Application file, the
// worker is going with the root app: no failure, exit code 1 under
// --exit-code.
func TestPreviewRenderFailure(t *testing.T) {
	ns, flags := testNamespace(t)
	ctx := context.Background()
	flags = append(flags, "--cache-dir", filepath.Join(t.TempDir(), "cache"))
	if err := env.Client.Create(ctx, &v1alpha1.AppProject{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: ns},
		Spec: v1alpha1.AppProjectSpec{SourceRepos: []string{"*"}, Destinations: []v1alpha1.ApplicationDestination{{Server: "*", Namespace: "*"}}}}); err != nil {
		t.Fatal(err)
	}
	repo := gittest.New(t)
	manifest := func(name string) string {
		return strings.NewReplacer("NAME", name, "NS", ns, "REPO", repo.URL()).Replace(previewAppManifest)
	}
	const values = "environments/staging/worker/values.yaml"
	main := repo.Commit("main", map[string]string{
		"charts/worker/Chart.yaml":        previewChart,
		"charts/worker/templates/cm.yaml": previewChartCM,
		values:                            "level: info\n",
		"apps/web/cm.yaml":                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata: {a: b}\n",
		"argocd/worker.yaml":              manifest("notification-worker"),
		"argocd/web.yaml":                 manifest("web"),
	})
	repo.Git("checkout", "-q", "-b", "drop-values")
	repo.Commit("web: c", map[string]string{"apps/web/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata: {a: c}\n"})
	repo.Git("rm", "-q", "-r", "environments/staging/worker")
	repo.Git("commit", "-q", "-m", "drop worker's values")
	repo.Git("checkout", "-q", "-b", "retire-worker")
	repo.Git("rm", "-q", "argocd/worker.yaml")
	repo.Git("commit", "-q", "-m", "retire worker")
	repo.Git("checkout", "-q", "main")

	synced := v1alpha1.SyncStatus{Status: v1alpha1.SyncStatusCodeSynced, Revision: main}
	dest := v1alpha1.ApplicationDestination{Server: "https://kubernetes.default.svc", Namespace: ns}
	for _, app := range []*v1alpha1.Application{
		{ObjectMeta: metav1.ObjectMeta{Name: "web"}, Spec: v1alpha1.ApplicationSpec{
			Source: &v1alpha1.ApplicationSource{RepoURL: repo.URL(), TargetRevision: "main", Path: "apps/web"}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "notification-worker"}, Spec: v1alpha1.ApplicationSpec{
			Source: &v1alpha1.ApplicationSource{RepoURL: repo.URL(), TargetRevision: "main", Path: "charts/worker",
				Helm: &v1alpha1.ApplicationSourceHelm{ValueFiles: []string{"../../" + values}}}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "root"}, Spec: v1alpha1.ApplicationSpec{
			Source: &v1alpha1.ApplicationSource{RepoURL: repo.URL(), TargetRevision: "main", Path: "argocd"}},
			Status: v1alpha1.ApplicationStatus{Resources: []v1alpha1.ResourceStatus{
				{Group: v1alpha1.Group, Kind: "Application", Namespace: ns, Name: "web"},
				{Group: v1alpha1.Group, Kind: "Application", Namespace: ns, Name: "notification-worker"}}}},
	} {
		app.Namespace, app.Spec.Project, app.Spec.Destination, app.Status.Sync = ns, "default", dest, synced
		if err := env.Client.Create(ctx, app); err != nil {
			t.Fatal(err)
		}
	}

	failure := `Application notification-worker (failed to render): render at `
	missing := `helm values file "../../environments/staging/worker/values.yaml"`
	tests := []struct {
		name, revision   string
		code             int
		wants, unwanted  []string
		stderr, noStderr string
	}{
		{name: "values file gone", revision: "drop-values", code: 2,
			wants: []string{
				"Application web (modified): 1 added, 0 modified, 0 deleted\n",
				"+  a: c\n",
				failure, missing,
				"1 applications modified, 0 added, 0 deleted, 1 failed to render\n",
			},
			unwanted: []string{"Application root"},
			stderr:   "error: revision drop-values: 1 applications failed to render: notification-worker\n"},
		{name: "app going with its values", revision: "retire-worker", code: 1,
			wants: []string{
				"Application web (modified): 1 added, 0 modified, 0 deleted\n",
				"Application notification-worker (deleted, from application root)",
			},
			unwanted: []string{failure, missing, "failed to render"},
			noStderr: "error:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runIn("", append([]string{"preview", "--repo", repo.Dir, "--revision", tt.revision, "--exit-code"}, flags...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d: %s\n%s", code, tt.code, stderr, out)
			}
			for _, want := range tt.wants {
				if !strings.Contains(out, want) {
					t.Errorf("preview lacks %q:\n%s", want, out)
				}
			}
			for _, unwanted := range tt.unwanted {
				if strings.Contains(out, unwanted) {
					t.Errorf("preview shows %q:\n%s", unwanted, out)
				}
			}
			if !strings.Contains(stderr, tt.stderr) || tt.noStderr != "" && strings.Contains(stderr, tt.noStderr) {
				t.Errorf("stderr %q: want %q, not %q", stderr, tt.stderr, tt.noStderr)
			}
		})
	}

	// The failure in JSON: an entry with the error, the other app's objects.
	out := mustRunCode(t, 2, append([]string{"preview", "--repo", repo.Dir, "--revision", "drop-values", "-o", "json"}, flags...)...)
	var report previewReport
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	got := map[string]previewApp{}
	for _, a := range report.Apps {
		got[a.Name] = a
	}
	if w := got["notification-worker"]; w.Change != changeFailed || !strings.Contains(w.Error, missing) || w.Objects == nil {
		t.Errorf("json notification-worker = %+v; want change failed with the missing values file", w)
	}
	if w := got["web"]; w.Change != changeModified || len(w.Objects) != 1 || w.Error != "" {
		t.Errorf("json web = %+v; want its ConfigMap", w)
	}

	md := mustRunCode(t, 2, append([]string{"preview", "--repo", repo.Dir, "--revision", "drop-values", "-o", "markdown"}, flags...)...)
	md = strings.NewReplacer(ns, "NS", repo.Git("rev-parse", "--short=7", "drop-values"), "SHORTSHA").Replace(md)
	golden := filepath.Join("testdata", "preview-failed.golden.md")
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
}
