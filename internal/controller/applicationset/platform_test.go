package applicationset_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// microservices is the platform's set: a matrix of two environments and a
// git directory generator over the service directories.
func microservices(name, repoURL, policy string) string {
	s := `
metadata: {name: NAME}
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
  - matrix:
      generators:
      - list:
          elements:
          - {env: staging, project: default}
          - {env: production, project: default}
      - git:
          repoURL: REPO
          revision: main
          directories:
          - path: services/*
  template:
    metadata:
      name: '{{.path.basename}}-{{.env}}'
      labels: {env: '{{.env}}', service: '{{.path.basename}}'}
    spec:
      project: '{{.project}}'
      source:
        repoURL: REPO
        targetRevision: main
        path: charts/microservice
        helm:
          valueFiles: ['../../environments/{{.env}}/{{.path.basename}}/values.yaml']
      destination: {name: in-cluster, namespace: '{{.path.basename}}-{{.env}}'}
`
	if policy != "" {
		s += "  syncPolicy: {applicationsSync: " + policy + "}\n"
	}
	return strings.NewReplacer("NAME", name, "REPO", repoURL).Replace(s)
}

var services = []string{"api-gateway", "order-service", "notification-worker", "ml-inference-gateway"}

// serviceRepo commits a service directory per name.
func serviceRepo(t *testing.T, names ...string) *gittest.Repo {
	repo := gittest.New(t)
	files := map[string]string{"charts/microservice/Chart.yaml": "apiVersion: v2\nname: microservice\nversion: 0.1.0\n"}
	for _, n := range names {
		files["services/"+n+"/README.md"] = n + "\n"
	}
	repo.Commit("services", files)
	return repo
}

func appsFor(envs []string, svcs ...string) []string {
	var out []string
	for _, s := range svcs {
		for _, e := range envs {
			out = append(out, s+"-"+e)
		}
	}
	return out
}

// Given the platform's microservices set over a repository of four
// services,
// when it reconciles, then it owns exactly the 8 Applications with the
// right project, destination and per-environment values file;
// when a fifth service directory is committed, two more appear;
// when one is removed, its two go (the set's policy is sync), and the
// others keep their UIDs.
func TestPlatformMicroservices(t *testing.T) {
	env.Require(t)
	envs := []string{"staging", "production"}
	repo := serviceRepo(t, services...)
	set := newSet(t, microservices("microservices", repo.URL(), ""))
	got := waitApps(t, set, appsFor(envs, services...)...)
	a := got["order-service-production"]
	if a.Spec.Project != "default" || a.Spec.Destination.Name != "in-cluster" || a.Spec.Destination.Namespace != "order-service-production" ||
		a.Spec.Source.Helm == nil || len(a.Spec.Source.Helm.ValueFiles) != 1 ||
		a.Spec.Source.Helm.ValueFiles[0] != "../../environments/production/order-service/values.yaml" || a.Labels["env"] != "production" {
		t.Errorf("order-service-production: %+v %+v", a.Labels, a.Spec)
	}
	before := uids(got)

	repo.Commit("fifth service", map[string]string{"services/payment-service/README.md": "pay\n"})
	waitApps(t, set, appsFor(envs, append(services, "payment-service")...)...)

	if err := os.RemoveAll(filepath.Join(repo.Dir, "services", "notification-worker")); err != nil {
		t.Fatal(err)
	}
	repo.Git("add", "-A")
	repo.Git("commit", "-q", "-m", "retire notification-worker")
	after := waitApps(t, set, appsFor(envs, "api-gateway", "order-service", "ml-inference-gateway", "payment-service")...)
	for n, uid := range uids(after) {
		if old, ok := before[n]; ok && old != uid {
			t.Errorf("%s was recreated (UID %s -> %s)", n, old, uid)
		}
	}
}

// Given the same set with the policy create-only (the controller allows
// overrides), when a service directory is removed, then its Applications
// stay; the set says they are no longer generated.
func TestCreateOnlyKeepsApplications(t *testing.T) {
	env.Require(t)
	envs := []string{"staging", "production"}
	repo := serviceRepo(t, "alpha", "beta")
	set := newSet(t, microservices("createonly", repo.URL(), "create-only"))
	waitApps(t, set, appsFor(envs, "alpha", "beta")...)
	if err := os.RemoveAll(filepath.Join(repo.Dir, "services", "beta")); err != nil {
		t.Fatal(err)
	}
	repo.Git("add", "-A")
	repo.Git("commit", "-q", "-m", "retire beta")
	repo.Commit("gamma", map[string]string{"services/gamma/README.md": "g\n"})
	waitApps(t, set, appsFor(envs, "alpha", "beta", "gamma")...)
}
