package rollout_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis/analysisrun"
	"github.com/tiphys/tiphys/internal/controller/experiment"
	"github.com/tiphys/tiphys/internal/controller/rollout"
	"github.com/tiphys/tiphys/internal/testenv"
)

var env *testenv.Env

// The Rollout tests run the Rollout controller on a plane of their own.
func TestMain(m *testing.M) {
	os.Exit(testenv.Main(&controllers{m: m}, &env))
}

// controllers starts the controllers under test beside the plane.
type controllers struct{ m *testing.M }

func (s *controllers) Run() int {
	if env == nil {
		return s.m.Run()
	}
	ctrl.SetLogger(logr.Discard())
	if os.Getenv("TIPHYS_TEST_LOG") != "" {
		ctrl.SetLogger(zap.New(zap.UseDevMode(true)))
	}
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{
		Scheme:  testenv.Scheme(),
		Metrics: metricsserver.Options{BindAddress: "0"},
		Cache:   cache.Options{ByObject: rollout.CacheByObject()},
		Client:  client.Options{Cache: &client.CacheOptions{DisableFor: []client.Object{&corev1.Pod{}, &corev1.Secret{}}}},
	})
	if err == nil {
		err = (&rollout.Reconciler{Client: mgr.GetClient(), Dynamic: env.Dynamic,
			Recorder: mgr.GetEventRecorder("tiphys-rollouts-controller")}).SetupWithManager(mgr)
	}
	if err == nil {
		err = (&experiment.Reconciler{Client: mgr.GetClient(),
			Recorder: mgr.GetEventRecorder("tiphys-rollouts-controller")}).SetupWithManager(mgr)
	}
	if err == nil {
		err = (&analysisrun.Reconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(),
			Recorder: mgr.GetEventRecorder("tiphys-analysis-controller")}).SetupWithManager(mgr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = mgr.Start(ctx) }()
	return s.m.Run()
}

// namespace creates a namespace for one test, deleted after it.
func namespace(t *testing.T) string {
	t.Helper()
	env.Require(t)
	name := strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name()))
	if len(name) > 50 {
		name = name[:50]
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if err := env.Client.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Client.Delete(context.Background(), ns) })
	return name
}

// apply creates the objects of a multi-document YAML in ns.
func apply(t *testing.T, ns, manifests string) {
	t.Helper()
	for _, doc := range strings.Split(manifests, "\n---\n") {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		u := map[string]any{}
		if err := yaml.Unmarshal([]byte(doc), &u); err != nil {
			t.Fatal(err)
		}
		kubectl(t, ns, doc, "apply", "-f", "-")
	}
}

// kubectl runs kubectl against the plane in ns, with stdin, and returns
// its output; a failure fails the test.
func kubectl(t *testing.T, ns, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command("kubectl", append([]string{"--kubeconfig", env.Cluster.Kubeconfig, "-n", ns}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// get reads a Rollout.
func get(t *testing.T, ns, name string) *v1alpha1.Rollout {
	t.Helper()
	ro := &v1alpha1.Rollout{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, ro); err != nil {
		t.Fatal(err)
	}
	return ro
}

// waitFor polls until cond holds for the Rollout, failing the test after
// a minute with the Rollout's last status.
func waitFor(t *testing.T, ns, name, what string, cond func(*v1alpha1.Rollout) bool) *v1alpha1.Rollout {
	t.Helper()
	var last *v1alpha1.Rollout
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		ro := &v1alpha1.Rollout{}
		if err := env.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, ro); err != nil {
			return false, client.IgnoreNotFound(err)
		}
		last = ro
		return cond(ro), nil
	})
	if err != nil {
		status, _ := yaml.Marshal(last.Status)
		t.Fatalf("rollout %s: %s: %v; status:\n%s\nreplica sets: %s", name, what, err, status, describeRS(t, ns))
	}
	return last
}

// eventually polls cond for a minute.
func eventually(t *testing.T, what string, cond func() (bool, error)) {
	t.Helper()
	if err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, time.Minute, true,
		func(context.Context) (bool, error) { return cond() }); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// replicaSets lists the ReplicaSets of ns by pod-template hash.
func replicaSets(t *testing.T, ns string) map[string]*appsv1.ReplicaSet {
	t.Helper()
	var list appsv1.ReplicaSetList
	if err := env.Client.List(context.Background(), &list, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	out := map[string]*appsv1.ReplicaSet{}
	for i := range list.Items {
		out[list.Items[i].Labels[v1alpha1.LabelPodTemplateHash]] = &list.Items[i]
	}
	return out
}

// describeRS is "hash=spec/available ..." for the ReplicaSets of ns.
func describeRS(t *testing.T, ns string) string {
	var parts []string
	for h, rs := range replicaSets(t, ns) {
		parts = append(parts, fmt.Sprintf("%s=%d/%d", h, *rs.Spec.Replicas, rs.Status.AvailableReplicas))
	}
	return strings.Join(parts, " ")
}

// counts is the spec.replicas of the stable and current ReplicaSets.
func counts(t *testing.T, ns string, ro *v1alpha1.Rollout) (stable, canary int32) {
	t.Helper()
	rss := replicaSets(t, ns)
	if rs := rss[ro.Status.StableRS]; rs != nil {
		stable = *rs.Spec.Replicas
	}
	if rs := rss[ro.Status.CurrentPodHash]; rs != nil {
		canary = *rs.Spec.Replicas
	}
	return stable, canary
}

// stepIs reports the Rollout at step index i.
func stepIs(i int32) func(*v1alpha1.Rollout) bool {
	return func(ro *v1alpha1.Rollout) bool {
		return ro.Status.CurrentStepIndex != nil && *ro.Status.CurrentStepIndex == i
	}
}

// healthy reports a Rollout Healthy with its current revision stable.
func healthy(ro *v1alpha1.Rollout) bool {
	return ro.Status.Phase == v1alpha1.RolloutPhaseHealthy && ro.Status.StableRS != "" &&
		ro.Status.StableRS == ro.Status.CurrentPodHash && ro.Status.ObservedGeneration == fmt.Sprint(ro.Generation)
}

// pausedAt reports a Rollout paused by a canary pause step at index i.
func pausedAt(i int32) func(*v1alpha1.Rollout) bool {
	return func(ro *v1alpha1.Rollout) bool {
		return stepIs(i)(ro) && ro.Status.Phase == v1alpha1.RolloutPhasePaused && len(ro.Status.PauseConditions) == 1 &&
			ro.Status.PauseConditions[0].Reason == v1alpha1.PauseReasonCanaryPauseStep && ro.Status.ControllerPause
	}
}

// setImage changes the Rollout's first container image.
func setImage(t *testing.T, ns, name, image string) {
	t.Helper()
	patch := fmt.Sprintf(`{"spec":{"template":{"spec":{"containers":[{"name":"app","image":%q}]}}}}`, image)
	kubectl(t, ns, "", "patch", "rollout", name, "--type", "merge", "-p", patch)
}

// notFound reports err is a NotFound API error.
func notFound(err error) bool { return apierrors.IsNotFound(err) }
