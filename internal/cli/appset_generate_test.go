package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// matrixSet is a matrix of a list (two environments) and a git directory
// generator (one Application per service directory).
const matrixSet = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: services}
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
  - matrix:
      generators:
      - list:
          elements:
          - {env: dev, replicas: "1"}
          - {env: prod, replicas: "3"}
      - git:
          repoURL: REPO
          revision: main
          directories:
          - path: services/*
  template:
    metadata:
      name: '{{.path.basename}}-{{.env}}'
      labels: {env: '{{.env}}'}
    spec:
      project: default
      source: {repoURL: REPO, targetRevision: main, path: '{{.path.path}}'}
      destination: {server: https://kubernetes.default.svc, namespace: '{{.path.basename}}-{{.env}}'}
`

// Given a set file whose matrix reads a real Git repository,
// when `appset generate` runs offline, cloning the file:// URL or reading
// a --repo-path directory,
// then it prints the Applications in name order with the rendered fields,
// in the -N namespace, as YAML, a JSON list or names.
func TestAppsetGenerate(t *testing.T) {
	repo := gittest.New(t)
	repo.Commit("services", map[string]string{
		"services/api/kustomization.yaml":    "resources: []\n",
		"services/orders/kustomization.yaml": "resources: []\n",
	})
	// Not committed: only --repo-path (the work tree) sees it.
	repo.Write(map[string]string{"services/billing/kustomization.yaml": "resources: []\n"})
	dir := t.TempDir()
	file := writeFile(t, dir, "set.yaml", strings.ReplaceAll(matrixSet, "REPO", repo.URL()))
	cache := filepath.Join(dir, "cache")

	tests := []struct {
		name  string
		extra []string
		want  []string
	}{
		{"cloned", nil, []string{"api-dev", "api-prod", "orders-dev", "orders-prod"}},
		{"repo-path", []string{"--repo-path", repo.URL() + "=" + repo.Dir},
			[]string{"api-dev", "api-prod", "billing-dev", "billing-prod", "orders-dev", "orders-prod"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"appset", "generate", "-f", file, "--cache-dir", cache, "-N", "team-a"}, tt.extra...)
			code, out, stderr := run(append(args, "-o", "json")...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var apps []v1alpha1.Application
			if err := json.Unmarshal([]byte(out), &apps); err != nil {
				t.Fatalf("-o json is not a list of Applications: %v\n%s", err, out)
			}
			var names []string
			for _, a := range apps {
				names = append(names, a.Name)
				if a.Kind != "Application" || a.Namespace != "team-a" || a.Spec.Destination.Namespace != a.Name ||
					a.Spec.Source.Path != "services/"+strings.Split(a.Name, "-")[0] || a.Labels["env"] != strings.Split(a.Name, "-")[1] {
					t.Errorf("application %s: %+v", a.Name, a)
				}
				if len(a.OwnerReferences) != 0 {
					t.Errorf("application %s has owner references: %v", a.Name, a.OwnerReferences)
				}
			}
			if strings.Join(names, ",") != strings.Join(tt.want, ",") {
				t.Errorf("names %v, want %v", names, tt.want)
			}

			code, out, stderr = run(append(args, "-o", "name")...)
			var wantLines []string
			for _, n := range tt.want {
				wantLines = append(wantLines, "application/"+n)
			}
			if code != 0 || out != strings.Join(wantLines, "\n")+"\n" {
				t.Errorf("-o name: exit %d, %q, stderr %q", code, out, stderr)
			}

			code, out, stderr = run(args...)
			if code != 0 || strings.Count(out, "---\n") != len(tt.want) || !strings.Contains(out, "name: api-prod\n  namespace: team-a\n") ||
				strings.Contains(out, "status:") {
				t.Errorf("-o yaml (default): exit %d, stderr %q:\n%s", code, stderr, out)
			}
		})
	}
}

// A failing generator and a failing element are errors (exit 1) naming the
// file, the set, the generator and the element, and nothing is printed.
func TestAppsetGenerateErrors(t *testing.T) {
	repo := gittest.New(t)
	repo.Commit("services", map[string]string{"services/api/kustomization.yaml": "resources: []\n"})
	dir := t.TempDir()
	good := strings.ReplaceAll(matrixSet, "REPO", repo.URL())
	tests := []struct {
		name, set string
		want      []string
	}{
		{"generator", strings.ReplaceAll(good, "revision: main", "revision: no-such-branch"),
			[]string{"applicationset argocd/services", "generator 0 (matrix)", "no-such-branch"}},
		{"element", strings.ReplaceAll(good, `{env: prod, replicas: "3"}`, `{envv: prod, replicas: "3"}`),
			[]string{"applicationset argocd/services", "elements failed (1)", "generator 0, parameter set 1", "env"}},
		{"not a set", "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: x}\n",
			[]string{"is not an argoproj.io/v1alpha1 ApplicationSet"}},
		{"misspelt field", strings.ReplaceAll(good, "goTemplateOptions", "goTemplateOption"), []string{"goTemplateOption"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := writeFile(t, t.TempDir(), "bad-set.yaml", tt.set)
			code, out, stderr := run("appset", "generate", "-f", file, "--cache-dir", filepath.Join(dir, "cache"))
			if code != 1 || out != "" || !strings.Contains(stderr, "bad-set.yaml") {
				t.Errorf("exit %d, out %q, stderr %q: want exit 1 naming the file", code, out, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
		})
	}
}

// Flags and output formats are checked before anything is read.
func TestAppsetFlags(t *testing.T) {
	file := writeFile(t, t.TempDir(), "set.yaml", matrixSet)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"generate", "-f", file, "-o", "xml"}, 1, `unknown output format "xml": use yaml, json or name`},
		{[]string{"generate", "-f", file, "--repo-path", "nodir"}, 1, `--repo-path "nodir": want URL=DIR`},
		{[]string{"generate", "-f", file, "--clusters-from", ":ctx"}, 1, "want KUBECONFIG[:CONTEXT]"},
		{[]string{"generate"}, 1, `"file" not set`},
		{[]string{"list", "-o", "xml"}, 1, `unknown output format "xml"`},
		{[]string{"get", "x", "-o", "table"}, 1, `unknown output format "table"`},
		{[]string{"get"}, 1, "accepts 1 arg"},
		{[]string{"delete"}, 1, "accepts 1 arg"},
		{[]string{"diff"}, 2, "give one of NAME or -f FILE"},
		{[]string{"diff", "x", "-f", file}, 2, "give one of NAME or -f FILE"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, stderr := run(append([]string{"appset"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d with %q", code, stderr, tt.code, tt.want)
			}
		})
	}
}

func TestAppsetKubeconfigRef(t *testing.T) {
	tests := []struct {
		in            string
		path, context string
		bad           bool
	}{
		{in: "/k/config", path: "/k/config"},
		{in: "/k/config:prod", path: "/k/config", context: "prod"},
		{in: "a:b:ctx", path: "a:b", context: "ctx"},
		{in: "", bad: true},
		{in: "/k/config:", bad: true},
		{in: ":prod", bad: true},
	}
	for _, tt := range tests {
		ref, err := parseKubeconfigRef(tt.in)
		if (err != nil) != tt.bad || ref.path != tt.path || ref.context != tt.context {
			t.Errorf("parseKubeconfigRef(%q) = %+v, %v", tt.in, ref, err)
		}
	}
}
