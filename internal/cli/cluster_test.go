package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/internal/cluster"
)

// Given the plane's kubeconfig context,
// when `cluster add` writes its Secret with the context's own credentials,
// then a client built from the Secret reaches the cluster; adding it again
// is refused unless --upsert (which gives it a token); `cluster list`
// shows the in-cluster row first and the states the controller recorded;
// `cluster rm` deletes the Secret and refuses the in-cluster destination.
func TestClusterAddListRm(t *testing.T) {
	ns, flags := testNamespace(t)
	ctx := context.Background()
	with := func(args ...string) []string { return append(args, flags...) }

	code, out, stderr := runIn("", with("cluster", "add", "tiphys-local", "--name", "plane", "--project", "team-a",
		"--namespace", "a", "--namespace", "b", "--cluster-resources")...)
	if code != 0 || !strings.Contains(out, "cluster plane (https://127.0.0.1:") ||
		!strings.Contains(stderr, "the credentials of context tiphys-local are copied") {
		t.Fatalf("add: exit %d, out %q, stderr %q", code, out, stderr)
	}
	secret := onlyClusterSecret(t, ns)
	info, err := cluster.SecretInfo(secret)
	if err != nil || info.Name != "plane" || info.Project != "team-a" || strings.Join(info.Namespaces, ",") != "a,b" || !info.ClusterResources {
		t.Fatalf("secret %s: %+v, %v", secret.Name, info, err)
	}
	cfg, err := cluster.SecretConfig(secret)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kubernetes.NewForConfigOrDie(cfg).Discovery().ServerVersion(); err != nil {
		t.Errorf("the Secret's credentials do not reach the cluster: %v", err)
	}

	mustFail(t, "already holds it: use --upsert", with("cluster", "add", "tiphys-local", "--name", "plane")...)
	mustFail(t, `the name "in-cluster" is the in-cluster destination's`, with("cluster", "add", "tiphys-local", "--name", "in-cluster")...)
	mustRun(t, "", with("cluster", "add", "tiphys-local", "--name", "plane", "--project", "team-a",
		"--namespace", "a", "--namespace", "b", "--bearer-token", "t0k", "--upsert")...)
	if c, err := cluster.SecretConfigData(onlyClusterSecret(t, ns)); err != nil || c.BearerToken != "t0k" || len(c.TLSClientConfig.CAData) == 0 {
		t.Errorf("after --upsert: %+v, %v; want the token and the CA", c, err)
	}

	out = mustRun(t, "", with("cluster", "list")...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "in-cluster") || !strings.Contains(lines[1], "Unknown") ||
		!strings.HasPrefix(lines[2], "plane") || !strings.Contains(lines[2], "team-a") || !strings.Contains(lines[2], "a,b") {
		t.Errorf("list before any state:\n%s", out)
	}
	writeStates(t, ns, map[string]cluster.ConnectionState{
		cluster.StateKey(nil): {Name: cluster.InClusterName, Server: cluster.InCluster, Status: cluster.ConnectionSuccessful, At: time.Now()},
		secret.Name:           {Name: "plane", Server: info.Server, Status: cluster.ConnectionFailed, Message: "Unauthorized\nsecond line", At: time.Now()},
	})
	out = mustRun(t, "", with("cluster", "list")...)
	if lines = strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 3 || !strings.Contains(lines[1], "Successful") ||
		!strings.Contains(lines[2], "Failed") || !strings.Contains(lines[2], "Unauthorized second line") {
		t.Errorf("list with states:\n%s", out)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(mustRun(t, "", with("cluster", "list", "-o", "json")...)), &rows); err != nil || len(rows) != 2 ||
		rows[0]["name"] != "in-cluster" || rows[1]["status"] != "Failed" || rows[1]["secretName"] != secret.Name {
		t.Errorf("list -o json: %v, %v", rows, err)
	}
	mustFail(t, `unknown output format "wide"`, with("cluster", "list", "-o", "wide")...)

	mustFail(t, "the in-cluster destination cannot be removed", with("cluster", "rm", "in-cluster")...)
	mustFail(t, "cluster nowhere: no cluster secret in "+ns, with("cluster", "rm", "nowhere")...)
	mustRun(t, "", with("cluster", "rm", info.Server)...)
	var list corev1.SecretList
	if err := env.Client.List(ctx, &list, client.InNamespace(ns)); err != nil || len(list.Items) != 0 {
		t.Errorf("after rm: %d secrets, %v", len(list.Items), err)
	}
}

func onlyClusterSecret(t *testing.T, ns string) *corev1.Secret {
	t.Helper()
	secrets, err := clusterSecrets(context.Background(), env.Client, ns)
	if err != nil || len(secrets) != 1 {
		t.Fatalf("cluster secrets in %s: %d, %v; want 1", ns, len(secrets), err)
	}
	return &secrets[0]
}

// writeStates writes the connection states as the controller does.
func writeStates(t *testing.T, ns string, states map[string]cluster.ConnectionState) {
	t.Helper()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: cluster.ConnectionStatusConfigMap, Namespace: ns}, Data: map[string]string{}}
	for k, s := range states {
		v, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		cm.Data[k] = v
	}
	if err := env.Client.Create(context.Background(), cm); err != nil {
		t.Fatal(err)
	}
}
