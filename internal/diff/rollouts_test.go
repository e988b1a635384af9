package diff

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

func mustObj(t *testing.T, s string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	if err := yaml.Unmarshal([]byte(s), &u.Object); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestKeepRolloutSelector(t *testing.T) {
	desired := `apiVersion: v1
kind: Service
metadata: {name: web-stable}
spec: {selector: {app: web}}`
	managed := `apiVersion: v1
kind: Service
metadata: {name: web-stable, annotations: {argo-rollouts.argoproj.io/managed-by-rollouts: web}}
spec: {selector: {app: web, rollouts-pod-template-hash: 5d8f}}`
	unmanaged := `apiVersion: v1
kind: Service
metadata: {name: web-stable}
spec: {selector: {app: web, rollouts-pod-template-hash: 5d8f}}`
	tests := []struct {
		name, desired, live string
		want                string // the desired selector's hash key afterwards
	}{
		{"managed by a Rollout: live key kept", desired, managed, "5d8f"},
		{"not managed: left to the diff", desired, unmanaged, ""},
		{"desired sets the key itself", `apiVersion: v1
kind: Service
metadata: {name: web-stable}
spec: {selector: {app: web, rollouts-pod-template-hash: abc}}`, managed, "abc"},
		{"not a Service", `apiVersion: apps/v1
kind: Deployment
metadata: {name: web-stable}
spec: {selector: {app: web}}`, managed, ""},
	}
	for _, tt := range tests {
		d := mustObj(t, tt.desired)
		before := d.DeepCopy()
		got := KeepRolloutSelector(d, mustObj(t, tt.live))
		hash, _, _ := unstructured.NestedString(got.Object, "spec", "selector", "rollouts-pod-template-hash")
		if hash != tt.want {
			t.Errorf("%s: selector hash %q, want %q", tt.name, hash, tt.want)
		}
		if app, _, _ := unstructured.NestedString(got.Object, "spec", "selector", "app"); app != "web" {
			t.Errorf("%s: selector app %q, want web", tt.name, app)
		}
		if !equalObjects(d, before) {
			t.Errorf("%s: desired modified", tt.name)
		}
	}
	if got := KeepRolloutSelector(mustObj(t, desired), nil); got == nil {
		t.Error("missing live object: nil")
	}
}

func equalObjects(a, b *unstructured.Unstructured) bool {
	ja, _ := a.MarshalJSON()
	jb, _ := b.MarshalJSON()
	return string(ja) == string(jb)
}
