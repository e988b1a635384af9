package application

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// selfReferenced reports whether a live object is the app's own
// Application, for an app that manages its own manifest (a root app of
// apps listing itself): as Argo CD's isSelfReferencedApp, by UID, so an
// Application of the same name in another cluster is not it. Such an
// object counts neither in the app's health nor as something its deletion
// waits for, or the app would wait for itself.
func selfReferenced(o *unstructured.Unstructured, app *v1alpha1.Application) bool {
	gvk := o.GroupVersionKind()
	return o.GetUID() == app.UID && gvk.Group == v1alpha1.Group && gvk.Kind == "Application" &&
		o.GetName() == app.Name && o.GetNamespace() == app.Namespace
}
