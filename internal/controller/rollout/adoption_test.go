package rollout_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/rollout/hash"
)

// adopted is the Rollout whose ReplicaSet Argo Rollouts created.
const adopted = `
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: legacy}
spec:
  replicas: 3
  selector: {matchLabels: {app: legacy}}
  template:
    metadata: {labels: {app: legacy}}
    spec:
      containers: [{name: app, image: "example.com/legacy:v7"}]
  strategy:
    canary:
      steps: [{setWeight: 50}, {pause: {}}]
`

// podUIDs lists the UIDs of the pods of ns, sorted.
func podUIDs(t *testing.T, ns string) []string {
	t.Helper()
	var pods corev1.PodList
	if err := env.Client.List(context.Background(), &pods, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range pods.Items {
		out = append(out, string(p.UID))
	}
	sort.Strings(out)
	return out
}

// Given ReplicaSets and pods labelled as Argo Rollouts 1.8 and 1.9 left
// them (each computes another hash for the same template), When Tiphys
// takes over the Rollout, Then it adopts the ReplicaSet by its label: no
// pod deleted or created, no new ReplicaSet, no new revision, and the
// ReplicaSet's hash is the Rollout's stable hash from then on.
func TestAdoptionWithoutRestart(t *testing.T) {
	env.Require(t)
	ro := &v1alpha1.Rollout{}
	if err := yaml.UnmarshalStrict([]byte(adopted), ro); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		hash string
	}{
		{"rollouts 1-8", hash.LegacyPodTemplateHash(&ro.Spec.Template, nil)},
		{"rollouts 1-9", hash.PodTemplateHash(&ro.Spec.Template, nil)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ns := namespace(t)
			tmpl := ro.Spec.Template.DeepCopy()
			tmpl.Labels[v1alpha1.LabelPodTemplateHash] = tt.hash
			three := int32(3)
			rs := &appsv1.ReplicaSet{
				ObjectMeta: metav1.ObjectMeta{Name: "legacy-" + tt.hash, Namespace: ns,
					Labels:      map[string]string{"app": "legacy", v1alpha1.LabelPodTemplateHash: tt.hash},
					Annotations: map[string]string{"rollout.argoproj.io/revision": "4", "rollout.argoproj.io/desired-replicas": "3"}},
				Spec: appsv1.ReplicaSetSpec{Replicas: &three, Template: *tmpl,
					Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "legacy", v1alpha1.LabelPodTemplateHash: tt.hash}}},
			}
			if err := env.Client.Create(context.Background(), rs); err != nil {
				t.Fatal(err)
			}
			eventually(t, "3 pods available", func() (bool, error) {
				err := env.Client.Get(context.Background(), client.ObjectKeyFromObject(rs), rs)
				return err == nil && rs.Status.AvailableReplicas == 3, err
			})
			before := podUIDs(t, ns)

			apply(t, ns, adopted)
			done := waitFor(t, ns, "legacy", "taken over and healthy", healthy)
			if done.Status.StableRS != tt.hash || done.Status.CurrentPodHash != tt.hash {
				t.Errorf("stable %q current %q, want the adopted hash %q", done.Status.StableRS, done.Status.CurrentPodHash, tt.hash)
			}
			rss := replicaSets(t, ns)
			if len(rss) != 1 || rss[tt.hash] == nil {
				t.Fatalf("ReplicaSets %v, want only the adopted one", keys(rss))
			}
			got := rss[tt.hash]
			if !metav1.IsControlledBy(got, done) || *got.Spec.Replicas != 3 || got.Generation != rs.Generation {
				t.Errorf("adopted ReplicaSet: controlled %v replicas %d generation %d→%d", metav1.IsControlledBy(got, done), *got.Spec.Replicas, rs.Generation, got.Generation)
			}
			if rev := done.Annotations["rollout.argoproj.io/revision"]; rev != "4" {
				t.Errorf("Rollout revision %q, want the adopted ReplicaSet's 4 (no new revision)", rev)
			}
			if after := podUIDs(t, ns); strings.Join(after, ",") != strings.Join(before, ",") {
				t.Errorf("pods changed on takeover:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

// keys lists a map's keys.
func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Given a canary mid-update, the kubectl plugin's patches applied with
// kubectl patch do what the plugin's verbs do: pause holds it, resume
// lets it go on, promote --full skips the remaining steps, restart
// replaces every pod, undo goes back to the stable revision at once.
func TestPluginPatches(t *testing.T) {
	ns := namespace(t)
	apply(t, ns, basicCanary)
	v1 := waitFor(t, ns, "web", "first revision healthy", healthy)

	t.Run("pause and resume", func(t *testing.T) {
		kubectl(t, ns, "", "patch", "rollout", "web", "--type", "merge", "-p", `{"spec":{"paused":true}}`)
		paused := waitFor(t, ns, "web", "manually paused", func(ro *v1alpha1.Rollout) bool {
			return ro.Status.Phase == v1alpha1.RolloutPhasePaused && ro.Status.Message == "manually paused"
		})
		if c := condition(paused, v1alpha1.RolloutConditionPaused); c == nil || c.Status != corev1.ConditionTrue {
			t.Errorf("Paused condition %+v, want True", c)
		}
		kubectl(t, ns, "", "patch", "rollout", "web", "--type", "merge", "-p", `{"spec":{"paused":false}}`)
		waitFor(t, ns, "web", "healthy again", healthy)
	})

	t.Run("promote full", func(t *testing.T) {
		setImage(t, ns, "web", "example.com/web:v2")
		ro := waitFor(t, ns, "web", "paused at step 1", pausedAt(1))
		kubectl(t, ns, "", "patch", "rollout", "web", "--subresource", "status", "--type", "merge", "-p", `{"status":{"promoteFull":true}}`)
		done := waitFor(t, ns, "web", "fully promoted", healthy)
		if done.Status.StableRS != ro.Status.CurrentPodHash || done.Status.PromoteFull {
			t.Errorf("stable %q promoteFull %v, want %q and false", done.Status.StableRS, done.Status.PromoteFull, ro.Status.CurrentPodHash)
		}
	})

	t.Run("undo to the stable revision", func(t *testing.T) {
		v2 := get(t, ns, "web")
		setImage(t, ns, "web", "example.com/web:v3")
		waitFor(t, ns, "web", "paused at step 1", pausedAt(1))
		// The plugin's undo: a JSON patch of the pod template back to the
		// stable revision's (its ReplicaSet's, without the hash label).
		rs := replicaSets(t, ns)[v2.Status.StableRS]
		tmpl := rs.Spec.Template.DeepCopy()
		delete(tmpl.Labels, v1alpha1.LabelPodTemplateHash)
		raw, _ := yaml.Marshal(tmpl)
		js, _ := yaml.YAMLToJSON(raw)
		kubectl(t, ns, "", "patch", "rollout", "web", "--type", "json", "-p", fmt.Sprintf(`[{"op":"replace","path":"/spec/template","value":%s}]`, js))
		back := waitFor(t, ns, "web", "back on the stable revision", func(ro *v1alpha1.Rollout) bool {
			return healthy(ro) && ro.Status.CurrentPodHash == v2.Status.StableRS
		})
		if *back.Status.CurrentStepIndex != 4 {
			t.Errorf("currentStepIndex %d, want 4 (steps skipped)", *back.Status.CurrentStepIndex)
		}
		if n := len(replicaSets(t, ns)); n != 3 {
			t.Errorf("%d ReplicaSets, want 3 (v1, v2, v3; no new one for the undo)", n)
		}
	})

	t.Run("restart", func(t *testing.T) {
		before := podUIDs(t, ns)
		// A second ahead: pods created in the current second are not
		// "before" a restartAt written with second precision.
		at := metav1.Now().Add(time.Second).UTC().Format("2006-01-02T15:04:05Z")
		kubectl(t, ns, "", "patch", "rollout", "web", "--type", "merge", "-p", fmt.Sprintf(`{"spec":{"restartAt":%q}}`, at))
		done := waitFor(t, ns, "web", "restarted", func(ro *v1alpha1.Rollout) bool {
			return ro.Status.RestartedAt != nil && healthy(ro)
		})
		if done.Status.RestartedAt.UTC().Format("2006-01-02T15:04:05Z") != at {
			t.Errorf("restartedAt %v, want %s", done.Status.RestartedAt, at)
		}
		eventually(t, "every pod replaced", func() (bool, error) {
			after := podUIDs(t, ns)
			if len(after) != 4 {
				return false, nil
			}
			for _, uid := range after {
				for _, old := range before {
					if uid == old {
						return false, nil
					}
				}
			}
			return true, nil
		})
	})
	_ = v1
}

// Given a Rollout naming an AnalysisTemplate and a Service that do not
// exist, Then it is Degraded with an InvalidSpec condition naming the
// missing object, nothing is scaled, and creating the object lets it go on.
func TestMissingReferencesAreInvalidSpec(t *testing.T) {
	ns := namespace(t)
	manifest := strings.Replace(basicCanary, "      - setWeight: 25\n", "      - setWeight: 25\n      - analysis: {templates: [{templateName: smoke}]}\n", 1)
	services := manifest[:strings.Index(manifest, "apiVersion: argoproj.io/v1alpha1")]
	apply(t, ns, manifest[strings.Index(manifest, "apiVersion: argoproj.io/v1alpha1"):])
	ro := waitFor(t, ns, "web", "InvalidSpec", func(ro *v1alpha1.Rollout) bool {
		return ro.Status.Phase == v1alpha1.RolloutPhaseDegraded && condition(ro, v1alpha1.RolloutConditionInvalidSpec) != nil
	})
	if want := `InvalidSpec: spec.strategy.canary.stableService: Service "web-stable" not found`; ro.Status.Message != want {
		t.Errorf("message %q, want %q", ro.Status.Message, want)
	}
	if n := len(replicaSets(t, ns)); n != 0 {
		t.Errorf("%d ReplicaSets for an invalid Rollout, want none", n)
	}
	apply(t, ns, services)
	waitFor(t, ns, "web", "the missing template named", func(ro *v1alpha1.Rollout) bool {
		return ro.Status.Message == `InvalidSpec: spec.strategy.canary.steps[1].analysis.templates: AnalysisTemplate "smoke" not found`
	})
	apply(t, ns, `
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: smoke}
spec:
  metrics: [{name: smoke, provider: {job: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}}}}}}]
`)
	waitFor(t, ns, "web", "valid and healthy once both exist", healthy)
}

// Given a Deployment and a Rollout that takes its template by workloadRef
// with scaleDown onsuccess, Then the Rollout runs the template and, once
// Healthy, the Deployment is scaled to 0 (the migration path off a
// Deployment, as Argo Rollouts').
func TestWorkloadRefScaleDownOnSuccess(t *testing.T) {
	ns := namespace(t)
	apply(t, ns, `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: "example.com/web:v1"}]
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: web, scaleDown: onsuccess}
  strategy: {canary: {steps: [{setWeight: 50}]}}
`)
	ro := waitFor(t, ns, "web", "healthy on the Deployment's template", healthy)
	if ro.Status.WorkloadObservedGeneration == "" || ro.Annotations["rollout.argoproj.io/workload-generation"] != ro.Status.WorkloadObservedGeneration {
		t.Errorf("workloadObservedGeneration %q, annotation %q: want both, equal (health reads them)",
			ro.Status.WorkloadObservedGeneration, ro.Annotations["rollout.argoproj.io/workload-generation"])
	}
	eventually(t, "Deployment scaled to 0", func() (bool, error) {
		var d appsv1.Deployment
		err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "web"}, &d)
		return err == nil && *d.Spec.Replicas == 0, err
	})
	if rs := replicaSets(t, ns)[ro.Status.StableRS]; rs == nil || *rs.Spec.Replicas != 2 {
		t.Errorf("Rollout's ReplicaSet %v, want 2 pods", rs)
	}
}
