package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/bench/internal/gitrepo"
	"github.com/tiphys/tiphys/bench/internal/measure"
)

// The commit the benchmark makes: a new image tag for order-service in
// staging, as CI would. Staging's canary has steps (setWeight 50, a 30 s
// pause, an analysis), so the Rollout is followed until it runs the new
// template, not until it is Healthy: the analysis asks a Prometheus that
// does not run here and would abort.
const (
	commitApp     = "order-service-staging"
	commitRollout = "order-service"
	commitFile    = "environments/staging/order-service/values.yaml"
)

// commitCost is what the commit cost.
type commitCost struct {
	tag string
	// synced is the time from the commit to the app Synced at it, with a
	// refresh of the app right after the commit (as a webhook sends);
	// rollout the time to its Rollout on the new template (a new
	// currentPodHash), step and phase what the Rollout did then.
	synced, rollout time.Duration
	step, phase     string
	// all is the time from the commit to every app compared at it (the
	// others notice it at their Git poll); requests the API requests
	// until then, kinds them by verb and resource.
	all      time.Duration
	requests int64
	kinds    []string
	// Once every app was compared at the commit and every set had
	// generated again: setWrote is the number of Applications whose spec
	// or metadata changed, resynced the other apps whose sync operation
	// started again (by name), written the Applications with any change.
	setWrote, written int
	resynced          []string
}

// measureCommit commits a new image tag for order-service in staging,
// refreshes its app, and waits until the app is synced at the commit and
// its Rollout runs the new template, then until every app is compared at
// the commit; then it refreshes every set and waits until each has
// generated again, so that a set that rewrote Applications is seen.
func measureCommit(ctx context.Context, admin client.Client, t *measure.AppTracker, reqs *measure.Requests,
	repo string, expected []string) (commitCost, error) {
	var out commitCost
	before, _, err := measure.ListApps(ctx, admin, appNamespace)
	if err != nil {
		return out, err
	}
	key := client.ObjectKey{Namespace: commitApp, Name: commitRollout}
	ro := &v1alpha1.Rollout{}
	if err := admin.Get(ctx, key, ro); err != nil {
		return out, fmt.Errorf("rollout %s: %w", key, err)
	}
	oldHash := ro.Status.CurrentPodHash
	if out.tag, err = bumpTag(filepath.Join(repo, commitFile)); err != nil {
		return out, err
	}
	kinds, requests := reqs.Snapshot()
	sha, err := gitrepo.Commit(repo, "order-service: "+out.tag+" in staging")
	if err != nil {
		return out, err
	}
	start := time.Now()
	seen := make(chan rolloutSeen, 1)
	go func() { seen <- waitRollout(ctx, admin, key, oldHash, out.tag, start) }()
	if err := measure.RefreshApp(ctx, admin, appNamespace, commitApp); err != nil {
		return out, err
	}
	at, err := t.Until(commitApp+" synced at "+sha, timeout, func(apps map[string]measure.App) bool {
		return apps[commitApp].SyncedRevision == sha
	})
	if err != nil {
		return out, err
	}
	out.synced = at.Sub(start)
	r := <-seen
	if r.err != nil {
		return out, r.err
	}
	out.rollout, out.step, out.phase = r.after, r.step, r.phase
	at, err = t.Until(fmt.Sprintf("all %d apps compared at %s", len(expected), sha), timeout, func(apps map[string]measure.App) bool {
		return len(missing(apps, expected, func(a measure.App) bool { return a.ComparedAt(sha) })) == 0
	})
	if err != nil {
		return out, err
	}
	out.all = at.Sub(start)
	_, after := reqs.Snapshot()
	out.requests, out.kinds = after-requests, reqs.Since(kinds)

	var sets v1alpha1.ApplicationSetList
	if err := admin.List(ctx, &sets, client.InNamespace(appNamespace)); err != nil {
		return out, fmt.Errorf("list applicationsets: %w", err)
	}
	for _, s := range sets.Items {
		if err := measure.RefreshSet(ctx, admin, appNamespace, s.Name, 5*time.Minute); err != nil {
			return out, err
		}
	}
	now, _, err := measure.ListApps(ctx, admin, appNamespace)
	if err != nil {
		return out, err
	}
	for name, a := range now {
		b := before[name]
		if a.Content != b.Content {
			out.setWrote++
		}
		if a.Operation != b.Operation && name != commitApp {
			out.resynced = append(out.resynced, name)
		}
		if a.ResourceVersion != b.ResourceVersion {
			out.written++
		}
	}
	sort.Strings(out.resynced)
	return out, nil
}

// tagLine is the image tag of a values file.
var tagLine = regexp.MustCompile(`(?m)^(\s+tag:\s*)"?([^"\s]+)"?\s*$`)

// bumpTag gives the image in a values file a new tag, the old one with
// "-bench" added, and returns it.
func bumpTag(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("new image tag: %w", err)
	}
	m := tagLine.FindSubmatch(b)
	if m == nil {
		return "", fmt.Errorf("new image tag: %s: no tag line", path)
	}
	tag := string(m[2]) + "-bench"
	b = tagLine.ReplaceAll(b, []byte(`${1}"`+tag+`"`))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return "", fmt.Errorf("new image tag: %w", err)
	}
	return tag, nil
}

// rolloutSeen is when a Rollout was first seen on its new template.
type rolloutSeen struct {
	after       time.Duration
	step, phase string
	err         error
}

// waitRollout reads the Rollout every 20 ms (with the benchmark's own
// client, not counted) until it runs a template with the new tag under a
// new pod-template hash.
func waitRollout(ctx context.Context, admin client.Client, key client.ObjectKey, oldHash, tag string, start time.Time) rolloutSeen {
	deadline := start.Add(timeout)
	for {
		ro := &v1alpha1.Rollout{}
		if err := admin.Get(ctx, key, ro); err != nil {
			return rolloutSeen{err: fmt.Errorf("rollout %s: %w", key, err)}
		}
		cs := ro.Spec.Template.Spec.Containers
		if h := ro.Status.CurrentPodHash; h != "" && h != oldHash && len(cs) > 0 && strings.HasSuffix(cs[0].Image, ":"+tag) {
			out := rolloutSeen{after: time.Since(start), phase: string(ro.Status.Phase), step: "-"}
			if i := ro.Status.CurrentStepIndex; i != nil {
				out.step = fmt.Sprint(*i)
			}
			return out
		}
		if time.Now().After(deadline) {
			return rolloutSeen{err: fmt.Errorf("rollout %s: not on a template with tag %s within %s", key, tag, timeout)}
		}
		time.Sleep(20 * time.Millisecond)
	}
}
