package applicationset

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/diff"
)

// alwaysPreserved are Application annotations other tools own, which a
// set never removes or changes (Argo CD's list).
var alwaysPreserved = []string{"argocd.argoproj.io/refresh", "notified.notifications.argoproj.io",
	"argocd.argoproj.io/hydrate"}

// apply creates, updates and deletes the set's Applications within its
// policy. Nothing is deleted unless every parameter set rendered, and no
// more than the deletion budget unless confirmed.
func (r *Reconciler) apply(ctx context.Context, st *runState, desired, owned map[string]*v1alpha1.Application) {
	set := st.set
	create, update, remove := r.policy(set)
	for _, name := range names(desired) {
		want := desired[name]
		want.OwnerReferences = []metav1.OwnerReference{{APIVersion: v1alpha1.SchemeGroupVersion.String(), Kind: "ApplicationSet",
			Name: set.Name, UID: set.UID, Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}}
		if st.rolling != nil {
			st.rolling.gate(want, owned[name])
		}
		have, exists := owned[name]
		switch {
		case !exists && create:
			if err := r.Client.Create(ctx, want); err != nil {
				if apierrors.IsAlreadyExists(err) {
					err = fmt.Errorf("an Application %s/%s exists that this set does not own: it is left alone", want.Namespace, name)
				}
				st.applyErrs = append(st.applyErrs, fmt.Errorf("create application %q: %w", name, err))
				continue
			}
			st.apps[name] = want
			st.created = append(st.created, name)
		case exists && update:
			next, err := Merged(set, have, want)
			if err != nil {
				st.applyErrs = append(st.applyErrs, fmt.Errorf("application %q: %w", name, err))
				continue
			}
			if want.Operation != nil && next.Operation == nil {
				next.Operation = want.Operation // a RollingSync's turn
			}
			if equalJSON(appContent(have), appContent(next)) {
				continue
			}
			if err := r.Client.Update(ctx, next); err != nil {
				st.applyErrs = append(st.applyErrs, fmt.Errorf("update application %q: %w", name, err))
				continue
			}
			st.apps[name] = next
		}
	}
	stale := map[string]*v1alpha1.Application{}
	for name, app := range owned {
		if _, ok := desired[name]; !ok && app.DeletionTimestamp == nil {
			stale[name] = app
		}
	}
	if len(stale) == 0 || !remove {
		return
	}
	if len(st.elementErrs) > 0 || len(st.applyErrs) > 0 {
		st.held = fmt.Sprintf("%d Applications (%s) are no longer generated, but %d parameter sets or writes failed: nothing is deleted until every one succeeds",
			len(stale), strings.Join(names(stale), ", "), len(st.elementErrs)+len(st.applyErrs))
		return
	}
	allowed, err := r.budget(set, len(owned))
	if err != nil {
		st.applyErrs = append(st.applyErrs, err)
		return
	}
	confirmed := false
	if len(stale) > allowed {
		given, has := set.Annotations[ConfirmDeletionsAnnotation]
		if given != strconv.Itoa(len(stale)) {
			st.held = fmt.Sprintf("this run would delete %d of %d Applications (%s), more than the deletion budget of %d: set the annotation %s: %q to confirm",
				len(stale), len(owned), strings.Join(names(stale), ", "), allowed, ConfirmDeletionsAnnotation, strconv.Itoa(len(stale)))
			if has {
				st.held += fmt.Sprintf(" (it is %q, which confirms nothing)", given)
			}
			return
		}
		confirmed = true
	}
	for _, name := range names(stale) {
		if err := r.Client.Delete(ctx, stale[name]); err != nil && !apierrors.IsNotFound(err) {
			st.applyErrs = append(st.applyErrs, fmt.Errorf("delete application %q: %w", name, err))
			continue
		}
		delete(st.apps, name)
		st.deleted = append(st.deleted, name)
	}
	// A confirmation is used up: a later deletion asks again.
	if confirmed {
		patch := client.MergeFrom(set.DeepCopy())
		delete(set.Annotations, ConfirmDeletionsAnnotation)
		if err := r.Client.Patch(ctx, set, patch); err != nil {
			st.applyErrs = append(st.applyErrs, fmt.Errorf("clear annotation %s: %w", ConfirmDeletionsAnnotation, err))
		}
	}
}

// appContent is what the set decides of an Application.
func appContent(a *v1alpha1.Application) any {
	return []any{a.Labels, a.Annotations, a.Finalizers, a.Spec, a.OwnerReferences, a.Operation}
}

// Merged is the existing Application with the set's content: labels,
// annotations, finalizers and spec from the template, but the preserved
// annotations and labels (preservedFields, and those other tools own) and
// the fields of ignoreApplicationDifferences kept as they are; status and
// operation untouched.
func Merged(set *v1alpha1.ApplicationSet, have, want *v1alpha1.Application) (*v1alpha1.Application, error) {
	next := have.DeepCopy()
	next.Labels, next.Annotations = want.Labels, want.Annotations
	next.Finalizers, next.Spec, next.OwnerReferences = want.Finalizers, want.Spec, want.OwnerReferences
	keep := func(dst *map[string]string, src map[string]string, key string) {
		v, ok := src[key]
		if !ok {
			return
		}
		if *dst == nil {
			*dst = map[string]string{}
		}
		(*dst)[key] = v
	}
	preserveAnn := append([]string{}, alwaysPreserved...)
	var preserveLabels []string
	if pf := set.Spec.PreservedFields; pf != nil {
		preserveAnn = append(preserveAnn, pf.Annotations...)
		preserveLabels = pf.Labels
	}
	for _, k := range preserveAnn {
		keep(&next.Annotations, have.Annotations, k)
	}
	for _, k := range preserveLabels {
		keep(&next.Labels, have.Labels, k)
	}
	return keepIgnored(set, have, next)
}

// keepIgnored copies the fields ignoreApplicationDifferences names (JSON
// pointers, jq path expressions; per Application name or for all) from
// the existing Application into the next one, as the application
// controller keeps ignored fields in a sync (diff.KeepIgnored).
func keepIgnored(set *v1alpha1.ApplicationSet, have, next *v1alpha1.Application) (*v1alpha1.Application, error) {
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
	desired, err := toUnstructured(next)
	if err != nil {
		return nil, err
	}
	live, err := toUnstructured(have)
	if err != nil {
		return nil, err
	}
	kept, err := diff.KeepIgnored(desired, live, rules, nil)
	if err != nil {
		return nil, fmt.Errorf("ignoreApplicationDifferences: %w", err)
	}
	out := &v1alpha1.Application{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(kept.Object, out); err != nil {
		return nil, err
	}
	// Status and operation are the existing app's, whatever the rules say.
	out.Status, out.Operation = have.Status, have.Operation
	out.ObjectMeta.ResourceVersion = have.ResourceVersion
	return out, nil
}

func toUnstructured(a *v1alpha1.Application) (*unstructured.Unstructured, error) {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(a)
	if err != nil {
		return nil, err
	}
	return &unstructured.Unstructured{Object: m}, nil
}
