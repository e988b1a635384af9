package cli

import (
	"context"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Given a set whose owned Applications are one up to date (but for a
// preserved annotation), one changed, one missing and one no longer
// generated, and a RollingSync set whose Applications carry their step,
// when `appset diff` compares the live set, or a file, with them,
// then it shows the create, the change as a unified diff and the delete,
// with exit code 1; nothing (exit 0) for the up-to-date set; and 2 for an
// error, such as an Application whose project does not exist.
func TestAppsetDiff(t *testing.T) {
	ns, flags := testNamespace(t)
	ctx := context.Background()
	if err := env.Client.Create(ctx, &v1alpha1.AppProject{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: ns},
		Spec: v1alpha1.AppProjectSpec{SourceRepos: []string{"*"}, Destinations: []v1alpha1.ApplicationDestination{{Server: "*", Namespace: "*"}}}}); err != nil {
		t.Fatal(err)
	}
	svcManifest := strings.NewReplacer("name: web}", "name: svc}", "web-{{name}}", "svc-{{name}}",
		"  strategy:", "  preservedFields: {annotations: [team]}\n  strategy:", "type: RollingSync", "type: AllAtOnce").Replace(webSet)
	svc := createSet(t, ns, svcManifest, nil)
	a := createOwnedApp(t, ns, svc, "svc-a", "a", map[string]string{"name": "a"}, v1alpha1.ApplicationStatus{})
	a.Annotations = map[string]string{"team": "blue"}
	if err := env.Client.Update(ctx, a); err != nil {
		t.Fatal(err)
	}
	createOwnedApp(t, ns, svc, "svc-b", "old", map[string]string{"name": "b"}, v1alpha1.ApplicationStatus{})
	createOwnedApp(t, ns, svc, "svc-d", "d", map[string]string{"name": "d"}, v1alpha1.ApplicationStatus{})

	code, out, stderr := runIn("", append([]string{"appset", "diff", "svc"}, flags...)...)
	if code != 1 || strings.Contains(stderr, "error:") {
		t.Errorf("exit %d, stderr %q; want 1, and no error for a difference", code, stderr)
	}
	for _, want := range []string{
		"===== argoproj.io/Application " + ns + "/svc-b (change) ======\n",
		"-    path: apps/old\n+    path: apps/b\n",
		"-    namespace: old\n+    namespace: b\n",
		"===== argoproj.io/Application " + ns + "/svc-c (create) ======\n",
		"+    namespace: c\n",
		"===== argoproj.io/Application " + ns + "/svc-d (delete) ======\n(would be deleted)\n",
		"1 to create, 1 to change, 1 to delete\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("diff lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "svc-a") || strings.Index(out, "svc-b") > strings.Index(out, "svc-c") {
		t.Errorf("diff shows the up-to-date svc-a, or is not in name order:\n%s", out)
	}

	// A file: the same set with element a only, compared with the live
	// set's Applications; and a set that is not in the cluster.
	file := writeFile(t, t.TempDir(), "svc.yaml", strings.ReplaceAll(svcManifest, "{name: a}, {name: b}, {name: c}", "{name: a}"))
	code, out, _ = runIn("", append([]string{"appset", "diff", "-f", file}, flags...)...)
	if code != 1 || !strings.HasSuffix(out, "0 to create, 0 to change, 2 to delete\n") || !strings.Contains(out, "svc-b (delete)") {
		t.Errorf("-f: exit %d:\n%s", code, out)
	}
	fresh := writeFile(t, t.TempDir(), "fresh.yaml", strings.ReplaceAll(svcManifest, "name: svc}", "name: fresh}"))
	code, out, _ = runIn("", append([]string{"appset", "diff", "-f", fresh}, flags...)...)
	if code != 1 || !strings.HasSuffix(out, "3 to create, 0 to change, 0 to delete\n") {
		t.Errorf("-f, a set not in the cluster: exit %d:\n%s", code, out)
	}

	// RollingSync: the step annotation and automated sync are the
	// rollout's, not differences.
	web := createSet(t, ns, webSet, nil)
	for _, n := range []string{"a", "b", "c"} {
		app := createOwnedApp(t, ns, web, "web-"+n, n, map[string]string{"name": n}, v1alpha1.ApplicationStatus{})
		app.Annotations = map[string]string{"applicationset.tiphys.io/rollout-step": "1"}
		app.Spec.SyncPolicy = &v1alpha1.SyncPolicy{Automated: &v1alpha1.SyncPolicyAutomated{}}
		if err := env.Client.Update(ctx, app); err != nil {
			t.Fatal(err)
		}
	}
	code, out, stderr = runIn("", append([]string{"appset", "diff", "web"}, flags...)...)
	if code != 0 || out != "0 to create, 0 to change, 0 to delete\n" {
		t.Errorf("up-to-date set: exit %d, out %q, stderr %q", code, out, stderr)
	}

	createSet(t, ns, strings.NewReplacer("name: web}", "name: lost}", "project: default", "project: nope").Replace(webSet), nil)
	code, _, stderr = runIn("", append([]string{"appset", "diff", "lost"}, flags...)...)
	if code != 2 || !strings.Contains(stderr, "applicationset "+ns+"/lost") || !strings.Contains(stderr, `application "web-a": project nope`) {
		t.Errorf("an element the controller refuses: exit %d, stderr %q; want 2", code, stderr)
	}
	code, _, stderr = runIn("", append([]string{"appset", "diff", "nope"}, flags...)...)
	if code != 2 || !strings.Contains(stderr, "applicationset "+ns+"/nope") {
		t.Errorf("a missing set: exit %d, stderr %q; want 2", code, stderr)
	}
}
