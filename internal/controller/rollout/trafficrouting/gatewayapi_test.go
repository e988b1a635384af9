package trafficrouting_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting/gatewayapi"
)

const gatewayRollout = `
metadata: {name: checkout, namespace: shop, uid: ro-uid}
spec:
  selector: {matchLabels: {app: checkout}}
  template: {metadata: {labels: {app: checkout}}}
  strategy:
    canary:
      canaryService: checkout-canary
      stableService: checkout-stable
      trafficRouting:
        managedRoutes: [{name: beta-testers}]
        plugins:
          argoproj-labs/gatewayAPI: {httpRoute: checkout, namespace: edge}
`

const httpRoute = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: checkout, namespace: edge}
spec:
  parentRefs: [{name: public}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /checkout}}]
    filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-Env, value: prod}]}}]
    backendRefs:
    - {name: checkout-stable, port: 80}
    - {name: checkout-canary, port: 80, weight: 0}
  - matches: [{path: {type: PathPrefix, value: /admin}}]
    backendRefs: [{name: admin, port: 80}]
`

func httpRouteYAML(labels string, canary, stable int) string {
	return fmt.Sprintf(`
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: checkout, namespace: edge%s}
spec:
  parentRefs: [{name: public}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /checkout}}]
    filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-Env, value: prod}]}}]
    backendRefs:
    - {name: checkout-stable, port: 80, weight: %d}
    - {name: checkout-canary, port: 80, weight: %d}
  - matches: [{path: {type: PathPrefix, value: /admin}}]
    backendRefs: [{name: admin, port: 80}]
`, labels, stable, canary)
}

const inProgress = ", labels: {rollouts.argoproj.io/gatewayapi-canary: in-progress}"

func TestGatewayAPISetWeight(t *testing.T) {
	tests := []struct {
		weight int32
		want   string
	}{
		{0, httpRouteYAML("", 0, 100)},
		{20, httpRouteYAML(inProgress, 20, 80)},
		{100, httpRouteYAML(inProgress, 100, 0)},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("weight %d", tt.weight), func(t *testing.T) {
			c := trafficrouting.NewMemClient()
			c.Load(t, gatewayapi.HTTPRouteGVR, httpRoute)
			r, err := gatewayapi.New(gatewayapi.Options{Rollout: newRollout(t, gatewayRollout), Client: c})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			// From 30 to the weight: the label goes away again at 0.
			for _, w := range []int32{30, tt.weight} {
				if err := r.SetWeight(ctx, w); err != nil {
					t.Fatal(err)
				}
			}
			assertObject(t, c.Object(gatewayapi.HTTPRouteGVR, "edge", "checkout"), tt.want)
			if ok, err := r.VerifyWeight(ctx, tt.weight); err != nil || !ok {
				t.Errorf("VerifyWeight = %v, %v; want true", ok, err)
			}
			if ok, _ := r.VerifyWeight(ctx, 50); ok {
				t.Error("VerifyWeight(50) = true")
			}
		})
	}
}

func TestGatewayAPIHeaderRoute(t *testing.T) {
	c := trafficrouting.NewMemClient()
	c.Load(t, gatewayapi.HTTPRouteGVR, httpRoute)
	r, err := gatewayapi.New(gatewayapi.Options{Rollout: newRollout(t, gatewayRollout), Client: c})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := r.SetWeight(ctx, 20); err != nil {
		t.Fatal(err)
	}
	step := &v1alpha1.SetHeaderRoute{Name: "beta-testers", Match: []v1alpha1.HeaderRoutingMatch{
		{HeaderName: "X-Beta", HeaderValue: &v1alpha1.StringMatch{Exact: "yes"}},
		{HeaderName: "X-Region", HeaderValue: &v1alpha1.StringMatch{Prefix: "eu-"}},
	}}
	// Twice: the second replaces the first's rule.
	for range 2 {
		if err := r.SetHeaderRoute(ctx, step); err != nil {
			t.Fatal(err)
		}
	}
	want := httpRouteYAML(inProgress, 20, 80) + `
  - name: beta-testers
    matches:
    - path: {type: PathPrefix, value: /checkout}
      headers:
      - {name: X-Beta, type: Exact, value: "yes"}
      - {name: X-Region, type: RegularExpression, value: eu-.*}
    filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-Env, value: prod}]}}]
    backendRefs: [{group: "", kind: Service, name: checkout-canary, port: 80}]
`
	assertObject(t, c.Object(gatewayapi.HTTPRouteGVR, "edge", "checkout"), want)

	// The weight goes to the rule it went to, not to the header rule.
	if err := r.SetWeight(ctx, 40); err != nil {
		t.Fatal(err)
	}
	if ok, err := r.VerifyWeight(ctx, 40); err != nil || !ok {
		t.Errorf("VerifyWeight(40) = %v, %v; want true", ok, err)
	}
	if err := r.RemoveManagedRoutes(ctx); err != nil {
		t.Fatal(err)
	}
	assertObject(t, c.Object(gatewayapi.HTTPRouteGVR, "edge", "checkout"), httpRouteYAML(inProgress, 40, 60))
}

func TestGatewayAPIErrors(t *testing.T) {
	two := strings.Replace(gatewayRollout, "{httpRoute: checkout, namespace: edge}",
		"{namespace: edge, httpRoutes: [{name: checkout}, {name: checkout-internal}]}", 1)
	tests := []struct {
		name    string
		rollout string
		step    func(r *gatewayapi.Reconciler) error
		want    string
	}{
		{"a route missing", two, func(r *gatewayapi.Reconciler) error { return r.SetWeight(context.Background(), 20) },
			`httproute "checkout-internal"`},
		{"no backendRef to the canary", strings.Replace(gatewayRollout, "canaryService: checkout-canary", "canaryService: other", 1),
			func(r *gatewayapi.Reconciler) error { return r.SetWeight(context.Background(), 20) },
			`httproute "checkout": no rule has backendRefs to both canary service "other"`},
		{"header route not managed", gatewayRollout, func(r *gatewayapi.Reconciler) error {
			return r.SetHeaderRoute(context.Background(), &v1alpha1.SetHeaderRoute{Name: "other"})
		}, `route "other": not listed in trafficRouting.managedRoutes`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := trafficrouting.NewMemClient()
			c.Load(t, gatewayapi.HTTPRouteGVR, httpRoute)
			r, err := gatewayapi.New(gatewayapi.Options{Rollout: newRollout(t, tt.rollout), Client: c})
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.step(r); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v; want an error with %q", err, tt.want)
			}
			if c.Writes != 0 {
				t.Errorf("%d writes after a failure; want none", c.Writes)
			}
		})
	}
}

func TestGatewayAPIGRPCRoute(t *testing.T) {
	c := trafficrouting.NewMemClient()
	c.Load(t, gatewayapi.GRPCRouteGVR, `
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: payments, namespace: shop}
spec:
  rules:
  - backendRefs: [{name: checkout-stable, port: 9090}, {name: checkout-canary, port: 9090}]
`)
	ro := newRollout(t, strings.Replace(gatewayRollout, "{httpRoute: checkout, namespace: edge}",
		"{grpcRoute: payments, disableInProgressLabel: true}", 1))
	r, err := gatewayapi.New(gatewayapi.Options{Rollout: ro, Client: c})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.SetWeight(context.Background(), 20); err != nil {
		t.Fatal(err)
	}
	assertObject(t, c.Object(gatewayapi.GRPCRouteGVR, "shop", "payments"), `
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: payments, namespace: shop}
spec:
  rules:
  - backendRefs: [{name: checkout-stable, port: 9090, weight: 80}, {name: checkout-canary, port: 9090, weight: 20}]
`)
}
