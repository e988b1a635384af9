package v1alpha1_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// statusSubresource lists the kinds whose status is written through the
// status subresource (a create ignores it).
var statusSubresource = map[string]bool{"ApplicationSet": true, "Rollout": true, "AnalysisRun": true, "Experiment": true}

// Given the CRDs installed, when a fixture is created (and, for kinds with a
// status subresource, its status written through it), then reading it back
// returns every field unchanged, both as raw JSON and through the Go types.
// The Argo CD fixtures set every field; the Argo Rollouts ones are
// real-world objects.
func TestRoundTrip(t *testing.T) {
	env.Require(t)
	for _, f := range append(fixtures[:len(fixtures):len(fixtures)], rolloutFixtures...) {
		t.Run(f.file, func(t *testing.T) {
			ctx := context.Background()
			want := unstructuredFixture(t, f.file)
			gvr := schema.GroupVersionResource{Group: v1alpha1.Group, Version: "v1alpha1",
				Resource: strings.ToLower(want.GetKind()) + "s"}
			res := env.Dynamic.Resource(gvr).Namespace(want.GetNamespace())

			created, err := res.Create(ctx, want.DeepCopy(), metav1.CreateOptions{})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			t.Cleanup(func() { // the fixtures carry finalizers: drop them, then delete
				_, _ = res.Patch(ctx, want.GetName(), types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{})
				_ = res.Delete(ctx, want.GetName(), metav1.DeleteOptions{})
			})
			if status, ok := want.Object["status"]; ok && statusSubresource[want.GetKind()] {
				created.Object["status"] = status
				if _, err := res.UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
					t.Fatalf("update status: %v", err)
				}
			}
			got, err := res.Get(ctx, want.GetName(), metav1.GetOptions{})
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			if diff := cmp.Diff(normalize(t, want), normalize(t, withoutServerFields(got))); diff != "" {
				t.Errorf("read back differs (-created +read):\n%s", diff)
			}

			typed := reflect.New(reflect.TypeOf(f.typ).Elem()).Interface().(client.Object)
			if err := env.Client.Get(ctx, client.ObjectKeyFromObject(want), typed); err != nil {
				t.Fatalf("typed get: %v", err)
			}
			typed.SetManagedFields(nil)
			typed.GetObjectKind().SetGroupVersionKind(want.GroupVersionKind())
			wantTyped := reflect.New(reflect.TypeOf(f.typ).Elem()).Interface()
			if err := json.Unmarshal(readFixture(t, f.file), wantTyped); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(normalize(t, toUnstructured(t, wantTyped)), normalize(t, withoutServerFields(toUnstructured(t, typed)))); diff != "" {
				t.Errorf("typed read differs (-created +read):\n%s", diff)
			}
		})
	}
}

func withoutServerFields(u *unstructured.Unstructured) *unstructured.Unstructured {
	u = u.DeepCopy()
	for _, f := range []string{"uid", "resourceVersion", "generation", "creationTimestamp", "managedFields"} {
		unstructured.RemoveNestedField(u.Object, "metadata", f)
	}
	return u
}

func toUnstructured(t *testing.T, obj any) *unstructured.Unstructured {
	t.Helper()
	b, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	return u
}

// normalize turns an object into plain JSON values, so numbers compare alike.
func normalize(t *testing.T, u *unstructured.Unstructured) any {
	t.Helper()
	b, err := json.Marshal(u.Object)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}
