package generators

import (
	"strings"
	"testing"
)

func TestPullRequestSlug(t *testing.T) {
	long := strings.Repeat("abcdefghi-", 6) // 60 characters, a dash every 10
	for in, want := range map[string]string{
		"feature/Login_Page":     "feature-login-page",
		"  Fix: it's 50% done! ": "fix-its-50-done",
		"R&D@home":               "randdathome",
		"--x--":                  "x",
		long:                     "abcdefghi-abcdefghi-abcdefghi-abcdefghi-abcdefghi",
		strings.Repeat("a", 60):  strings.Repeat("a", 50),
	} {
		if got := pullRequestSlug(in); got != want {
			t.Errorf("pullRequestSlug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSCMNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Feature/Login_Page": "feature-login-page",
		"release/1.0":        "release-1.0",
		".hidden-":           "hidden",
	} {
		if got := scmNormalize(in); got != want {
			t.Errorf("scmNormalize(%q) = %q, want %q", in, got, want)
		}
	}
}
