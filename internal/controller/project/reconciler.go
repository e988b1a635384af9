// Package project reconciles AppProjects: a project that applications
// still use is not deleted while they exist, as Argo CD's project
// finalizer (resources-finalizer.argocd.argoproj.io) keeps it.
package project

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Finalizer keeps a project while applications use it (Argo CD's name).
const Finalizer = "resources-finalizer.argocd.argoproj.io"

// Reconciler removes the finalizer of a deleted project once no
// application names it in spec.project.
type Reconciler struct {
	Client client.Client
	// Namespace holds the AppProjects (the controller's, argocd).
	Namespace string
	// Recorder records why a deletion waits.
	Recorder recorder.EventRecorder
}

// SetupWithManager registers the reconciler: AppProjects, and the
// projects of Applications that change (a deleted app may free its project).
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		Named("appproject").
		For(&v1alpha1.AppProject{}).
		Watches(&v1alpha1.Application{}, handler.EnqueueRequestsFromMapFunc(r.projectOf)).
		Complete(r)
}

// projectOf is the project an application names, in the controller's
// namespace where projects live.
func (r *Reconciler) projectOf(_ context.Context, o client.Object) []reconcile.Request {
	app, ok := o.(*v1alpha1.Application)
	if !ok {
		return nil
	}
	return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: r.Namespace, Name: ProjectName(app)}}}
}

// ProjectName is the project an application belongs to: spec.project, or
// "default" when empty, as Argo CD reads it.
func ProjectName(app *v1alpha1.Application) string {
	if app.Spec.Project == "" {
		return "default"
	}
	return app.Spec.Project
}

// Reconcile keeps a deleted project's finalizer while applications use it.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	proj := &v1alpha1.AppProject{}
	if err := r.Client.Get(ctx, req.NamespacedName, proj); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if proj.DeletionTimestamp == nil || !controllerutil.ContainsFinalizer(proj, Finalizer) {
		return ctrl.Result{}, nil
	}
	var apps v1alpha1.ApplicationList
	if err := r.Client.List(ctx, &apps); err != nil {
		return ctrl.Result{}, fmt.Errorf("appproject %s: list applications: %w", proj.Name, err)
	}
	var users []string
	for i := range apps.Items {
		if ProjectName(&apps.Items[i]) == proj.Name {
			users = append(users, apps.Items[i].Namespace+"/"+apps.Items[i].Name)
		}
	}
	if len(users) > 0 {
		if r.Recorder != nil {
			r.Recorder.Eventf(proj, nil, corev1.EventTypeWarning, "DeletionBlocked", "Delete",
				"project is referenced by %d applications, first %s", len(users), users[0])
		}
		return ctrl.Result{RequeueAfter: 30 * time.Second}, nil
	}
	controllerutil.RemoveFinalizer(proj, Finalizer)
	if err := r.Client.Update(ctx, proj); err != nil && !apierrors.IsNotFound(err) {
		return ctrl.Result{}, fmt.Errorf("appproject %s: remove finalizer: %w", proj.Name, err)
	}
	return ctrl.Result{}, nil
}
