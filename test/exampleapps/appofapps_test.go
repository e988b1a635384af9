package exampleapps_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/application"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// rootApp is the name of the app of apps, as Argo CD's own instance names it.
const rootApp = "sync-example-apps"

// Given a fork of argocd-example-apps in a local Git repository,
// when its app of apps (apps/) is created with automated sync, pointed at the
// fork through the chart's values as an Argo CD user would,
// then the root and every example it creates that can run here end Synced
// and Healthy at the fork's commit, every hook of their syncs succeeded,
// and a refresh finds nothing to sync again;
// and deleting the root deletes the examples and their objects.
func TestAppOfApps(t *testing.T) {
	dir := checkout(t)
	examples := catalog(t, dir)
	repo := gittest.New(t)
	repo.CopyDir(dir)
	sha := repo.Commit("argocd-example-apps", nil)

	var run []example
	var entries []any
	for _, e := range examples {
		if e.Skip != "" {
			t.Logf("skipped %s: %s", e.Name, e.Skip)
			continue
		}
		run, entries = append(run, e), append(entries, e.Entry)
	}
	if len(run) == 0 {
		t.Fatal("no example can run")
	}
	helm := &v1alpha1.ApplicationSourceHelm{Parameters: []v1alpha1.HelmParameter{
		{Name: "config.spec.source.repoURL", Value: repo.URL()},
		{Name: "config.spec.source.targetRevision", Value: "main"},
	}}
	if len(run) < len(examples) {
		raw, err := json.Marshal(map[string]any{"applications": entries})
		if err != nil {
			t.Fatal(err)
		}
		helm.ValuesObject = &runtime.RawExtension{Raw: raw}
	}
	root := &v1alpha1.Application{
		ObjectMeta: metav1.ObjectMeta{Name: rootApp, Namespace: "argocd",
			Finalizers: []string{"resources-finalizer.argocd.argoproj.io"}},
		Spec: v1alpha1.ApplicationSpec{
			Project:     "default",
			Destination: v1alpha1.ApplicationDestination{Server: application.InCluster, Namespace: "argocd"},
			Source:      &v1alpha1.ApplicationSource{RepoURL: repo.URL(), Path: "apps", TargetRevision: "main", Helm: helm},
			SyncPolicy:  &v1alpha1.SyncPolicy{Automated: &v1alpha1.SyncPolicyAutomated{Prune: true, SelfHeal: true}},
		},
	}
	names := []string{rootApp}
	expect := map[string]example{}
	for _, e := range run {
		names = append(names, e.appName())
		expect[e.appName()] = e
	}
	create(t, root, names[1:]...)

	eventually(t, "every app Synced and Healthy", 5*time.Minute, func() (bool, error) {
		return allSyncedHealthy(names, sha, nil)
	})
	history := map[string]int{}
	for _, name := range names {
		app, _ := getApp(name)
		history[name] = len(app.Status.History)
		t.Run(name, func(t *testing.T) { checkSynced(t, app, expect[name]) })
	}

	// A refresh compares again: nothing drifted, nothing is synced again.
	for _, name := range names {
		app := refreshed(t, name)
		if app.Status.Sync.Status != v1alpha1.SyncStatusCodeSynced || len(app.Status.History) != history[name] {
			t.Errorf("after a refresh: %s (history %d, was %d)", describe(app), len(app.Status.History), history[name])
		}
	}

	// Synced again by hand, as with argocd app sync: the hooks run again, a
	// named one replacing its object of the first sync (BeforeHookCreation),
	// a generateName one as an object of its own.
	for _, name := range names {
		requestSync(t, name)
	}
	eventually(t, "every app synced again", 5*time.Minute, func() (bool, error) {
		return allSyncedHealthy(names, sha, history)
	})
	for _, name := range names {
		app, _ := getApp(name)
		t.Run(name+"/again", func(t *testing.T) { checkSynced(t, app, expect[name]) })
	}

	// A commit that scales the plain guestbook and the sync-waves example:
	// every app moves to it, the two changed ones sync again (sync-waves'
	// hooks run again), the others are Synced at the commit unchanged.
	history = map[string]int{}
	for _, name := range names {
		app, _ := getApp(name)
		history[name] = len(app.Status.History)
	}
	changed := map[string]bool{}
	files := map[string]string{}
	for _, e := range run {
		if e.Name == "guestbook" || e.Name == "sync-waves" {
			maps.Copy(files, scaled(t, repo.Dir, e.Source.Path, 2))
			changed[e.appName()] = true
		}
	}
	next := repo.Commit("scale guestbook and sync-waves", files)
	eventually(t, "every app at the new commit", 3*time.Minute, func() (bool, error) {
		return allSyncedHealthy(names, next, nil)
	})
	for _, name := range names {
		app, _ := getApp(name)
		if synced := len(app.Status.History) > history[name]; synced != changed[name] {
			t.Errorf("%s synced again: %v, want %v (history %d, was %d)", name, synced, changed[name], len(app.Status.History), history[name])
		}
		if changed[name] {
			t.Run(name+"/scaled", func(t *testing.T) { checkSynced(t, app, expect[name]) })
		}
	}

	// A child Application deleted by hand comes back: the root heals it,
	// and it syncs its objects again.
	child, err := getApp(names[1])
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Client.Delete(context.Background(), child); err != nil {
		t.Fatal(err)
	}
	eventually(t, names[1]+" recreated and synced", 3*time.Minute, func() (bool, error) {
		app, err := syncedHealthy(names[1], next)
		if err == nil && app.UID == child.UID {
			err = fmt.Errorf("%s: not deleted yet", names[1])
		}
		return err == nil, err
	})

	// Deleting the root deletes the examples, and each example deletes
	// every object it created, hooks included.
	deleteApp(t, root, names[1:]...)
	for _, e := range run {
		noneLeft(t, e.appName(), e.Namespace, e.Kinds)
	}
}

// noneLeft checks that no object of the kinds in namespace carries the
// tracking id of app.
func noneLeft(t *testing.T, app, namespace string, kinds []schema.GroupVersionKind) {
	t.Helper()
	for _, gvk := range kinds {
		list := &unstructured.UnstructuredList{}
		list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
		if err := env.Client.List(context.Background(), list, client.InNamespace(namespace)); err != nil {
			t.Errorf("list %s in %s: %v", gvk.Kind, namespace, err)
			continue
		}
		for _, o := range list.Items {
			if strings.HasPrefix(o.GetAnnotations()["argocd.argoproj.io/tracking-id"], app+":") && o.GetDeletionTimestamp() == nil {
				t.Errorf("%s %s/%s of the deleted app %s is left", o.GetKind(), o.GetNamespace(), o.GetName(), app)
			}
		}
	}
}

// requestSync sets a sync operation on an app, as argocd app sync does.
func requestSync(t *testing.T, name string) {
	t.Helper()
	app, err := getApp(name)
	if err != nil {
		t.Fatal(err)
	}
	patch := client.MergeFrom(app.DeepCopy())
	app.Operation = &v1alpha1.Operation{Sync: &v1alpha1.SyncOperation{Prune: true},
		InitiatedBy: v1alpha1.OperationInitiator{Username: "tester"}}
	if err := env.Client.Patch(context.Background(), app, patch); err != nil {
		t.Fatal(err)
	}
}

// create creates an app and, at the end of the test, deletes it and waits
// until it and the apps it creates (children) are gone.
func create(t *testing.T, app *v1alpha1.Application, children ...string) {
	t.Helper()
	if err := env.Client.Create(context.Background(), app); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { deleteApp(t, app, children...) })
}

// deleteApp deletes an app and waits until it and its children are gone.
func deleteApp(t *testing.T, app *v1alpha1.Application, children ...string) {
	t.Helper()
	if err := env.Client.Delete(context.Background(), app); err != nil && !apierrors.IsNotFound(err) {
		t.Error(err)
		return
	}
	eventually(t, app.Name+" and its children deleted", 3*time.Minute, func() (bool, error) {
		var left []string
		for _, name := range append([]string{app.Name}, children...) {
			a, err := getApp(name)
			switch {
			case apierrors.IsNotFound(err):
			case err != nil:
				return false, err
			default:
				left = append(left, describe(a))
			}
		}
		return len(left) == 0, errors.New(strings.Join(left, "\n"))
	})
}

// allSyncedHealthy tells whether every named app is Synced and Healthy at
// revision, with a sync more in its history than after (when given), and
// else where each of the others stands.
func allSyncedHealthy(names []string, revision string, after map[string]int) (bool, error) {
	var pending []string
	for _, name := range names {
		app, err := syncedHealthy(name, revision)
		if err == nil && after != nil && len(app.Status.History) <= after[name] {
			err = fmt.Errorf("%s: not synced again yet: %s", name, describe(app))
		}
		if err != nil {
			pending = append(pending, err.Error())
		}
	}
	if len(pending) > 0 {
		return false, errors.New("\n" + strings.Join(pending, "\n"))
	}
	return true, nil
}

// checkSynced checks an app's last sync and resources in detail: every
// object synced, every hook ran and succeeded, every resource Synced and
// Healthy, and the summary's URLs those of the example.
func checkSynced(t *testing.T, app *v1alpha1.Application, e example) {
	t.Helper()
	op := app.Status.OperationState
	if op == nil || op.SyncResult == nil {
		t.Fatalf("no sync result: %s", describe(app))
	}
	if urls := app.Status.Summary.ExternalURLs; !sameSet(urls, e.URLs) {
		t.Errorf("summary URLs %q, want %q", urls, e.URLs)
	}
	for _, h := range e.Hooks {
		kind, name, _ := strings.Cut(h, " ")
		prefix, generated := strings.CutSuffix(name, "*")
		if !slices.ContainsFunc(op.SyncResult.Resources, func(r *v1alpha1.ResourceResult) bool {
			return r.HookType != "" && r.Kind == kind && (r.Name == name || generated && strings.HasPrefix(r.Name, prefix))
		}) {
			t.Errorf("hook %s did not run", h)
		}
	}
	for _, r := range op.SyncResult.Resources {
		switch {
		case r.HookType != "" && r.HookPhase != v1alpha1.OperationSucceeded:
			t.Errorf("hook %s %s/%s (%s): %s %s", r.Kind, r.Namespace, r.Name, r.HookType, r.HookPhase, r.Message)
		case r.HookType == "" && r.Status != v1alpha1.ResultCodeSynced && r.Status != v1alpha1.ResultCodePruned:
			t.Errorf("%s %s/%s: %s %s", r.Kind, r.Namespace, r.Name, r.Status, r.Message)
		}
	}
	if len(app.Status.Resources) == 0 {
		t.Errorf("no resources: %s", describe(app))
	}
	for _, r := range app.Status.Resources {
		if r.Status != v1alpha1.SyncStatusCodeSynced || (r.Health != nil && r.Health.Status != v1alpha1.HealthStatusHealthy) {
			t.Errorf("resource %s %s/%s: %s, health %v", r.Kind, r.Namespace, r.Name, r.Status, r.Health)
		}
	}
}

// refreshed asks the controller to compare an app again (the refresh
// annotation) and returns the app as that reconcile left it: the
// controller removes the annotation in the status write that records what
// it found.
func refreshed(t *testing.T, name string) *v1alpha1.Application {
	t.Helper()
	app, err := getApp(name)
	if err != nil {
		t.Fatal(err)
	}
	patch := []byte(`{"metadata":{"annotations":{"argocd.argoproj.io/refresh":"normal"}}}`)
	if err := env.Client.Patch(context.Background(), app, client.RawPatch(types.MergePatchType, patch)); err != nil {
		t.Fatal(err)
	}
	eventually(t, name+" refreshed", time.Minute, func() (bool, error) {
		app, err = getApp(name)
		if err != nil {
			return false, err
		}
		_, pending := app.Annotations["argocd.argoproj.io/refresh"]
		return !pending, nil
	})
	return app
}

// scaled rewrites the manifests of the directory example at path in the
// work tree root with replicas for every Deployment and ReplicaSet, and
// returns the files (path in the repository → content) for a commit.
func scaled(t *testing.T, root, path string, replicas int64) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, path, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in %s (%v)", path, err)
	}
	out := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var docs []string
		changed := false
		for _, doc := range strings.Split("\n"+string(b), "\n---") {
			var obj map[string]any
			if err := yaml.Unmarshal([]byte(doc), &obj); err != nil || obj == nil {
				continue
			}
			if kind := obj["kind"]; kind == "Deployment" || kind == "ReplicaSet" {
				if err := unstructured.SetNestedField(obj, replicas, "spec", "replicas"); err != nil {
					t.Fatal(err)
				}
				changed = true
			}
			y, err := yaml.Marshal(obj)
			if err != nil {
				t.Fatal(err)
			}
			docs = append(docs, string(y))
		}
		if changed {
			rel, _ := filepath.Rel(root, f)
			out[filepath.ToSlash(rel)] = strings.Join(docs, "---\n")
		}
	}
	return out
}

// sameSet tells whether two lists hold the same strings.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}
