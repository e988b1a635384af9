package server

import (
	"slices"
	"testing"
)

func TestSafeReturnURL(t *testing.T) {
	const base = "https://cd.example.com/argocd"
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"", "/", true},
		{"/applications?proj=a", "/applications?proj=a", true},
		{"https://cd.example.com/argocd/applications", "https://cd.example.com/argocd/applications", true},
		{"https://cd.example.com/argocd", "https://cd.example.com/argocd", true},
		{"https://cd.example.com/other", "", false},
		{"https://cd.example.com/argocd/../other", "", false},
		{"http://cd.example.com/argocd/", "", false},
		{"https://cd.example.com.evil.io/argocd/", "", false},
		{"https://user@cd.example.com/argocd/", "", false},
		{"//evil.io/", "", false},
		{"/\\evil.io/", "", false},
		{"/a\r\nSet-Cookie: x=y", "", false},
		{"javascript:alert(1)", "", false},
		{"relative/path", "", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := safeReturnURL(tc.in, base)
			if (err == nil) != tc.ok || got != tc.want {
				t.Errorf("safeReturnURL(%q) = %q, %v; want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
			}
		})
	}
}

func TestParseScopes(t *testing.T) {
	for in, want := range map[string][]string{
		"":                 {"groups"},
		"[groups, email]":  {"groups", "email"},
		"- groups\n- orgs": {"groups", "orgs"},
		"email":            {"email"},
		"[unclosed":        {"groups"},
	} {
		t.Run(in, func(t *testing.T) {
			if got := parseScopes(in); !slices.Equal(got, want) {
				t.Errorf("parseScopes(%q) = %v, want %v", in, got, want)
			}
		})
	}
}

func TestScopeValues(t *testing.T) {
	u := &user{subject: "u1", oidc: map[string]any{"groups": []any{"a", "b", 3}, "email": "x@example.com", "org": map[string]any{}}}
	for name, tc := range map[string]struct {
		scopes, want []string
	}{
		"groups":        {[]string{"groups"}, []string{"a", "b"}},
		"groups, email": {[]string{"groups", "email"}, []string{"a", "b", "x@example.com"}},
		"not a string":  {[]string{"org", "missing"}, nil},
	} {
		t.Run(name, func(t *testing.T) {
			if got := u.scopeValues(tc.scopes); !slices.Equal(got, tc.want) {
				t.Errorf("scopeValues(%v) = %v, want %v", tc.scopes, got, tc.want)
			}
		})
	}
}
