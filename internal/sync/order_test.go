package sync

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func obj(kind, name string, ann map[string]string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetKind(kind)
	u.SetName(name)
	u.SetAnnotations(ann)
	return u
}

func TestOrder(t *testing.T) {
	objs := []*unstructured.Unstructured{
		obj("Deployment", "web", nil),
		obj("Job", "smoke", map[string]string{AnnotationHook: "PostSync"}),
		obj("Widget", "custom", nil),
		obj("Service", "web", nil),
		obj("Job", "migrate", map[string]string{AnnotationHook: "PreSync"}),
		obj("ConfigMap", "late", map[string]string{AnnotationSyncWave: "2"}),
		obj("Namespace", "shop", nil),
		obj("Pod", "never", map[string]string{AnnotationHook: "Skip"}),
		obj("ConfigMap", "early", map[string]string{AnnotationSyncWave: "-1"}),
		obj("CustomResourceDefinition", "widgets.example.com", nil),
	}
	Order(objs)
	var got []string
	for _, o := range objs {
		got = append(got, o.GetKind()+"/"+o.GetName())
	}
	want := "Job/migrate ConfigMap/early Namespace/shop CustomResourceDefinition/widgets.example.com Service/web Deployment/web Widget/custom ConfigMap/late Job/smoke Pod/never"
	if strings.Join(got, " ") != want {
		t.Errorf("order:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
}
