package application

import (
	"fmt"
	"slices"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// SetCascade sets app's resources finalizer before a delete, as
// `argocd app delete --cascade --propagation-policy` does: cascade keeps
// (or adds) the finalizer for propagation "foreground" (default, the
// plain resources-finalizer.argocd.argoproj.io) or "background" (the
// /background one), so that the controller deletes the app's resources
// first; !cascade removes every variant, so that they stay. An unknown
// propagation policy is an error.
func SetCascade(app *v1alpha1.Application, cascade bool, propagation string) error {
	want := finalizer
	switch propagation {
	case "", "foreground":
	case "background":
		want = finalizerBackground
	default:
		return fmt.Errorf("propagation policy %q: want foreground or background", propagation)
	}
	isOurs := func(s string) bool { return s == finalizer || s == finalizerForeground || s == finalizerBackground }
	has := slices.ContainsFunc(app.Finalizers, isOurs)
	switch {
	case !cascade:
		app.Finalizers = slices.DeleteFunc(app.Finalizers, isOurs)
	case !has || propagation != "" && !slices.Contains(app.Finalizers, want):
		app.Finalizers = append(slices.DeleteFunc(app.Finalizers, isOurs), want)
	}
	return nil
}
