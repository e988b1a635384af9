package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func waitAvailable(ctx context.Context, kube kubernetes.Interface, prefix string, n int) error {
	deadline := time.Now().Add(10 * time.Minute)
	for time.Now().Before(deadline) {
		list, err := kube.AppsV1().Deployments("").List(ctx, metav1.ListOptions{})
		if err == nil {
			ready := 0
			for _, d := range list.Items {
				if strings.HasPrefix(d.Namespace, prefix) && available(&d) {
					ready++
				}
			}
			if ready >= n {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("deployments %s* not available in time", prefix)
}

func available(d *appsv1.Deployment) bool { return d.Status.AvailableReplicas >= 1 }

func waitApps(ctx context.Context, c client.Client, n int) error {
	deadline := time.Now().Add(10 * time.Minute)
	for time.Now().Before(deadline) {
		var list v1alpha1.ApplicationList
		if err := c.List(ctx, &list, client.InNamespace("argocd")); err == nil {
			done := 0
			for _, a := range list.Items {
				if a.Status.Sync.Status == v1alpha1.SyncStatusCodeSynced && a.Status.Health.Status == v1alpha1.HealthStatusHealthy {
					done++
				}
			}
			if done >= n {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("applications not Synced and Healthy in time")
}

// rawApply server-side-applies every object under dir with 8 workers.
func rawApply(ctx context.Context, cfg *rest.Config, dir string) error {
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	var objs []*unstructured.Unstructured
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		for _, doc := range strings.Split(string(b), "\n---\n") {
			u := &unstructured.Unstructured{}
			if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil || len(u.Object) == 0 {
				continue
			}
			objs = append(objs, u)
		}
	}
	// Namespaces first, then the rest.
	sort.SliceStable(objs, func(i, j int) bool { return objs[i].GetKind() == "Namespace" && objs[j].GetKind() != "Namespace" })
	apply := func(u *unstructured.Unstructured) error {
		gvr := map[string]string{"Namespace": "namespaces", "ServiceAccount": "serviceaccounts", "ConfigMap": "configmaps",
			"Service": "services", "Deployment": "deployments", "Ingress": "ingresses"}[u.GetKind()]
		gv := u.GroupVersionKind()
		res := dyn.Resource(gv.GroupVersion().WithResource(gvr))
		var ri dynamic.ResourceInterface = res
		if u.GetNamespace() != "" {
			ri = res.Namespace(u.GetNamespace())
		}
		_, err := ri.Apply(ctx, u.GetName(), u, metav1.ApplyOptions{FieldManager: "bench", Force: true})
		return err
	}
	var nsObjs, rest []*unstructured.Unstructured
	for _, o := range objs {
		if o.GetKind() == "Namespace" {
			nsObjs = append(nsObjs, o)
		} else {
			rest = append(rest, o)
		}
	}
	for _, batch := range [][]*unstructured.Unstructured{nsObjs, rest} {
		work := make(chan *unstructured.Unstructured)
		errs := make(chan error, len(batch))
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for u := range work {
					if err := apply(u); err != nil {
						errs <- err
					}
				}
			}()
		}
		for _, o := range batch {
			work <- o
		}
		close(work)
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}

// writeRepo writes the workload three times: for kubectl, for the raw loop
// (each with its own namespaces) and as a Git repository for the apps.
func writeRepo(dir string, n int) error {
	write := func(path, content string) error {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		return os.WriteFile(path, []byte(content), 0o644)
	}
	for i := range n {
		for _, v := range []struct{ sub, ns string }{{"kubectl", "kubectl-"}, {"raw", "raw-"}} {
			ns := fmt.Sprintf("%s%d", v.ns, i)
			content := "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n---\n" + workload(i, ns)
			if err := write(filepath.Join(dir, v.sub, fmt.Sprintf("app-%d.yaml", i)), content); err != nil {
				return err
			}
		}
		if err := write(filepath.Join(dir, "git", "apps", fmt.Sprintf("app-%d", i), "all.yaml"), workload(i, "")); err != nil {
			return err
		}
	}
	g := filepath.Join(dir, "git")
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "-A"}, {"-c", "user.name=b", "-c", "user.email=b@e", "commit", "-q", "-m", "apps"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = g
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("git %v: %v: %s", args, err, out)
		}
	}
	return nil
}

func workload(i int, ns string) string {
	nsLine := ""
	if ns != "" {
		nsLine = "\n  namespace: " + ns
	}
	name := fmt.Sprintf("app-%d", i)
	return strings.NewReplacer("NAME", name, "NSLINE", nsLine).Replace(`apiVersion: v1
kind: ServiceAccount
metadata:
  name: NAMENSLINE
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: NAMENSLINE
data: {greeting: hello}
---
apiVersion: v1
kind: Service
metadata:
  name: NAMENSLINE
spec:
  selector: {app: NAME}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: NAMENSLINE
spec:
  replicas: 1
  selector: {matchLabels: {app: NAME}}
  template:
    metadata: {labels: {app: NAME}}
    spec:
      serviceAccountName: NAME
      containers: [{name: app, image: nginx:1.27}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: NAMENSLINE
spec:
  rules:
  - host: NAME.example.com
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: NAME, port: {number: 80}}}}]
`)
}
