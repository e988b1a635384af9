package e2e

import (
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

const secretApp = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: vault
  namespace: argocd
spec:
  project: default
  destination: {server: https://kubernetes.default.svc, namespace: vault}
  source: {repoURL: REPO, path: app, targetRevision: main}
`

// secretManifest is the Secret with a user and a password, as stringData.
func secretManifest(password string) string {
	return "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: vault}\nstringData:\n  user: same-user-e2e\n  password: " + password + "\n"
}

// Given a Secret in Git and the same Secret in the cluster with another
// password, applied with kubectl (so its last-applied annotation holds the
// values too),
// when the user runs `app diff` and `app manifests`,
// then no value is printed, in clear or in base64: the password shows
// different masks on the two sides, the unchanged user none.
func TestSecretValuesAreMasked(t *testing.T) {
	skipShort(t)
	dir, _, kubeconfig := startPlane(t)

	repo := gittest.New(t)
	repo.Commit("secret", map[string]string{"app/secret.yaml": secretManifest("git-password-e2e")})
	appFile := filepath.Join(dir, "app.yaml")
	liveFile := filepath.Join(dir, "live.yaml")
	for file, content := range map[string]string{
		appFile:  strings.ReplaceAll(secretApp, "REPO", repo.URL()),
		liveFile: secretManifest("live-password-e2e"),
	} {
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	must(t, "kubectl", "--kubeconfig", kubeconfig, "create", "namespace", "vault")
	must(t, "kubectl", "--kubeconfig", kubeconfig, "apply", "-f", liveFile)
	must(t, "kubectl", "--kubeconfig", kubeconfig, "apply", "-f", appFile)

	r := runCmd(tiphys, "app", "diff", "vault", "--kubeconfig", kubeconfig)
	if ee, ok := r.err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("app diff: want exit code 1 (differences)\n%s", r)
	}
	assertNoSecretValues(t, "app diff", r.stdout+r.stderr)
	for _, want := range []string{"-  password: ++++++++++++\n", "+  password: ++++++++\n", "kubectl.kubernetes.io/last-applied-configuration"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("app diff lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "-  user:") || strings.Contains(r.stdout, "+  user:") {
		t.Errorf("app diff shows the unchanged user as changed:\n%s", r.stdout)
	}

	out := must(t, tiphys, "app", "manifests", "-f", appFile, "--cache-dir", filepath.Join(dir, "cache"))
	assertNoSecretValues(t, "app manifests", out)
	if !strings.Contains(out, "password: ++++++++") {
		t.Errorf("app manifests does not show the masked password:\n%s", out)
	}
}

func assertNoSecretValues(t *testing.T, what, out string) {
	t.Helper()
	for _, v := range []string{"same-user-e2e", "git-password-e2e", "live-password-e2e"} {
		for _, form := range []string{v, base64.StdEncoding.EncodeToString([]byte(v))} {
			if strings.Contains(out, form) {
				t.Errorf("%s prints %q:\n%s", what, form, out)
			}
		}
	}
}
