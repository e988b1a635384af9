package applicationset_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/applicationset"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// Given a RollingSync set of two staging apps (maxUpdate 1) and two
// production apps, all with automated sync in the template, and one
// production app held by the annotation,
// when it rolls out,
// then no two staging apps are ever progressing at once, no production
// app starts syncing before every staging app is Synced and Healthy, the
// held app never syncs, the rollout completes, and the apps keep their
// automated sync.
func TestRollingSyncStagingBeforeProduction(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	repo := gittest.New(t)
	files := map[string]string{}
	for _, n := range []string{"roll-a", "roll-b", "roll-c", "roll-d"} {
		files["apps/"+n+"/cm.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + n + "}\n"
	}
	repo.Commit("apps", files)
	set := newSet(t, strings.ReplaceAll(`
metadata: {name: rolling}
spec:
  generators:
  - list:
      elements:
      - {name: roll-a, env: staging}
      - {name: roll-b, env: staging}
      - {name: roll-c, env: production}
      - {name: roll-d, env: production}
  strategy:
    type: RollingSync
    rollingSync:
      steps:
      - matchExpressions: [{key: env, operator: In, values: [staging]}]
        maxUpdate: 1
      - matchExpressions: [{key: env, operator: In, values: [production]}]
  template:
    metadata: {name: '{{name}}', labels: {env: '{{env}}'}}
    spec:
      project: default
      source: {repoURL: REPO, targetRevision: main, path: 'apps/{{name}}'}
      destination: {server: https://kubernetes.default.svc, namespace: '{{name}}'}
      syncPolicy:
        automated: {prune: true}
        syncOptions: [CreateNamespace=true]
`, "REPO", repo.URL()))
	got := waitApps(t, set, "roll-a", "roll-b", "roll-c", "roll-d")
	held := got["roll-d"]
	patch := client.MergeFrom(held.DeepCopy())
	if held.Annotations == nil {
		held.Annotations = map[string]string{}
	}
	held.Annotations[applicationset.HoldAnnotation] = "true"
	if err := env.Client.Patch(ctx, held, patch); err != nil {
		t.Fatal(err)
	}

	eventually(t, "the rollout completes", func() (bool, error) {
		cur := getSet(t, set)
		progressing := 0
		for _, s := range cur.Status.ApplicationStatus {
			if s.Step == "1" && s.Status == "Progressing" {
				progressing++
			}
		}
		if progressing > 1 {
			t.Fatalf("%d staging apps progressing at once with maxUpdate 1: %+v", progressing, cur.Status.ApplicationStatus)
		}
		for _, c := range cur.Status.Conditions {
			if c.Type == "RolloutProgressing" && c.Status == "False" {
				return true, nil
			}
		}
		return false, fmt.Errorf("application status %+v, conditions %+v", cur.Status.ApplicationStatus, cur.Status.Conditions)
	})
	all := apps(t, set)
	for _, n := range []string{"roll-a", "roll-b"} {
		a := all[n]
		if a.Status.Sync.Status != v1alpha1.SyncStatusCodeSynced || a.Status.Health.Status != v1alpha1.HealthStatusHealthy ||
			a.Status.OperationState == nil || a.Status.OperationState.FinishedAt == nil {
			t.Fatalf("%s after the rollout: %s %s %+v", n, a.Status.Sync.Status, a.Status.Health.Status, a.Status.OperationState)
		}
		if a.Spec.SyncPolicy == nil || a.Spec.SyncPolicy.Automated == nil {
			t.Errorf("%s lost its automated sync", n)
		}
	}
	c := all["roll-c"]
	if c.Status.OperationState == nil {
		t.Fatal("roll-c never synced")
	}
	for _, n := range []string{"roll-a", "roll-b"} {
		if fin := all[n].Status.OperationState.FinishedAt; c.Status.OperationState.StartedAt.Before(fin) {
			t.Errorf("roll-c started syncing at %s, before %s finished at %s", c.Status.OperationState.StartedAt, n, fin)
		}
	}
	if d := all["roll-d"]; d.Status.OperationState != nil {
		t.Errorf("the held app synced: %+v", d.Status.OperationState)
	}
}
