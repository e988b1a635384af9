package git

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func secret(name, typ string, data map[string]string) corev1.Secret {
	s := corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{SecretTypeLabel: typ}}, Data: map[string][]byte{}}
	for k, v := range data {
		s.Data[k] = []byte(v)
	}
	return s
}

func TestCredentialsFor(t *testing.T) {
	secrets := []corev1.Secret{
		secret("org", SecretTypeRepoCreds, map[string]string{"url": "https://git.example.com/org", "password": "org-token"}),
		secret("team", SecretTypeRepoCreds, map[string]string{"url": "https://git.example.com/org/team", "password": "team-token"}),
		secret("app", SecretTypeRepository, map[string]string{"url": "https://git.example.com/org/team/app.git", "username": "u", "password": "app-pass"}),
		secret("ssh", SecretTypeRepository, map[string]string{"url": "git@git.example.com:org/infra.git", "sshPrivateKey": "KEY", "insecure": "true"}),
		secret("other", "cluster", map[string]string{"url": "https://git.example.com/org/x"}),
	}
	tests := []struct {
		url      string
		password string
		key      string
	}{
		{"https://git.example.com/org/team/app", "app-pass", ""},
		{"https://git.example.com/org/team/other.git", "team-token", ""},
		{"https://git.example.com/org/lib.git", "org-token", ""},
		{"https://elsewhere.example.com/repo.git", "", ""},
		{"git@git.example.com:org/infra.git", "", "KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			c := CredentialsFor(tt.url, secrets)
			if c.Password != tt.password || c.SSHPrivateKey != tt.key {
				t.Errorf("CredentialsFor(%s) = %s", tt.url, c)
			}
		})
	}
	if s := CredentialsFor("https://git.example.com/org/team/app", secrets).String(); s != "{username=u password=<redacted>}" {
		t.Errorf("String() = %q", s)
	}
}
