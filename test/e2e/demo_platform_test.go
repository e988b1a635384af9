package e2e

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// demoPlatform drives the demo's "Try" steps on a running demo: ship a
// version of production's order-service through Git, ship a bad one, roll
// back. Production's Rollouts run on the workload plane, its Applications
// on the management plane.
type demoPlatform struct {
	t          *testing.T
	dir        string // the demo's state directory
	mgmt, work string // the planes' kubeconfigs
	platform   string // the working clone the user commits in
}

const (
	orderApp    = "order-service-production"
	orderNS     = "order-service-production"
	orderValues = "environments/production/order-service/values.yaml"
	// canaryTimeout bounds a canary: production's order-service has two
	// pauses (1 and 2 minutes; promoted as soon as they start) and two
	// analyses of three measurements 30 seconds apart.
	canaryTimeout = 8 * time.Minute
)

// rolloutState is the part of order-service's Rollout the steps read.
type rolloutState struct {
	Metadata struct{ Generation int64 }
	Spec     struct {
		Template struct {
			Spec struct{ Containers []struct{ Image string } }
		}
	}
	Status struct {
		Phase           string
		Abort           bool
		StableRS        string
		CurrentPodHash  string
		PauseConditions []struct{ Reason string }
	}
}

func (s rolloutState) image() string {
	if c := s.Spec.Template.Spec.Containers; len(c) > 0 {
		return c[0].Image
	}
	return ""
}

func (s rolloutState) pausedAtStep() bool {
	return slices.ContainsFunc(s.Status.PauseConditions, func(c struct{ Reason string }) bool { return c.Reason == "CanaryPauseStep" })
}

func (d *demoPlatform) rollout() rolloutState {
	d.t.Helper()
	var s rolloutState
	out := must(d.t, "kubectl", "--kubeconfig", d.work, "get", "rollout", "order-service", "-n", orderNS, "-o", "json")
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		d.t.Fatal(err)
	}
	return s
}

// analysisRuns counts order-service's AnalysisRuns by phase.
func (d *demoPlatform) analysisRuns() map[string]int {
	d.t.Helper()
	var runs struct {
		Items []struct{ Status struct{ Phase string } }
	}
	out := must(d.t, "kubectl", "--kubeconfig", d.work, "get", "analysisruns", "-n", orderNS, "-o", "json")
	if err := json.Unmarshal([]byte(out), &runs); err != nil {
		d.t.Fatal(err)
	}
	n := map[string]int{}
	for _, r := range runs.Items {
		n[r.Status.Phase]++
	}
	return n
}

// replicaSets lists order-service's ReplicaSets by name.
func (d *demoPlatform) replicaSets() string {
	return must(d.t, "kubectl", "--kubeconfig", d.work, "get", "replicasets", "-n", orderNS,
		"-o", "jsonpath={range .items[*]}{.metadata.name} {end}")
}

// appSync is the app's sync status and revision, "Synced/SHA".
func (d *demoPlatform) appSync() string {
	return runCmd("kubectl", "--kubeconfig", d.mgmt, "get", "app", orderApp, "-n", "argocd",
		"-o", "jsonpath={.status.sync.status}/{.status.sync.revision}").stdout
}

// ship promotes tag into production's order-service values through Git, as
// the platform's CI does, and returns the commit.
func (d *demoPlatform) ship(tag string) string {
	d.t.Helper()
	out := must(d.t, tiphys, "promote", "--repo", d.platform, "--file", orderValues,
		"--set", "image.tag="+tag, "--message", "order-service "+tag+" to production", "--push")
	sha := strings.TrimSpace(must(d.t, "git", "-C", d.platform, "rev-parse", "HEAD"))
	if !strings.Contains(out, sha) {
		d.t.Fatalf("promote printed %q, want the commit %s", out, sha)
	}
	eventually(d.t, "order-service synced to "+tag, func() bool { return d.appSync() == "Synced/"+sha })
	return sha
}

// canary waits until the Rollout runs image and is done (fully promoted or
// aborted), promoting every pause step as it starts, as an operator in a
// hurry would; the analysis steps still judge the version.
func (d *demoPlatform) canary(image string) rolloutState {
	d.t.Helper()
	deadline := time.Now().Add(canaryTimeout)
	for time.Now().Before(deadline) {
		s := d.rollout()
		switch {
		case s.image() != image:
		case s.Status.Abort:
			return s
		case s.Status.Phase == "Healthy" && s.Status.StableRS == s.Status.CurrentPodHash && s.Status.StableRS != "":
			return s
		case s.pausedAtStep():
			must(d.t, tiphys, "rollout", "promote", "order-service", "-N", orderNS, "--kubeconfig", d.work)
		}
		time.Sleep(time.Second)
	}
	d.t.Fatalf("canary of %s not done in %s: %+v", image, canaryTimeout, d.rollout().Status)
	return rolloutState{}
}

// setErrorRate makes the demo's exporter answer pct % of order-service's
// requests with 500.
func (d *demoPlatform) setErrorRate(pct int) {
	d.t.Helper()
	if err := os.WriteFile(filepath.Join(d.dir, "errors"), []byte("order-service "+strconv.Itoa(pct)+"\n"), 0o600); err != nil {
		d.t.Fatal(err)
	}
}

// runPlatformSteps is the acceptance of the platform: given the demo up,
// when a good version ships it finishes its canary, when a bad one ships
// its analysis aborts it, and when the user rolls back, the previous
// version runs at once, a revert commit is in the repository's history, and
// the app ends Synced to that commit with the hold released and nothing
// deployed again.
func runPlatformSteps(t *testing.T, d *demoPlatform) {
	repo := "ghcr.io/goreliable/order-service:"
	before := d.rollout()
	if before.Status.Phase != "Healthy" || before.Status.StableRS == "" {
		t.Fatalf("order-service before the steps: %+v", before.Status)
	}

	// A good version: the canary goes through its steps and its two
	// analyses, and the new ReplicaSet becomes stable.
	good := d.ship("2.5.0")
	s := d.canary(repo + "2.5.0")
	if s.Status.Abort || s.Status.StableRS == before.Status.StableRS {
		t.Fatalf("canary of 2.5.0: abort=%v stable %s (before %s)", s.Status.Abort, s.Status.StableRS, before.Status.StableRS)
	}
	if n := d.analysisRuns(); n["Successful"] < 2 || n["Failed"] > 0 {
		t.Fatalf("analysis runs after 2.5.0: %v, want two Successful", n)
	}
	stable := s.Status.StableRS
	t.Logf("2.5.0 (%s) finished its canary: stable ReplicaSet hash %s", good[:7], stable)

	// A bad version: 5 % of order-service's requests fail, production's
	// analysis (99.9 %) aborts the canary back to 2.5.0.
	d.setErrorRate(5)
	d.ship("2.6.0")
	s = d.canary(repo + "2.6.0")
	if !s.Status.Abort || s.Status.StableRS != stable {
		t.Fatalf("canary of 2.6.0: abort=%v stable %s, want aborted with stable %s", s.Status.Abort, s.Status.StableRS, stable)
	}
	if n := d.analysisRuns(); n["Failed"] != 1 {
		t.Fatalf("analysis runs after 2.6.0: %v, want one Failed", n)
	}
	d.setErrorRate(0)
	t.Logf("2.6.0 aborted by its analysis, back on %s", stable)

	// The rollback: to the history entry of 2.5.0's commit.
	var history []struct {
		ID       int64
		Revision string
	}
	if err := json.Unmarshal([]byte(must(t, tiphys, "app", "history", orderApp, "--kubeconfig", d.mgmt, "-o", "json")), &history); err != nil {
		t.Fatal(err)
	}
	id := int64(-1)
	for _, h := range history {
		if h.Revision == good {
			id = h.ID
		}
	}
	if id < 0 {
		t.Fatalf("no history entry at %s: %+v", good, history)
	}
	out := must(t, tiphys, "app", "rollback", orderApp, strconv.FormatInt(id, 10), "--kubeconfig", d.mgmt,
		"--reason", "2.6.0 fails its analysis", "--author", "Ada Ops <ada@example.com>", "--timeout", "2m")
	if !strings.Contains(out, "Revert commit") {
		t.Errorf("rollback printed:\n%s", out)
	}
	if img := d.rollout().image(); img != repo+"2.5.0" {
		t.Fatalf("Rollout runs %s right after the rollback, want 2.5.0", img)
	}
	eventually(t, "order-service back on its stable ReplicaSet", func() bool {
		s := d.rollout()
		return s.Status.Phase == "Healthy" && s.Status.CurrentPodHash == stable && s.Status.StableRS == stable
	})
	rolledBack, sets, runs := d.rollout(), d.replicaSets(), d.analysisRuns()
	t.Logf("rolled back to history %d: 2.5.0 runs", id)

	// The revert commit is on the branch, in the user's clone's history.
	must(t, "git", "-C", d.platform, "pull", "--quiet", "--ff-only")
	revert := strings.TrimSpace(must(t, "git", "-C", d.platform, "rev-parse", "HEAD"))
	msg := must(t, "git", "-C", d.platform, "log", "-1", "--format=%an <%ae>%n%B")
	for _, want := range []string{"Ada Ops <ada@example.com>", "Rollback " + orderApp + " to " + good[:7], "Reason: 2.6.0 fails its analysis"} {
		if !strings.Contains(msg, want) {
			t.Errorf("revert commit %s lacks %q:\n%s", revert, want, msg)
		}
	}
	values, err := os.ReadFile(filepath.Join(d.platform, orderValues))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(values), `tag: "2.5.0"`) {
		t.Errorf("values after the revert:\n%s", values)
	}

	// The app reaches the revert commit on its own, the hold ends, and the
	// Rollout is untouched: same generation, same ReplicaSets, no analysis.
	eventually(t, "hold released, order-service synced to the revert", func() bool {
		holds := runCmd("kubectl", "--kubeconfig", d.mgmt, "get", "cm", "tiphys-rollback-holds", "-n", "argocd",
			"-o", "jsonpath={.data.argocd\\."+orderApp+"}").stdout
		return d.appSync() == "Synced/"+revert && strings.Contains(holds, `"released"`)
	})
	after := d.rollout()
	if after.Metadata.Generation != rolledBack.Metadata.Generation || d.replicaSets() != sets {
		t.Errorf("the revert re-deployed order-service: generation %d→%d, ReplicaSets %q→%q",
			rolledBack.Metadata.Generation, after.Metadata.Generation, sets, d.replicaSets())
	}
	if n := d.analysisRuns(); !maps.Equal(n, runs) {
		t.Errorf("analysis runs after the revert: %v, want %v (no canary)", n, runs)
	}
	health := must(t, "kubectl", "--kubeconfig", d.mgmt, "get", "app", orderApp, "-n", "argocd", "-o", "jsonpath={.status.health.status}")
	if health != "Healthy" {
		t.Errorf("%s health %s after the revert, want Healthy", orderApp, health)
	}
}
