package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/bench/internal/measure"
	"github.com/tiphys/tiphys/internal/testenv"
)

// commitCost is what a commit touching one app cost the controller.
type commitCost struct {
	app string
	// synced is the time from the commit to that app synced at it, with a
	// refresh of the app right after the commit (as a webhook sends);
	// syncedCPU the controller's CPU meanwhile.
	synced    time.Duration
	syncedCPU time.Duration
	// all is the time from the commit to every app compared at it (the
	// others notice it at their Git poll); allCPU the controller's CPU
	// meanwhile, idleCPU what it uses idle over as long, and requests its
	// API requests.
	all      time.Duration
	allCPU   time.Duration
	idleCPU  time.Duration
	requests int64
}

// measureCommit commits a change to one app's ConfigMap, refreshes that
// app, and watches the Applications until it is synced and every app
// compared at the commit.
func measureCommit(ctx context.Context, cfg *rest.Config, count *counter, gitDir string, n int, idleRate float64) (commitCost, error) {
	c, err := client.NewWithWatch(cfg, client.Options{Scheme: testenv.Scheme()})
	if err != nil {
		return commitCost{}, err
	}
	var list v1alpha1.ApplicationList
	if err := c.List(ctx, &list, client.InNamespace("argocd")); err != nil {
		return commitCost{}, err
	}
	revisions := map[string]string{}
	for _, a := range list.Items {
		revisions[a.Name] = a.Status.Sync.Revision
	}
	w, err := c.Watch(ctx, &v1alpha1.ApplicationList{}, &client.ListOptions{Namespace: "argocd",
		Raw: &metav1.ListOptions{ResourceVersion: list.ResourceVersion}})
	if err != nil {
		return commitCost{}, err
	}
	defer w.Stop()

	i := n / 2
	out := commitCost{app: fmt.Sprintf("app-%d", i)}
	file := filepath.Join(gitDir, "apps", out.app, "all.yaml")
	b, err := os.ReadFile(file)
	if err != nil {
		return out, err
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(b), "greeting: hello", "greeting: hello again", 1)), 0o644); err != nil {
		return out, err
	}
	sha, err := gitCommit(gitDir, "change "+out.app)
	if err != nil {
		return out, err
	}
	start, cpu := time.Now(), measure.CPUTime()
	_, requests := count.snapshot()

	app := &v1alpha1.Application{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: "argocd", Name: out.app}, app); err != nil {
		return out, err
	}
	patch := client.MergeFrom(app.DeepCopy())
	if app.Annotations == nil {
		app.Annotations = map[string]string{}
	}
	app.Annotations["argocd.argoproj.io/refresh"] = "normal"
	if err := c.Patch(ctx, app, patch); err != nil {
		return out, err
	}

	timeout := time.After(10 * time.Minute)
	for out.synced == 0 || compared(revisions, sha) < n {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				return out, fmt.Errorf("watch of Applications ended")
			}
			a, isApp := ev.Object.(*v1alpha1.Application)
			if !isApp || ev.Type != watch.Modified {
				continue
			}
			revisions[a.Name] = a.Status.Sync.Revision
			if a.Name == out.app && out.synced == 0 && syncedAt(a, sha) {
				out.synced, out.syncedCPU = time.Since(start), measure.CPUTime()-cpu
			}
		case <-timeout:
			return out, fmt.Errorf("after a commit to %s: %d of %d apps compared at it", out.app, compared(revisions, sha), n)
		}
	}
	out.all, out.allCPU = time.Since(start), measure.CPUTime()-cpu
	out.idleCPU = time.Duration(idleRate * float64(out.all))
	_, after := count.snapshot()
	out.requests = after - requests
	return out, nil
}

// syncedAt tells whether an app is synced at revision by an operation that
// synced that revision.
func syncedAt(a *v1alpha1.Application, revision string) bool {
	op := a.Status.OperationState
	return a.Status.Sync.Status == v1alpha1.SyncStatusCodeSynced && a.Status.Sync.Revision == revision &&
		op != nil && op.Phase == v1alpha1.OperationSucceeded && op.SyncResult != nil && op.SyncResult.Revision == revision
}

func compared(revisions map[string]string, revision string) int {
	n := 0
	for _, r := range revisions {
		if r == revision {
			n++
		}
	}
	return n
}

// gitCommit commits every change in dir and returns the commit SHA.
func gitCommit(dir, msg string) (string, error) {
	for _, args := range [][]string{{"-c", "user.name=b", "-c", "user.email=b@e", "commit", "-q", "-am", msg}, {"rev-parse", "HEAD"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("git %v: %v: %s", args, err, out)
		}
		if args[0] == "rev-parse" {
			return strings.TrimSpace(string(out)), nil
		}
	}
	return "", nil
}
