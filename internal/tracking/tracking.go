// Package tracking marks the objects an application manages, as Argo CD v3
// does by default: an annotation argocd.argoproj.io/tracking-id whose value
// is "<app>:<group>/<kind>:<namespace>/<name>".
package tracking

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Annotation is the tracking annotation key.
const Annotation = "argocd.argoproj.io/tracking-id"

// AppInstanceName is how an application names itself in tracking ids:
// its name in the controller's namespace, "<namespace>_<name>" elsewhere.
func AppInstanceName(appName, appNamespace, controllerNamespace string) string {
	if appNamespace == "" || appNamespace == controllerNamespace {
		return appName
	}
	return appNamespace + "_" + appName
}

// ID is the tracking id of obj for the application instance app.
func ID(app string, obj *unstructured.Unstructured) string {
	gvk := obj.GroupVersionKind()
	return fmt.Sprintf("%s:%s/%s:%s/%s", app, gvk.Group, gvk.Kind, obj.GetNamespace(), obj.GetName())
}

// Set writes the tracking annotation of obj.
func Set(app string, obj *unstructured.Unstructured) {
	ann := obj.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	ann[Annotation] = ID(app, obj)
	obj.SetAnnotations(ann)
}

// Parsed is a tracking id taken apart.
type Parsed struct {
	App, Group, Kind, Namespace, Name string
}

// Parse takes a tracking id apart; ok is false when it is malformed.
func Parse(id string) (Parsed, bool) {
	app, rest, ok := strings.Cut(id, ":")
	if !ok {
		return Parsed{}, false
	}
	gk, nsName, ok := strings.Cut(rest, ":")
	if !ok {
		return Parsed{}, false
	}
	group, kind, ok := strings.Cut(gk, "/")
	if !ok {
		return Parsed{}, false
	}
	ns, name, ok := strings.Cut(nsName, "/")
	if !ok {
		return Parsed{}, false
	}
	return Parsed{App: app, Group: group, Kind: kind, Namespace: ns, Name: name}, true
}
