package cli

import (
	"fmt"
	"slices"

	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/applicationset"
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

// rolloutAnnotations are a RollingSync's own annotations on Applications.
var rolloutAnnotations = []string{applicationset.RolloutStepAnnotation, applicationset.HoldAnnotation}

// asWritten is the existing Application as the controller would update it
// with want (applicationset.Merged) and, for a RollingSync set, its step
// annotations and automated sync (which the rollout turns on and off) kept
// as they are.
func asWritten(set *v1alpha1.ApplicationSet, have, want *v1alpha1.Application) (*v1alpha1.Application, error) {
	next, err := applicationset.Merged(set, have, want)
	if err != nil {
		return nil, err
	}
	if set.Spec.Strategy == nil || set.Spec.Strategy.Type != "RollingSync" {
		return next, nil
	}
	for _, k := range rolloutAnnotations {
		if v, ok := have.Annotations[k]; ok {
			if next.Annotations == nil {
				next.Annotations = map[string]string{}
			}
			next.Annotations[k] = v
		}
	}
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
	return next, nil
}
