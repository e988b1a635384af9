package application_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/application"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// rolloutApp is an app's Rollout at an image tag; with hpa, an HPA scaling
// it while the manifest also sets its replicas.
func rolloutApp(tag string, hpa bool) map[string]string {
	files := map[string]string{"app/rollout.yaml": `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "registry.example/web:` + tag + `"}]
  strategy:
    canary:
      steps: [{setWeight: 20}, {pause: {}}]
`}
	if hpa {
		files["app/hpa.yaml"] = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: web}
  minReplicas: 1
  maxReplicas: 3
`
	}
	return files
}

// pushedRepo is a work repository that pushes to a bare one, the app's
// repository (Tiphys pushes to it too).
type pushedRepo struct {
	work *gittest.Repo
	bare *gittest.Repo
}

func newPushedRepo(t *testing.T, files map[string]string) (*pushedRepo, string) {
	t.Helper()
	work := gittest.New(t)
	first := work.Commit("first", files)
	dir := filepath.Join(t.TempDir(), "platform.git")
	work.Git("clone", "-q", "--bare", work.Dir, dir)
	work.Git("remote", "add", "origin", dir)
	return &pushedRepo{work: work, bare: gittest.Open(t, dir)}, first
}

func (r *pushedRepo) URL() string { return "file://" + r.bare.Dir }

func (r *pushedRepo) push(msg string, files map[string]string) string {
	sha := r.work.Commit(msg, files)
	r.work.Git("push", "-q", "origin", "HEAD:main")
	return sha
}

// waitSynced waits until the app synced revision and is Synced, the sync
// Succeeded; meanwhile it stands in for a Rollout controller
// (none runs here) and reports the Rollout's new spec observed and
// healthy, which a sync waits for.
func waitSynced(t *testing.T, name, revision string) *v1alpha1.Application {
	t.Helper()
	var app *v1alpha1.Application
	eventually(t, name+" Synced at "+short(revision), func() (bool, error) {
		observeRollout(t, name)
		app = getApp(t, name)
		os := app.Status.OperationState
		if app.Status.Sync.Status == v1alpha1.SyncStatusCodeSynced && app.Status.Sync.Revision == revision &&
			app.Operation == nil && os != nil && os.Phase == v1alpha1.OperationSucceeded && os.SyncResult != nil &&
			os.SyncResult.Revision == revision {
			return true, nil
		}
		state := "no operation"
		if os != nil {
			state = string(os.Phase) + ": " + os.Message
		}
		return false, fmt.Errorf("sync %s at %s, health %s, operation %s, conditions %v",
			app.Status.Sync.Status, app.Status.Sync.Revision, app.Status.Health.Status, state, app.Status.Conditions)
	})
	return app
}

func short(sha string) string { return sha[:7] }

func getRollout(t *testing.T, ns string) *unstructured.Unstructured {
	t.Helper()
	ro := &unstructured.Unstructured{}
	ro.SetAPIVersion("argoproj.io/v1alpha1")
	ro.SetKind("Rollout")
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "web"}, ro); err != nil {
		return nil
	}
	return ro
}

// observeRollout does what a Rollout controller does with a new spec, in
// short: the revision becomes stable and Healthy, an abort is cleared.
func observeRollout(t *testing.T, ns string) {
	t.Helper()
	ro := getRollout(t, ns)
	if ro == nil {
		return
	}
	gen := strconv.FormatInt(ro.GetGeneration(), 10)
	if observed, _, _ := unstructured.NestedString(ro.Object, "status", "observedGeneration"); observed == gen {
		return
	}
	hash := fmt.Sprintf("%x", len(liveImage(t, ns))*7919+int(ro.GetGeneration()))
	patch, _ := json.Marshal(map[string]any{"status": map[string]any{
		"abort": false, "abortedAt": nil, "observedGeneration": gen, "phase": "Healthy", "message": "",
		"currentPodHash": hash, "stableRS": hash, "conditions": nil, "canary": nil,
	}})
	if err := env.Client.Status().Patch(context.Background(), ro, client.RawPatch(types.MergePatchType, patch)); err != nil {
		t.Logf("observe rollout: %v", err)
	}
}

// abortRollout writes what a Rollout controller writes when a canary's
// analysis fails: abort, the aborted condition and the failed run.
func abortRollout(t *testing.T, ns string) {
	t.Helper()
	ro := getRollout(t, ns)
	if ro == nil {
		t.Fatal("no Rollout web in " + ns)
	}
	now := time.Now().UTC().Format(time.RFC3339)
	msg := `Rollout aborted update to revision 2: Metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)`
	patch, _ := json.Marshal(map[string]any{"status": map[string]any{
		"abort": true, "abortedAt": now, "currentPodHash": "7f9c6d5b4", "stableRS": "5c8d9f7b6",
		"observedGeneration": strconv.FormatInt(ro.GetGeneration(), 10), "phase": "Degraded", "message": "RolloutAborted: " + msg,
		"conditions": []map[string]any{{"type": "Progressing", "status": "False", "reason": "RolloutAborted", "message": msg,
			"lastUpdateTime": now, "lastTransitionTime": now}},
		"canary": map[string]any{"currentStepAnalysisRunStatus": map[string]any{"name": "web-7f9c6d5b4-2-1", "status": "Failed",
			"message": `Metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)`}},
	}})
	if err := env.Client.Status().Patch(context.Background(), ro, client.RawPatch(types.MergePatchType, patch)); err != nil {
		t.Fatal(err)
	}
}

func liveImage(t *testing.T, ns string) string {
	t.Helper()
	ro := getRollout(t, ns)
	if ro == nil {
		return ""
	}
	cs, _, _ := unstructured.NestedSlice(ro.Object, "spec", "template", "spec", "containers")
	if len(cs) == 0 {
		return ""
	}
	img, _ := cs[0].(map[string]any)["image"].(string)
	return img
}

// Given an app with revert-on-abort whose Rollout synced image v1, then v2,
// when the Rollout's update to v2 is aborted,
// then a revert commit restoring v1 is pushed to the branch (message,
// author, parent), the app syncs it and the live Rollout is back at v1;
// and a later reconcile writes nothing more.
func TestRevertOnAbort(t *testing.T) {
	env.Require(t)
	files := rolloutApp("v1", false)
	files["other/readme.md"] = "not the app's\n"
	repo, v1 := newPushedRepo(t, files)
	newApp(t, "revert-abort", repo.URL(), "app", automated(true, false), func(a *v1alpha1.Application) {
		a.Annotations = map[string]string{application.RevertOnAbortAnnotation: "true"}
	})
	waitSynced(t, "revert-abort", v1)
	files = rolloutApp("v2", false)
	files["other/readme.md"] = "changed with v2, and kept\n"
	v2 := repo.push("web v2", files)
	waitSynced(t, "revert-abort", v2)
	if img := liveImage(t, "revert-abort"); img != "registry.example/web:v2" {
		t.Fatalf("live image = %q before the abort", img)
	}

	abortRollout(t, "revert-abort")
	var revert string
	eventually(t, "a revert commit on main", func() (bool, error) {
		revert = repo.bare.Git("rev-parse", "main")
		return revert != v2, nil
	})
	log := repo.bare.Git("log", "-1", "--format=%P%n%an <%ae>%n%B", "main")
	wantHead := v2 + "\nTiphys <tiphys@localhost>\nRevert revert-abort: Rollout revert-abort/web aborted at " + short(v2) + "\n"
	if !strings.HasPrefix(log, wantHead) {
		t.Errorf("revert commit:\n%s\nwant it to start with:\n%s", log, wantHead)
	}
	for _, s := range []string{"pod template hash 7f9c6d5b4", "Bad revision:  " + v2, "Good revision: " + v1,
		`Analysis run web-7f9c6d5b4-2-1: Failed: Metric "success-rate" assessed Failed`} {
		if !strings.Contains(log, s) {
			t.Errorf("revert commit message does not say %q:\n%s", s, log)
		}
	}
	if changed := repo.bare.Git("diff", "--name-only", v2, revert); changed != "app/rollout.yaml" {
		t.Errorf("revert changed %q", changed)
	}
	if !strings.Contains(repo.bare.Git("show", "main:app/rollout.yaml"), "web:v1") {
		t.Error("main's rollout.yaml is not v1's")
	}

	app := waitSynced(t, "revert-abort", revert)
	eventually(t, "live Rollout back at v1", func() (bool, error) {
		return liveImage(t, "revert-abort") == "registry.example/web:v1", nil
	})
	if got := app.Annotations[application.RevertedAbortAnnotation]; got != "revert-abort/web@7f9c6d5b4="+revert {
		t.Errorf("%s = %q", application.RevertedAbortAnnotation, got)
	}
	// The same abort seen again (a status not yet updated, a restarted
	// controller): once the app shows it, a reconcile writes nothing.
	abortRollout(t, "revert-abort")
	eventually(t, "the Rollout Degraded again", func() (bool, error) {
		return rolloutHealth(t, "revert-abort") == v1alpha1.HealthStatusDegraded, nil
	})
	app = refreshed(t, "revert-abort")
	if head := repo.bare.Git("rev-parse", "main"); head != revert {
		t.Errorf("main moved again to %s", head)
	}
	for _, c := range app.Status.Conditions {
		if strings.HasPrefix(c.Type, "RevertOnAbort") {
			t.Errorf("condition %s: %s", c.Type, c.Message)
		}
	}
}

// Given an app without the opt-in,
// when the Rollout's update is aborted,
// then the app shows it Degraded and nothing is written to Git.
func TestRevertOnAbortOff(t *testing.T) {
	env.Require(t)
	repo, v1 := newPushedRepo(t, rolloutApp("v1", false))
	newApp(t, "revert-off", repo.URL(), "app", automated(true, false))
	waitSynced(t, "revert-off", v1)
	v2 := repo.push("web v2", rolloutApp("v2", false))
	waitSynced(t, "revert-off", v2)

	abortRollout(t, "revert-off")
	eventually(t, "the Rollout Degraded", func() (bool, error) {
		return rolloutHealth(t, "revert-off") == v1alpha1.HealthStatusDegraded, nil
	})
	app := refreshed(t, "revert-off")
	if head := repo.bare.Git("rev-parse", "main"); head != v2 {
		t.Errorf("main moved to %s without the opt-in", head)
	}
	if _, ok := app.Annotations[application.RevertedAbortAnnotation]; ok {
		t.Error("a revert was recorded without the opt-in")
	}
}

// rolloutHealth is the health of the app's Rollout in its status.
func rolloutHealth(t *testing.T, name string) v1alpha1.HealthStatusCode {
	t.Helper()
	for _, rs := range getApp(t, name).Status.Resources {
		if rs.Kind == "Rollout" && rs.Health != nil {
			return rs.Health.Status
		}
	}
	return ""
}

// Given an app (no automated sync) whose HPA scales its Rollout while the
// manifest sets the Rollout's replicas,
// then the app warns of the conflict;
// when the app ignores /spec/replicas of the Rollout and respects it in syncs,
// then the warning is gone.
func TestReplicasConflictWarning(t *testing.T) {
	env.Require(t)
	repo, _ := newPushedRepo(t, rolloutApp("v1", true))
	newApp(t, "replicas-conflict", repo.URL(), "app", nil)
	hasWarning := func(a *v1alpha1.Application) bool {
		for _, c := range a.Status.Conditions {
			if c.Type == application.ConditionReplicasConflictWarning &&
				strings.Contains(c.Message, "HorizontalPodAutoscaler replicas-conflict/web scales Rollout replicas-conflict/web") {
				return true
			}
		}
		return false
	}
	eventually(t, "ReplicasConflictWarning", func() (bool, error) { return hasWarning(getApp(t, "replicas-conflict")), nil })

	app := getApp(t, "replicas-conflict")
	patch := client.MergeFrom(app.DeepCopy())
	app.Spec.IgnoreDifferences = []v1alpha1.ResourceIgnoreDifferences{{Group: "argoproj.io", Kind: "Rollout", JSONPointers: []string{"/spec/replicas"}}}
	app.Spec.SyncPolicy = &v1alpha1.SyncPolicy{SyncOptions: v1alpha1.SyncOptions{"RespectIgnoreDifferences=true"}}
	if err := env.Client.Patch(context.Background(), app, patch); err != nil {
		t.Fatal(err)
	}
	eventually(t, "ReplicasConflictWarning cleared", func() (bool, error) { return !hasWarning(getApp(t, "replicas-conflict")), nil })
}
