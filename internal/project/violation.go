package project

import "fmt"

// Rule names, each the AppProject field (or Secret key) a Violation breaks.
const (
	RuleSourceRepos                     = "sourceRepos"
	RuleRepositoryScope                 = "repositoryScope"
	RuleDestinations                    = "destinations"
	RulePermitOnlyProjectScopedClusters = "permitOnlyProjectScopedClusters"
	RuleClusterResourceWhitelist        = "clusterResourceWhitelist"
	RuleClusterResourceBlacklist        = "clusterResourceBlacklist"
	RuleNamespaceResourceWhitelist      = "namespaceResourceWhitelist"
	RuleNamespaceResourceBlacklist      = "namespaceResourceBlacklist"
	RuleSourceNamespaces                = "sourceNamespaces"
)

// Violation is a project rule that something breaks. Project is the
// AppProject's name, Rule one of the Rule constants, Subject what breaks it
// (`repository "https://…"`, `apps/Deployment "web"`) and Reason why, as a
// phrase that follows the subject ("matches the deny pattern …").
type Violation struct {
	Project, Rule, Subject, Reason string
}

// Error reads as `project "team-a": sourceRepos: repository "…" matches
// none of the allowed patterns`.
func (v *Violation) Error() string {
	return fmt.Sprintf("project %q: %s: %s %s", v.Project, v.Rule, v.Subject, v.Reason)
}

func violation(p string, rule, subject, reason string) *Violation {
	return &Violation{Project: p, Rule: rule, Subject: subject, Reason: reason}
}
