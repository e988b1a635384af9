package health

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// With TIPHYS_GITOPS_ENGINE_REPO naming a gitops-engine checkout, every
// object of its pkg/health/testdata (the core kinds' fixtures Argo CD's
// health engine is tested with) gets the status its tests expect
// (pkg/health/health_test.go), except where Argo CD as shipped, with its
// resource_customizations, or Tiphys deliberately, gives another one.
func TestGitopsEngineFixtures(t *testing.T) {
	repo := os.Getenv("TIPHYS_GITOPS_ENGINE_REPO")
	if repo == "" {
		t.Skip("TIPHYS_GITOPS_ENGINE_REPO is not set")
	}
	const (
		ok   = v1alpha1.HealthStatusHealthy
		prog = v1alpha1.HealthStatusProgressing
		bad  = v1alpha1.HealthStatusDegraded
		susp = v1alpha1.HealthStatusSuspended
	)
	want := map[string]v1alpha1.HealthStatusCode{
		"../../utils/kube/testdata/nginx.yaml": ok,
		"deployment-progressing.yaml":          prog, "deployment-suspended.yaml": susp, "deployment-degraded.yaml": bad,
		"statefulset.yaml": ok, "statefulset-ondelete.yaml": ok, "daemonset-ondelete.yaml": ok,
		"pvc-bound.yaml": ok, "pvc-pending.yaml": prog,
		"svc-clusterip.yaml": ok, "svc-loadbalancer.yaml": ok, "svc-loadbalancer-unassigned.yaml": prog,
		"svc-loadbalancer-nonemptylist.yaml": ok,
		"ingress.yaml":                       ok, "ingress-unassigned.yaml": prog, "ingress-nonemptylist.yaml": ok,
		"job-running.yaml": prog, "job-failed.yaml": bad, "job-succeeded.yaml": ok, "job-suspended.yaml": susp,
		"hpa-v2-healthy.yaml": ok, "hpa-v2-degraded.yaml": bad, "hpa-v2-progressing.yaml": prog,
		"hpa-v2beta2-healthy.yaml": ok, "hpa-v2beta1-healthy-disabled.yaml": ok, "hpa-v2beta1-healthy.yaml": ok,
		"hpa-v1-degraded.yaml": bad, "hpa-v1-healthy.yaml": ok, "hpa-v1-healthy-toofew.yaml": ok,
		"hpa-v1-progressing.yaml": prog, "hpa-v1-progressing-with-no-annotations.yaml": prog,
		"pod-pending.yaml": prog, "pod-running-not-ready.yaml": prog, "pod-crashloop.yaml": bad,
		"pod-imagepullbackoff.yaml": bad, "pod-error.yaml": bad, "pod-running-restart-always.yaml": ok,
		"pod-running-restart-never.yaml": prog, "pod-running-restart-onfailure.yaml": prog,
		"pod-failed.yaml": bad, "pod-succeeded.yaml": ok, "pod-deletion.yaml": prog,
		"apiservice-v1-true.yaml": ok, "apiservice-v1-false.yaml": prog,
		"apiservice-v1beta1-true.yaml": ok, "apiservice-v1beta1-false.yaml": prog,
		// gitops-engine alone gives a Knative Service no health; Argo CD
		// assesses it with resource_customizations/serving.knative.dev (this
		// one has no status yet).
		"knative-service.yaml": prog,
		// gitops-engine gives an Application no health; Tiphys counts a
		// child application's own health (docs/compatibility.md).
		"application-healthy.yaml": ok, "application-degraded.yaml": bad,
	}
	dir := filepath.Join(repo, "pkg", "health", "testdata")
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in %s: %v", dir, err)
	}
	for _, f := range files {
		if _, ok := want[filepath.Base(f)]; !ok {
			t.Errorf("%s: a fixture this test does not know", f)
		}
	}
	for name, code := range want {
		t.Run(name, func(t *testing.T) {
			st, err := fixtureHealth(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if st == nil || st.Code != code {
				t.Errorf("health %+v, want %s", st, code)
			}
		})
	}
}
