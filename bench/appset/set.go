package main

import (
	"fmt"
	"strings"

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
