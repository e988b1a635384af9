package git

import "testing"

func TestNormalizeURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://GitHub.com/Org/Repo.git", "https://github.com/Org/Repo"},
		{"https://github.com/org/repo/", "https://github.com/org/repo"},
		{"https://user:secret@github.com/org/repo.git", "https://github.com/org/repo"},
		{"git@GitHub.com:org/repo.git", "git@github.com:org/repo"},
		{"ssh://git@example.com:2222/org/repo.git", "ssh://git@example.com:2222/org/repo"},
		{"file:///tmp/repos/app.git", "file:///tmp/repos/app"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := NormalizeURL(tt.in); got != tt.want {
				t.Errorf("NormalizeURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedactURL(t *testing.T) {
	if got := RedactURL("https://bot:s3cret@example.com/r.git"); got != "https://bot:redacted@example.com/r.git" {
		t.Errorf("RedactURL = %q", got)
	}
}
