package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Where the benchmark's set, its Applications and their objects live.
const (
	setName         = "bench"
	appNamespace    = "argocd"
	targetNamespace = "bench-appset"
)

// setManifest is the one ApplicationSet: a git directory generator over
// apps/*, one automated app per directory, all into targetNamespace.
const setManifest = `
metadata: {name: NAME, namespace: APPNS}
spec:
  generators:
  - git:
      repoURL: REPO
      revision: main
      directories:
      - path: apps/*
  template:
    metadata:
      name: '{{path.basename}}'
    spec:
      project: default
      source: {repoURL: REPO, targetRevision: main, path: '{{path}}'}
      destination: {server: https://kubernetes.default.svc, namespace: TARGETNS}
      syncPolicy:
        automated: {prune: true, selfHeal: true}
`

// newSet is the benchmark's ApplicationSet over the repository at repoURL.
func newSet(repoURL string) (*v1alpha1.ApplicationSet, error) {
	s := strings.NewReplacer("NAME", setName, "APPNS", appNamespace, "REPO", repoURL, "TARGETNS", targetNamespace).Replace(setManifest)
	set := &v1alpha1.ApplicationSet{}
	if err := yaml.UnmarshalStrict([]byte(s), set); err != nil {
		return nil, fmt.Errorf("applicationset %s: %w", setName, err)
	}
	return set, nil
}

// setRefreshAnnotation asks the set for a fresh look at its generators'
// sources; the controller removes it once it has looked.
const setRefreshAnnotation = "argocd.argoproj.io/application-set-refresh"

// refreshSet asks the set to generate again, and waits until it has: the
// controller removes the annotation after a run.
func refreshSet(ctx context.Context, c client.Client, timeout time.Duration) error {
	set := &v1alpha1.ApplicationSet{}
	key := client.ObjectKey{Namespace: appNamespace, Name: setName}
	if err := c.Get(ctx, key, set); err != nil {
		return fmt.Errorf("refresh applicationset %s: %w", setName, err)
	}
	patch := client.RawPatch("application/merge-patch+json", []byte(`{"metadata":{"annotations":{"`+setRefreshAnnotation+`":"true"}}}`))
	if err := c.Patch(ctx, set, patch); err != nil {
		return fmt.Errorf("refresh applicationset %s: %w", setName, err)
	}
	deadline := time.Now().Add(timeout)
	for {
		if err := c.Get(ctx, key, set); err != nil {
			return fmt.Errorf("refresh applicationset %s: %w", setName, err)
		}
		if _, ok := set.Annotations[setRefreshAnnotation]; !ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("refresh applicationset %s: annotation still there after %s", setName, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// refreshApp asks the application controller to look at an app's source
// again, as a Git webhook does.
func refreshApp(ctx context.Context, c client.Client, name string) error {
	app := &v1alpha1.Application{}
	app.Namespace, app.Name = appNamespace, name
	patch := client.RawPatch("application/merge-patch+json", []byte(`{"metadata":{"annotations":{"`+refreshAnnotation+`":"normal"}}}`))
	if err := c.Patch(ctx, app, patch); err != nil {
		return fmt.Errorf("refresh application %s: %w", name, err)
	}
	return nil
}
