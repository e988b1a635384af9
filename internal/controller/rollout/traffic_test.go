package rollout_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// routedRollout is a traffic-routed canary; ROUTING is replaced by the
// router's configuration.
const routedRollout = `
apiVersion: v1
kind: Service
metadata: {name: shop-stable}
spec: {selector: {app: shop}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: shop-canary}
spec: {selector: {app: shop}, ports: [{port: 80}]}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: shop}
spec:
  replicas: 4
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers: [{name: app, image: "example.com/shop:v1"}]
  strategy:
    canary:
      stableService: shop-stable
      canaryService: shop-canary
      abortScaleDownDelaySeconds: 2
      trafficRouting:
        ROUTING
      steps:
      - setWeight: 20
      - pause: {}
      - setWeight: 60
      - pause: {}
`

// crd installs a CustomResourceDefinition that accepts any fields.
func crd(t *testing.T, group, version, kind, plural string) {
	t.Helper()
	env.Require(t)
	doc := fmt.Sprintf(`
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: %[4]s.%[1]s
  annotations: {api-approved.kubernetes.io: "https://github.com/kubernetes-sigs/gateway-api/pull/2466"}
spec:
  group: %[1]s
  scope: Namespaced
  names: {kind: %[3]s, plural: %[4]s, singular: %[5]s, listKind: %[3]sList}
  versions:
  - name: %[2]s
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`, group, version, kind, plural, strings.ToLower(kind))
	kubectl(t, "default", doc, "apply", "-f", "-")
	eventually(t, "CRD "+plural+" served", func() (bool, error) {
		_, err := env.Dynamic.Resource(schema.GroupVersionResource{Group: group, Version: version, Resource: plural}).
			Namespace("default").List(context.Background(), metav1.ListOptions{})
		return err == nil, nil
	})
}

// object reads an object with the dynamic client.
func object(t *testing.T, gvr schema.GroupVersionResource, ns, name string) *unstructured.Unstructured {
	t.Helper()
	u, err := env.Dynamic.Resource(gvr).Namespace(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		if notFound(err) {
			return nil
		}
		t.Fatal(err)
	}
	return u
}

// routedSteps walks a traffic-routed canary through its two setWeight
// steps, calling weightIs after each with the weight the router's object
// must carry, then aborts it: weight 0 at once, the canary scaled down
// after abortScaleDownDelaySeconds, the stable at full size throughout.
func routedSteps(t *testing.T, ns string, weightIs func(canary int64) bool) {
	t.Helper()
	v1 := waitFor(t, ns, "shop", "first revision healthy", healthy)
	eventually(t, "router at weight 0 on the first revision", func() (bool, error) { return weightIs(0), nil })
	setImage(t, ns, "shop", "example.com/shop:v2")
	ro := waitFor(t, ns, "shop", "paused at step 1", pausedAt(1))
	eventually(t, "router at weight 20", func() (bool, error) { return weightIs(20), nil })
	if w := ro.Status.Canary.Weights; w == nil || w.Canary.Weight != 20 || w.Stable.Weight != 80 ||
		w.Canary.PodTemplateHash != ro.Status.CurrentPodHash || w.Stable.PodTemplateHash != v1.Status.StableRS {
		t.Errorf("status.canary.weights = %+v, want 20/80 on the new and stable hashes", w)
	}
	stable, canary := counts(t, ns, ro)
	if stable != 4 || canary != 1 {
		t.Errorf("stable %d canary %d pods at 20%%, want 4 and 1", stable, canary)
	}
	kubectl(t, ns, "", "patch", "rollout", "shop", "--subresource", "status", "--type", "merge", "-p", `{"status":{"pauseConditions":null}}`)
	waitFor(t, ns, "shop", "paused at step 3", pausedAt(3))
	eventually(t, "router at weight 60", func() (bool, error) { return weightIs(60), nil })
	eventually(t, "3 canary pods at 60%", func() (bool, error) {
		stable, canary := counts(t, ns, ro)
		return stable == 4 && canary == 3, nil
	})

	kubectl(t, ns, "", "patch", "rollout", "shop", "--subresource", "status", "--type", "merge", "-p", `{"status":{"abort":true}}`)
	aborted := waitFor(t, ns, "shop", "aborted", func(ro *v1alpha1.Rollout) bool {
		return ro.Status.Abort && ro.Status.Phase == v1alpha1.RolloutPhaseDegraded
	})
	if !weightIs(0) {
		eventually(t, "router back at weight 0", func() (bool, error) { return weightIs(0), nil })
	}
	if w := aborted.Status.Canary.Weights; w == nil || w.Canary.Weight != 0 {
		t.Errorf("status.canary.weights after abort = %+v, want canary 0", w)
	}
	eventually(t, "canary scaled down after the abort delay", func() (bool, error) {
		stable, canary := counts(t, ns, ro)
		if stable != 4 {
			return false, fmt.Errorf("stable at %d pods during the abort, want 4", stable)
		}
		return canary == 0, nil
	})
}

// Given an NGINX-routed canary, Then the generated canary Ingress carries
// each step's weight, and 0 at once on abort.
func TestNginxCanaryWeights(t *testing.T) {
	ns := namespace(t)
	ingress := `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: shop-stable, port: {number: 80}}}}
`
	apply(t, ns, ingress+"\n---\n"+strings.Replace(routedRollout, "ROUTING", "nginx: {stableIngress: shop}", 1))
	gvr := schema.GroupVersionResource{Group: "networking.k8s.io", Version: "v1", Resource: "ingresses"}
	routedSteps(t, ns, func(w int64) bool {
		u := object(t, gvr, ns, "shop-shop-canary")
		if u == nil {
			return false
		}
		a := u.GetAnnotations()
		return a["nginx.ingress.kubernetes.io/canary"] == "true" && a["nginx.ingress.kubernetes.io/canary-weight"] == fmt.Sprint(w)
	})
}

// Given a Gateway API HTTPRoute canary, Then the route's backend weights
// follow the steps.
func TestGatewayAPICanaryWeights(t *testing.T) {
	crd(t, "gateway.networking.k8s.io", "v1", "HTTPRoute", "httproutes")
	ns := namespace(t)
	route := `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop}
spec:
  parentRefs: [{name: public}]
  rules:
  - backendRefs:
    - {name: shop-stable, port: 80}
    - {name: shop-canary, port: 80, weight: 0}
`
	routing := fmt.Sprintf("plugins: {argoproj-labs/gatewayAPI: {httpRoute: shop, namespace: %s}}", ns)
	apply(t, ns, route+"\n---\n"+strings.Replace(routedRollout, "ROUTING", routing, 1))
	gvr := schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1", Resource: "httproutes"}
	routedSteps(t, ns, func(w int64) bool {
		u := object(t, gvr, ns, "shop")
		rules, _, _ := unstructured.NestedSlice(u.Object, "spec", "rules")
		if len(rules) == 0 {
			return false
		}
		refs, _, _ := unstructured.NestedSlice(rules[0].(map[string]any), "backendRefs")
		got := map[string]int64{}
		for _, r := range refs {
			m := r.(map[string]any)
			weight, _, _ := unstructured.NestedInt64(m, "weight")
			got[m["name"].(string)] = weight
		}
		return got["shop-canary"] == w && got["shop-stable"] == 100-w
	})
}

// Given an Istio VirtualService canary (the platform's router), Then the
// route's destination weights follow the steps.
func TestIstioCanaryWeights(t *testing.T) {
	crd(t, "networking.istio.io", "v1alpha3", "VirtualService", "virtualservices")
	ns := namespace(t)
	vs := `
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: shop}
spec:
  hosts: [shop]
  http:
  - name: primary
    route:
    - {destination: {host: shop-stable}, weight: 100}
    - {destination: {host: shop-canary}, weight: 0}
`
	apply(t, ns, vs+"\n---\n"+strings.Replace(routedRollout, "ROUTING", "istio: {virtualService: {name: shop, routes: [primary]}}", 1))
	gvr := schema.GroupVersionResource{Group: "networking.istio.io", Version: "v1alpha3", Resource: "virtualservices"}
	routedSteps(t, ns, func(w int64) bool {
		u := object(t, gvr, ns, "shop")
		routes, _, _ := unstructured.NestedSlice(u.Object, "spec", "http")
		if len(routes) == 0 {
			return false
		}
		dests, _, _ := unstructured.NestedSlice(routes[0].(map[string]any), "route")
		got := map[string]int64{}
		for _, d := range dests {
			m := d.(map[string]any)
			host, _, _ := unstructured.NestedString(m, "destination", "host")
			weight, _, _ := unstructured.NestedInt64(m, "weight")
			got[host] = weight
		}
		return got["shop-canary"] == w && got["shop-stable"] == 100-w
	})
}
