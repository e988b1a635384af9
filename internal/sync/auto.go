package sync

import (
	"encoding/json"
	"reflect"
	"time"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Self-heal backoff, Argo CD v3's controller defaults
// (--self-heal-backoff-timeout-seconds 2, --self-heal-backoff-factor 3,
// --self-heal-backoff-cap-seconds 300): the n-th self-heal in a row at one
// revision waits 2s×3^(n-1), at most 5 minutes, after the previous sync
// ended. The count starts again at a new revision, or once the previous
// sync ended longer ago than the cooldown.
const (
	selfHealBackoff  = 2 * time.Second
	selfHealFactor   = 3
	selfHealCap      = 300 * time.Second
	selfHealCooldown = 330 * time.Second
)

// AutoSyncInput is what an automated-sync decision looks at.
type AutoSyncInput struct {
	// Revisions are the resolved target revisions (one per source).
	Revisions []string
	// OutOfSync is the comparison's verdict.
	OutOfSync bool
	// WipesAll is true when every object the app has would be pruned: the
	// render is empty and tracked objects remain.
	WipesAll bool
}

// AutoSync decides whether an application gets an automated sync now, as
// Argo CD's autoSync does: only when automated sync is on and the app is
// OutOfSync; once per revision and source, counting any operation at that
// revision, manual ones included, so a failed sync is not tried again
// (retries come from syncPolicy.retry) and, without selfHeal, live drift is
// left alone; with selfHeal, drift is synced again with a growing backoff,
// so two applications that fight over an object slow down instead of
// rewriting it without pause. A sync that would prune every object runs
// only with allowEmpty.
//
// It returns the operation to set (nil for none) and, when a self-heal
// waits out its backoff, how soon to decide again.
func AutoSync(app *v1alpha1.Application, in AutoSyncInput) (*v1alpha1.Operation, time.Duration) {
	p := app.Spec.SyncPolicy
	if p == nil || p.Automated == nil || (p.Automated.Enabled != nil && !*p.Automated.Enabled) || !in.OutOfSync {
		return nil, 0
	}
	if in.WipesAll && !p.Automated.AllowEmpty {
		return nil, 0
	}
	last := app.Status.OperationState
	attempts := int64(0)
	if attempted(app, in.Revisions) {
		if last.Phase != v1alpha1.OperationSucceeded || !p.Automated.SelfHeal {
			return nil, 0
		}
		if last.Operation.Sync != nil {
			attempts = last.Operation.Sync.SelfHealAttemptsCount
		}
		if last.FinishedAt != nil {
			since := now().Sub(last.FinishedAt.Time)
			if since >= selfHealCooldown {
				attempts = 0
			}
			if wait := selfHealDelay(attempts) - since; wait > 0 {
				return nil, wait
			}
		}
		attempts++
	}
	op := &v1alpha1.Operation{
		Sync: &v1alpha1.SyncOperation{Prune: p.Automated.Prune, SyncOptions: p.SyncOptions,
			SelfHealAttemptsCount: attempts},
		InitiatedBy: v1alpha1.OperationInitiator{Automated: true},
	}
	if len(app.Spec.Sources) > 0 {
		op.Sync.Revisions = in.Revisions
	} else if len(in.Revisions) > 0 {
		op.Sync.Revision = in.Revisions[0]
	}
	if p.Retry != nil {
		op.Retry = *p.Retry
	}
	return op, 0
}

// selfHealDelay is the wait before a self-heal after n earlier ones.
func selfHealDelay(n int64) time.Duration {
	if n <= 0 {
		return 0
	}
	d := selfHealBackoff
	for i := int64(1); i < n && d < selfHealCap; i++ {
		d *= selfHealFactor
	}
	return min(d, selfHealCap)
}

// attempted reports whether the last operation, whoever started it,
// synced the app's current source(s) at these revisions and has ended.
func attempted(app *v1alpha1.Application, revisions []string) bool {
	last := app.Status.OperationState
	if last == nil || last.SyncResult == nil || !Completed(last.Phase) {
		return false
	}
	res := last.SyncResult
	// The resolved revisions are compared; the sources without their
	// targetRevision, so "HEAD" and "main" at one commit are one attempt.
	if len(app.Spec.Sources) > 0 {
		return reflect.DeepEqual(res.Revisions, revisions) && sameJSON(withoutTargets(res.Sources), withoutTargets(app.Spec.Sources))
	}
	if len(revisions) == 0 || res.Revision != revisions[0] {
		return false
	}
	return app.Spec.Source == nil || sameJSON(withoutTargets(v1alpha1.ApplicationSources{res.Source}), withoutTargets(v1alpha1.ApplicationSources{*app.Spec.Source}))
}

func withoutTargets(sources v1alpha1.ApplicationSources) v1alpha1.ApplicationSources {
	out := sources.DeepCopy()
	for i := range out {
		out[i].TargetRevision = ""
	}
	return out
}

func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}
