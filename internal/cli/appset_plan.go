package cli

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/applicationset"
	"github.com/tiphys/tiphys/internal/diff"
)

// appsetAction is what a set's run would do to one Application.
type appsetAction string

const (
	actionCreate appsetAction = "create"
	actionChange appsetAction = "change"
	actionDelete appsetAction = "delete"
)

// appsetChange is one Application the set would create, change or delete,
// with its content (labels, annotations, finalizers, spec) as YAML before
// and after.
type appsetChange struct {
	action          appsetAction
	namespace, name string
	live, desired   string
}

// appsetPlan is what a set's run would change, in name order.
type appsetPlan struct {
	changes []appsetChange
}

func (p *appsetPlan) different() bool { return len(p.changes) > 0 }

func (p *appsetPlan) dropDeletes() {
	p.changes = slices.DeleteFunc(p.changes, func(c appsetChange) bool { return c.action == actionDelete })
}

func (p *appsetPlan) counts() (create, change, remove int) {
	for _, c := range p.changes {
		switch c.action {
		case actionCreate:
			create++
		case actionChange:
			change++
		case actionDelete:
			remove++
		}
	}
	return create, change, remove
}

// planAppset compares the generated Applications with those the set owns.
func planAppset(set *v1alpha1.ApplicationSet, desired, owned []*v1alpha1.Application) (*appsetPlan, error) {
	have := map[string]*v1alpha1.Application{}
	for _, a := range owned {
		have[a.Name] = a
	}
	p := &appsetPlan{}
	seen := map[string]bool{}
	for _, want := range desired {
		seen[want.Name] = true
		old, exists := have[want.Name]
		if !exists {
			text, err := contentYAML(want)
			if err != nil {
				return nil, err
			}
			p.changes = append(p.changes, appsetChange{action: actionCreate, namespace: want.Namespace, name: want.Name, desired: text})
			continue
		}
		next, err := asWritten(set, old, want)
		if err != nil {
			return nil, fmt.Errorf("application %q: %w", want.Name, err)
		}
		before, err := contentYAML(old)
		if err != nil {
			return nil, err
		}
		after, err := contentYAML(next)
		if err != nil {
			return nil, err
		}
		if before != after {
			p.changes = append(p.changes, appsetChange{action: actionChange, namespace: old.Namespace, name: old.Name, live: before, desired: after})
		}
	}
	for _, a := range owned {
		if !seen[a.Name] && a.DeletionTimestamp == nil {
			p.changes = append(p.changes, appsetChange{action: actionDelete, namespace: a.Namespace, name: a.Name})
		}
	}
	slices.SortStableFunc(p.changes, func(a, b appsetChange) int {
		switch {
		case a.name < b.name:
			return -1
		case a.name > b.name:
			return 1
		}
		return 0
	})
	return p, nil
}

// contentYAML is the part of an Application a set decides, as YAML.
func contentYAML(a *v1alpha1.Application) (string, error) {
	meta := map[string]any{}
	if len(a.Labels) > 0 {
		meta["labels"] = a.Labels
	}
	if len(a.Annotations) > 0 {
		meta["annotations"] = a.Annotations
	}
	if len(a.Finalizers) > 0 {
		meta["finalizers"] = a.Finalizers
	}
	b, err := yaml.Marshal(map[string]any{"metadata": meta, "spec": a.Spec})
	if err != nil {
		return "", fmt.Errorf("application %q: %w", a.Name, err)
	}
	return string(b), nil
}

// Application annotations the controller never changes: those other tools
// own (its alwaysPreserved), and a RollingSync's own.
var (
	alwaysPreservedAnnotations = []string{"argocd.argoproj.io/refresh", "notified.notifications.argoproj.io",
		"argocd.argoproj.io/hydrate"}
	rolloutAnnotations = []string{"applicationset.tiphys.io/rollout-step", applicationset.HoldAnnotation}
)

// asWritten is the existing Application as the controller would update it
// with want: the set's labels, annotations, finalizers and spec, but the
// preserved labels and annotations, the fields ignoreApplicationDifferences
// names and, for a RollingSync set, its step annotations and automated
// sync (which the rollout turns on and off) kept as they are.
func asWritten(set *v1alpha1.ApplicationSet, have, want *v1alpha1.Application) (*v1alpha1.Application, error) {
	next := have.DeepCopy()
	next.Labels, next.Annotations = copyMap(want.Labels), copyMap(want.Annotations)
	next.Finalizers, next.Spec = want.Finalizers, *want.Spec.DeepCopy()
	keepAnn := append([]string{}, alwaysPreservedAnnotations...)
	var keepLabels []string
	if pf := set.Spec.PreservedFields; pf != nil {
		keepAnn = append(keepAnn, pf.Annotations...)
		keepLabels = pf.Labels
	}
	if rolling := set.Spec.Strategy != nil && set.Spec.Strategy.Type == "RollingSync"; rolling {
		keepAnn = append(keepAnn, rolloutAnnotations...)
		var automated *v1alpha1.SyncPolicyAutomated
		if have.Spec.SyncPolicy != nil {
			automated = have.Spec.SyncPolicy.Automated
		}
		if next.Spec.SyncPolicy == nil && automated != nil {
			next.Spec.SyncPolicy = &v1alpha1.SyncPolicy{}
		}
		if next.Spec.SyncPolicy != nil {
			next.Spec.SyncPolicy.Automated = automated
		}
	}
	keepKeys(&next.Annotations, have.Annotations, keepAnn)
	keepKeys(&next.Labels, have.Labels, keepLabels)
	return keepIgnoredFields(set, have, next)
}

func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// keepKeys copies the keys src has into dst.
func keepKeys(dst *map[string]string, src map[string]string, keys []string) {
	for _, k := range keys {
		v, ok := src[k]
		if !ok {
			continue
		}
		if *dst == nil {
			*dst = map[string]string{}
		}
		(*dst)[k] = v
	}
}

// keepIgnoredFields keeps the fields of ignoreApplicationDifferences (for
// this Application or all) as the existing Application has them.
func keepIgnoredFields(set *v1alpha1.ApplicationSet, have, next *v1alpha1.Application) (*v1alpha1.Application, error) {
	var rules []v1alpha1.ResourceIgnoreDifferences
	for _, d := range set.Spec.IgnoreApplicationDifferences {
		if d.Name == "" || d.Name == have.Name {
			rules = append(rules, v1alpha1.ResourceIgnoreDifferences{Group: v1alpha1.Group, Kind: "Application",
				JSONPointers: d.JSONPointers, JQPathExpressions: d.JQPathExpressions})
		}
	}
	if len(rules) == 0 {
		return next, nil
	}
	desired, err := runtime.DefaultUnstructuredConverter.ToUnstructured(next)
	if err != nil {
		return nil, err
	}
	live, err := runtime.DefaultUnstructuredConverter.ToUnstructured(have)
	if err != nil {
		return nil, err
	}
	kept, err := diff.KeepIgnored(&unstructured.Unstructured{Object: desired}, &unstructured.Unstructured{Object: live}, rules, nil)
	if err != nil {
		return nil, fmt.Errorf("ignoreApplicationDifferences: %w", err)
	}
	out := &v1alpha1.Application{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(kept.Object, out); err != nil {
		return nil, err
	}
	return out, nil
}
