package application

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func objects(t *testing.T, docs ...string) []*unstructured.Unstructured {
	t.Helper()
	var out []*unstructured.Unstructured
	for _, d := range docs {
		o := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(d), &o.Object); err != nil {
			t.Fatal(err)
		}
		out = append(out, o)
	}
	return out
}

const (
	hpaOfRollout = `{apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, metadata: {name: web, namespace: shop},
  spec: {scaleTargetRef: {apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: web}, minReplicas: 2, maxReplicas: 9}}`
	rolloutWithReplicas    = `{apiVersion: argoproj.io/v1alpha1, kind: Rollout, metadata: {name: web, namespace: shop}, spec: {replicas: 3}}`
	rolloutWithoutReplicas = `{apiVersion: argoproj.io/v1alpha1, kind: Rollout, metadata: {name: web, namespace: shop}, spec: {}}`
	hpaOfDeployment        = `{apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, metadata: {name: api, namespace: shop},
  spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}}}`
	deployment      = `{apiVersion: apps/v1, kind: Deployment, metadata: {name: api, namespace: shop}, spec: {replicas: 1}}`
	otherDeployment = `{apiVersion: apps/v1, kind: Deployment, metadata: {name: api, namespace: other}, spec: {replicas: 1}}`
)

// An HPA that scales a workload whose replicas the app sets is a conflict,
// unless /spec/replicas is ignored (by the app or argocd-cm, by pointer or
// jq path) and the sync respects it.
func TestReplicasConflicts(t *testing.T) {
	replicas := v1alpha1.ResourceIgnoreDifferences{Group: "argoproj.io", Kind: "Rollout", JSONPointers: []string{"/spec/replicas"}}
	tests := []struct {
		name    string
		docs    []string
		ignore  []v1alpha1.ResourceIgnoreDifferences
		respect bool
		want    []string // substrings, one per message
	}{
		{"rollout with replicas", []string{hpaOfRollout, rolloutWithReplicas}, nil, true,
			[]string{"HorizontalPodAutoscaler shop/web scales Rollout shop/web, whose spec.replicas the application also sets: each sync resets the replicas the autoscaler chose. Ignore /spec/replicas of Rollout web (spec.ignoreDifferences jsonPointers: [/spec/replicas]) and add the sync option RespectIgnoreDifferences=true"}},
		{"ignored and respected", []string{hpaOfRollout, rolloutWithReplicas}, []v1alpha1.ResourceIgnoreDifferences{replicas}, true, nil},
		{"ignored, not respected", []string{hpaOfRollout, rolloutWithReplicas}, []v1alpha1.ResourceIgnoreDifferences{replicas}, false,
			[]string{"/spec/replicas is ignored in the comparison but a sync still writes it"}},
		{"jq path, named", []string{hpaOfRollout, rolloutWithReplicas}, []v1alpha1.ResourceIgnoreDifferences{
			{Group: "argoproj.io", Kind: "Rollout", Name: "web", Namespace: "shop", JQPathExpressions: []string{" .spec.replicas "}}}, true, nil},
		{"argocd-cm all kinds", []string{hpaOfRollout, rolloutWithReplicas}, []v1alpha1.ResourceIgnoreDifferences{
			{Group: "*", Kind: "*", JSONPointers: []string{"/spec/replicas"}}}, true, nil},
		{"a rule for another name", []string{hpaOfRollout, rolloutWithReplicas}, []v1alpha1.ResourceIgnoreDifferences{
			{Group: "argoproj.io", Kind: "Rollout", Name: "api", JSONPointers: []string{"/spec/replicas"}}}, true,
			[]string{"scales Rollout shop/web"}},
		{"a rule for another field", []string{hpaOfRollout, rolloutWithReplicas}, []v1alpha1.ResourceIgnoreDifferences{
			{Group: "argoproj.io", Kind: "Rollout", JSONPointers: []string{"/spec/template"}}}, true, []string{"scales Rollout shop/web"}},
		{"no replicas in the manifest", []string{hpaOfRollout, rolloutWithoutReplicas}, nil, true, nil},
		{"deployment", []string{hpaOfDeployment, deployment, hpaOfRollout}, nil, true,
			[]string{"HorizontalPodAutoscaler shop/api scales Deployment shop/api"}},
		{"target in another namespace", []string{hpaOfDeployment, otherDeployment}, nil, true, nil},
		{"target not managed", []string{hpaOfRollout}, nil, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := replicasConflicts(objects(t, tt.docs...), tt.ignore, tt.respect)
			if len(got) != len(tt.want) {
				t.Fatalf("conflicts = %q, want %d", got, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("conflict %d = %q, want it to say %q", i, got[i], w)
				}
			}
		})
	}
}
