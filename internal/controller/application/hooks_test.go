package application_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// generatedHooks holds hooks written the common way, with generateName: a
// PreSync and a PostSync Job that are deleted once they succeed, and a
// ConfigMap hook of both phases with the default delete policy.
const generatedHooks = `apiVersion: batch/v1
kind: Job
metadata:
  generateName: upgrade-sql-schema-
  annotations:
    argocd.argoproj.io/hook: PreSync
    argocd.argoproj.io/hook-delete-policy: HookSucceeded
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: busybox:1.36}]
---
apiVersion: batch/v1
kind: Job
metadata:
  generateName: smoke-test-
  annotations:
    argocd.argoproj.io/hook: PostSync
    argocd.argoproj.io/hook-delete-policy: HookSucceeded
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: smoke, image: busybox:1.36}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  generateName: marker-
  annotations: {argocd.argoproj.io/hook: "PreSync,PostSync"}
data: {at: sync}
`

// hookResults are the hook results of an operation as "Kind name phase".
func hookResults(os *v1alpha1.OperationState) []string {
	var out []string
	for _, r := range os.SyncResult.Resources {
		if r.HookType != "" {
			out = append(out, fmt.Sprintf("%s %s %s", r.Kind, r.Name, r.HookPhase))
		}
	}
	slices.Sort(out)
	return out
}

// Given an app whose hooks have generateName and no name,
// when it syncs twice (a second commit),
// then each sync creates its own object per hook and phase, named after
// the generateName, the revision, the phase and the operation's start; the
// hooks succeed and HookSucceeded removes the Jobs; the ConfigMap hook's
// objects of both syncs stay (a new name is never an earlier object).
func TestHooksWithGenerateName(t *testing.T) {
	env.Require(t)
	repo := gittest.New(t)
	first := repo.Commit("first", map[string]string{"app/hooks.yaml": generatedHooks, "app/cm.yaml": configMaps("settings")})
	newApp(t, "genhooks", repo.URL(), "app", automated(true, false))
	one := waitOperation(t, "genhooks", first)
	second := repo.Commit("second", map[string]string{"app/cm.yaml": configMaps("settings", "more")})
	two := waitOperation(t, "genhooks", second)

	var all []string
	for _, tc := range []struct {
		os  *v1alpha1.OperationState
		rev string
	}{{one, first}, {two, second}} {
		if tc.os.Phase != v1alpha1.OperationSucceeded {
			t.Fatalf("sync to %s: %s %q", tc.rev, tc.os.Phase, tc.os.Message)
		}
		suffix := fmt.Sprintf("%s-%%s-%d", tc.rev[:7], tc.os.StartedAt.Unix())
		want := []string{
			"ConfigMap marker-" + fmt.Sprintf(suffix, "postsync") + " Succeeded",
			"ConfigMap marker-" + fmt.Sprintf(suffix, "presync") + " Succeeded",
			"Job smoke-test-" + fmt.Sprintf(suffix, "postsync") + " Succeeded",
			"Job upgrade-sql-schema-" + fmt.Sprintf(suffix, "presync") + " Succeeded",
		}
		if got := hookResults(tc.os); !slices.Equal(got, want) {
			t.Errorf("hooks of the sync to %s:\n got %v\nwant %v", tc.rev, got, want)
		}
		all = append(all, hookResults(tc.os)...)
	}
	for _, h := range all {
		kind, name, _ := strings.Cut(h, " ")
		name, _, _ = strings.Cut(name, " ")
		switch kind {
		case "Job":
			eventually(t, "Job "+name+" removed after it succeeded", func() (bool, error) {
				ok, err := exists(&batchv1.Job{}, "genhooks", name)
				return !ok, err
			})
		case "ConfigMap":
			if ok, err := exists(&corev1.ConfigMap{}, "genhooks", name); !ok {
				t.Errorf("hook ConfigMap %s is gone (%v)", name, err)
			}
		}
	}
	var cms corev1.ConfigMapList
	if err := env.Client.List(context.Background(), &cms, client.InNamespace("genhooks")); err != nil {
		t.Fatal(err)
	}
	markers := 0
	for _, cm := range cms.Items {
		if strings.HasPrefix(cm.Name, "marker-") {
			markers++
		}
	}
	if markers != 4 {
		t.Errorf("%d marker ConfigMaps, want 4 (one per sync and phase)", markers)
	}
}
