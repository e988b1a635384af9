package cli

import (
	"strings"
	"testing"
)

// `repo add` builds the Argo CD repository Secret from its flags, the
// password from stdin and the key from its file; bad flags name the URL.
func TestRepoAddSecret(t *testing.T) {
	key := writeFile(t, t.TempDir(), "id", "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n")
	notKey := writeFile(t, t.TempDir(), "id.pub", "ssh-ed25519 AAAA\n")
	tests := []struct {
		name  string
		opts  repoAddOptions
		stdin string
		want  map[string]string
		err   string
	}{
		{name: "https with password", opts: repoAddOptions{repoType: "git", username: "bot", passwordStdin: true, project: "team-a"}, stdin: "s3cret\n",
			want: map[string]string{"url": "https://git.example.com/org/repo.git", "type": "git", "username": "bot", "password": "s3cret", "project": "team-a"}},
		{name: "ssh key", opts: repoAddOptions{repoType: "git", sshKeyPath: key, insecure: true},
			want: map[string]string{"url": "https://git.example.com/org/repo.git", "type": "git", "sshPrivateKey": "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n", "insecure": "true"}},
		{name: "helm oci", opts: repoAddOptions{repoType: "helm", name: "charts", enableOCI: true},
			want: map[string]string{"url": "https://git.example.com/org/repo.git", "type": "helm", "name": "charts", "enableOCI": "true"}},
		{name: "bad type", opts: repoAddOptions{repoType: "svn"}, err: `--type "svn": want git or helm`},
		{name: "helm without name", opts: repoAddOptions{repoType: "helm"}, err: "a helm repository needs --name"},
		{name: "oci on git", opts: repoAddOptions{repoType: "git", enableOCI: true}, err: "--enable-oci is for --type helm"},
		{name: "password without user", opts: repoAddOptions{repoType: "git", passwordStdin: true}, err: "--password-stdin needs --username"},
		{name: "user without password", opts: repoAddOptions{repoType: "git", username: "bot"}, err: "--username needs --password-stdin"},
		{name: "empty password", opts: repoAddOptions{repoType: "git", username: "bot", passwordStdin: true}, stdin: "\n", err: "the password on standard input is empty"},
		{name: "not a key", opts: repoAddOptions{repoType: "git", sshKeyPath: notKey}, err: "not a PEM or OpenSSH private key"},
	}
	const url = "https://git.example.com/org/repo.git"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			o.namespace = "argocd"
			err := o.validate(url)
			var password, sshKey string
			if err == nil {
				password, sshKey, err = o.readSecrets(url, strings.NewReader(tt.stdin))
			}
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), url) {
					t.Fatalf("error %v; want %q naming the URL", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s := o.secret(url, password, sshKey)
			got := map[string]string{}
			for k, v := range s.Data {
				got[k] = string(v)
			}
			if len(got) != len(tt.want) {
				t.Errorf("keys %v; want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %q; want %q", k, got[k], v)
				}
			}
			if s.Labels["argocd.argoproj.io/secret-type"] != "repository" || !strings.HasPrefix(s.Name, "repo-") || s.Namespace != "argocd" {
				t.Errorf("secret %s/%s labels %v", s.Namespace, s.Name, s.Labels)
			}
		})
	}
}

// Only the forms a repository is reached by are accepted as its URL.
func TestRepoURLForms(t *testing.T) {
	for url, want := range map[string]bool{
		"https://github.com/org/repo.git": true, "ssh://git@host/org/repo": true, "git@github.com:org/repo.git": true,
		"file:///srv/git/repo": true, "oci://registry.example.com/charts": true,
		"ftp://x/y": false, "notaurl": false, "https://": false, "git@host:": false, "a/b@c:d": false,
	} {
		if got := repoURLForms(url); got != want {
			t.Errorf("repoURLForms(%q) = %v, want %v", url, got, want)
		}
	}
}
