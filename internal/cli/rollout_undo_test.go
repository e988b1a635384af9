package cli

import (
	"context"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/rollout/action"
)

// testRevision creates a ReplicaSet of ro at revision rev running image,
// labelled with hash as Argo Rollouts labels its ReplicaSets.
func testRevision(t *testing.T, ro *v1alpha1.Rollout, rev, hash, image string) {
	t.Helper()
	tmpl := ro.Spec.Template.DeepCopy()
	tmpl.Labels[v1alpha1.LabelPodTemplateHash] = hash
	tmpl.Spec.Containers[0].Image = image
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: ro.Namespace, Name: ro.Name + "-" + hash,
			Labels:          map[string]string{"app": "guestbook", v1alpha1.LabelPodTemplateHash: hash},
			Annotations:     map[string]string{action.AnnotationRevision: rev},
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(ro, v1alpha1.SchemeGroupVersion.WithKind("Rollout"))},
		},
		Spec: appsv1.ReplicaSetSpec{
			Replicas: ptr.To[int32](0),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "guestbook", v1alpha1.LabelPodTemplateHash: hash}},
			Template: *tmpl,
		},
	}
	if err := env.Client.Create(context.Background(), rs); err != nil {
		t.Fatal(err)
	}
}

func TestRolloutUndo(t *testing.T) {
	ns, flags := testNamespace(t)
	ro := testRollout(t, ns, v1alpha1.RolloutStatus{})
	testRevision(t, ro, "1", "h1", "argoproj/rollouts-demo:red")
	testRevision(t, ro, "2", "h2", "argoproj/rollouts-demo:green")
	testRevision(t, ro, "3", "h3", "argoproj/rollouts-demo:blue") // the current template
	// An unowned ReplicaSet with a higher revision is not in the history.
	other := ro.DeepCopy()
	other.UID = "not-the-rollout"
	testRevision(t, other, "9", "h9", "evil:1")

	image := func() string { return getRollout(t, ns).Spec.Template.Spec.Containers[0].Image }
	mustRun(t, "", append([]string{"rollout", "undo", "guestbook"}, flags...)...)
	if got := image(); got != "argoproj/rollouts-demo:green" {
		t.Fatalf("undo: image %s, want revision 2's", got)
	}
	if _, ok := getRollout(t, ns).Spec.Template.Labels[v1alpha1.LabelPodTemplateHash]; ok {
		t.Error("undo: the pod-template-hash label was copied into the Rollout")
	}
	mustRun(t, "", append([]string{"rollout", "undo", "guestbook", "--to-revision", "1"}, flags...)...)
	if got := image(); got != "argoproj/rollouts-demo:red" {
		t.Fatalf("undo --to-revision 1: image %s", got)
	}
	if out := mustRun(t, "", append([]string{"rollout", "undo", "guestbook", "--to-revision", "1"}, flags...)...); !strings.Contains(out, "skipped rollback") {
		t.Errorf("undo to the current revision: %q", out)
	}
	mustFail(t, "revision 7 of rollout guestbook not found", append([]string{"rollout", "undo", "guestbook", "--to-revision", "7"}, flags...)...)
}
