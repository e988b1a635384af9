package sync_test

import (
	"context"
	"os"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/cluster"
	"github.com/tiphys/tiphys/internal/sync"
	"github.com/tiphys/tiphys/internal/testenv"
	"github.com/tiphys/tiphys/internal/tracking"
)

var env *testenv.Env

func TestMain(m *testing.M) { os.Exit(testenv.Main(m, &env)) }

// newRunner is a runner on the test plane, as the controller builds one.
func newRunner(t *testing.T) *sync.Runner {
	t.Helper()
	hc, err := rest.HTTPClientFor(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	mapper, err := apiutil.NewDynamicRESTMapper(env.Config, hc)
	if err != nil {
		t.Fatal(err)
	}
	live := cluster.NewLiveCache(cluster.LiveCacheOptions{Client: env.Dynamic, Mapper: mapper})
	t.Cleanup(live.Stop)
	return &sync.Runner{Cluster: cluster.NewWriter(live, cluster.FieldManager)}
}

// testNamespace creates a namespace of its own for a test.
func testNamespace(t *testing.T) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "runner-"}}
	if err := env.Client.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	return ns.Name
}

func configMap(ns, name string, annotations map[string]string, finalizers ...string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("v1")
	u.SetKind("ConfigMap")
	u.SetNamespace(ns)
	u.SetName(name)
	u.SetAnnotations(annotations)
	u.SetFinalizers(finalizers)
	return u
}

func toUnstructured(t *testing.T, obj client.Object) *unstructured.Unstructured {
	t.Helper()
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{Object: m}
	u.SetAPIVersion("v1")
	u.SetKind("ConfigMap")
	return u
}

func removeFinalizers(t *testing.T, ns, name string) {
	t.Helper()
	cm := &corev1.ConfigMap{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, cm); err != nil {
		t.Fatal(err)
	}
	patch := client.MergeFrom(cm.DeepCopy())
	cm.Finalizers = nil
	if err := env.Client.Patch(context.Background(), cm, patch); err != nil {
		t.Fatal(err)
	}
}

// Given a named hook whose object from an earlier sync is still there and
// cannot go away at once (a finalizer holds it),
// when an operation runs the hook,
// then the step deletes the earlier object and the operation waits as a
// Running state without blocking; once the object is gone, the next step
// creates the hook anew.
func TestHookWaitsForItsEarlierObject(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	ns := testNamespace(t)
	earlier := configMap(ns, "migrate", nil, "example.com/hold")
	if err := env.Client.Create(ctx, earlier); err != nil {
		t.Fatal(err)
	}
	hook := configMap(ns, "migrate", map[string]string{sync.AnnotationHook: "PreSync"})
	state := sync.Start(v1alpha1.Operation{Sync: &v1alpha1.SyncOperation{}}, v1alpha1.SyncOperationResult{Revision: "abc1234"})
	r := newRunner(t)
	req := sync.Request{Targets: []*unstructured.Unstructured{hook}}

	if wait := r.Advance(ctx, state, req); wait == 0 || state.Phase != v1alpha1.OperationRunning {
		t.Fatalf("first step: %s %q (wait %s), want Running", state.Phase, state.Message, wait)
	}
	old := &corev1.ConfigMap{}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: "migrate"}, old); err != nil || old.DeletionTimestamp == nil {
		t.Fatalf("the earlier hook object is not being deleted: %v %v", old.DeletionTimestamp, err)
	}
	r.Advance(ctx, state, req)
	if state.Phase != v1alpha1.OperationRunning {
		t.Fatalf("while the earlier object is held: %s %q", state.Phase, state.Message)
	}
	removeFinalizers(t, ns, "migrate")
	deadline := time.Now().Add(30 * time.Second)
	for state.Phase == v1alpha1.OperationRunning && time.Now().Before(deadline) {
		r.Advance(ctx, state, req)
		time.Sleep(100 * time.Millisecond)
	}
	if state.Phase != v1alpha1.OperationSucceeded {
		t.Fatalf("operation %s %q, want Succeeded", state.Phase, state.Message)
	}
	now := &corev1.ConfigMap{}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: "migrate"}, now); err != nil || now.UID == old.UID {
		t.Fatalf("the hook was not created anew: %v (UID %s, earlier %s)", err, now.UID, old.UID)
	}
}

// Given an object the app tracks that another app has taken over since
// the comparison read it (its tracking id now names the other app),
// when the operation prunes it,
// then it is not deleted and the result says who tracks it now.
func TestPruneSparesAnObjectAnotherAppClaimed(t *testing.T) {
	env.Require(t)
	ctx := context.Background()
	ns := testNamespace(t)
	mine := configMap(ns, "shared", nil)
	tracking.Set("app-a", mine)
	if err := env.Client.Create(ctx, mine); err != nil {
		t.Fatal(err)
	}
	seen := mine.DeepCopy() // what the comparison read
	taken := &corev1.ConfigMap{}
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(mine), taken); err != nil {
		t.Fatal(err)
	}
	patch := client.MergeFrom(taken.DeepCopy())
	takenU := toUnstructured(t, taken)
	tracking.Set("app-b", takenU)
	taken.Annotations = takenU.GetAnnotations()
	if err := env.Client.Patch(ctx, taken, patch); err != nil {
		t.Fatal(err)
	}

	state := sync.Start(v1alpha1.Operation{Sync: &v1alpha1.SyncOperation{Prune: true}}, v1alpha1.SyncOperationResult{Revision: "abc1234"})
	newRunner(t).Advance(ctx, state, sync.Request{Orphans: []*unstructured.Unstructured{seen}})
	if state.Phase != v1alpha1.OperationSucceeded {
		t.Fatalf("operation %s %q", state.Phase, state.Message)
	}
	rr := state.SyncResult.Resources[0]
	if rr.Status != v1alpha1.ResultCodePruneSkipped || rr.Message == "" {
		t.Errorf("prune result %s %q, want PruneSkipped naming app-b", rr.Status, rr.Message)
	}
	still := &corev1.ConfigMap{}
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(mine), still); err != nil || still.UID != taken.UID {
		t.Fatalf("the object app-b now tracks was deleted: %v", err)
	}
}
