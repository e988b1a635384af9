package health

import (
	"sort"
	"strconv"
	"strings"
)

// The promoter.argoproj.io kinds that compare an environment's active
// (deployed) and proposed (hydrated, waiting) commits.

// changeTransferPolicyReport: without both an active and a proposed dry
// commit SHA the policy is Progressing; with two different ones a
// promotion is in progress (Progressing, tallying the proposed commit
// statuses); on the same commit it is Healthy, noting any active commit
// status that is not successful. Follows
// resource_customizations/promoter.argoproj.io/ChangeTransferPolicy.
func changeTransferPolicyReport(status map[string]any) *Status {
	active := valueAt(status, "active", "dry", "sha")
	if !promoterSHA(active) {
		return progressing("The active commit DRY SHA is missing or empty.")
	}
	proposed := valueAt(status, "proposed", "dry", "sha")
	if !promoterSHA(proposed) {
		return progressing("The proposed commit DRY SHA is missing or empty.")
	}
	if !sameValue(proposed, active) {
		t := tallyCommitStatuses(valueAt(status, "proposed", "commitStatuses"))
		return progressing("Promotion in progress from '" + shortSHA(active) + "' to '" + shortSHA(proposed) + "': " + t.summary())
	}
	t := tallyCommitStatuses(valueAt(status, "active", "commitStatuses"))
	if t.pending > 0 || t.failure > 0 {
		return healthy("Environment is up-to-date, but there are non-successful active commit statuses: " + t.summary())
	}
	return healthy("Environment is up-to-date on commit " + shortSHA(active) + ".")
}

// promotionStrategyReport: without environments the strategy is
// Degraded; an environment without an active or proposed dry SHA, or
// environments proposing different commits, keep it Progressing; the
// first environment whose proposed commit differs from its active one is
// a promotion in progress; otherwise it is Healthy, naming the
// environments with active commit statuses that are not successful (by
// branch name; Argo CD's script lists them in hash order). The proposed
// commit is the hydrator note's drySha when set, else proposed.dry.sha.
// Follows resource_customizations/promoter.argoproj.io/PromotionStrategy.
func promotionStrategyReport(status map[string]any) *Status {
	envs, _ := status["environments"].([]any)
	if len(envs) == 0 {
		return degraded("Promotion strategy has no environments configured")
	}
	env := func(i int) map[string]any { m, _ := envs[i].(map[string]any); return m }
	for i := range envs {
		e := env(i)
		side := "proposed"
		switch {
		case !promoterSHA(valueAt(e, "active", "dry", "sha")):
			side = "active"
		case proposedDrySHA(e) != nil:
			continue
		}
		branch, ok := promoterBranch(e)
		if !ok {
			return unknownHealth("an environment missing its " + side + " dry SHA has no branch")
		}
		return progressing("The " + side + " commit DRY SHA is missing or empty in environment '" + branch + "'.")
	}
	first := proposedDrySHA(env(0))
	for i := range envs {
		if !sameValue(proposedDrySHA(env(i)), first) {
			return progressing("Not all environments have the same proposed commit SHA. This likely means the hydrator has not run for all environments yet.")
		}
	}
	for i := range envs {
		e := env(i)
		if valueAt(e, "proposed", "dry") == nil {
			return unknownHealth("an environment has no proposed.dry")
		}
		active, proposed := valueAt(e, "active", "dry", "sha"), valueAt(e, "proposed", "dry", "sha")
		if sameValue(proposed, active) {
			continue
		}
		branch, ok := promoterBranch(e)
		if !ok {
			return unknownHealth("an environment being promoted has no branch")
		}
		t := tallyCommitStatuses(valueAt(e, "proposed", "commitStatuses"))
		return progressing("Promotion in progress for environment '" + branch + "' from '" + shortSHA(active) +
			"' to '" + shortSHA(proposed) + "': " + t.summary() +
			"Hydrator has processed dry commit '" + shortSHA(proposedDrySHA(e)) + "'. ")
	}
	unsettled := map[string]commitTally{}
	for i := range envs {
		e := env(i)
		t := tallyCommitStatuses(valueAt(e, "active", "commitStatuses"))
		if t.pending == 0 && t.failure == 0 {
			continue
		}
		branch, ok := promoterBranch(e)
		if !ok {
			return unknownHealth("an environment with unsuccessful commit statuses has no branch")
		}
		unsettled[branch] = t
	}
	if len(unsettled) > 0 {
		branches := make([]string, 0, len(unsettled))
		for b := range unsettled {
			branches = append(branches, b)
		}
		sort.Strings(branches)
		parts := make([]string, len(branches))
		for i, b := range branches {
			t := unsettled[b]
			parts[i] = b + " (" + strconv.Itoa(t.failure) + " failed, " + strconv.Itoa(t.pending) + " pending)"
		}
		return healthy("Environments are up-to-date, but some environments have non-successful commit statuses: " + strings.Join(parts, ", ") + ".")
	}
	e := env(0)
	return healthy("All environments are up-to-date on commit '" + shortSHA(valueAt(e, "active", "dry", "sha")) +
		"'. Hydrator has processed dry commit '" + shortSHA(proposedDrySHA(e)) + "'.")
}

// proposedDrySHA is the environment's proposed dry commit: the hydrator
// note's drySha, else proposed.dry.sha, nil when neither is set.
func proposedDrySHA(env map[string]any) any {
	if sha := valueAt(env, "proposed", "note", "drySha"); promoterSHA(sha) {
		return sha
	}
	if sha := valueAt(env, "proposed", "dry", "sha"); promoterSHA(sha) {
		return sha
	}
	return nil
}

// promoterSHA reports whether a SHA field is set and not empty.
func promoterSHA(v any) bool { return truthy(v) && v != "" }

// promoterBranch is the environment's branch as text, if it has one.
func promoterBranch(env map[string]any) (string, bool) {
	switch env["branch"].(type) {
	case nil, bool:
		return "", false
	}
	return promoterText(env["branch"], "")
}

// shortSHA is a SHA's first seven characters ("" for none).
func shortSHA(v any) string {
	if !truthy(v) {
		return ""
	}
	s := luaString(v)
	if len(s) > 7 {
		return s[:7]
	}
	return s
}

// commitTally counts commit statuses by phase, keeping the keys of the
// pending and failed ones in order.
type commitTally struct {
	pending, success, failure int
	pendingKeys, failedKeys   []string
}

// tallyCommitStatuses counts a list of commit statuses ({key, phase});
// anything but a list counts none, a status without a key is counted but
// not named.
func tallyCommitStatuses(v any) commitTally {
	var t commitTally
	list, _ := v.([]any)
	for _, raw := range list {
		s, _ := raw.(map[string]any)
		key, named := s["key"], s["key"] != nil
		switch s["phase"] {
		case "pending":
			t.pending++
			if named {
				t.pendingKeys = append(t.pendingKeys, luaString(key))
			}
		case "success":
			t.success++
		case "failure":
			t.failure++
			if named {
				t.failedKeys = append(t.failedKeys, luaString(key))
			}
		}
	}
	return t
}

// summary is "<n> pending, <n> successful, <n> failed. " then the pending
// and failed keys, each list ending ". ".
func (t commitTally) summary() string {
	msg := strconv.Itoa(t.pending) + " pending, " + strconv.Itoa(t.success) + " successful, " + strconv.Itoa(t.failure) + " failed. "
	if t.pending > 0 {
		msg += "Pending commit statuses: " + strings.Join(t.pendingKeys, ", ") + ". "
	}
	if t.failure > 0 {
		msg += "Failed commit statuses: " + strings.Join(t.failedKeys, ", ") + ". "
	}
	return msg
}
