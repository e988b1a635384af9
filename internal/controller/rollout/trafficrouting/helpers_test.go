package trafficrouting_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting"
)

// newRollout decodes a Rollout written as YAML, failing the test if it is
// not one.
func newRollout(t *testing.T, doc string) *v1alpha1.Rollout {
	t.Helper()
	ro := &v1alpha1.Rollout{}
	if err := yaml.UnmarshalStrict([]byte(doc), ro); err != nil {
		t.Fatalf("rollout: %v", err)
	}
	return ro
}

// assertObject compares a stored object with the one written as YAML.
func assertObject(t *testing.T, got map[string]any, want string) {
	t.Helper()
	if diff := cmp.Diff(trafficrouting.DecodeYAML(t, want), got); diff != "" {
		t.Errorf("object (-want +got):\n%s", diff)
	}
}

// mustYAML encodes an object as YAML.
func mustYAML(t *testing.T, obj any) string {
	t.Helper()
	out, err := yaml.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
