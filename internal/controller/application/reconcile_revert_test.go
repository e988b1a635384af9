package application

import (
	"strings"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/object"
)

const abortedStatus = `{apiVersion: argoproj.io/v1alpha1, kind: Rollout, metadata: {name: web, namespace: shop},
  status: {abort: true, currentPodHash: 5d8f, stableRS: 6c4b,
    conditions: [{type: Paused, status: "False", reason: RolloutAborted, lastUpdateTime: "2026-01-01T00:00:00Z", lastTransitionTime: "2026-01-01T00:00:00Z",
      message: "Rollout aborted update to revision 3: Metric \"success-rate\" assessed Failed due to failed (1) > failureLimit (0)"}],
    canary: {currentBackgroundAnalysisRunStatus: {name: web-5d8f-3-bg, status: Successful},
      currentStepAnalysisRunStatus: {name: web-5d8f-3-2, status: Failed, message: "Metric \"success-rate\" assessed Failed"}}}}`

// A live Rollout's status tells an aborted update, its pod hash, the
// abort's message and the failed analysis run; the commit message says it
// all, its first line as the house format.
func TestAbortAndRevertMessage(t *testing.T) {
	id := object.ID{Group: "argoproj.io", Kind: "Rollout", Namespace: "shop", Name: "web"}
	live := objects(t, abortedStatus)[0]
	a, ok := abortOf(id, live)
	if !ok || a.podHash != "5d8f" || a.analysis == nil || a.analysis.Name != "web-5d8f-3-2" || !strings.HasPrefix(a.message, "Rollout aborted update to revision 3") {
		t.Fatalf("abortOf = %+v, %v", a, ok)
	}
	for name, doc := range map[string]string{
		"not aborted":           `{kind: Rollout, status: {currentPodHash: 5d8f, stableRS: 6c4b}}`,
		"aborted at the stable": `{kind: Rollout, status: {abort: true, currentPodHash: 6c4b, stableRS: 6c4b}}`,
		"no status":             `{kind: Rollout}`,
	} {
		if _, ok := abortOf(id, objects(t, doc)[0]); ok {
			t.Errorf("%s: read as aborted", name)
		}
	}

	bad, good := "0123456789abcdef0123456789abcdef01234567", v1alpha1.RevisionHistory{Revision: "fedcba9876543210fedcba9876543210fedcba98", ID: 4}
	msg := revertMessage("shop-web", a, bad, good)
	want := "Revert shop-web: Rollout shop/web aborted at 0123456\n\n" +
		"Rollout shop/web aborted its update to pod template hash 5d8f:\n" +
		"Rollout aborted update to revision 3: Metric \"success-rate\" assessed Failed due to failed (1) > failureLimit (0)\n\n" +
		"Analysis run web-5d8f-3-2: Failed: Metric \"success-rate\" assessed Failed\n\n" +
		"Bad revision:  " + bad + "\nGood revision: " + good.Revision + " (history id 4)\n"
	if msg != want {
		t.Errorf("message:\n%s\nwant:\n%s", msg, want)
	}
}

// The good revision is the newest history entry at another revision than
// the synced one; without one, or for a multi-source or Helm app, a reason.
func TestRevertRevisions(t *testing.T) {
	src := &v1alpha1.ApplicationSource{RepoURL: "file:///repo", Path: "app", TargetRevision: "main"}
	app := func(synced string, history ...string) *v1alpha1.Application {
		a := &v1alpha1.Application{Spec: v1alpha1.ApplicationSpec{Source: src}}
		a.Status.Sync.Revision = synced
		for i, h := range history {
			a.Status.History = append(a.Status.History, v1alpha1.RevisionHistory{Revision: h, ID: int64(i)})
		}
		return a
	}
	tests := []struct {
		name      string
		app       *v1alpha1.Application
		good, why string
	}{
		{"two syncs", app("b", "a", "b"), "a", ""},
		{"synced twice at the bad one", app("c", "a", "b", "c", "c"), "b", ""},
		{"only the bad one", app("b", "b"), "", "the history has no revision before b to go back to"},
		{"helm", &v1alpha1.Application{Spec: v1alpha1.ApplicationSpec{Source: &v1alpha1.ApplicationSource{Chart: "web"}}}, "", "Helm"},
		{"multi-source", &v1alpha1.Application{Spec: v1alpha1.ApplicationSpec{Sources: []v1alpha1.ApplicationSource{*src}}}, "", "single source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, good, why := revertRevisions(tt.app)
			if good.Revision != tt.good || (tt.why == "") != (why == "") || !strings.Contains(why, tt.why) {
				t.Errorf("good = %q, reason %q; want %q, %q", good.Revision, why, tt.good, tt.why)
			}
		})
	}
}

// The record keeps the newest entries and finds an abort's commit.
func TestRevertRecord(t *testing.T) {
	rec := ""
	for _, k := range []string{"a", "b", "c", "d", "e", "f"} {
		rec = recordRevert(rec, "shop/web@"+k, "sha-"+k)
	}
	if rec != "shop/web@b=sha-b,shop/web@c=sha-c,shop/web@d=sha-d,shop/web@e=sha-e,shop/web@f=sha-f" {
		t.Errorf("record = %q", rec)
	}
	if revertedCommit(rec, "shop/web@e") != "sha-e" || revertedCommit(rec, "shop/web@a") != "" {
		t.Errorf("lookups in %q", rec)
	}
}
