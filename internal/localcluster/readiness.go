package localcluster

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

func etcdHealthy(port int) func(context.Context) error {
	url := fmt.Sprintf("http://127.0.0.1:%d/health", port)
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if !strings.Contains(string(body), `"health":"true"`) {
			return fmt.Errorf("etcd health: %s", strings.TrimSpace(string(body)))
		}
		return nil
	}
}

func apiReady(clients kubernetes.Interface) func(context.Context) error {
	return func(ctx context.Context) error {
		body, err := clients.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		if err != nil {
			return fmt.Errorf("readyz: %w", err)
		}
		if strings.TrimSpace(string(body)) != "ok" {
			return fmt.Errorf("readyz: %s", body)
		}
		return nil
	}
}

func nodesReady(clients kubernetes.Interface, n int) func(context.Context) error {
	return func(ctx context.Context) error {
		for i := range n {
			node, err := clients.CoreV1().Nodes().Get(ctx, nodeName(i), metav1.GetOptions{})
			if err != nil {
				return err
			}
			if !nodeIsReady(node) {
				return fmt.Errorf("node %s is not Ready", node.Name)
			}
		}
		return nil
	}
}

func nodeIsReady(node *corev1.Node) bool {
	for _, c := range node.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func defaultServiceAccount(clients kubernetes.Interface) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := clients.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{})
		return err
	}
}
