package project

import (
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func TestNormalizeRepoURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://github.com/org/repo", "https://github.com/org/repo"},
		{"HTTPS://GitHub.com/Org/Repo.git", "https://github.com/org/repo"},
		{"https://github.com/org/repo/", "https://github.com/org/repo"},
		{"https://github.com/org/repo.git/", "https://github.com/org/repo"},
		{" https://github.com/org/repo ", "https://github.com/org/repo"},
		{"git@github.com:org/repo.git", "git@github.com/org/repo"},
		{"ssh://git@github.com/org/repo.git", "git@github.com/org/repo"},
		{"ssh://git@github.com:2222/org/repo", "git@github.com:2222/org/repo"},
		{"https://user@github.com/org/repo", "https://user@github.com/org/repo"},
		{"https://github.com/org/{a,b}", "https://github.com/org/{a,b}"},
	} {
		if got := NormalizeRepoURL(tc.in); got != tc.want {
			t.Errorf("NormalizeRepoURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCheckSource(t *testing.T) {
	for _, tc := range []struct {
		name  string
		repos []string
		url   string
		rule  string   // "" when allowed
		texts []string // in the violation
	}{
		{"star allows all", []string{"*"}, "git@gitlab.com:x/y.git", "", nil},
		{"exact", []string{"https://github.com/org/repo"}, "https://github.com/org/repo", "", nil},
		{"case and .git", []string{"https://github.com/Org/Repo.git"}, "https://GITHUB.com/org/repo", "", nil},
		{"one segment star", []string{"https://github.com/org/*"}, "https://github.com/org/repo.git", "", nil},
		{"star does not cross /", []string{"https://github.com/org/*"}, "https://github.com/org/sub/repo",
			RuleSourceRepos, []string{`repository "https://github.com/org/sub/repo"`, `matches none of the allowed patterns ["https://github.com/org/*"]`}},
		{"double star any depth", []string{"https://github.com/org/**"}, "https://github.com/org/sub/repo", "", nil},
		{"empty list", nil, "https://github.com/org/repo",
			RuleSourceRepos, []string{"matches none of the allowed patterns [] (the list has no allow pattern)"}},
		{"scp vs https differ", []string{"https://github.com/org/repo"}, "git@github.com:org/repo.git",
			RuleSourceRepos, []string{`repository "git@github.com:org/repo.git"`}},
		{"scp matches ssh pattern", []string{"ssh://git@github.com/org/*"}, "git@github.com:org/repo.git", "", nil},
		{"ssh matches scp pattern", []string{"git@github.com:org/repo"}, "ssh://git@github.com/org/repo.git", "", nil},
		{"deny after allow", []string{"https://github.com/org/*", "!https://github.com/org/secret"}, "https://github.com/org/secret.git",
			RuleSourceRepos, []string{`matches the deny pattern "!https://github.com/org/secret"`}},
		{"deny before allow", []string{"!https://github.com/org/secret", "https://github.com/org/*"}, "https://github.com/org/secret",
			RuleSourceRepos, []string{`matches the deny pattern "!https://github.com/org/secret"`}},
		{"deny leaves others", []string{"!https://github.com/org/secret", "https://github.com/org/*"}, "https://github.com/org/public", "", nil},
		{"deny is case-blind", []string{"*", "!https://github.com/org/secret"}, "https://github.com/ORG/Secret.git",
			RuleSourceRepos, []string{`matches the deny pattern`}},
		{"deny with double star", []string{"*", "!https://gitlab.com/group/**"}, "https://gitlab.com/group/sub/repo",
			RuleSourceRepos, []string{`"!https://gitlab.com/group/**"`}},
		{"deny-only allows nothing", []string{"!https://github.com/org/secret"}, "https://github.com/org/public",
			RuleSourceRepos, []string{"(the list has no allow pattern)"}},
		{"broken deny denies", []string{"*", "!https://github.com/[org"}, "https://github.com/x/y",
			RuleSourceRepos, []string{`deny pattern "!https://github.com/[org"`}},
		{"broken allow allows nothing", []string{"https://github.com/[org"}, "https://github.com/[org", RuleSourceRepos, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckSource(proj(v1alpha1.AppProjectSpec{SourceRepos: tc.repos}), tc.url)
			wantViolation(t, err, tc.rule, tc.texts...)
		})
	}
}

func TestCheckSourceScoped(t *testing.T) {
	p := proj(v1alpha1.AppProjectSpec{SourceRepos: []string{"https://github.com/org/app", "!https://github.com/org/secret"}})
	scoped := []string{"https://github.com/org/team.git", "https://github.com/org/secret"}
	for _, tc := range []struct {
		url, rule string
	}{
		{"https://github.com/org/app", ""},
		{"https://github.com/org/team", ""},
		{"https://github.com/org/secret", RuleSourceRepos}, // the deny still wins
		{"https://github.com/org/other", RuleSourceRepos},
	} {
		t.Run(tc.url, func(t *testing.T) {
			wantViolation(t, CheckSourceScoped(p, tc.url, scoped), tc.rule, tc.url)
		})
	}
}

func TestCheckRepositoryScope(t *testing.T) {
	p := proj(v1alpha1.AppProjectSpec{})
	for _, tc := range []struct{ repoProject, rule string }{
		{"", ""},
		{"team-a", ""},
		{"team-b", RuleRepositoryScope},
	} {
		t.Run("scope "+tc.repoProject, func(t *testing.T) {
			wantViolation(t, CheckRepositoryScope(p, tc.repoProject), tc.rule, `repository Secret of project "team-b"`)
		})
	}
}
