package experiment_test

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

// The Experiment tests run the Experiment and AnalysisRun controllers on
// a plane of their own.
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

// kubectl runs kubectl against the plane in ns with stdin; a failure
// fails the test.
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

// apply creates the objects of a YAML document stream in ns.
func apply(t *testing.T, ns, manifests string) {
	t.Helper()
	kubectl(t, ns, manifests, "apply", "-f", "-")
}

// waitFor polls until cond holds for the Experiment, failing the test
// after a minute with its last status.
func waitFor(t *testing.T, ns, name, what string, cond func(*v1alpha1.Experiment) bool) *v1alpha1.Experiment {
	t.Helper()
	var last *v1alpha1.Experiment
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		ex := &v1alpha1.Experiment{}
		if err := env.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, ex); err != nil {
			return false, client.IgnoreNotFound(err)
		}
		last = ex
		return cond(ex), nil
	})
	if err != nil {
		var status []byte
		if last != nil {
			status, _ = yaml.Marshal(last.Status)
		}
		t.Fatalf("experiment %s: %s: %v; status:\n%s", name, what, err, status)
	}
	return last
}

// phaseIs reports an Experiment in phase p.
func phaseIs(p v1alpha1.AnalysisPhase) func(*v1alpha1.Experiment) bool {
	return func(ex *v1alpha1.Experiment) bool { return ex.Status.Phase == p }
}

// replicaSet reads a ReplicaSet, nil when it does not exist.
func replicaSet(t *testing.T, ns, name string) *appsv1.ReplicaSet {
	t.Helper()
	rs := &appsv1.ReplicaSet{}
	err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, rs)
	if err != nil {
		return nil
	}
	return rs
}

// eventually polls cond for a minute.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	if err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, time.Minute, true,
		func(context.Context) (bool, error) { return cond(), nil }); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// template is one experiment template of app with replicas pods.
func template(name, app string, replicas int) string {
	return fmt.Sprintf(`
  - name: %[1]s
    replicas: %[3]d
    selector:
      matchLabels: {app: %[2]s}
    template:
      metadata:
        labels: {app: %[2]s}
      spec:
        containers:
        - name: app
          image: registry.local/%[2]s:1
          ports: [{containerPort: 8080}]`, name, app, replicas)
}
