package diff

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// The desired Deployment: Git's images, a new env var, one container.
const keepDesired = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}, annotations: {team: a, note: git}}
spec:
  replicas: 2
  template:
    spec:
      containers:
      - {name: web, image: web:1, env: [{name: MODE, value: git}]}
      tolerations: [{key: a, value: git}]
`

// The live Deployment: an image updater's image, an HPA's replicas, an
// injected sidecar, a toleration added by a webhook.
const keepLive = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web}
  annotations: {team: a}
  finalizers: [example.com/guard]
  resourceVersion: "42"
  uid: u-1
spec:
  replicas: 7
  template:
    spec:
      containers:
      - {name: web, image: web:2}
      - {name: proxy, image: proxy:9, args: [--port, "15001"]}
      tolerations: [{key: a, value: live}, {key: b, value: added}]
status: {replicas: 7}
`

func deploymentRule(r v1alpha1.ResourceIgnoreDifferences) []v1alpha1.ResourceIgnoreDifferences {
	r.Group, r.Kind = "apps", "Deployment"
	return []v1alpha1.ResourceIgnoreDifferences{r}
}

func TestKeepIgnored(t *testing.T) {
	managedBy := func(manager, fieldsV1 string) []metav1.ManagedFieldsEntry {
		return []metav1.ManagedFieldsEntry{
			{Manager: "argocd-controller", Operation: metav1.ManagedFieldsOperationApply, FieldsType: "FieldsV1",
				FieldsV1: &metav1.FieldsV1{Raw: []byte(`{"f:spec":{"f:replicas":{}}}`)}},
			{Manager: manager, Operation: metav1.ManagedFieldsOperationUpdate, FieldsType: "FieldsV1",
				FieldsV1: &metav1.FieldsV1{Raw: []byte(fieldsV1)}},
		}
	}
	tests := []struct {
		name    string
		desired string // default keepDesired
		live    string // default keepLive
		rules   []v1alpha1.ResourceIgnoreDifferences
		managed []metav1.ManagedFieldsEntry
		want    string // the desired object as a sync applies it
		wantErr bool
	}{{
		name:  "json pointer to a map field",
		rules: deploymentRule(v1alpha1.ResourceIgnoreDifferences{JSONPointers: []string{"/spec/replicas"}}),
		want:  replace(keepDesired, "replicas: 2", "replicas: 7"),
	}, {
		name:  "json pointer through a list index keeps the rest of the item from Git",
		rules: deploymentRule(v1alpha1.ResourceIgnoreDifferences{JSONPointers: []string{"/spec/template/spec/containers/0/image"}}),
		want:  replace(keepDesired, "image: web:1", "image: web:2"),
	}, {
		name: "json pointer to an index desired lacks adds the item by its name",
		rules: deploymentRule(v1alpha1.ResourceIgnoreDifferences{
			JSONPointers: []string{"/spec/template/spec/containers/1/image"}}),
		want: replace(keepDesired, "      tolerations:", "      - {name: proxy, image: proxy:9}\n      tolerations:"),
	}, {
		name:  "json pointer to an item without a name that desired lacks adds it whole",
		rules: deploymentRule(v1alpha1.ResourceIgnoreDifferences{JSONPointers: []string{"/spec/template/spec/tolerations/1/value"}}),
		want:  replace(keepDesired, "{key: a, value: git}]", "{key: a, value: git}, {key: b, value: added}]"),
	}, {
		name:  "json pointer to a field live lacks removes it",
		rules: deploymentRule(v1alpha1.ResourceIgnoreDifferences{JSONPointers: []string{"/metadata/annotations/note"}}),
		want:  replace(keepDesired, ", note: git}", "}"),
	}, {
		name:  "json pointer to nothing in either object changes nothing",
		rules: deploymentRule(v1alpha1.ResourceIgnoreDifferences{JSONPointers: []string{"/spec/paused", "/spec/template/spec/containers/5/image"}}),
		want:  keepDesired,
	}, {
		name: "the whole object is never selected",
		rules: deploymentRule(v1alpha1.ResourceIgnoreDifferences{JSONPointers: []string{""},
			JQPathExpressions: []string{"."}}),
		want: keepDesired,
	}, {
		name:  "jq over every container",
		rules: deploymentRule(v1alpha1.ResourceIgnoreDifferences{JQPathExpressions: []string{".spec.template.spec.containers[].image"}}),
		want: replace(replace(keepDesired, "image: web:1", "image: web:2"),
			"      tolerations:", "      - {name: proxy, image: proxy:9}\n      tolerations:"),
	}, {
		name: "jq selecting a whole item copies it",
		rules: deploymentRule(v1alpha1.ResourceIgnoreDifferences{
			JQPathExpressions: []string{`.spec.template.spec.containers[] | select(.name == "proxy")`}}),
		want: replace(keepDesired, "      tolerations:", "      - {name: proxy, image: proxy:9, args: [--port, \"15001\"]}\n      tolerations:"),
	}, {
		name:  "jq over list items without names takes live's items",
		rules: deploymentRule(v1alpha1.ResourceIgnoreDifferences{JQPathExpressions: []string{".spec.template.spec.tolerations[]"}}),
		want:  replace(keepDesired, "[{key: a, value: git}]", "[{key: a, value: live}, {key: b, value: added}]"),
	}, {
		name: "jq items without names that only desired has are removed",
		live: replace(keepLive, "tolerations: [{key: a, value: live}, {key: b, value: added}]", "tolerations: []"),
		rules: deploymentRule(v1alpha1.ResourceIgnoreDifferences{
			JQPathExpressions: []string{".spec.template.spec.tolerations[]"}}),
		want: replace(keepDesired, "[{key: a, value: git}]", "[]"),
	}, {
		name: "a named item new in Git keeps its ignored fields",
		desired: replace(keepDesired, "      tolerations:",
			"      - {name: worker, image: worker:1}\n      tolerations:"),
		rules: deploymentRule(v1alpha1.ResourceIgnoreDifferences{JQPathExpressions: []string{".spec.template.spec.containers[].image"}}),
		want: replace(keepDesired, "image: web:1, env: [{name: MODE, value: git}]}",
			"image: web:2, env: [{name: MODE, value: git}]}\n      - {name: worker, image: worker:1}\n      - {name: proxy, image: proxy:9}"),
	}, {
		name: "items are matched by name, not position",
		desired: replace(keepDesired, "      - {name: web, image: web:1, env: [{name: MODE, value: git}]}",
			"      - {name: proxy, image: proxy:1}\n      - {name: web, image: web:1}"),
		rules: deploymentRule(v1alpha1.ResourceIgnoreDifferences{JSONPointers: []string{"/spec/template/spec/containers/0/image"}}),
		want: replace(keepDesired, "      - {name: web, image: web:1, env: [{name: MODE, value: git}]}",
			"      - {name: proxy, image: proxy:9}\n      - {name: web, image: web:2}"),
	}, {
		name:    "items whose names repeat are matched by position",
		desired: replace(keepDesired, "env: [{name: MODE, value: git}]}", "volumeMounts: [{name: data, mountPath: /a}, {name: data, mountPath: /b}]}"),
		live: replace(keepLive, "{name: web, image: web:2}",
			"{name: web, image: web:2, volumeMounts: [{name: data, mountPath: /a}, {name: data, mountPath: /b, readOnly: true}]}"),
		rules: deploymentRule(v1alpha1.ResourceIgnoreDifferences{JSONPointers: []string{"/spec/template/spec/containers/0/volumeMounts/1/readOnly"}}),
		want: replace(keepDesired, "env: [{name: MODE, value: git}]}",
			"volumeMounts: [{name: data, mountPath: /a}, {name: data, mountPath: /b, readOnly: true}]}"),
	}, {
		name:    "managed fields: a map field",
		rules:   deploymentRule(v1alpha1.ResourceIgnoreDifferences{ManagedFieldsManagers: []string{"hpa"}}),
		managed: managedBy("hpa", `{"f:spec":{"f:replicas":{}}}`),
		want:    replace(keepDesired, "replicas: 2", "replicas: 7"),
	}, {
		name:    "managed fields: a field of a list item by key",
		rules:   deploymentRule(v1alpha1.ResourceIgnoreDifferences{ManagedFieldsManagers: []string{"image-updater"}}),
		managed: managedBy("image-updater", `{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{"f:image":{}}}}}}}`),
		want:    replace(keepDesired, "image: web:1", "image: web:2"),
	}, {
		name:    "managed fields: a list item the manager added, whole",
		rules:   deploymentRule(v1alpha1.ResourceIgnoreDifferences{ManagedFieldsManagers: []string{"injector"}}),
		managed: managedBy("injector", `{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"proxy\"}":{".":{},"f:name":{},"f:image":{},"f:args":{}}}}}}}`),
		want:    replace(keepDesired, "      tolerations:", "      - {name: proxy, image: proxy:9, args: [--port, \"15001\"]}\n      tolerations:"),
	}, {
		name:    "managed fields: a set item by value",
		rules:   deploymentRule(v1alpha1.ResourceIgnoreDifferences{ManagedFieldsManagers: []string{"guard"}}),
		managed: managedBy("guard", `{"f:metadata":{"f:finalizers":{".":{},"v:\"example.com/guard\"":{}}}}`),
		want:    replace(keepDesired, "note: git}", "note: git}, finalizers: [example.com/guard]"),
	}, {
		name:    "managed fields of other managers are not kept",
		rules:   deploymentRule(v1alpha1.ResourceIgnoreDifferences{ManagedFieldsManagers: []string{"kubectl"}}),
		managed: managedBy("hpa", `{"f:spec":{"f:replicas":{}}}`),
		want:    keepDesired,
	}, {
		name:  "status and server-set metadata are never copied",
		rules: deploymentRule(v1alpha1.ResourceIgnoreDifferences{JSONPointers: []string{"/status", "/metadata/resourceVersion", "/metadata/uid"}}),
		want:  keepDesired,
	}, {
		name: "rules for other objects do not apply",
		rules: []v1alpha1.ResourceIgnoreDifferences{
			{Group: "apps", Kind: "Deployment", Name: "other", JSONPointers: []string{"/spec/replicas"}},
			{Group: "apps", Kind: "StatefulSet", JSONPointers: []string{"/spec/replicas"}},
			{Group: "apps", Kind: "Deployment", Namespace: "elsewhere", JSONPointers: []string{"/spec/replicas"}},
		},
		want: keepDesired,
	}, {
		name:  "a jq expression that fails on an object selects nothing there",
		rules: deploymentRule(v1alpha1.ResourceIgnoreDifferences{JQPathExpressions: []string{".spec.template.spec.initContainers[].image"}}),
		want:  keepDesired,
	}, {
		name: "a jq expression that does not parse is an error; the other rules still apply",
		rules: deploymentRule(v1alpha1.ResourceIgnoreDifferences{JSONPointers: []string{"/spec/replicas"},
			JQPathExpressions: []string{".spec[["}}),
		want:    replace(keepDesired, "replicas: 2", "replicas: 7"),
		wantErr: true,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			desired, live := obj(t, or(tt.desired, keepDesired)), obj(t, or(tt.live, keepLive))
			before := desired.DeepCopy()
			got, err := KeepIgnored(desired, live, tt.rules, tt.managed)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want an error: %v", err, tt.wantErr)
			}
			if d := cmp.Diff(obj(t, tt.want).Object, got.Object); d != "" {
				t.Errorf("KeepIgnored (-want +got):\n%s", d)
			}
			if d := cmp.Diff(before.Object, desired.Object); d != "" {
				t.Errorf("KeepIgnored changed its argument:\n%s", d)
			}
		})
	}
}

func TestKeepIgnoredWithoutLive(t *testing.T) {
	desired := obj(t, keepDesired)
	got, err := KeepIgnored(desired, nil, deploymentRule(v1alpha1.ResourceIgnoreDifferences{JSONPointers: []string{"/spec/replicas"}}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(desired.Object, got.Object); d != "" {
		t.Errorf("a missing live object changed desired:\n%s", d)
	}
	if got == desired {
		t.Error("KeepIgnored returned its argument, not a copy")
	}
}

// replace replaces old with new in s once, and fails loudly when old is
// not there (a fixture that no longer says what the test means).
func replace(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic("fixture lacks " + old)
	}
	return strings.Replace(s, old, new, 1)
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
