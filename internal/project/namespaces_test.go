package project

import (
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func TestCheckAppNamespace(t *testing.T) {
	for _, tc := range []struct {
		name    string
		sources []string
		appNs   string
		rule    string
		texts   []string
	}{
		{"controller namespace", nil, "argocd", "", nil},
		{"unknown yet", nil, "", "", nil},
		{"none listed", nil, "team-a", RuleSourceNamespaces, []string{`application namespace "team-a"`, `is not the controller's namespace "argocd", and sourceNamespaces is empty`}},
		{"exact", []string{"team-a"}, "team-a", "", nil},
		{"glob", []string{"team-*"}, "team-b", "", nil},
		{"glob misses", []string{"team-*"}, "ops", RuleSourceNamespaces, []string{`application namespace "ops" matches no entry of sourceNamespaces`}},
		{"star", []string{"*"}, "anything", "", nil},
		{"regexp", []string{"/^team-[a-z]+$/"}, "team-x", "", nil},
		{"regexp misses", []string{"/^team-[a-z]+$/"}, "team-1", RuleSourceNamespaces, nil},
		{"regexp unanchored as Argo CD", []string{"/team/"}, "my-team-ns", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := proj(v1alpha1.AppProjectSpec{SourceNamespaces: tc.sources})
			wantViolation(t, CheckAppNamespace(p, tc.appNs, "argocd"), tc.rule, tc.texts...)
		})
	}
}
