package application

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/object"
	"github.com/tiphys/tiphys/internal/source/git"
)

// Revert-on-abort: the annotations, condition types and Event reasons.
const (
	// RevertOnAbortAnnotation, "true" on an Application, opts it in to
	// revert-on-abort (argocd-cm tiphys.revertOnAbort opts in every app).
	RevertOnAbortAnnotation = "tiphys.io/revert-on-abort"
	// RevertedAbortAnnotation records the aborts already reverted, as
	// "<namespace>/<rollout>@<pod hash>=<commit>" entries separated by
	// commas (newest last), so that no abort is reverted twice.
	RevertedAbortAnnotation = "tiphys.io/reverted-abort"
	// ConditionRevertOnAbortError says a revert commit could not be written.
	ConditionRevertOnAbortError v1alpha1.ApplicationConditionType = "RevertOnAbortError"
	// ConditionRevertOnAbortWarning says an aborted Rollout cannot be
	// reverted in Git (the app does not follow a branch, or has no earlier
	// revision in its history).
	ConditionRevertOnAbortWarning v1alpha1.ApplicationConditionType = "RevertOnAbortWarning"
	// ReasonRevertedOnAbort is the Event reason of a revert commit written.
	ReasonRevertedOnAbort = "RevertedOnAbort"
	// ReasonRevertOnAbortFailed is the Event reason of a failed attempt.
	ReasonRevertOnAbortFailed = "RevertOnAbortFailed"
)

// revertRetry is how long a failed revert waits before it is tried again.
const revertRetry = time.Minute

// keptReverts bounds the entries of RevertedAbortAnnotation.
const keptReverts = 5

// revertFailures remembers failed reverts per app and abort, so a failing
// push is tried again after revertRetry, not at every reconcile, and its
// condition stays meanwhile.
type revertFailures struct {
	m sync.Map // instance + "|" + abort key → revertFailure
}

// forget drops a deleted application's failures.
func (f *revertFailures) forget(instance string) {
	f.m.Range(func(k, _ any) bool {
		if strings.HasPrefix(k.(string), instance+"|") {
			f.m.Delete(k)
		}
		return true
	})
}

type revertFailure struct {
	message string
	at      time.Time
}

// abortedRollout is a managed Rollout whose update was aborted.
type abortedRollout struct {
	id       object.ID
	podHash  string
	message  string // the RolloutAborted condition's message
	analysis *v1alpha1.RolloutAnalysisRunStatus
}

// key names the abort: one Rollout's update to one pod template.
func (a abortedRollout) key() string {
	return a.id.Namespace + "/" + a.id.Name + "@" + a.podHash
}

// reconcileRevert writes a revert commit to the app's branch for each of
// its Rollouts whose update was aborted, when the app opts in, once per
// abort. It runs between syncs only: the synced revision is the bad one.
func (r *Reconciler) reconcileRevert(ctx context.Context, st *state) {
	app := st.app
	if !revertOnAbort(app, st.settings.RevertOnAbort) || app.Operation != nil || running(app.Status.OperationState) {
		return
	}
	for _, a := range abortedRollouts(ctx, st) {
		if revertedCommit(app.Annotations[RevertedAbortAnnotation], a.key()) != "" {
			continue
		}
		r.revertAbort(ctx, st, a)
	}
}

// revertOnAbort reports whether the app opted in, or every app did.
func revertOnAbort(app *v1alpha1.Application, all bool) bool {
	if v, ok := app.Annotations[RevertOnAbortAnnotation]; ok {
		return v == "true"
	}
	return all
}

// revertAbort writes the revert commit of one abort, or says why not.
func (r *Reconciler) revertAbort(ctx context.Context, st *state, a abortedRollout) {
	app := st.app
	bad, good, reason := revertRevisions(app)
	if reason != "" {
		st.condition(ConditionRevertOnAbortWarning, fmt.Sprintf("Rollout %s/%s aborted, but no revert commit is written: %s.", a.id.Namespace, a.id.Name, reason))
		return
	}
	src := app.Spec.Source
	repo, err := r.git.Repo(src.RepoURL)
	if err != nil {
		r.revertFailed(st, a, err.Error())
		return
	}
	branch, ok := repo.Branch(src.TargetRevision)
	if !ok {
		st.condition(ConditionRevertOnAbortWarning, fmt.Sprintf("Rollout %s/%s aborted, but no revert commit is written: targetRevision %q of %s is not a branch.",
			a.id.Namespace, a.id.Name, src.TargetRevision, git.RedactURL(src.RepoURL)))
		return
	}
	failKey := st.instance + "|" + a.key()
	if v, ok := r.revertFailures.m.Load(failKey); ok && time.Since(v.(revertFailure).at) < revertRetry {
		st.condition(ConditionRevertOnAbortError, v.(revertFailure).message)
		return
	}
	creds, err := git.SecretCredentials(r.client, r.opts.Namespace)(ctx, src.RepoURL)
	if err != nil {
		r.revertFailed(st, a, err.Error())
		return
	}
	author := st.settings.Author()
	res, err := git.Revert(ctx, git.RevertOptions{
		URL: src.RepoURL, Credentials: creds, Branch: branch, Paths: []string{src.Path},
		Good: good.Revision, Bad: bad, Author: git.Author{Name: author.Name, Email: author.Email},
		Message: revertMessage(app.Name, a, bad, good), Timeout: time.Minute,
	})
	if err != nil {
		r.revertFailed(st, a, err.Error())
		return
	}
	r.revertFailures.m.Delete(failKey)
	commit, msg := res.Commit, fmt.Sprintf("Rollout %s/%s aborted at %s: revert commit %s pushed to %s branch %s, restoring %s to %s",
		a.id.Namespace, a.id.Name, short(bad), short(res.Commit), git.RedactURL(src.RepoURL), res.Branch, pathOrRoot(src.Path), short(res.Good))
	if res.UpToDate {
		commit, msg = res.Parent, fmt.Sprintf("Rollout %s/%s aborted at %s: %s on branch %s already holds revision %s's content, no commit written",
			a.id.Namespace, a.id.Name, short(bad), pathOrRoot(src.Path), res.Branch, short(res.Good))
	}
	if app.Annotations == nil {
		app.Annotations = map[string]string{}
	}
	app.Annotations[RevertedAbortAnnotation] = recordRevert(app.Annotations[RevertedAbortAnnotation], a.key(), commit)
	// Look at Git again at once: the new commit is synced without waiting
	// for the poll.
	app.Annotations[refreshAnnotation] = "normal"
	r.events.record(app, corev1.EventTypeNormal, ReasonRevertedOnAbort, msg)
	ctrl.LoggerFrom(ctx).Info("reverted on abort", "rollout", a.key(), "commit", commit, "upToDate", res.UpToDate)
}

// revertFailed records a failed revert: condition, Event, and a wait
// before the next try.
func (r *Reconciler) revertFailed(st *state, a abortedRollout, cause string) {
	msg := fmt.Sprintf("Rollout %s/%s aborted, but the revert commit could not be written: %s", a.id.Namespace, a.id.Name, cause)
	r.revertFailures.m.Store(st.instance+"|"+a.key(), revertFailure{message: msg, at: time.Now()})
	st.condition(ConditionRevertOnAbortError, msg)
	r.events.record(st.app, corev1.EventTypeWarning, ReasonRevertOnAbortFailed, msg)
}

// revertRevisions picks the bad revision (the one synced) and the good
// one (the newest history entry at another revision); reason says why
// there are none.
func revertRevisions(app *v1alpha1.Application) (bad string, good v1alpha1.RevisionHistory, reason string) {
	src := app.Spec.Source
	switch {
	case len(app.Spec.Sources) > 0 || src == nil:
		return "", good, "revert-on-abort supports applications with a single source"
	case src.Chart != "":
		return "", good, "the source is a Helm repository, not Git"
	}
	bad = app.Status.Sync.Revision
	if bad == "" {
		return "", good, "the application has no synced revision"
	}
	for i := len(app.Status.History) - 1; i >= 0; i-- {
		if h := app.Status.History[i]; h.Revision != "" && h.Revision != bad {
			return bad, h, ""
		}
	}
	return "", good, fmt.Sprintf("the history has no revision before %s to go back to", short(bad))
}

// abortedRollouts finds the app's Rollouts, in sync with Git, whose update
// to a new revision was aborted. An abort of the stable revision itself is
// none: after a revert the Rollout goes back to it.
func abortedRollouts(ctx context.Context, st *state) []abortedRollout {
	var out []abortedRollout
	for _, rs := range st.app.Status.Resources {
		if rs.Group != v1alpha1.Group || rs.Kind != "Rollout" || rs.Hook || rs.Status != v1alpha1.SyncStatusCodeSynced {
			continue
		}
		id := statusID(rs)
		live := st.live[id]
		if live == nil {
			gvk := schema.GroupVersionKind{Group: rs.Group, Version: rs.Version, Kind: rs.Kind}
			live, _ = st.dest.Live.Get(ctx, gvk, rs.Namespace, rs.Name)
		}
		if a, ok := abortOf(id, live); ok {
			out = append(out, a)
		}
	}
	return out
}

// abortOf reads a live Rollout's status for an aborted update.
func abortOf(id object.ID, live *unstructured.Unstructured) (abortedRollout, bool) {
	if live == nil {
		return abortedRollout{}, false
	}
	raw, _, _ := unstructured.NestedMap(live.Object, "status")
	var status v1alpha1.RolloutStatus
	if raw == nil || runtime.DefaultUnstructuredConverter.FromUnstructured(raw, &status) != nil {
		return abortedRollout{}, false
	}
	if !status.Abort || status.CurrentPodHash == "" || status.CurrentPodHash == status.StableRS {
		return abortedRollout{}, false
	}
	a := abortedRollout{id: id, podHash: status.CurrentPodHash}
	for _, c := range status.Conditions {
		if c.Reason == "RolloutAborted" {
			a.message = c.Message
			break
		}
	}
	for _, run := range []*v1alpha1.RolloutAnalysisRunStatus{status.Canary.CurrentStepAnalysisRunStatus,
		status.Canary.CurrentBackgroundAnalysisRunStatus, status.BlueGreen.PrePromotionAnalysisRunStatus,
		status.BlueGreen.PostPromotionAnalysisRunStatus} {
		if run != nil && run.Name != "" && (a.analysis == nil || failed(run.Status) && !failed(a.analysis.Status)) {
			a.analysis = run
		}
	}
	return a, true
}

func failed(p v1alpha1.AnalysisPhase) bool {
	return p == v1alpha1.AnalysisPhaseFailed || p == v1alpha1.AnalysisPhaseError
}

// revertMessage is the revert commit's message.
func revertMessage(app string, a abortedRollout, bad string, good v1alpha1.RevisionHistory) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Revert %s: Rollout %s/%s aborted at %s\n\n", app, a.id.Namespace, a.id.Name, short(bad))
	fmt.Fprintf(&b, "Rollout %s/%s aborted its update to pod template hash %s", a.id.Namespace, a.id.Name, a.podHash)
	if a.message != "" {
		fmt.Fprintf(&b, ":\n%s", a.message)
	}
	b.WriteString("\n\n")
	if a.analysis != nil {
		fmt.Fprintf(&b, "Analysis run %s: %s", a.analysis.Name, a.analysis.Status)
		if a.analysis.Message != "" {
			fmt.Fprintf(&b, ": %s", a.analysis.Message)
		}
		b.WriteString("\n\n")
	}
	fmt.Fprintf(&b, "Bad revision:  %s\nGood revision: %s (history id %d)\n", bad, good.Revision, good.ID)
	return b.String()
}

// revertedCommit is the commit recorded for an abort key, if any.
func revertedCommit(record, key string) string {
	for _, e := range strings.Split(record, ",") {
		if k, commit, ok := strings.Cut(strings.TrimSpace(e), "="); ok && k == key {
			return commit
		}
	}
	return ""
}

// recordRevert adds an entry to the record, keeping the newest few.
func recordRevert(record, key, commit string) string {
	var entries []string
	for _, e := range strings.Split(record, ",") {
		if e = strings.TrimSpace(e); e != "" {
			entries = append(entries, e)
		}
	}
	entries = append(entries, key+"="+commit)
	if len(entries) > keptReverts {
		entries = entries[len(entries)-keptReverts:]
	}
	return strings.Join(entries, ",")
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

func pathOrRoot(p string) string {
	if p == "" || p == "." {
		return "the repository"
	}
	return p
}
