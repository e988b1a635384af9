package health

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func parse(t *testing.T, s string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	j, err := yaml.YAMLToJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	if err := u.UnmarshalJSON(j); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestOf(t *testing.T) {
	tests := []struct {
		name string
		obj  string
		want v1alpha1.HealthStatusCode // "" means no health
	}{
		{"deployment available", `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d, generation: 2}, spec: {replicas: 2},
			status: {observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2}}`, v1alpha1.HealthStatusHealthy},
		{"deployment rolling", `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d, generation: 2}, spec: {replicas: 2},
			status: {observedGeneration: 2, replicas: 3, updatedReplicas: 2, availableReplicas: 2}}`, v1alpha1.HealthStatusProgressing},
		{"deployment not observed", `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d, generation: 3}, status: {observedGeneration: 2}}`, v1alpha1.HealthStatusProgressing},
		{"deployment deadline", `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d, generation: 1},
			status: {observedGeneration: 1, conditions: [{type: Progressing, status: "False", reason: ProgressDeadlineExceeded}]}}`, v1alpha1.HealthStatusDegraded},
		{"deployment paused", `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}, spec: {paused: true}}`, v1alpha1.HealthStatusSuspended},
		{"statefulset ready", `{apiVersion: apps/v1, kind: StatefulSet, metadata: {name: s, generation: 1}, spec: {replicas: 1},
			status: {observedGeneration: 1, readyReplicas: 1, currentRevision: r1, updateRevision: r1, currentReplicas: 1}}`, v1alpha1.HealthStatusHealthy},
		{"statefulset updating", `{apiVersion: apps/v1, kind: StatefulSet, metadata: {name: s, generation: 1}, spec: {replicas: 1},
			status: {observedGeneration: 1, readyReplicas: 1, currentRevision: r1, updateRevision: r2}}`, v1alpha1.HealthStatusProgressing},
		{"daemonset rolling", `{apiVersion: apps/v1, kind: DaemonSet, metadata: {name: d, generation: 1},
			status: {observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2}}`, v1alpha1.HealthStatusProgressing},
		{"replicaset failure", `{apiVersion: apps/v1, kind: ReplicaSet, metadata: {name: r}, status: {conditions: [{type: ReplicaFailure, status: "True", message: quota}]}}`, v1alpha1.HealthStatusDegraded},
		{"pod running ready", `{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {restartPolicy: Always},
			status: {phase: Running, conditions: [{type: Ready, status: "True"}]}}`, v1alpha1.HealthStatusHealthy},
		{"pod crashloop", `{apiVersion: v1, kind: Pod, metadata: {name: p}, status: {phase: Running,
			containerStatuses: [{name: c, image: x, imageID: "", ready: false, restartCount: 3, state: {waiting: {reason: CrashLoopBackOff}}}]}}`, v1alpha1.HealthStatusDegraded},
		{"pod succeeded", `{apiVersion: v1, kind: Pod, metadata: {name: p}, status: {phase: Succeeded}}`, v1alpha1.HealthStatusHealthy},
		{"job complete", `{apiVersion: batch/v1, kind: Job, metadata: {name: j}, status: {conditions: [{type: Complete, status: "True"}]}}`, v1alpha1.HealthStatusHealthy},
		{"job failed", `{apiVersion: batch/v1, kind: Job, metadata: {name: j}, status: {conditions: [{type: Failed, status: "True", message: backoff}]}}`, v1alpha1.HealthStatusDegraded},
		{"job running", `{apiVersion: batch/v1, kind: Job, metadata: {name: j}}`, v1alpha1.HealthStatusProgressing},
		{"service clusterip", `{apiVersion: v1, kind: Service, metadata: {name: s}, spec: {type: ClusterIP}}`, v1alpha1.HealthStatusHealthy},
		{"service lb pending", `{apiVersion: v1, kind: Service, metadata: {name: s}, spec: {type: LoadBalancer}}`, v1alpha1.HealthStatusProgressing},
		{"service lb ready", `{apiVersion: v1, kind: Service, metadata: {name: s}, spec: {type: LoadBalancer}, status: {loadBalancer: {ingress: [{ip: 1.2.3.4}]}}}`, v1alpha1.HealthStatusHealthy},
		{"ingress pending", `{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: i}}`, v1alpha1.HealthStatusProgressing},
		{"pvc bound", `{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: c}, status: {phase: Bound}}`, v1alpha1.HealthStatusHealthy},
		{"pvc lost", `{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: c}, status: {phase: Lost}}`, v1alpha1.HealthStatusDegraded},
		{"hpa failing", `{apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, metadata: {name: h},
			status: {conditions: [{type: ScalingActive, status: "False", reason: FailedGetResourceMetric}]}}`, v1alpha1.HealthStatusDegraded},
		{"hpa ok", `{apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, metadata: {name: h}, status: {conditions: [{type: AbleToScale, status: "True"}]}}`, v1alpha1.HealthStatusHealthy},
		{"apiservice available", `{apiVersion: apiregistration.k8s.io/v1, kind: APIService, metadata: {name: a}, status: {conditions: [{type: Available, status: "True"}]}}`, v1alpha1.HealthStatusHealthy},
		{"crd established", `{apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition, metadata: {name: c}, status: {conditions: [{type: Established, status: "True"}]}}`, v1alpha1.HealthStatusHealthy},
		{"crd names conflict", `{apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition, metadata: {name: c}, status: {conditions: [{type: NamesAccepted, status: "False"}]}}`, v1alpha1.HealthStatusDegraded},
		{"child application degraded", `{apiVersion: argoproj.io/v1alpha1, kind: Application, metadata: {name: a}, status: {health: {status: Degraded}}}`, v1alpha1.HealthStatusDegraded},
		{"child application new", `{apiVersion: argoproj.io/v1alpha1, kind: Application, metadata: {name: a}}`, v1alpha1.HealthStatusProgressing},
		{"child application invalid", `{apiVersion: argoproj.io/v1alpha1, kind: Application, metadata: {name: a},
			status: {health: {status: Unknown}, conditions: [{type: InvalidSpecError, message: denied}]}}`, v1alpha1.HealthStatusUnknown},
		{"custom resource ready", `{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, status: {conditions: [{type: Ready, status: "True"}]}}`, v1alpha1.HealthStatusHealthy},
		{"custom resource failed", `{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, status: {conditions: [{type: Ready, status: "False", reason: ReconcileFailed}]}}`, v1alpha1.HealthStatusDegraded},
		{"configmap has no health", `{apiVersion: v1, kind: ConfigMap, metadata: {name: c}}`, ""},
		{"deleting", `{apiVersion: v1, kind: ConfigMap, metadata: {name: c, deletionTimestamp: "2026-01-01T00:00:00Z"}}`, v1alpha1.HealthStatusProgressing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Of(parse(t, tt.obj), nil)
			if err != nil {
				t.Fatal(err)
			}
			var got v1alpha1.HealthStatusCode
			if st != nil {
				got = st.Code
			}
			if got != tt.want {
				t.Errorf("health = %q (%v), want %q", got, st, tt.want)
			}
		})
	}
}

func TestAggregate(t *testing.T) {
	tests := []struct {
		in   []v1alpha1.HealthStatusCode
		want v1alpha1.HealthStatusCode
	}{
		{nil, v1alpha1.HealthStatusHealthy},
		{[]v1alpha1.HealthStatusCode{v1alpha1.HealthStatusHealthy, v1alpha1.HealthStatusSuspended}, v1alpha1.HealthStatusSuspended},
		{[]v1alpha1.HealthStatusCode{v1alpha1.HealthStatusProgressing, v1alpha1.HealthStatusSuspended}, v1alpha1.HealthStatusProgressing},
		{[]v1alpha1.HealthStatusCode{v1alpha1.HealthStatusMissing, v1alpha1.HealthStatusProgressing}, v1alpha1.HealthStatusMissing},
		{[]v1alpha1.HealthStatusCode{v1alpha1.HealthStatusMissing, v1alpha1.HealthStatusDegraded}, v1alpha1.HealthStatusDegraded},
		{[]v1alpha1.HealthStatusCode{v1alpha1.HealthStatusDegraded, v1alpha1.HealthStatusUnknown}, v1alpha1.HealthStatusUnknown},
	}
	for _, tt := range tests {
		var statuses []*Status
		for _, c := range tt.in {
			statuses = append(statuses, &Status{Code: c})
		}
		statuses = append(statuses, nil)
		if got := Aggregate(statuses...); got != tt.want {
			t.Errorf("Aggregate(%v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// A check that panics on an object of an unexpected shape gives Unknown
// with an error instead of stopping the caller.
func TestOfRecoversFromAPanickingCheck(t *testing.T) {
	gk := schema.GroupKind{Group: "example.com", Kind: "Fragile"}
	checks[gk] = func(obj *unstructured.Unstructured) (*Status, error) {
		_ = obj.Object["status"].(map[string]any)["ready"].(bool)
		return healthy(""), nil
	}
	defer delete(checks, gk)
	st, err := Of(parse(t, `{apiVersion: example.com/v1, kind: Fragile, metadata: {name: f}, status: {ready: "yes"}}`), nil)
	if err == nil || st == nil || st.Code != v1alpha1.HealthStatusUnknown {
		t.Fatalf("health %+v, error %v; want Unknown with an error", st, err)
	}
}

// A hook being deleted keeps the health of what it did; any other object
// being deleted is Progressing, as gitops-engine has it.
func TestDeletingHooksKeepTheirHealth(t *testing.T) {
	job := `{apiVersion: batch/v1, kind: Job, metadata: {name: migrate, deletionTimestamp: "2026-11-30T10:00:00Z", ANN},
		status: {conditions: [{type: Complete, status: "True"}]}}`
	for ann, want := range map[string]v1alpha1.HealthStatusCode{
		`annotations: {argocd.argoproj.io/hook: PreSync}`: v1alpha1.HealthStatusHealthy,
		`annotations: {helm.sh/hook: pre-install}`:        v1alpha1.HealthStatusHealthy,
		`annotations: {argocd.argoproj.io/hook: Skip}`:    v1alpha1.HealthStatusProgressing,
		`annotations: {helm.sh/hook: crd-install}`:        v1alpha1.HealthStatusProgressing,
		`labels: {}`: v1alpha1.HealthStatusProgressing,
	} {
		st, err := Of(parse(t, strings.Replace(job, "ANN", ann, 1)), nil)
		if err != nil || st.Code != want {
			t.Errorf("%s: %+v, %v; want %s", ann, st, err, want)
		}
	}
}

// A child Application whose health is not known carries its error
// condition into the parent's view.
func TestChildApplicationErrorMessage(t *testing.T) {
	for obj, want := range map[string]string{
		`{apiVersion: argoproj.io/v1alpha1, kind: Application, metadata: {name: a},
			status: {health: {status: Unknown}, conditions: [{type: InvalidSpecError, message: "destination not permitted"}]}}`: "InvalidSpecError: destination not permitted",
		`{apiVersion: argoproj.io/v1alpha1, kind: Application, metadata: {name: a},
			status: {conditions: [{type: ComparisonError, message: "path leaves the repository"}]}}`: "ComparisonError: path leaves the repository",
		`{apiVersion: argoproj.io/v1alpha1, kind: Application, metadata: {name: a}}`: "Waiting for the application to be reconciled",
	} {
		st, err := Of(parse(t, obj), nil)
		if err != nil {
			t.Fatal(err)
		}
		if st.Message != want {
			t.Errorf("message %q, want %q", st.Message, want)
		}
	}
}
