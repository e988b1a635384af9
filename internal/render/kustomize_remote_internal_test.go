package render

import "testing"

func TestParseRemoteBase(t *testing.T) {
	tests := []struct {
		entry string
		want  remoteBase
		ok    bool
	}{
		{"https://github.com/org/repo//deploy/base?ref=v1.2.0", remoteBase{"https://github.com/org/repo", "deploy/base", "v1.2.0"}, true},
		{"github.com/org/repo/deploy/base?ref=main", remoteBase{"https://github.com/org/repo", "deploy/base", "main"}, true},
		{"git@github.com:org/repo.git//base?version=v2", remoteBase{"git@github.com:org/repo.git", "base", "v2"}, true},
		{"file:///srv/repos/shared//bases/web?ref=v1", remoteBase{"file:///srv/repos/shared", "bases/web", "v1"}, true},
		{"https://github.com/org/repo", remoteBase{"https://github.com/org/repo", ".", ""}, true},
		{"../base", remoteBase{}, false},
		{"deployment.yaml", remoteBase{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.entry, func(t *testing.T) {
			got, ok := parseRemoteBase(tt.entry)
			if ok != tt.ok || got != tt.want {
				t.Errorf("parseRemoteBase(%q) = %+v, %v; want %+v, %v", tt.entry, got, ok, tt.want, tt.ok)
			}
		})
	}
}
