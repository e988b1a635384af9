package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// webSet is a list generator over three elements, with a RollingSync
// strategy of two steps.
const webSet = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: web}
spec:
  generators:
  - list:
      elements: [{name: a}, {name: b}, {name: c}]
  strategy:
    type: RollingSync
    rollingSync:
      steps:
      - matchExpressions: [{key: name, operator: In, values: [a]}]
      - matchExpressions: [{key: name, operator: In, values: [b, c]}]
  template:
    metadata:
      name: 'web-{{name}}'
      labels: {name: '{{name}}'}
    spec:
      project: default
      source: {repoURL: https://git.example.com/web.git, targetRevision: main, path: 'apps/{{name}}'}
      destination: {server: https://kubernetes.default.svc, namespace: '{{name}}'}
`

// createSet creates the set of a manifest in namespace ns, with status if
// given (the controller does not run in these tests).
func createSet(t *testing.T, ns, manifest string, status *v1alpha1.ApplicationSetStatus) *v1alpha1.ApplicationSet {
	t.Helper()
	ctx := context.Background()
	set := &v1alpha1.ApplicationSet{}
	if err := yaml.UnmarshalStrict([]byte(manifest), set); err != nil {
		t.Fatal(err)
	}
	set.Namespace = ns
	if err := env.Client.Create(ctx, set); err != nil {
		t.Fatal(err)
	}
	if status != nil {
		set.Status = *status
		if err := env.Client.Status().Update(ctx, set); err != nil {
			t.Fatal(err)
		}
	}
	return set
}

// createOwnedApp creates an Application of ns that set owns (none when nil), as the controller's
// apply does (an owner reference by UID), with the given destination
// namespace, labels and status.
func createOwnedApp(t *testing.T, ns string, set *v1alpha1.ApplicationSet, name, destNS string, labels map[string]string, status v1alpha1.ApplicationStatus) *v1alpha1.Application {
	t.Helper()
	app := &v1alpha1.Application{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels},
		Spec: v1alpha1.ApplicationSpec{Project: "default",
			Source:      &v1alpha1.ApplicationSource{RepoURL: "https://git.example.com/web.git", TargetRevision: "main", Path: "apps/" + destNS},
			Destination: v1alpha1.ApplicationDestination{Server: "https://kubernetes.default.svc", Namespace: destNS}},
		Status: status,
	}
	if set != nil {
		app.OwnerReferences = []metav1.OwnerReference{{APIVersion: v1alpha1.SchemeGroupVersion.String(), Kind: "ApplicationSet",
			Name: set.Name, UID: set.UID, Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}}
	}
	if err := env.Client.Create(context.Background(), app); err != nil {
		t.Fatal(err)
	}
	return app
}

func appStatus(sync v1alpha1.SyncStatusCode, health v1alpha1.HealthStatusCode) v1alpha1.ApplicationStatus {
	return v1alpha1.ApplicationStatus{Sync: v1alpha1.SyncStatus{Status: sync}, Health: v1alpha1.AppHealthStatus{Status: health}}
}

// fields are the whitespace-separated fields of each output line that
// starts with prefix.
func fields(out, prefix string) []string {
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, prefix) {
			return strings.Fields(line)
		}
	}
	return nil
}

// Given two sets, one owning two Applications with a RollingSync in
// progress and one owning none and not yet seen by the controller,
// when `appset list` and `appset get` run,
// then list counts the owned Applications (not an unowned one) and sums up
// the conditions, and get shows generators, template, strategy, conditions
// and each Application's sync, health, step and state.
func TestAppsetListGet(t *testing.T) {
	ns, flags := testNamespace(t)
	web := createSet(t, ns, webSet, &v1alpha1.ApplicationSetStatus{
		Conditions: []v1alpha1.ApplicationSetCondition{
			{Type: "ErrorOccurred", Status: "False", Reason: "ApplicationSetUpToDate", Message: "All applications have been generated successfully"},
			{Type: "ResourcesUpToDate", Status: "True", Reason: "ApplicationSetUpToDate", Message: "All applications have been generated successfully"},
		},
		ApplicationStatus: []v1alpha1.ApplicationSetApplicationStatus{
			{Application: "web-a", Step: "1", Status: "Healthy", Message: "Application is Synced and Healthy", TargetRevisions: []string{"main"}},
			{Application: "web-b", Step: "2", Status: "Progressing", Message: "Application may sync", TargetRevisions: []string{"main"}},
		},
	})
	createSet(t, ns, strings.ReplaceAll(webSet, "name: web}", "name: empty}"), nil)
	createOwnedApp(t, ns, web, "web-a", "a", nil, appStatus(v1alpha1.SyncStatusCodeSynced, v1alpha1.HealthStatusHealthy))
	createOwnedApp(t, ns, web, "web-b", "b", nil, appStatus(v1alpha1.SyncStatusCodeOutOfSync, v1alpha1.HealthStatusMissing))
	createOwnedApp(t, ns, nil, "lone", "lone", nil, v1alpha1.ApplicationStatus{})

	out := mustRun(t, "", append([]string{"appset", "list"}, flags...)...)
	for prefix, want := range map[string]string{
		"NAME":  "NAME APPLICATIONS CONDITIONS",
		"web ":  "web 2 ErrorOccurred=False,ResourcesUpToDate=True",
		"empty": "empty 0 <none>",
	} {
		if got := strings.Join(fields(out, prefix), " "); got != want {
			t.Errorf("list: line %q, want %q:\n%s", got, want, out)
		}
	}
	var items []v1alpha1.ApplicationSet
	if err := json.Unmarshal([]byte(mustRun(t, "", append([]string{"appset", "list", "-o", "json"}, flags...)...)), &items); err != nil || len(items) != 2 {
		t.Errorf("list -o json: %d sets, %v", len(items), err)
	}

	out = mustRun(t, "", append([]string{"appset", "get", "web"}, flags...)...)
	for _, want := range []string{"Name:           " + ns + "/web", "Generators:     list", "Template Name:  web-{{name}}",
		"Strategy:       RollingSync (2 steps)", "Policy:         controller default",
		"Condition:      ResourcesUpToDate=True ApplicationSetUpToDate: All applications have been generated successfully"} {
		if !strings.Contains(out, want) {
			t.Errorf("get lacks %q:\n%s", want, out)
		}
	}
	for prefix, want := range map[string]string{
		"APPLICATION": "APPLICATION SYNC HEALTH STEP STATE",
		"web-a":       "web-a Synced Healthy 1 Healthy",
		"web-b":       "web-b OutOfSync Missing 2 Progressing",
	} {
		if got := strings.Join(fields(out, prefix), " "); got != want {
			t.Errorf("get: line %q, want %q:\n%s", got, want, out)
		}
	}
	var view appsetView
	if err := json.Unmarshal([]byte(mustRun(t, "", append([]string{"appset", "get", "web", "-o", "json"}, flags...)...)), &view); err != nil ||
		view.ApplicationSet.Name != "web" || len(view.Applications) != 2 || view.Applications[1].State != "Progressing" {
		t.Errorf("get -o json: %+v, %v", view, err)
	}
	mustFail(t, "applicationset "+ns+"/nope", append([]string{"appset", "get", "nope"}, flags...)...)
}

// Given a set that owns Applications,
// when `appset delete` runs without --yes, it names them and deletes
// nothing; with --yes the set goes, and its Applications with it (the
// garbage collector follows the owner references), but not an unowned
// one. A set that owns none needs no --yes.
func TestAppsetDelete(t *testing.T) {
	ns, flags := testNamespace(t)
	ctx := context.Background()
	web := createSet(t, ns, webSet, nil)
	createOwnedApp(t, ns, web, "web-a", "a", nil, v1alpha1.ApplicationStatus{})
	createOwnedApp(t, ns, web, "web-b", "b", nil, v1alpha1.ApplicationStatus{})
	createOwnedApp(t, ns, nil, "lone", "lone", nil, v1alpha1.ApplicationStatus{})

	code, out, stderr := runIn("", append([]string{"appset", "delete", "web"}, flags...)...)
	if code != 1 || !strings.Contains(out, "web-a, web-b") || !strings.Contains(stderr, "owns 2 Applications: run again with --yes") {
		t.Errorf("without --yes: exit %d, out %q, stderr %q", code, out, stderr)
	}
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(web), &v1alpha1.ApplicationSet{}); err != nil {
		t.Fatalf("the set is gone without --yes: %v", err)
	}

	out = mustRun(t, "", append([]string{"appset", "delete", "web", "--yes"}, flags...)...)
	if !strings.Contains(out, "applicationset "+ns+"/web deleted") {
		t.Errorf("with --yes: %q", out)
	}
	gone := func(name string) func(context.Context) (bool, error) {
		return func(ctx context.Context) (bool, error) {
			err := env.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &v1alpha1.Application{})
			return apierrors.IsNotFound(err), nil
		}
	}
	for _, name := range []string{"web-a", "web-b"} {
		if err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 60*time.Second, true, gone(name)); err != nil {
			t.Errorf("application %s not deleted with its set: %v", name, err)
		}
	}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: "lone"}, &v1alpha1.Application{}); err != nil {
		t.Errorf("the unowned application: %v", err)
	}

	createSet(t, ns, strings.ReplaceAll(webSet, "name: web}", "name: empty}"), nil)
	mustRun(t, "", append([]string{"appset", "delete", "empty"}, flags...)...)
	mustFail(t, "applicationset "+ns+"/empty", append([]string{"appset", "delete", "empty"}, flags...)...)
}

// clustersSet makes one Application per registered cluster.
const clustersSet = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: guestbook}
spec:
  generators:
  - clusters: {}
  template:
    metadata: {name: 'guestbook-{{name}}'}
    spec:
      project: default
      source: {repoURL: https://git.example.com/web.git, targetRevision: main, path: guestbook}
      destination: {server: '{{server}}', namespace: guestbook}
`

// Given a cluster Secret in a namespace of the plane,
// when `appset generate` runs a clusters generator without
// --clusters-from it sees only the in-cluster entry; with it, the cluster
// Secrets of -N too, and the project each Application names must exist
// there, as the controller checks.
func TestAppsetGenerateClustersFrom(t *testing.T) {
	ns, _ := testNamespace(t)
	ctx := context.Background()
	if err := env.Client.Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "prod", Namespace: ns, Labels: map[string]string{"argocd.argoproj.io/secret-type": "cluster"}},
		StringData: map[string]string{"name": "prod", "server": "https://prod.example.com"},
	}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := writeFile(t, dir, "set.yaml", clustersSet)
	args := []string{"appset", "generate", "-f", file, "--cache-dir", filepath.Join(dir, "cache"), "-o", "name", "-N", ns}
	if out := mustRun(t, "", args...); out != "application/guestbook-in-cluster\n" {
		t.Errorf("offline: %q", out)
	}
	withCluster := append(args, "--clusters-from", env.Cluster.Kubeconfig)
	mustFail(t, `application "guestbook-in-cluster": project default`, withCluster...)
	if err := env.Client.Create(ctx, &v1alpha1.AppProject{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: ns}}); err != nil {
		t.Fatal(err)
	}
	if out := mustRun(t, "", withCluster...); out != "application/guestbook-in-cluster\napplication/guestbook-prod\n" {
		t.Errorf("--clusters-from: %q", out)
	}
	mustFail(t, "nosuch", append(args, "--clusters-from", env.Cluster.Kubeconfig+":nosuch")...)
}
