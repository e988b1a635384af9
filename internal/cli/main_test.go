package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// run runs the tiphys command line in-process, as the binary's main does.
func run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const manifestsApp = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web, namespace: argocd}
spec:
  project: default
  destination: {server: https://kubernetes.default.svc, namespace: web}
  source: {repoURL: REPO, path: app, targetRevision: main}
`

// Given an Application file and a local Git repository,
// when `app manifests` renders it offline,
// then it prints the objects in sync order, with the destination
// namespace and the app's tracking id; and bad input ends with exit code 1
// and an error naming the file and the cause.
func TestAppManifests(t *testing.T) {
	repo := gittest.New(t)
	repo.Commit("app", map[string]string{
		"app/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec: {replicas: 1}\n",
		"app/cm.yaml":     "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: b}\n",
	})
	dir := t.TempDir()
	file := writeFile(t, dir, "app.yaml", strings.ReplaceAll(manifestsApp, "REPO", repo.URL()))
	code, out, stderr := run("app", "manifests", "-f", file, "--cache-dir", filepath.Join(dir, "cache"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	cm, deploy := strings.Index(out, "kind: ConfigMap"), strings.Index(out, "kind: Deployment")
	if cm < 0 || deploy < 0 || cm > deploy {
		t.Errorf("objects missing or not in sync order (ConfigMap before Deployment):\n%s", out)
	}
	for _, want := range []string{"namespace: web", "argocd.argoproj.io/tracking-id: web:apps/Deployment:web/api"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	tests := []struct {
		name, app, want string
	}{
		{"misspelt field", strings.ReplaceAll(strings.ReplaceAll(manifestsApp, "REPO", repo.URL()), "targetRevision", "targetRevison"), "targetRevison"},
		{"not an Application", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "is not an argoproj.io/v1alpha1 Application"},
		{"missing path", strings.ReplaceAll(strings.ReplaceAll(manifestsApp, "REPO", repo.URL()), "path: app", "path: nowhere"), "nowhere"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := writeFile(t, t.TempDir(), "bad.yaml", tt.app)
			code, _, stderr := run("app", "manifests", "-f", file, "--cache-dir", filepath.Join(dir, "cache"))
			if code != 1 || !strings.Contains(stderr, tt.want) || !strings.Contains(stderr, "bad.yaml") {
				t.Errorf("exit %d, stderr %q: want exit 1 naming the file and %q", code, stderr, tt.want)
			}
		})
	}
}

// Unknown output formats are an error, before anything is read.
func TestUnknownOutputFormat(t *testing.T) {
	var out bytes.Buffer
	if ok, err := printStructured(&out, "xml", map[string]string{"a": "b"}); !ok || err == nil {
		t.Fatalf("printStructured(xml) = %v, %v; want an error", ok, err)
	}
	for _, format := range []string{"json", "yaml"} {
		out.Reset()
		if ok, err := printStructured(&out, format, map[string]string{"a": "b"}); !ok || err != nil || !strings.Contains(out.String(), "b") {
			t.Errorf("printStructured(%s) = %v, %v, %q", format, ok, err, out.String())
		}
	}
}

// `admin health -o json` prints each object's health for scripts; a bad
// output format is an error.
func TestAdminHealthJSON(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "objs.yaml", `apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: jobs}
status: {lastScheduleTime: "2026-11-30T10:05:00Z", lastSuccessfulTime: "2026-11-30T10:00:30Z"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
`)
	code, out, stderr := run("admin", "health", "-f", file, "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{`"kind": "CronJob"`, `"status": "Degraded"`, `"message": "CronJob has not completed its last execution successfully"`, `"name": "settings"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	if code, _, _ := run("admin", "health", "-f", file, "-o", "xml"); code == 0 {
		t.Error("-o xml was accepted")
	}
}

// Bad input to `admin health` is an error naming the file or flag and the
// cause, never ignored; a script that does not compile is a warning and
// its kind's objects are Unknown.
func TestAdminHealthBadInput(t *testing.T) {
	dir := t.TempDir()
	objs := writeFile(t, dir, "objs.yaml", "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: web}\n")
	empty := writeFile(t, dir, "empty.yaml", "---\n")
	secret := writeFile(t, dir, "secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: argocd-cm}\n")
	badLua := writeFile(t, dir, "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-cm}\ndata:\n"+
		"  resource.customizations.health.cert-manager.io_Certificate: \"if x then\"\n")
	scalar := writeFile(t, dir, "scalar.yaml", "just words\n")
	tests := []struct {
		args []string
		want string // in stderr
	}{
		{[]string{"-f", empty}, "no objects in the file"},
		{[]string{"-f", scalar}, "document 1: a string, not an object"},
		{[]string{"-f", filepath.Join(dir, "missing.yaml")}, "missing.yaml"},
		{[]string{"-f", objs, "--argocd-cm", secret}, "want one v1 ConfigMap, the file holds Secret argocd-cm"},
		{[]string{"-f", objs, "--group", "x"}, "--group can only be used with --argocd-repo"},
		{[]string{"-f", objs, "--argocd-repo", dir}, "not both"},
		{[]string{"--argocd-repo", dir}, "no resource_customizations directory"},
		{[]string{"--argocd-repo", dir, "--min-match", "101"}, "a percentage from 0 to 100"},
		{[]string{"--argocd-repo", dir, "-o", "json"}, "--output can only be used with -f"},
		{nil, "one of -f FILE or --argocd-repo DIR is required"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, stderr := run(append([]string{"admin", "health"}, tt.args...)...)
			if code == 0 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want a failure with %q", code, stderr, tt.want)
			}
		})
	}
	code, out, stderr := run("admin", "health", "-f", objs, "--argocd-cm", badLua)
	if code != 0 || !strings.Contains(stderr, "warning: argocd-cm resource.customizations.health.cert-manager.io_Certificate") ||
		!strings.Contains(out, "Unknown") {
		t.Errorf("a script that does not compile: exit %d, out %q, stderr %q", code, out, stderr)
	}
}
