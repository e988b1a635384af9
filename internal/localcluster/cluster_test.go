package localcluster_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/tiphys/tiphys/internal/localcluster"
	"github.com/tiphys/tiphys/internal/testenv"
)

func startPlane(t *testing.T, dir string, nodes int) *localcluster.Cluster {
	t.Helper()
	bin, err := testenv.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	c, err := localcluster.Start(context.Background(), localcluster.Options{Dir: dir, BinDir: bin, Nodes: nodes})
	if err != nil {
		t.Fatalf("start plane: %v", err)
	}
	t.Cleanup(c.Stop)
	return c
}

func clientset(t *testing.T, c *localcluster.Cluster) kubernetes.Interface {
	t.Helper()
	cs, err := kubernetes.NewForConfig(c.Config)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func skipShort(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test: skipped with -short")
	}
}

// Given a new plane with two nodes, a 3-replica Deployment becomes Available,
// the server reports the pinned Kubernetes version, and Stop ends every program.
func TestStartRunsDeploymentAndStops(t *testing.T) {
	skipShort(t)
	ctx := context.Background()
	c := startPlane(t, t.TempDir(), 2)
	cs := clientset(t, c)

	v, err := cs.Discovery().ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	if v.GitVersion != "v1.37.2" {
		t.Errorf("server version = %s, want v1.37.2", v.GitVersion)
	}
	nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes.Items) != 2 {
		t.Fatalf("nodes = %d, want 2", len(nodes.Items))
	}

	deploy := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](3),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx:1.27"}}},
			},
		},
	}
	if _, err := cs.AppsV1().Deployments("default").Create(ctx, deploy, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	err = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		d, err := cs.AppsV1().Deployments("default").Get(ctx, "web", metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		return d.Status.AvailableReplicas == 3, nil
	})
	if err != nil {
		t.Fatalf("deployment not Available: %v", err)
	}

	pids := map[string]int{}
	for _, name := range []string{localcluster.Etcd, localcluster.APIServer, localcluster.ControllerManager, localcluster.Scheduler, localcluster.Kwok} {
		pid, ok := c.Pid(name)
		if !ok {
			t.Fatalf("%s is not running", name)
		}
		pids[name] = pid
	}
	c.Stop()
	if err := c.Err(); err != nil {
		t.Errorf("Err after Stop = %v, want nil", err)
	}
	for name, pid := range pids {
		if syscall.Kill(pid, 0) == nil && !isZombie(pid) {
			t.Errorf("%s (pid %d) still runs after Stop", name, pid)
		}
	}
}

// Given a program that cannot start, Start fails with an error that names it
// and shows its log.
func TestStartReportsProgramThatFails(t *testing.T) {
	skipShort(t)
	bin, err := testenv.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	_, err = localcluster.Start(context.Background(), localcluster.Options{
		Dir: t.TempDir(), BinDir: bin,
		ExtraArgs: map[string][]string{localcluster.APIServer: {"--no-such-flag=1"}},
	})
	if err == nil {
		t.Fatal("Start succeeded with a bad kube-apiserver flag")
	}
	for _, want := range []string{"kube-apiserver exited", "kube-apiserver.log", "no-such-flag"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q:\n%v", want, err)
		}
	}
}

// Given a running plane, when its kube-apiserver is killed, the plane stops
// and reports it instead of hanging.
func TestKilledAPIServerIsReported(t *testing.T) {
	skipShort(t)
	c := startPlane(t, t.TempDir(), 1)
	pid, ok := c.Pid(localcluster.APIServer)
	if !ok {
		t.Fatal("kube-apiserver is not running")
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.Done():
	case <-time.After(2 * time.Minute):
		t.Fatal("plane did not report the killed kube-apiserver")
	}
	err := c.Err()
	if err == nil || !strings.Contains(err.Error(), "kube-apiserver exited") || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("Err = %v, want kube-apiserver exited: signal: killed", err)
	}
	if _, ok := c.Pid(localcluster.Etcd); ok {
		t.Error("etcd still runs after the plane stopped")
	}
}

// Given a plane with an object, when it is stopped and started again on the
// same directory, the object is still there and the kubeconfig still works.
func TestRestartKeepsObjects(t *testing.T) {
	skipShort(t)
	ctx := context.Background()
	dir := t.TempDir()
	c := startPlane(t, dir, 1)
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "kept", Namespace: "default"}, Data: map[string]string{"k": "v"}}
	if _, err := clientset(t, c).CoreV1().ConfigMaps("default").Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	kubeconfig, err := os.ReadFile(c.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	c.Stop()

	c2 := startPlane(t, dir, 1)
	got, err := clientset(t, c2).CoreV1().ConfigMaps("default").Get(ctx, "kept", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("object lost across restart: %v", err)
	}
	if got.Data["k"] != "v" {
		t.Errorf("data = %v, want k=v", got.Data)
	}
	again, _ := os.ReadFile(c2.Kubeconfig)
	if string(again) != string(kubeconfig) {
		t.Error("kubeconfig changed across restart (ports or keys were not kept)")
	}
}

// Given two directories, two planes run side by side, each with its own objects.
func TestTwoPlanesSideBySide(t *testing.T) {
	skipShort(t)
	ctx := context.Background()
	a := startPlane(t, t.TempDir(), 1)
	b := startPlane(t, t.TempDir(), 1)
	if a.Config.Host == b.Config.Host {
		t.Fatalf("both planes serve on %s", a.Config.Host)
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "only-a", Namespace: "default"}}
	if _, err := clientset(t, a).CoreV1().ConfigMaps("default").Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*localcluster.Cluster{"a": a, "b": b} {
		if _, err := clientset(t, c).Discovery().ServerVersion(); err != nil {
			t.Errorf("plane %s does not answer: %v", name, err)
		}
	}
	if _, err := clientset(t, b).CoreV1().ConfigMaps("default").Get(ctx, "only-a", metav1.GetOptions{}); err == nil {
		t.Error("plane b sees plane a's object")
	}
}

// A directory in use by a running plane is refused with a clear error.
func TestDirectoryInUseIsRefused(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	c := startPlane(t, dir, 1)
	bin, _ := testenv.BinDir()
	_, err := localcluster.Start(context.Background(), localcluster.Options{Dir: dir, BinDir: bin})
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second Start on the same directory: err = %v, want 'in use'", err)
	}
	if _, err := clientset(t, c).Discovery().ServerVersion(); err != nil {
		t.Errorf("the first plane stopped answering: %v", err)
	}
}

func isZombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	f := strings.Fields(s[i+1:])
	return len(f) > 0 && f[0] == "Z"
}

// Given a running plane, when kwok (which holds no state) is killed, the
// plane starts it again and keeps serving; its pods still become ready.
func TestKwokIsRestarted(t *testing.T) {
	skipShort(t)
	c := startPlane(t, t.TempDir(), 1)
	pid, ok := c.Pid(localcluster.Kwok)
	if !ok {
		t.Fatal("kwok is not running")
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, time.Minute, true, func(context.Context) (bool, error) {
		again, ok := c.Pid(localcluster.Kwok)
		return ok && again != pid, nil
	})
	if err != nil {
		t.Fatalf("kwok was not restarted: %v (plane error: %v)", err, c.Err())
	}
	select {
	case <-c.Done():
		t.Fatalf("the plane stopped: %v", c.Err())
	default:
	}
	if _, err := clientset(t, c).Discovery().ServerVersion(); err != nil {
		t.Errorf("API after the kwok restart: %v", err)
	}
}
