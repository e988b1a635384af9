package health

import (
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// promoter.argoproj.io (GitOps Promoter), as Argo CD assesses it
// (resource_customizations/promoter.argoproj.io). Every kind first passes
// the same gate on its Ready condition (promoterGate), with its own texts;
// what a kind reports once Ready is its own (promoterRule.Then). An object
// being deleted never reaches these checks: Of makes it Progressing
// ("Pending deletion") as Argo CD does at run time.
func init() {
	register("promoter.argoproj.io", map[string]Check{
		// ScmProvider, ClusterScmProvider and GitRepository: Healthy once
		// Ready; follow resource_customizations/promoter.argoproj.io/<Kind>.
		"ScmProvider": promoterRule{
			Gate: promoterReadiness("ScmProvider", "SCM provider", "SCM provider validation failed", "SCM provider readiness unknown"),
			Then: promoterReady("SCM provider is ready"),
		}.check,
		"ClusterScmProvider": promoterRule{
			Gate: promoterReadiness("ClusterScmProvider", "cluster SCM provider", "Cluster SCM provider validation failed", "Cluster SCM provider readiness unknown"),
			Then: promoterReady("Cluster SCM provider is ready"),
		}.check,
		"GitRepository": promoterRule{
			Gate: promoterReadiness("GitRepository", "Git repository", "Git repository validation failed", "Git repository readiness unknown"),
			Then: promoterReady("Git repository is ready"),
		}.check,
		// GitCommitStatus, TimedCommitStatus and WebRequestCommitStatus:
		// once Ready, status.environments decide (promoterEnvironments);
		// follow resource_customizations/promoter.argoproj.io/<Kind>.
		"GitCommitStatus": promoterRule{
			Gate: promoterReadiness("GitCommitStatus", "git commit validation", "Git commit validation failed", "Git commit validation status unknown"),
			Then: promoterEnvironments{Subject: "Git commit validation", Passed: "passed", Reconciled: "Git commit validation reconciled"}.health,
		}.check,
		"TimedCommitStatus": promoterRule{
			Gate: promoterReadiness("TimedCommitStatus", "timed commit gate", "Timed commit gate failed", "Timed commit gate status unknown"),
			Then: promoterEnvironments{Subject: "Timed commit gate", Passed: "satisfied", Reconciled: "Timed commit gate reconciled"}.health,
		}.check,
		"WebRequestCommitStatus": promoterRule{
			Gate: promoterReadiness("WebRequestCommitStatus", "web request commit validation", "Web request commit validation failed", "Web request commit validation unknown"),
			Then: promoterEnvironments{Subject: "Web request validation", Passed: "passed", Reconciled: "Web request commit validation reconciled"}.health,
		}.check,
		// CommitStatus: once Ready, the commit and phase it reports;
		// follows resource_customizations/promoter.argoproj.io/CommitStatus.
		"CommitStatus": promoterRule{Gate: promoterReconciled("commit status"), Then: commitStatusReport}.check,
		// ArgoCDCommitStatus: once Ready, Degraded without selected
		// applications; follows resource_customizations/promoter.argoproj.io/ArgoCDCommitStatus.
		"ArgoCDCommitStatus": promoterRule{Gate: promoterReconciled("Argo CD commit status"), Then: argoCDCommitStatusReport}.check,
		// PullRequest: gated on Reconciled or Ready, then the PR's state
		// and id; follows resource_customizations/promoter.argoproj.io/PullRequest.
		"PullRequest": promoterRule{Gate: promoterReconciled("pull request", "Reconciled", "Ready"), Then: pullRequestReport}.check,
		// ChangeTransferPolicy and PromotionStrategy compare active and
		// proposed commits (promoter_promotion.go); follow
		// resource_customizations/promoter.argoproj.io/<Kind>.
		"ChangeTransferPolicy": promoterRule{Gate: promoterReconciled("change transfer policy"), Then: changeTransferPolicyReport}.check,
		"PromotionStrategy":    promoterRule{Gate: promoterReconciled("promotion strategy"), Then: promotionStrategyReport}.check,
	})
}

// promoterRule is a promoter.argoproj.io kind: its Ready gate, then, once
// the gate lets the object through, Then reads status.
type promoterRule struct {
	Gate promoterGate
	Then func(status map[string]any) *Status
}

func (r promoterRule) check(obj *unstructured.Unstructured) (*Status, error) {
	status, st := r.Gate.pass(obj)
	if st != nil {
		return st, nil
	}
	return r.Then(status), nil
}

// promoterGate: without status the object is Progressing (Initializing).
// Each condition of one of Types (nil: Ready) is read in order: one that
// records an observedGeneration other than metadata.generation makes the
// object Progressing (Observing); status False makes it Degraded with
// "<Failed>: <message>" when the reason is ReconciliationError, else
// "<NotReady> (<reason>): <message>"; status Unknown, when Unknown is set,
// makes it Progressing with "<Unknown> (<reason>): <message>". Without
// such a condition the object is Progressing (Missing).
type promoterGate struct {
	Types                                                       []string
	Initializing, Observing, Failed, NotReady, Unknown, Missing string
}

// promoterReconciled is the gate whose texts all follow from one noun
// ("commit status": "Commit status reconciliation failed", ...).
func promoterReconciled(noun string, types ...string) promoterGate {
	title := upperFirst(noun)
	return promoterGate{
		Types:        types,
		Initializing: "Initializing " + noun,
		Observing:    "Waiting for " + noun + " spec update to be observed",
		Failed:       title + " reconciliation failed",
		NotReady:     title + " reconciliation failed",
		Missing:      title + " is not ready yet",
	}
}

// promoterReadiness is the gate that names the kind in its Observing and
// Missing texts, and also reads a Ready condition of status Unknown.
func promoterReadiness(kind, noun, failed, unknown string) promoterGate {
	return promoterGate{
		Initializing: "Initializing " + noun,
		Observing:    "Waiting for " + kind + " spec update to be observed",
		Failed:       failed,
		NotReady:     upperFirst(noun) + " not ready",
		Unknown:      unknown,
		Missing:      kind + " Ready condition is missing",
	}
}

// pass is the object's status when the gate lets it through, else the
// gate's verdict.
func (g promoterGate) pass(obj *unstructured.Unstructured) (map[string]any, *Status) {
	raw, ok := obj.Object["status"]
	if !ok || raw == nil || raw == false {
		return nil, progressing(g.Initializing)
	}
	status, ok := raw.(map[string]any)
	if !ok {
		return nil, unknownHealth("status is not an object")
	}
	types := g.Types
	if len(types) == 0 {
		types = []string{"Ready"}
	}
	generation := valueAt(obj.Object, "metadata", "generation")
	found := false
	conds, _ := status["conditions"].([]any)
	for _, raw := range conds {
		c, ok := raw.(map[string]any)
		if !ok || !containsString(types, c["type"]) {
			continue
		}
		found = true
		if seen := c["observedGeneration"]; truthy(seen) && truthy(generation) && !sameValue(seen, generation) {
			return nil, progressing(g.Observing)
		}
		switch c["status"] {
		case "False":
			msg, ok1 := promoterText(c["message"], "Unknown error")
			reason, ok2 := promoterText(c["reason"], "Unknown")
			if !ok1 || !ok2 {
				return nil, unknownHealth("condition " + luaString(c["type"]) + " has a reason or message that is not text")
			}
			if reason == "ReconciliationError" {
				return nil, degraded(g.Failed + ": " + msg)
			}
			return nil, degraded(g.NotReady + " (" + reason + "): " + msg)
		case "Unknown":
			if g.Unknown == "" {
				continue
			}
			msg, ok1 := promoterText(c["message"], "Unknown")
			reason, ok2 := promoterText(c["reason"], "Unknown")
			if !ok1 || !ok2 {
				return nil, unknownHealth("condition " + luaString(c["type"]) + " has a reason or message that is not text")
			}
			return nil, progressing(g.Unknown + " (" + reason + "): " + msg)
		}
	}
	if !found {
		return nil, progressing(g.Missing)
	}
	return status, nil
}

// promoterReady is a Then that is Healthy with a fixed message.
func promoterReady(msg string) func(map[string]any) *Status {
	return func(map[string]any) *Status { return healthy(msg) }
}

// commitStatusReport: "Commit status for commit <sha> reports <phase>",
// or "Commit status is healthy" without both fields.
func commitStatusReport(status map[string]any) *Status {
	sha, phase := status["sha"], status["phase"]
	if !truthy(sha) || !truthy(phase) {
		return healthy("Commit status is healthy")
	}
	s, ok1 := promoterText(sha, "")
	p, ok2 := promoterText(phase, "")
	if !ok1 || !ok2 {
		return unknownHealth("status.sha or status.phase is not text")
	}
	return healthy("Commit status for commit " + s + " reports " + p)
}

// argoCDCommitStatusReport: Healthy tracking the selected applications,
// Degraded without any.
func argoCDCommitStatusReport(status map[string]any) *Status {
	apps, _ := status["applicationsSelected"].([]any)
	if len(apps) == 0 {
		return degraded("Argo CD commit status has no applications configured")
	}
	return healthy("Argo CD commit status is healthy and is tracking " + strconv.Itoa(len(apps)) + " applications")
}

// pullRequestReport: "Pull request is <state> as PR <id>", or "Pull
// request is healthy" without both fields.
func pullRequestReport(status map[string]any) *Status {
	id, state := status["id"], status["state"]
	if !truthy(id) || !truthy(state) {
		return healthy("Pull request is healthy")
	}
	i, ok1 := promoterText(id, "")
	s, ok2 := promoterText(state, "")
	if !ok1 || !ok2 {
		return unknownHealth("status.id or status.state is not text")
	}
	return healthy("Pull request is " + s + " as PR " + i)
}

// promoterEnvironments reads status.environments: none is Healthy
// (Reconciled); any environment in phase failure makes the object
// Degraded, else any not in phase success (no phase counts as pending)
// Progressing, each naming those environments' branches ("?" without
// one); all successful is Healthy, counting them.
type promoterEnvironments struct {
	// Subject starts every message but Reconciled; Passed is the verb of
	// the Healthy one ("Timed commit gate satisfied for 2 environment(s)").
	Subject, Passed, Reconciled string
}

func (r promoterEnvironments) health(status map[string]any) *Status {
	envs, _ := status["environments"].([]any)
	if len(envs) == 0 {
		return healthy(r.Reconciled)
	}
	var pending, failed []string
	succeeded := 0
	for _, raw := range envs {
		env, _ := raw.(map[string]any)
		branch, ok := promoterText(env["branch"], "?")
		if !ok {
			return unknownHealth("an environment's branch is not text")
		}
		switch phase := env["phase"]; phase {
		case "failure":
			failed = append(failed, branch)
		case "success":
			succeeded++
		default:
			pending = append(pending, branch)
		}
	}
	switch {
	case len(failed) > 0:
		return degraded(r.Subject + " failed for branch(es): " + strings.Join(failed, ", "))
	case len(pending) > 0:
		return progressing(r.Subject + " pending for branch(es): " + strings.Join(pending, ", "))
	}
	return healthy(r.Subject + " " + r.Passed + " for " + strconv.Itoa(succeeded) + " environment(s)")
}

// promoterText is a field as a script's string concatenation reads it:
// def when absent (or false), a string or number as text; ok is false for
// anything else (the script would fail).
func promoterText(v any, def string) (string, bool) {
	switch t := v.(type) {
	case nil:
		return def, true
	case bool:
		return def, !t
	case string:
		return t, true
	}
	if _, ok := toNumber(v); ok {
		return luaString(v), true
	}
	return "", false
}

// containsString reports whether v is a string among list.
func containsString(list []string, v any) bool {
	s, ok := v.(string)
	return ok && slices.Contains(list, s)
}

// upperFirst is s with its first letter in upper case.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
