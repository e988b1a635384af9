package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
)

var applicationsGVR = schema.GroupVersionResource{Group: "argoproj.io", Version: "v1alpha1", Resource: "applications"}

// demoApp is what the demo's wait shows of an Application.
type demoApp struct {
	name, sync, health, message string
}

func (a demoApp) ready() bool { return a.sync == "Synced" && a.health == "Healthy" }

// waitDemoApps waits until there are at least expected Applications in
// argocd, every one Synced and Healthy in two polls in a row, printing one
// progress line. On timeout the error lists the apps not there yet.
func waitDemoApps(ctx context.Context, out io.Writer, kubeconfig string, expected int, timeout time.Duration, start time.Time) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return fmt.Errorf("load %s: %w", kubeconfig, err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("client for %s: %w", kubeconfig, err)
	}
	tty := isTerminal(out)
	deadline := time.Now().Add(timeout)
	var apps []demoApp
	lastLine, readyPolls := "", 0
	lastPrint := time.Time{}
	for {
		apps, err = listDemoApps(ctx, dyn)
		ready := 0
		for _, a := range apps {
			if a.ready() {
				ready++
			}
		}
		total := max(len(apps), expected)
		line := fmt.Sprintf("%d/%d apps Synced and Healthy (%.0fs)", ready, total, time.Since(start).Seconds())
		if err != nil {
			line += ": " + err.Error()
		}
		if tty {
			fmt.Fprintf(out, "\r%-70s", line)
		} else if line[:strings.Index(line, "(")] != lastLine || time.Since(lastPrint) > 30*time.Second {
			fmt.Fprintln(out, line)
			lastLine, lastPrint = line[:strings.Index(line, "(")], time.Now()
		}
		if err == nil && len(apps) > 0 && ready == total {
			if readyPolls++; readyPolls >= 2 {
				if tty {
					fmt.Fprintln(out)
				}
				return nil
			}
		} else {
			readyPolls = 0
		}
		if time.Now().After(deadline) {
			if tty {
				fmt.Fprintln(out)
			}
			var b strings.Builder
			for _, a := range apps {
				if !a.ready() {
					fmt.Fprintf(&b, "\n  %s: %s %s %s", a.name, a.sync, a.health, a.message)
				}
			}
			if len(apps) < expected {
				fmt.Fprintf(&b, "\n  (%d of the %d expected Applications exist)", len(apps), expected)
			}
			return fmt.Errorf("not every Application is Synced and Healthy after %s:%s", timeout, b.String())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}

func listDemoApps(ctx context.Context, dyn dynamic.Interface) ([]demoApp, error) {
	list, err := dyn.Resource(applicationsGVR).Namespace("argocd").List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list applications: %w", err)
	}
	apps := make([]demoApp, 0, len(list.Items))
	for _, u := range list.Items {
		a := demoApp{name: u.GetName()}
		a.sync, _, _ = unstructured.NestedString(u.Object, "status", "sync", "status")
		a.health, _, _ = unstructured.NestedString(u.Object, "status", "health", "status")
		var msgs []string
		if m, _, _ := unstructured.NestedString(u.Object, "status", "health", "message"); m != "" {
			msgs = append(msgs, m)
		}
		conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
		for _, c := range conds {
			if cm, ok := c.(map[string]any); ok {
				msgs = append(msgs, fmt.Sprintf("%v: %v", cm["type"], cm["message"]))
			}
		}
		if m, _, _ := unstructured.NestedString(u.Object, "status", "operationState", "message"); m != "" && !a.ready() {
			msgs = append(msgs, "operation: "+m)
		}
		a.message = strings.Join(msgs, "; ")
		apps = append(apps, a)
	}
	sort.Slice(apps, func(i, j int) bool { return apps[i].name < apps[j].name })
	return apps, nil
}
