package browser

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/testenv"
)

// bulkManifest is the one small object every bulk app deploys.
const bulkManifest = `apiVersion: v1
kind: ConfigMap
metadata:
  name: ui-bulk
data:
  greeting: hello
`

// kubeClient is a client of the plane of kubeconfig.
func kubeClient(t *testing.T, kubeconfig string) client.Client {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cfg.QPS, cfg.Burst = 200, 400
	c, err := client.New(cfg, client.Options{Scheme: testenv.Scheme()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// createBulkApps commits ui-bulk/ (one ConfigMap) to the platform
// repository and creates n Applications of it named prefix0000…, in
// project default, each to its own namespace, without automated sync, a
// quarter of them in each of four teams (label tiphys.io/ui-test-team);
// it returns when the controller has compared every one (OutOfSync).
func createBulkApps(t *testing.T, w *world, prefix string, n int) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(w.platform, "ui-bulk"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(w.platform, "ui-bulk", "configmap.yaml"), []byte(bulkManifest), 0o644); err != nil {
		t.Fatal(err)
	}
	must(t, "git", "-C", w.platform, "add", "ui-bulk")
	must(t, "git", "-C", w.platform, "-c", "user.name=UI test", "-c", "user.email=ui@example.com", "commit", "--quiet", "-m", "ui-bulk: one ConfigMap for the UI test's apps")
	must(t, "git", "-C", w.platform, "push", "--quiet")
	repo := w.app("root").Spec.Source.RepoURL

	start := time.Now()
	ctx := context.Background()
	ids := make(chan int)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ids {
				name := fmt.Sprintf("%s%04d", prefix, i)
				a := &v1alpha1.Application{
					ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "argocd",
						Labels: map[string]string{"tiphys.io/ui-test-team": fmt.Sprintf("team-%d", i%4)}},
					Spec: v1alpha1.ApplicationSpec{
						Project:     "default",
						Source:      &v1alpha1.ApplicationSource{RepoURL: repo, Path: "ui-bulk", TargetRevision: "HEAD"},
						Destination: v1alpha1.ApplicationDestination{Server: "https://kubernetes.default.svc", Namespace: name},
					},
				}
				if err := w.c.Create(ctx, a); err != nil {
					errs <- fmt.Errorf("create app %s: %w", name, err)
				}
			}
		}()
	}
	for i := range n {
		ids <- i
	}
	close(ids)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	created := time.Since(start)
	eventually(t, fmt.Sprintf("%d apps compared", n), 5*time.Minute, func() bool {
		var list v1alpha1.ApplicationList
		if err := w.c.List(ctx, &list, client.InNamespace("argocd")); err != nil {
			return false
		}
		compared := 0
		for _, a := range list.Items {
			if strings.HasPrefix(a.Name, prefix) && a.Status.Sync.Status == "OutOfSync" {
				compared++
			}
		}
		return compared == n
	})
	t.Logf("%d apps created in %s, compared in %s", n, created.Round(time.Millisecond), time.Since(start).Round(time.Second))
}
