package main

import (
	"context"
	"fmt"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/bench/internal/measure"
)

// commitCost is what a commit touching one app's directory cost.
type commitCost struct {
	app string
	// synced is the time from the commit to that app Synced at it, with a
	// refresh of the app right after the commit (as a webhook sends).
	synced time.Duration
	// all is the time from the commit to every app compared at it (the
	// others notice it at their Git poll).
	all time.Duration
	// setWrote is the number of Applications whose spec or metadata
	// changed (what the set writes), resynced those whose sync operation
	// started again, written those with any change (status included),
	// from the commit until every app was compared at it and the set had
	// generated again.
	setWrote, resynced, written int
	// requests are the API requests until every app was compared at the
	// commit, kinds them by verb and resource.
	requests int64
	kinds    []string
}

// measureCommit commits a change to one app's ConfigMap, refreshes that
// app, and waits until it is synced and every app compared at the commit;
// then it refreshes the set and waits until the set has generated again,
// so that a set that rewrote Applications after a commit is seen doing it.
func measureCommit(ctx context.Context, admin client.Client, t *measure.AppTracker, reqs *measure.Requests, repo string, n int) (commitCost, error) {
	out := commitCost{app: fmt.Sprintf("app-%d", n/2)}
	before, _, err := measure.ListApps(ctx, admin, appNamespace)
	if err != nil {
		return out, err
	}
	kinds, requests := reqs.Snapshot()
	sha, err := changeApp(repo, out.app)
	if err != nil {
		return out, err
	}
	start := time.Now()
	if err := measure.RefreshApp(ctx, admin, appNamespace, out.app); err != nil {
		return out, err
	}
	at, err := t.Until(out.app+" synced at "+sha, 10*time.Minute, func(apps map[string]measure.App) bool {
		return apps[out.app].SyncedRevision == sha
	})
	if err != nil {
		return out, err
	}
	out.synced = at.Sub(start)
	at, err = t.Until(fmt.Sprintf("all %d apps compared at %s", n, sha), 10*time.Minute, func(apps map[string]measure.App) bool {
		return measure.CountApps(apps, func(a measure.App) bool { return a.Revision == sha }) >= n
	})
	if err != nil {
		return out, err
	}
	out.all = at.Sub(start)
	_, after := reqs.Snapshot()
	out.requests, out.kinds = after-requests, reqs.Since(kinds)
	if err := measure.RefreshSet(ctx, admin, appNamespace, setName, 5*time.Minute); err != nil {
		return out, err
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
		if a.Operation != b.Operation {
			out.resynced++
		}
		if a.ResourceVersion != b.ResourceVersion {
			out.written++
		}
	}
	return out, nil
}
