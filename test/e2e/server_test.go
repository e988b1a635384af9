package e2e

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

const serverApp = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: guestbook, namespace: argocd}
spec:
  project: default
  destination: {server: https://kubernetes.default.svc, namespace: guestbook}
  source: {repoURL: https://git.example.com/platform.git, path: guestbook, targetRevision: main}
`

// Given tiphys server on a plane with one Application, when an admin logs
// in with the generated initial password, lists, and a Git host pushes to
// the app's repository, then the list has the app, a call without a token
// is refused, and the push refreshes the app (its refresh annotation).
func TestServerLoginListWebhook(t *testing.T) {
	skipShort(t)
	dir, _, kubeconfig := startPlane(t)
	base := startServer(t, dir, kubeconfig)
	appFile := filepath.Join(dir, "app.yaml")
	if err := os.WriteFile(appFile, []byte(serverApp), 0o600); err != nil {
		t.Fatal(err)
	}
	must(t, "kubectl", "--kubeconfig", kubeconfig, "apply", "-f", appFile)
	session := struct{ Token string }{adminToken(t, base, kubeconfig)}
	list := func(token string) (int, string) {
		req, _ := http.NewRequest("GET", base+"/api/v1/applications", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var l struct {
			Items []struct{ Metadata struct{ Name string } }
		}
		_ = json.NewDecoder(resp.Body).Decode(&l)
		var names []string
		for _, i := range l.Items {
			names = append(names, i.Metadata.Name)
		}
		return resp.StatusCode, strings.Join(names, ",")
	}
	eventually(t, "guestbook listed", func() bool { status, names := list(session.Token); return status == 200 && names == "guestbook" })
	if status, _ := list(""); status != 401 {
		t.Errorf("list without a token: %d, want 401", status)
	}

	push := `{"repository":"https://git.example.com/platform.git","revision":"main","commit":"0123456789abcdef0123456789abcdef01234567","paths":["guestbook/deploy.yaml"]}`
	resp, err := http.Post(base+"/api/webhook", "application/json", strings.NewReader(push))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("webhook: %d", resp.StatusCode)
	}
	if got := must(t, "kubectl", "--kubeconfig", kubeconfig, "get", "app", "guestbook", "-n", "argocd",
		"-o", "jsonpath={.metadata.annotations.argocd\\.argoproj\\.io/refresh}"); got != "normal" {
		t.Errorf("refresh annotation after the push: %q, want normal", got)
	}
}

// startServer runs `tiphys server` on kubeconfig (its log in dir) and
// returns its base URL once it answers; the test's cleanup stops it.
func startServer(t *testing.T, dir, kubeconfig string) string {
	t.Helper()
	addr := freeAddr(t)
	log, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tiphys, "server", "--kubeconfig", kubeconfig, "--listen", addr, "--cache-dir", filepath.Join(dir, "server-cache"))
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait(); _ = log.Close() })
	base := "http://" + addr
	eventually(t, "server answers", func() bool {
		resp, err := http.Get(base + "/api/version")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == 200
	})
	return base
}

// adminToken logs in as admin with the initial password the server
// generated.
func adminToken(t *testing.T, base, kubeconfig string) string {
	t.Helper()
	b64 := must(t, "kubectl", "--kubeconfig", kubeconfig, "get", "secret", "argocd-initial-admin-secret", "-n", "argocd",
		"-o", "jsonpath={.data.password}")
	password, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(base+"/api/v1/session", "application/json",
		strings.NewReader(`{"username":"admin","password":"`+string(password)+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var session struct{ Token string }
	_ = json.NewDecoder(resp.Body).Decode(&session)
	if resp.StatusCode != 200 || session.Token == "" {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	return session.Token
}
