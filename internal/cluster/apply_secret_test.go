package cluster_test

import (
	"context"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/tiphys/tiphys/internal/cluster"
)

// Given a Secret whose stringData holds a number, which the API server
// refuses quoting the value,
// when it is applied (as a sync or a comparison's dry run does),
// then the error says what is wrong without the value.
func TestApplyErrorHidesSecretValues(t *testing.T) {
	env.Require(t)
	secret := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Secret",
		"metadata":   map[string]any{"name": "pin", "namespace": "default"},
		"stringData": map[string]any{"pin": int64(987654)},
	}}
	res := dynamic.NewForConfigOrDie(env.Config).Resource(schema.GroupVersionResource{Version: "v1", Resource: "secrets"}).Namespace("default")
	for _, dryRun := range []bool{true, false} {
		_, err := cluster.Apply(context.Background(), res, secret, cluster.ApplyOptions{FieldManager: "argocd-controller", DryRun: dryRun})
		if err == nil {
			t.Fatalf("dry run %v: the server accepted a number in stringData", dryRun)
		}
		if msg := err.Error(); strings.Contains(msg, "987654") || !strings.Contains(msg, ".stringData.pin: expected string") {
			t.Errorf("dry run %v: error = %q, want the field and no value", dryRun, msg)
		}
	}
}
