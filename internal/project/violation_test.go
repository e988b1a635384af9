package project

import (
	"errors"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func proj(spec v1alpha1.AppProjectSpec) *v1alpha1.AppProject {
	p := &v1alpha1.AppProject{Spec: spec}
	p.Name = "team-a"
	return p
}

// wantViolation checks that err is nil when rule is "", and otherwise a
// *Violation of rule whose message holds the project and every text given.
func wantViolation(t *testing.T, err error, rule string, texts ...string) {
	t.Helper()
	if rule == "" {
		if err != nil {
			t.Fatalf("want allowed, got %v", err)
		}
		return
	}
	var v *Violation
	if !errors.As(err, &v) {
		t.Fatalf("want a %s violation, got %v", rule, err)
	}
	if v.Rule != rule {
		t.Errorf("rule = %q, want %q (%v)", v.Rule, rule, err)
	}
	msg := err.Error()
	for _, s := range append([]string{`project "team-a"`, rule}, texts...) {
		if !strings.Contains(msg, s) {
			t.Errorf("message %q lacks %q", msg, s)
		}
	}
}

func TestViolationError(t *testing.T) {
	v := &Violation{Project: "p", Rule: RuleSourceRepos, Subject: `repository "x"`, Reason: "matches nothing"}
	if got, want := v.Error(), `project "p": sourceRepos: repository "x" matches nothing`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
