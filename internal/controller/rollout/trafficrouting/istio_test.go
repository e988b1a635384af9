package trafficrouting_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting/istio"
)

const istioHostRollout = `
metadata: {name: checkout, namespace: shop, uid: ro-uid}
spec:
  selector: {matchLabels: {app: checkout}}
  template: {metadata: {labels: {app: checkout}}}
  strategy:
    canary:
      canaryService: checkout-canary
      stableService: checkout-stable
      trafficRouting:
        istio:
          virtualService:
            name: checkout
            routes: [primary]
            tlsRoutes: [{port: 443, sniHosts: [shop.example.com]}]
`

const hostVirtualService = `
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: checkout, namespace: shop}
spec:
  hosts: [shop.example.com]
  http:
  - name: static
    route: [{destination: {host: static}}]
  - name: primary
    retries: {attempts: 3}
    route:
    - {destination: {host: checkout-stable.shop.svc.cluster.local, port: {number: 80}}, weight: 100}
    - {destination: {host: checkout-canary.shop.svc.cluster.local, port: {number: 80}}, weight: 0}
  tls:
  - match: [{port: 443, sniHosts: [shop.example.com]}]
    route:
    - {destination: {host: checkout-stable}, weight: 100}
    - {destination: {host: checkout-canary}}
`

func hostVirtualServiceYAML(canary, stable int) string {
	return fmt.Sprintf(`
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: checkout, namespace: shop}
spec:
  hosts: [shop.example.com]
  http:
  - name: static
    route: [{destination: {host: static}}]
  - name: primary
    retries: {attempts: 3}
    route:
    - {destination: {host: checkout-stable.shop.svc.cluster.local, port: {number: 80}}, weight: %[2]d}
    - {destination: {host: checkout-canary.shop.svc.cluster.local, port: {number: 80}}, weight: %[1]d}
  tls:
  - match: [{port: 443, sniHosts: [shop.example.com]}]
    route:
    - {destination: {host: checkout-stable}, weight: %[2]d}
    - {destination: {host: checkout-canary}, weight: %[1]d}
`, canary, stable)
}

func newIstio(t *testing.T, rollout string, objects ...string) (*istio.Reconciler, *trafficrouting.MemClient) {
	t.Helper()
	c := trafficrouting.NewMemClient()
	r, err := istio.New(istio.Config{Rollout: newRollout(t, rollout), Client: c})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objects {
		gvr := r.VirtualServiceGVR()
		if strings.Contains(o, "kind: DestinationRule") {
			gvr = r.DestinationRuleGVR()
		}
		c.Load(t, gvr, o)
	}
	return r, c
}

func TestIstioHostLevelSetWeight(t *testing.T) {
	for _, w := range []int32{0, 20, 100} {
		t.Run(fmt.Sprintf("weight %d", w), func(t *testing.T) {
			r, c := newIstio(t, istioHostRollout, hostVirtualService)
			ctx := context.Background()
			if err := r.SetWeight(ctx, w); err != nil {
				t.Fatal(err)
			}
			assertObject(t, c.Object(r.VirtualServiceGVR(), "shop", "checkout"), hostVirtualServiceYAML(int(w), 100-int(w)))
			if ok, err := r.VerifyWeight(ctx, w); err != nil || !ok {
				t.Errorf("VerifyWeight = %v, %v; want true", ok, err)
			}
			if ok, _ := r.VerifyWeight(ctx, 50); ok {
				t.Error("VerifyWeight(50) = true")
			}
		})
	}
}

func TestIstioExperimentDestination(t *testing.T) {
	r, c := newIstio(t, istioHostRollout, hostVirtualService)
	exp := trafficrouting.WeightDestination{ServiceName: "checkout-exp", Weight: 10}
	if err := r.SetWeight(context.Background(), 20, exp); err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(hostVirtualServiceYAML(20, 70),
		"    - {destination: {host: checkout-canary.shop.svc.cluster.local, port: {number: 80}}, weight: 20}\n",
		"    - {destination: {host: checkout-canary.shop.svc.cluster.local, port: {number: 80}}, weight: 20}\n    - {destination: {host: checkout-exp}, weight: 10}\n", 1)
	want = strings.Replace(want, "    - {destination: {host: checkout-canary}, weight: 20}\n",
		"    - {destination: {host: checkout-canary}, weight: 20}\n    - {destination: {host: checkout-exp}, weight: 10}\n", 1)
	assertObject(t, c.Object(r.VirtualServiceGVR(), "shop", "checkout"), want)
}

func TestIstioErrors(t *testing.T) {
	two := strings.Replace(istioHostRollout, "virtualService:\n            name: checkout",
		"virtualServices:\n          - name: checkout", 1)
	two = strings.Replace(two, "            routes: [primary]\n            tlsRoutes: [{port: 443, sniHosts: [shop.example.com]}]",
		"            routes: [primary]\n          - {name: checkout-internal.mesh, routes: [primary]}", 1)
	tests := []struct {
		name    string
		rollout string
		weight  int32
		want    string
	}{
		{"route not found", strings.Replace(istioHostRollout, "routes: [primary]", "routes: [main]", 1), 20,
			`virtualservice "checkout": http route "main" not found`},
		{"tls route not found", strings.Replace(istioHostRollout, "port: 443", "port: 8443", 1), 20,
			`virtualservice "checkout": tls route with port 8443`},
		{"stable service not in the route", strings.Replace(istioHostRollout, "stableService: checkout-stable", "stableService: other", 1), 20,
			`http route "primary": stable service "other" not found`},
		{"second virtual service missing", two, 20, `virtualservice "checkout-internal.mesh"`},
		{"weight above 100", istioHostRollout, 120, "not between 0 and 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, c := newIstio(t, tt.rollout, hostVirtualService)
			err := r.SetWeight(context.Background(), tt.weight)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("SetWeight: %v; want an error with %q", err, tt.want)
			}
			if c.Writes != 0 {
				t.Errorf("%d writes after a failure; want none", c.Writes)
			}
		})
	}
}

const istioSubsetRollout = `
metadata: {name: checkout, namespace: shop, uid: ro-uid}
spec:
  selector: {matchLabels: {app: checkout}}
  template: {metadata: {labels: {app: checkout}}}
  strategy:
    canary:
      trafficRouting:
        managedRoutes: [{name: mirror-posts}, {name: beta-testers}]
        istio:
          virtualService: {name: checkout}
          destinationRule: {name: checkout, canarySubsetName: canary, stableSubsetName: stable}
`

const subsetVirtualService = `
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: checkout, namespace: shop}
spec:
  hosts: [checkout]
  http:
  - route:
    - {destination: {host: checkout, subset: stable, port: {number: 8080}}, weight: 100}
    - {destination: {host: checkout, subset: canary, port: {number: 8080}}, weight: 0}
`

const destinationRule = `
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata: {name: checkout, namespace: shop}
spec:
  host: checkout.shop.svc.cluster.local
  subsets:
  - {name: canary, labels: {app: checkout}}
  - {name: stable, labels: {app: checkout}}
  - {name: legacy, labels: {version: v1}}
`

func TestIstioSubsetLevel(t *testing.T) {
	r, c := newIstio(t, istioSubsetRollout, subsetVirtualService, destinationRule)
	ctx := context.Background()
	if err := r.UpdateHash(ctx, "6b9c7f4d5", "5cd66ff7ff"); err != nil {
		t.Fatal(err)
	}
	assertObject(t, c.Object(r.DestinationRuleGVR(), "shop", "checkout"), `
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata:
  name: checkout
  namespace: shop
  annotations: {argo-rollouts.argoproj.io/managed-by-rollouts: checkout}
spec:
  host: checkout.shop.svc.cluster.local
  subsets:
  - {name: canary, labels: {app: checkout, rollouts-pod-template-hash: 6b9c7f4d5}}
  - {name: stable, labels: {app: checkout, rollouts-pod-template-hash: 5cd66ff7ff}}
  - {name: legacy, labels: {version: v1}}
`)
	if err := r.SetWeight(ctx, 20); err != nil {
		t.Fatal(err)
	}
	header := &v1alpha1.SetHeaderRoute{Name: "beta-testers", Match: []v1alpha1.HeaderRoutingMatch{
		{HeaderName: "X-Beta", HeaderValue: &v1alpha1.StringMatch{Exact: "yes"}},
	}}
	if err := r.SetHeaderRoute(ctx, header); err != nil {
		t.Fatal(err)
	}
	pct := int32(25)
	mirror := &v1alpha1.SetMirrorRoute{Name: "mirror-posts", Percentage: &pct, Match: []v1alpha1.RouteMatch{
		{Method: &v1alpha1.StringMatch{Exact: "POST"}, Path: &v1alpha1.StringMatch{Prefix: "/orders"}},
	}}
	if err := r.SetMirrorRoute(ctx, mirror); err != nil {
		t.Fatal(err)
	}
	// The mirror route carries the weighted destinations, so it follows SetWeight.
	if err := r.SetWeight(ctx, 30); err != nil {
		t.Fatal(err)
	}
	assertObject(t, c.Object(r.VirtualServiceGVR(), "shop", "checkout"), `
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: checkout, namespace: shop}
spec:
  hosts: [checkout]
  http:
  - name: mirror-posts
    match: [{method: {exact: POST}, uri: {prefix: /orders}}]
    route:
    - {destination: {host: checkout, subset: stable, port: {number: 8080}}, weight: 70}
    - {destination: {host: checkout, subset: canary, port: {number: 8080}}, weight: 30}
    mirror: {host: checkout.shop.svc.cluster.local, subset: canary, port: {number: 8080}}
    mirrorPercentage: {value: 25}
  - name: beta-testers
    match: [{headers: {X-Beta: {exact: "yes"}}}]
    route: [{destination: {host: checkout.shop.svc.cluster.local, subset: canary, port: {number: 8080}}, weight: 100}]
  - route:
    - {destination: {host: checkout, subset: stable, port: {number: 8080}}, weight: 70}
    - {destination: {host: checkout, subset: canary, port: {number: 8080}}, weight: 30}
`)
	if err := r.RemoveManagedRoutes(ctx); err != nil {
		t.Fatal(err)
	}
	assertObject(t, c.Object(r.VirtualServiceGVR(), "shop", "checkout"), `
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: checkout, namespace: shop}
spec:
  hosts: [checkout]
  http:
  - route:
    - {destination: {host: checkout, subset: stable, port: {number: 8080}}, weight: 70}
    - {destination: {host: checkout, subset: canary, port: {number: 8080}}, weight: 30}
`)
}
