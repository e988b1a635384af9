package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git"
)

// Given a repository added with a password on stdin,
// when the controller looks up credentials for its URL,
// then it finds them; `repo list` shows the repository but never the
// password; adding it again is refused unless --upsert; `repo rm`
// deletes it and a second rm is an error naming the URL.
func TestRepoAddListRm(t *testing.T) {
	ns, flags := testNamespace(t)
	with := func(args ...string) []string { return append(args, flags...) }
	const url = "https://git.example.com/org/platform.git"

	// A scope naming a project that does not exist is a typo: refused.
	if code, _, stderr := run(with("repo", "add", url, "--project", "team-a")...); code == 0 || !strings.Contains(stderr, `"team-a" not found`) {
		t.Fatalf("repo add --project of a missing project: exit %d, %s", code, stderr)
	}
	if err := env.Client.Create(context.Background(), &v1alpha1.AppProject{ObjectMeta: metav1.ObjectMeta{Name: "team-a", Namespace: ns}}); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "s3cret-pw\n", with("repo", "add", url, "--username", "bot", "--password-stdin", "--project", "team-a")...)
	creds, err := git.SecretCredentials(env.Client, ns)(context.Background(), url)
	if err != nil || creds.Username != "bot" || creds.Password != "s3cret-pw" {
		t.Fatalf("credentials for %s: %+v, %v", url, creds.Username, err)
	}
	mustRun(t, "", with("repo", "add", "https://charts.example.com", "--type", "helm", "--name", "charts")...)

	for _, format := range []string{"", "json", "yaml"} {
		out := mustRun(t, "", with("repo", "list", "-o", format)...)
		if strings.Contains(out, "s3cret") || !strings.Contains(out, url) || !strings.Contains(out, "charts") {
			t.Errorf("list -o %q shows the password or lacks a repository:\n%s", format, out)
		}
	}
	var rows []repoRow
	if err := json.Unmarshal([]byte(mustRun(t, "", with("repo", "list", "-o", "json")...)), &rows); err != nil || len(rows) != 2 {
		t.Fatalf("list -o json: %v, %v", rows, err)
	}
	if r := rows[0]; r.URL != url && rows[1].URL != url {
		t.Errorf("rows %+v", rows)
	}

	mustFail(t, "repository "+url+": repository secret "+ns+"/", with("repo", "add", url, "--project", "team-a")...)
	mustRun(t, "other-pw", with("repo", "add", url, "--username", "bot", "--password-stdin", "--project", "team-a", "--upsert")...)
	if creds, _ := git.SecretCredentials(env.Client, ns)(context.Background(), url); creds.Password != "other-pw" {
		t.Errorf("after --upsert the password is not the new one")
	}
	mustRun(t, "", with("repo", "rm", url)...)
	mustFail(t, "repository "+url+": no repository secret in "+ns, with("repo", "rm", url)...)
}
