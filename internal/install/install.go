// Package install applies what a cluster needs before Tiphys can run in it:
// the argoproj.io CRDs, the argocd namespace, the controller's RBAC and,
// when missing, the default AppProject. It uses server-side apply, so
// running it again changes nothing.
package install

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"

	"github.com/tiphys/tiphys/config"
)

// FieldManager is the server-side apply field manager of install.
const FieldManager = "tiphys-install"

// Result is one applied object.
type Result struct {
	// Kind and Name of the object, with Namespace for namespaced ones.
	Kind, Namespace, Name string
}

// Options configure Apply.
type Options struct {
	// EstablishTimeout bounds the wait for the CRDs to be Established (default 1m).
	EstablishTimeout time.Duration
}

// Apply applies the CRDs, waits until they are Established, then applies the
// namespace and RBAC.
func Apply(ctx context.Context, cfg *rest.Config, o Options) ([]Result, error) {
	if o.EstablishTimeout <= 0 {
		o.EstablishTimeout = time.Minute
	}
	crds, err := Objects("crd")
	if err != nil {
		return nil, err
	}
	rbac, err := Objects("rbac")
	if err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("install: create client: %w", err)
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("install: create discovery client: %w", err)
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disc))
	var results []Result
	for _, group := range [][]*unstructured.Unstructured{crds, rbac} {
		for _, obj := range group {
			if err := apply(ctx, dyn, mapper, obj); err != nil {
				return results, err
			}
			results = append(results, Result{Kind: obj.GetKind(), Namespace: obj.GetNamespace(), Name: obj.GetName()})
		}
		if len(results) == len(crds) {
			if err := waitEstablished(ctx, cfg, crds, o.EstablishTimeout); err != nil {
				return results, err
			}
			mapper.Reset()
		}
	}
	created, err := ensureDefaultProject(ctx, dyn, o.EstablishTimeout)
	if err != nil {
		return results, err
	}
	if created {
		results = append(results, Result{Kind: "AppProject", Namespace: ProjectNamespace, Name: "default"})
	}
	return results, nil
}

// ProjectNamespace holds the default project (Argo CD's namespace).
const ProjectNamespace = "argocd"

// defaultProject is Argo CD's default project: any repository, any
// destination, any kind. It is created when missing and never changed
// afterwards, so a user's edits to it stay.
func defaultProject() *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject",
		"metadata": map[string]any{"name": "default", "namespace": ProjectNamespace},
		"spec": map[string]any{
			"sourceRepos":              []any{"*"},
			"destinations":             []any{map[string]any{"server": "*", "namespace": "*"}},
			"clusterResourceWhitelist": []any{map[string]any{"group": "*", "kind": "*"}},
		},
	}}
}

// ensureDefaultProject creates the default project if it does not exist;
// created reports whether it did. Just after its CRD is Established the
// API server may not serve AppProjects yet: it tries again until timeout.
func ensureDefaultProject(ctx context.Context, dyn dynamic.Interface, timeout time.Duration) (created bool, err error) {
	gvr := schema.GroupVersionResource{Group: "argoproj.io", Version: "v1alpha1", Resource: "appprojects"}
	projects := dyn.Resource(gvr).Namespace(ProjectNamespace)
	err = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		_, err := projects.Create(ctx, defaultProject(), metav1.CreateOptions{FieldManager: FieldManager})
		switch {
		case err == nil:
			created = true
			return true, nil
		case apierrors.IsAlreadyExists(err):
			return true, nil
		case apierrors.IsNotFound(err):
			return false, nil // AppProjects not served yet
		}
		return false, err
	})
	if err != nil {
		return false, fmt.Errorf("install default project: %w", err)
	}
	return created, nil
}

func apply(ctx context.Context, dyn dynamic.Interface, mapper meta.RESTMapper, obj *unstructured.Unstructured) error {
	gvk := obj.GroupVersionKind()
	m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return fmt.Errorf("install %s %s: %w", gvk.Kind, obj.GetName(), err)
	}
	var r dynamic.ResourceInterface = dyn.Resource(m.Resource)
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		r = dyn.Resource(m.Resource).Namespace(obj.GetNamespace())
	}
	_, err = r.Apply(ctx, obj.GetName(), obj, metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
	if err != nil {
		return fmt.Errorf("install %s %s: %w", gvk.Kind, obj.GetName(), err)
	}
	return nil
}

func waitEstablished(ctx context.Context, cfg *rest.Config, crds []*unstructured.Unstructured, timeout time.Duration) error {
	client, err := apiextensionsclient.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("install: create apiextensions client: %w", err)
	}
	for _, crd := range crds {
		var last error
		err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
			got, err := client.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, crd.GetName(), metav1.GetOptions{})
			if err != nil {
				last = err
				return false, nil
			}
			for _, c := range got.Status.Conditions {
				if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
					return true, nil
				}
			}
			last = errors.New("not Established yet")
			return false, nil
		})
		if err != nil {
			return fmt.Errorf("install: CRD %s: %w (last: %v)", crd.GetName(), err, last)
		}
	}
	return nil
}

// Objects decodes the embedded manifests of a directory ("crd" or "rbac"), in file name order.
func Objects(dir string) ([]*unstructured.Unstructured, error) {
	names, err := fs.Glob(config.Manifests, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("install: list %s manifests: %w", dir, err)
	}
	sort.Strings(names)
	var objs []*unstructured.Unstructured
	for _, name := range names {
		b, err := fs.ReadFile(config.Manifests, name)
		if err != nil {
			return nil, fmt.Errorf("install: read %s: %w", name, err)
		}
		dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(b), 4096)
		for {
			obj := &unstructured.Unstructured{}
			if err := dec.Decode(&obj.Object); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				return nil, fmt.Errorf("install: decode %s: %w", name, err)
			}
			if len(obj.Object) > 0 {
				objs = append(objs, obj)
			}
		}
	}
	return objs, nil
}
