package analysisrun_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/apimachinery/pkg/util/wait"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/yaml"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis/analysisrun"
	"github.com/tiphys/tiphys/internal/testenv"
)

var env *testenv.Env

// The tests share one plane and one manager running the Reconciler over
// all namespaces; each test works in a namespace of its own.
func TestMain(m *testing.M) {
	os.Exit(testenv.Main(&suite{m: m}, &env))
}

type suite struct{ m *testing.M }

func (s *suite) Run() int {
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
	})
	if err == nil {
		err = (&analysisrun.Reconciler{
			Client:             mgr.GetClient(),
			APIReader:          mgr.GetAPIReader(),
			Recorder:           mgr.GetEventRecorder("tiphys-analysis-controller"),
			ErrorRetryInterval: time.Second,
		}).SetupWithManager(mgr)
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

// newNamespace creates a namespace for one test, deleted after it.
func newNamespace(t *testing.T) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ar-" + rand.String(6)}}
	if err := env.Client.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Client.Delete(context.Background(), ns) })
	return ns.Name
}

// newRun creates an AnalysisRun from YAML in namespace ns, with the
// placeholders ADDRESS replaced.
func newRun(t *testing.T, ns, manifest string, replace ...string) *v1alpha1.AnalysisRun {
	t.Helper()
	manifest = strings.NewReplacer(replace...).Replace(manifest)
	run := &v1alpha1.AnalysisRun{}
	if err := yaml.UnmarshalStrict([]byte(manifest), run); err != nil {
		t.Fatal(err)
	}
	run.Namespace = ns
	if err := env.Client.Create(context.Background(), run); err != nil {
		t.Fatal(err)
	}
	return run
}

// getRun reads a run.
func getRun(t *testing.T, run *v1alpha1.AnalysisRun) *v1alpha1.AnalysisRun {
	t.Helper()
	cur := &v1alpha1.AnalysisRun{}
	if err := env.Client.Get(context.Background(), client.ObjectKeyFromObject(run), cur); err != nil {
		t.Fatal(err)
	}
	return cur
}

// waitPhase waits until the run reaches phase and returns it.
func waitPhase(t *testing.T, run *v1alpha1.AnalysisRun, phase v1alpha1.AnalysisPhase) *v1alpha1.AnalysisRun {
	t.Helper()
	var cur *v1alpha1.AnalysisRun
	eventually(t, fmt.Sprintf("run %s %s", run.Name, phase), func() (bool, error) {
		cur = getRun(t, run)
		return cur.Status.Phase == phase, fmt.Errorf("status %s", statusText(cur))
	})
	return cur
}

// statusText is a run's status as YAML, for failure messages.
func statusText(run *v1alpha1.AnalysisRun) string {
	raw, _ := yaml.Marshal(run.Status)
	return "\n" + string(raw)
}

// result is a metric's result in a run.
func result(t *testing.T, run *v1alpha1.AnalysisRun, name string) v1alpha1.MetricResult {
	t.Helper()
	for _, r := range run.Status.MetricResults {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("run %s has no result for %s:%s", run.Name, name, statusText(run))
	return v1alpha1.MetricResult{}
}

func eventually(t *testing.T, what string, cond func() (bool, error)) {
	t.Helper()
	var last error
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, 90*time.Second, true, func(context.Context) (bool, error) {
		ok, err := cond()
		last = err
		return ok, nil
	})
	if err != nil {
		t.Fatalf("%s: did not happen (last: %v)", what, last)
	}
}
