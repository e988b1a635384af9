package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

const teamProject = `apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: {name: team-a}
spec:
  description: Team A
  sourceRepos: ['https://github.com/org/*', '!https://github.com/org/secret-repo.git']
  destinations:
    - {server: https://kubernetes.default.svc, namespace: 'team-a-*'}
    - {name: prod-eu, namespace: '!kube-system'}
  clusterResourceWhitelist: [{group: '', kind: Namespace, name: 'team-a-*'}]
  clusterResourceBlacklist: [{group: '', kind: Namespace, name: 'kube-*'}]
  namespaceResourceWhitelist: [{group: apps, kind: Deployment}]
  namespaceResourceBlacklist: [{group: '', kind: ResourceQuota}]
  syncWindows:
    - {kind: deny, schedule: '0 22 * * *', duration: 8h, applications: ['*-prod'], manualSync: true, timeZone: Europe/Berlin}
  orphanedResources: {warn: true, ignore: [{kind: ConfigMap, name: kube-root-ca.crt}]}
`

// Given an AppProject file,
// when `proj create -f` applies it,
// then the project exists in the namespace; creating it again is refused
// unless --upsert; `proj get`, `proj list` and `proj windows list` show
// its rules; files that are not one AppProject are refused, naming the
// file and the cause.
func TestProjCreateGetList(t *testing.T) {
	ns, flags := testNamespace(t)
	with := func(args ...string) []string { return append(args, flags...) }
	dir := t.TempDir()
	file := writeFile(t, dir, "team-a.yaml", teamProject)

	mustRun(t, "", with("proj", "create", "-f", file)...)
	p := &v1alpha1.AppProject{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "team-a"}, p); err != nil ||
		len(p.Spec.Destinations) != 2 || p.Spec.SyncWindows[0].TimeZone != "Europe/Berlin" {
		t.Fatalf("project after create: %+v, %v", p.Spec, err)
	}
	mustFail(t, "appproject "+ns+"/team-a already exists: use --upsert", with("proj", "create", "-f", file)...)
	mustRun(t, strings.Replace(teamProject, "Team A", "Team A, upserted", 1), with("proj", "create", "-f", "-", "--upsert")...)

	out := mustRun(t, "", with("proj", "get", "team-a")...)
	for _, want := range []string{"Team A, upserted", "https://github.com/org/*", "!https://github.com/org/secret-repo.git",
		"https://kubernetes.default.svc,team-a-*", "prod-eu,!kube-system", "/Namespace team-a-*", "/Namespace kube-*",
		"apps/Deployment", "/ResourceQuota", `deny "0 22 * * *" for 8h`, "enabled (warn), 1 ignored", "/ConfigMap kube-root-ca.crt"} {
		if !strings.Contains(out, want) {
			t.Errorf("get lacks %q:\n%s", want, out)
		}
	}
	out = mustRun(t, "", with("proj", "list")...)
	if !strings.Contains(out, "team-a") || !strings.Contains(out, "2 destinations") || !strings.Contains(out, "2 repos") {
		t.Errorf("list:\n%s", out)
	}
	out = mustRun(t, "", with("proj", "windows", "list", "team-a")...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	// ACTIVE depends on the hour in Berlin: Active or Inactive, the rest fixed.
	if fields := strings.Fields(lines[len(lines)-1]); len(lines) != 2 || !strings.HasPrefix(lines[0], "ACTIVE") ||
		(fields[0] != "Active" && fields[0] != "Inactive") ||
		strings.Join(fields[1:], " ") != "deny 0 22 * * * 8h Europe/Berlin *-prod - - Enabled" {
		t.Errorf("windows list:\n%s", out)
	}
	var windows []v1alpha1.SyncWindow
	if err := json.Unmarshal([]byte(mustRun(t, "", with("proj", "windows", "list", "team-a", "-o", "json")...)), &windows); err != nil ||
		len(windows) != 1 || windows[0].Duration != "8h" {
		t.Errorf("windows list -o json: %+v, %v", windows, err)
	}
	mustFail(t, "appproject "+ns+"/missing", with("proj", "get", "missing")...)

	bad := []struct{ name, text, want string }{
		{"two", teamProject + "---\n" + strings.Replace(teamProject, "team-a", "team-b", 1), "holds 2 objects, want one AppProject"},
		{"configmap", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", `v1 ConfigMap "x" is not an argoproj.io/v1alpha1 AppProject`},
		{"misspelt", strings.Replace(teamProject, "sourceRepos", "sourceRepo", 1), `unknown field "sourceRepo"`},
		{"other namespace", strings.Replace(teamProject, "name: team-a}", "name: team-a, namespace: elsewhere}", 1), `namespace "elsewhere" is not the controller's namespace`},
		{"bad window", strings.Replace(teamProject, "kind: deny", "kind: Deny", 1), `kind "Deny"`},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			f := writeFile(t, t.TempDir(), "bad.yaml", b.text)
			code, _, stderr := runIn("", with("proj", "create", "-f", f)...)
			if code != 1 || !strings.Contains(stderr, "appproject file "+f+": ") || !strings.Contains(stderr, b.want) {
				t.Errorf("exit %d, stderr %q; want the file and %q", code, stderr, b.want)
			}
		})
	}
	mustFail(t, "appproject file: open "+filepath.Join(dir, "none.yaml"), with("proj", "create", "-f", filepath.Join(dir, "none.yaml"))...)
}
