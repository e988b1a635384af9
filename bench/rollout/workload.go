package main

import (
	"context"
	"fmt"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Where the benchmark's Rollouts live and how they are told apart.
const (
	namespaces = 4
	partOf     = "bench-rollout"
	partOfKey  = "app.kubernetes.io/part-of"
)

// The canary steps: pauseStep is the index of the timed pause, which
// lasts pauseFor; steps is their number.
const (
	steps     = 2
	pauseStep = 1
	pauseFor  = 1 // seconds
)

// The images of the first and the second revision; kwok runs no image.
const (
	imageV1 = "example.com/web:v1"
	imageV2 = "example.com/web:v2"
)

// rolloutManifest is one Rollout: 2 replicas, a basic canary (no traffic
// routing) with a stable and a canary Service, and steps that need no
// human: setWeight 50, then a pause of pauseFor seconds.
const rolloutManifest = `
metadata:
  name: NAME
  namespace: NS
  labels: {PARTOFKEY: PARTOF}
spec:
  replicas: 2
  selector: {matchLabels: {app: NAME}}
  template:
    metadata: {labels: {app: NAME}}
    spec:
      containers: [{name: app, image: IMAGE}]
  strategy:
    canary:
      stableService: NAME-stable
      canaryService: NAME-canary
      steps:
      - setWeight: 50
      - pause: {duration: PAUSEs}
`

// namespaceOf is the namespace of the i-th Rollout: they are spread
// round-robin over a few namespaces.
func namespaceOf(i int) string { return fmt.Sprintf("%s-%d", partOf, i%namespaces) }

// newRollout is the i-th Rollout and its two Services.
func newRollout(i int) (*v1alpha1.Rollout, []*corev1.Service, error) {
	name, ns := fmt.Sprintf("web-%d", i), namespaceOf(i)
	s := strings.NewReplacer("NAME", name, "NS", ns, "PARTOFKEY", partOfKey, "PARTOF", partOf,
		"IMAGE", imageV1, "PAUSE", fmt.Sprint(pauseFor)).Replace(rolloutManifest)
	ro := &v1alpha1.Rollout{}
	if err := yaml.UnmarshalStrict([]byte(s), ro); err != nil {
		return nil, nil, fmt.Errorf("rollout %s/%s: %w", ns, name, err)
	}
	var svcs []*corev1.Service
	for _, role := range []string{"stable", "canary"} {
		svcs = append(svcs, &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: name + "-" + role, Namespace: ns, Labels: map[string]string{partOfKey: partOf}},
			Spec: corev1.ServiceSpec{Selector: map[string]string{"app": name},
				Ports: []corev1.ServicePort{{Port: 80}}},
		})
	}
	return ro, svcs, nil
}

// createRollouts creates the namespaces, then n Rollouts with their
// Services (the Services first, as a user applying a chart would).
func createRollouts(ctx context.Context, c client.Client, n int) error {
	for i := range min(n, namespaces) {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespaceOf(i)}}
		if err := c.Create(ctx, ns); err != nil {
			return fmt.Errorf("namespace %s: %w", ns.Name, err)
		}
	}
	return parallel(n, func(i int) error {
		ro, svcs, err := newRollout(i)
		if err != nil {
			return err
		}
		for _, svc := range svcs {
			if err := c.Create(ctx, svc); err != nil {
				return fmt.Errorf("service %s/%s: %w", svc.Namespace, svc.Name, err)
			}
		}
		if err := c.Create(ctx, ro); err != nil {
			return fmt.Errorf("rollout %s/%s: %w", ro.Namespace, ro.Name, err)
		}
		return nil
	})
}

// setImages changes every Rollout's pod template image to imageV2, as
// many `kubectl argo rollouts set image` at once.
func setImages(ctx context.Context, c client.Client, n int) error {
	patch := client.RawPatch("application/merge-patch+json",
		[]byte(fmt.Sprintf(`{"spec":{"template":{"spec":{"containers":[{"name":"app","image":%q}]}}}}`, imageV2)))
	return parallel(n, func(i int) error {
		ro := &v1alpha1.Rollout{}
		ro.Namespace, ro.Name = namespaceOf(i), fmt.Sprintf("web-%d", i)
		if err := c.Patch(ctx, ro, patch); err != nil {
			return fmt.Errorf("set image of rollout %s/%s: %w", ro.Namespace, ro.Name, err)
		}
		return nil
	})
}

// writers is how many requests the benchmark's own client has in flight.
const writers = 8

// parallel runs f(0..n-1) on a few goroutines and returns the first error.
func parallel(n int, f func(i int) error) error {
	next := make(chan int)
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					errs <- err
					for range next {
					}
					return
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	return <-errs
}
