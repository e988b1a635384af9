package application_test

import (
	"context"
	"encoding/json"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/internal/cluster"
	"github.com/tiphys/tiphys/internal/localcluster"
	"github.com/tiphys/tiphys/internal/testenv"
)

// workload is a second local control plane, a destination cluster of the
// controller's, stopped after the test.
type workload struct {
	*localcluster.Cluster
	client   client.Client
	dir, bin string
}

// startWorkload starts a workload plane.
func startWorkload(t *testing.T) *workload {
	t.Helper()
	bin, err := testenv.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	w := &workload{dir: t.TempDir(), bin: bin}
	w.start(t)
	t.Cleanup(func() { w.Stop() })
	if w.client, err = client.New(w.Config, client.Options{Scheme: testenv.Scheme()}); err != nil {
		t.Fatal(err)
	}
	return w
}

// start starts (or starts again, same state and address) the plane.
func (w *workload) start(t *testing.T) {
	t.Helper()
	c, err := localcluster.Start(context.Background(), localcluster.Options{Dir: w.dir, BinDir: w.bin})
	if err != nil {
		t.Fatal(err)
	}
	w.Cluster = c
}

// register declares the plane to the controller with a cluster Secret
// (bearer token and CA in its config) holding keys besides name and
// server; it is deleted after the test.
func (w *workload) register(t *testing.T, secretName, name string, keys map[string]string) *corev1.Secret {
	t.Helper()
	config, _ := json.Marshal(map[string]any{"bearerToken": w.Config.BearerToken,
		"tlsClientConfig": map[string]any{"caData": w.Config.CAData}})
	data := map[string]string{"name": name, "server": w.Config.Host, "config": string(config)}
	for k, v := range keys {
		data[k] = v
	}
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: secretName, Namespace: "argocd",
			Labels: map[string]string{cluster.SecretTypeLabel: cluster.SecretTypeCluster}},
		StringData: data,
	}
	if err := env.Client.Create(context.Background(), secret); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Client.Delete(context.Background(), secret) })
	return secret
}
