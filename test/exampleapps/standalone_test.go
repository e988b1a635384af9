package exampleapps_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/application"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// standalone is an example run as an Application of its own, the way Argo
// CD's documentation and the examples' READMEs use it, with the source
// options they show.
type standalone struct {
	// name of the Application and its namespace, before a unique suffix.
	name string
	// paths of the checkout the example needs; it is skipped without them.
	paths []string
	// manual leaves out automated sync: the test syncs it by hand.
	manual bool
	// spec sets the sources, given the repository URL.
	spec func(spec *v1alpha1.ApplicationSpec, repoURL string)
	// check looks at the objects synced into the namespace.
	check func(t *testing.T, namespace string)
}

var standalones = []standalone{{
	// Argo CD's getting started: the plain YAML guestbook, synced by hand.
	name: "guestbook", paths: []string{"guestbook"}, manual: true,
	spec: func(s *v1alpha1.ApplicationSpec, repo string) {
		s.Source = &v1alpha1.ApplicationSource{RepoURL: repo, Path: "guestbook", TargetRevision: "HEAD"}
	},
	check: func(t *testing.T, ns string) { deployments(t, ns, 1) },
}, {
	// The Helm guestbook with its production values: a LoadBalancer Service.
	name: "helm-guestbook-prod", paths: []string{"helm-guestbook/values-production.yaml"},
	spec: func(s *v1alpha1.ApplicationSpec, repo string) {
		s.Source = &v1alpha1.ApplicationSource{RepoURL: repo, Path: "helm-guestbook", TargetRevision: "HEAD",
			Helm: &v1alpha1.ApplicationSourceHelm{ValueFiles: []string{"values-production.yaml"},
				Parameters: []v1alpha1.HelmParameter{{Name: "replicaCount", Value: "2"}}}}
	},
	check: func(t *testing.T, ns string) { loadBalanced(t, ns); deployments(t, ns, 2) },
}, {
	// The same values file taken from a second source ($values), as
	// multi-source applications do.
	name: "helm-guestbook-multi", paths: []string{"helm-guestbook/values-production.yaml"},
	spec: func(s *v1alpha1.ApplicationSpec, repo string) {
		s.Sources = v1alpha1.ApplicationSources{
			{RepoURL: repo, Path: "helm-guestbook", TargetRevision: "HEAD",
				Helm: &v1alpha1.ApplicationSourceHelm{ValueFiles: []string{"$values/helm-guestbook/values-production.yaml"}}},
			{RepoURL: repo, TargetRevision: "HEAD", Ref: "values"},
		}
	},
	check: func(t *testing.T, ns string) { loadBalanced(t, ns) },
}, {
	// Jsonnet top-level arguments, a string and code.
	name: "jsonnet-tla", paths: []string{"jsonnet-guestbook-tla"},
	spec: func(s *v1alpha1.ApplicationSpec, repo string) {
		s.Source = &v1alpha1.ApplicationSource{RepoURL: repo, Path: "jsonnet-guestbook-tla", TargetRevision: "HEAD",
			Directory: &v1alpha1.ApplicationSourceDirectory{Jsonnet: v1alpha1.ApplicationSourceJsonnet{TLAs: []v1alpha1.JsonnetVar{
				{Name: "name", Value: "tla-guestbook-ui"}, {Name: "replicas", Value: "3", Code: true}, {Name: "type", Value: "ClusterIP"},
			}}}}
	},
	check: func(t *testing.T, ns string) {
		d := &appsv1.Deployment{}
		if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "tla-guestbook-ui"}, d); err != nil {
			t.Fatal(err)
		}
		if d.Spec.Replicas == nil || *d.Spec.Replicas != 3 {
			t.Errorf("Deployment tla-guestbook-ui replicas %v, want 3 (the replicas argument)", d.Spec.Replicas)
		}
	},
}, {
	// Kustomize options of the source: a name prefix and an image.
	name: "kustomize-options", paths: []string{"kustomize-guestbook"},
	spec: func(s *v1alpha1.ApplicationSpec, repo string) {
		s.Source = &v1alpha1.ApplicationSource{RepoURL: repo, Path: "kustomize-guestbook", TargetRevision: "HEAD",
			Kustomize: &v1alpha1.ApplicationSourceKustomize{NamePrefix: "staging-",
				Images: v1alpha1.KustomizeImages{"gcr.io/google-samples/gb-frontend:v4"}}}
	},
	check: func(t *testing.T, ns string) {
		for _, d := range deployments(t, ns, 1) {
			if d.Name != "staging-guestbook-ui" || d.Spec.Template.Spec.Containers[0].Image != "gcr.io/google-samples/gb-frontend:v4" {
				t.Errorf("Deployment %s with image %s, want staging-guestbook-ui with gb-frontend:v4", d.Name, d.Spec.Template.Spec.Containers[0].Image)
			}
		}
	},
}}

// Given the examples of argocd-example-apps as Applications of their own,
// with the source options their documentation shows (value files from the
// same or a second source, Helm parameters, Jsonnet arguments, Kustomize
// options, a sync by hand),
// when they sync,
// then each is Synced and Healthy and its objects are what the options ask for;
// and deleting them deletes their objects.
func TestStandaloneExamples(t *testing.T) {
	dir := checkout(t)
	repo := gittest.New(t)
	repo.CopyDir(dir)
	sha := repo.Commit("argocd-example-apps", nil)
	suffix := fmt.Sprintf("-%04x", rand.IntN(1<<16))

	var run []standalone
	for _, s := range standalones {
		if missing := missingPath(dir, s.paths); missing != "" {
			t.Logf("skipped %s: the checkout has no %s", s.name, missing)
			continue
		}
		run = append(run, s)
		name := s.name + suffix
		app := &v1alpha1.Application{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "argocd", Finalizers: []string{"resources-finalizer.argocd.argoproj.io"}},
			Spec: v1alpha1.ApplicationSpec{
				Project:     "default",
				Destination: v1alpha1.ApplicationDestination{Server: application.InCluster, Namespace: name},
				SyncPolicy:  &v1alpha1.SyncPolicy{SyncOptions: v1alpha1.SyncOptions{"CreateNamespace=true"}},
			},
		}
		if !s.manual {
			app.Spec.SyncPolicy.Automated = &v1alpha1.SyncPolicyAutomated{Prune: true, SelfHeal: true}
		}
		s.spec(&app.Spec, repo.URL())
		create(t, app)
	}
	for _, s := range run {
		if s.manual {
			name := s.name + suffix
			eventually(t, name+" OutOfSync and Missing before its sync", time.Minute, func() (bool, error) {
				app, err := getApp(name)
				if err != nil {
					return false, err
				}
				return app.Status.Sync.Status == v1alpha1.SyncStatusCodeOutOfSync && app.Status.Health.Status == v1alpha1.HealthStatusMissing &&
					app.Status.OperationState == nil, fmt.Errorf("%s", describe(app))
			})
			requestSync(t, name)
		}
	}
	names := make([]string, len(run))
	for i, s := range run {
		names[i] = s.name + suffix
	}
	eventually(t, "every example Synced and Healthy", 3*time.Minute, func() (bool, error) {
		return allSyncedHealthy(names, sha, nil)
	})
	for _, s := range run {
		t.Run(s.name, func(t *testing.T) {
			app, _ := getApp(s.name + suffix)
			checkSynced(t, app, example{})
			s.check(t, s.name+suffix)
		})
	}

	kinds := []schema.GroupVersionKind{appsv1.SchemeGroupVersion.WithKind("Deployment"), corev1.SchemeGroupVersion.WithKind("Service")}
	for _, name := range names {
		app, err := getApp(name)
		if err != nil {
			t.Fatal(err)
		}
		deleteApp(t, app)
		noneLeft(t, name, name, kinds)
	}
}

// missingPath is the first of paths that dir lacks, or "".
func missingPath(dir string, paths []string) string {
	for _, p := range paths {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			return p
		}
	}
	return ""
}

// deployments lists the Deployments of a namespace and checks that they
// are available with the replicas asked for.
func deployments(t *testing.T, ns string, replicas int32) []appsv1.Deployment {
	t.Helper()
	list := &appsv1.DeploymentList{}
	if err := env.Client.List(context.Background(), list, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) == 0 {
		t.Fatalf("no Deployment in %s", ns)
	}
	for _, d := range list.Items {
		if d.Status.AvailableReplicas != replicas {
			t.Errorf("Deployment %s/%s: %d replicas available, want %d", ns, d.Name, d.Status.AvailableReplicas, replicas)
		}
	}
	return list.Items
}

// loadBalanced checks that a namespace has a LoadBalancer Service with an address.
func loadBalanced(t *testing.T, ns string) {
	t.Helper()
	list := &corev1.ServiceList{}
	if err := env.Client.List(context.Background(), list, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(list.Items, func(s corev1.Service) bool {
		return s.Spec.Type == corev1.ServiceTypeLoadBalancer && len(s.Status.LoadBalancer.Ingress) > 0
	}) {
		t.Errorf("no LoadBalancer Service with an address in %s", ns)
	}
}
