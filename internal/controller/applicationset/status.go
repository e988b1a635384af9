package applicationset

import (
	"context"
	"errors"
	"fmt"
	"sort"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Condition types and reasons of an ApplicationSet, Argo CD's.
const (
	ConditionErrorOccurred       = "ErrorOccurred"
	ConditionParametersGenerated = "ParametersGenerated"
	ConditionResourcesUpToDate   = "ResourcesUpToDate"
	ConditionRolloutProgressing  = "RolloutProgressing"
)

// writeStatus records the run in the set's status: the conditions, the
// Applications (resources, with their health and sync) and, for a
// RollingSync set, each app's step.
func (st *runState) writeStatus() {
	set := st.set
	var conds []v1alpha1.ApplicationSetCondition
	add := func(t string, ok bool, reason, msg string) {
		status := v1alpha1.ApplicationSetConditionStatus("False")
		if ok {
			status = "True"
		}
		conds = append(conds, v1alpha1.ApplicationSetCondition{Type: t, Status: status, Reason: reason, Message: msg})
	}
	problems := append(append([]error{}, st.elementErrs...), st.applyErrs...)
	switch {
	case st.genErr != nil:
		msg := st.genErr.Error() + ": no Application was changed"
		add(ConditionErrorOccurred, true, "ApplicationGenerationFromParamsError", msg)
		add(ConditionParametersGenerated, false, "ErrorOccurred", msg)
		add(ConditionResourcesUpToDate, false, "ErrorOccurred", msg)
	case len(problems) > 0 || st.held != "":
		msg := errors.Join(problems...)
		text := st.held
		if msg != nil {
			text = joinMsg(msg.Error(), st.held)
		}
		if len(problems) > 0 {
			add(ConditionErrorOccurred, true, "ApplicationGenerationFromParamsError", text)
		} else {
			add(ConditionErrorOccurred, false, "ApplicationSetUpToDate", "No error: "+st.held)
		}
		add(ConditionParametersGenerated, true, "ParametersGenerated", "Successfully generated parameters for all Applications")
		reason := "ApplicationSetNotUpToDate"
		if len(problems) == 0 {
			reason = "DeletionHeld"
		}
		add(ConditionResourcesUpToDate, false, reason, text)
	default:
		add(ConditionErrorOccurred, false, "ApplicationSetUpToDate", "All applications have been generated successfully")
		add(ConditionParametersGenerated, true, "ParametersGenerated", "Successfully generated parameters for all Applications")
		add(ConditionResourcesUpToDate, true, "ApplicationSetUpToDate", "All applications have been generated successfully")
	}
	if st.rolling != nil {
		if st.rolling.active() {
			add(ConditionRolloutProgressing, true, "ApplicationSetModified", "ApplicationSet Rollout has started")
		} else {
			add(ConditionRolloutProgressing, false, "ApplicationSetRolloutComplete", "ApplicationSet Rollout has completed")
		}
	}
	set.Status.Conditions = keepTransitions(set.Status.Conditions, conds)
	if st.apps != nil {
		set.Status.Resources = nil
		for _, name := range names(st.apps) {
			a := st.apps[name]
			set.Status.Resources = append(set.Status.Resources, v1alpha1.ResourceStatus{Group: v1alpha1.Group, Version: "v1alpha1",
				Kind: "Application", Namespace: a.Namespace, Name: a.Name, Status: a.Status.Sync.Status,
				Health: &v1alpha1.HealthStatus{Status: a.Status.Health.Status, Message: a.Status.Health.Message}})
		}
		set.Status.ResourcesCount = int64(len(st.apps))
	}
	if st.rolling != nil {
		set.Status.ApplicationStatus = rolloutStatus(set.Status.ApplicationStatus, st.rolling)
	} else {
		set.Status.ApplicationStatus = nil
	}
}

func joinMsg(a, b string) string {
	if b == "" {
		return a
	}
	return a + "; " + b
}

// keepTransitions keeps a condition's last transition time while its
// status stays.
func keepTransitions(old, next []v1alpha1.ApplicationSetCondition) []v1alpha1.ApplicationSetCondition {
	now := metav1.Now()
	for i := range next {
		next[i].LastTransitionTime = &now
		for _, o := range old {
			if o.Type == next[i].Type && o.Status == next[i].Status && o.LastTransitionTime != nil {
				next[i].LastTransitionTime = o.LastTransitionTime
			}
		}
	}
	return next
}

// rolloutStatus is each app's step and state, keeping transition times.
func rolloutStatus(old []v1alpha1.ApplicationSetApplicationStatus, ro *rollout) []v1alpha1.ApplicationSetApplicationStatus {
	prev := map[string]v1alpha1.ApplicationSetApplicationStatus{}
	for _, s := range old {
		prev[s.Application] = s
	}
	now := metav1.Now()
	out := make([]v1alpha1.ApplicationSetApplicationStatus, 0, len(ro.status))
	for _, s := range ro.status {
		s.LastTransitionTime = &now
		if p, ok := prev[s.Application]; ok && p.Status == s.Status && p.LastTransitionTime != nil {
			s.LastTransitionTime = p.LastTransitionTime
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Application < out[j].Application })
	return out
}

// deleting handles a set being deleted: with preserveResourcesOnDeletion,
// its Applications lose the resources finalizer first, so that their
// deletion (by the owner references) leaves their objects in the cluster.
func (r *Reconciler) deleting(ctx context.Context, set *v1alpha1.ApplicationSet) error {
	if !controllerutil.ContainsFinalizer(set, preserveFinalizer) {
		return nil
	}
	owned, err := r.owned(ctx, set)
	if err != nil {
		return err
	}
	for _, name := range names(owned) {
		app := owned[name]
		kept := app.Finalizers[:0:0]
		for _, f := range app.Finalizers {
			if f != "resources-finalizer.argocd.argoproj.io" && f != "resources-finalizer.argocd.argoproj.io/foreground" &&
				f != "resources-finalizer.argocd.argoproj.io/background" {
				kept = append(kept, f)
			}
		}
		if len(kept) == len(app.Finalizers) {
			continue
		}
		patch := client.MergeFrom(app.DeepCopy())
		app.Finalizers = kept
		if err := r.Client.Patch(ctx, app, patch); err != nil {
			return fmt.Errorf("application %q: keep its resources: %w", name, err)
		}
	}
	patch := client.MergeFrom(set.DeepCopy())
	controllerutil.RemoveFinalizer(set, preserveFinalizer)
	return client.IgnoreNotFound(r.Client.Patch(ctx, set, patch))
}

// preserveFinalizer holds a set with preserveResourcesOnDeletion until its
// Applications have let go of their resources.
const preserveFinalizer = "applicationset.tiphys.io/preserve-resources"

// ensurePreserveFinalizer adds or removes the finalizer as the set's
// preserveResourcesOnDeletion says.
func (r *Reconciler) ensurePreserveFinalizer(ctx context.Context, set *v1alpha1.ApplicationSet) error {
	want := set.Spec.SyncPolicy != nil && set.Spec.SyncPolicy.PreserveResourcesOnDeletion
	if want == controllerutil.ContainsFinalizer(set, preserveFinalizer) {
		return nil
	}
	patch := client.MergeFrom(set.DeepCopy())
	if want {
		controllerutil.AddFinalizer(set, preserveFinalizer)
	} else {
		controllerutil.RemoveFinalizer(set, preserveFinalizer)
	}
	return r.Client.Patch(ctx, set, patch)
}
