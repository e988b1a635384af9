package trafficrouting_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting/nginx"
)

const nginxRollout = `
metadata: {name: checkout, namespace: shop, uid: ro-uid}
spec:
  selector: {matchLabels: {app: checkout}}
  template: {metadata: {labels: {app: checkout}}}
  strategy:
    canary:
      canaryService: checkout-canary
      stableService: checkout-stable
      trafficRouting:
        nginx:
          stableIngress: checkout
          additionalIngressAnnotations: {canary-by-header: X-Canary}
          canaryIngressAnnotations: {example.com/team: payments}
`

const stableIngress = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: checkout
  namespace: shop
  annotations: {kubernetes.io/ingress.class: nginx, nginx.ingress.kubernetes.io/rewrite-target: /}
spec:
  ingressClassName: nginx
  tls: [{hosts: [shop.example.com], secretName: shop-tls}]
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: checkout-stable, port: {number: 80}}}}
  - host: admin.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: admin, port: {number: 80}}}}
`

func canaryIngressYAML(weight string) string {
	return fmt.Sprintf(`
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: checkout-checkout-canary
  namespace: shop
  annotations:
    kubernetes.io/ingress.class: nginx
    nginx.ingress.kubernetes.io/canary: "true"
    nginx.ingress.kubernetes.io/canary-weight: "%s"
    nginx.ingress.kubernetes.io/canary-by-header: X-Canary
    example.com/team: payments
  ownerReferences:
  - {apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: checkout, uid: ro-uid, controller: true, blockOwnerDeletion: true}
spec:
  ingressClassName: nginx
  tls: [{hosts: [shop.example.com], secretName: shop-tls}]
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: checkout-canary, port: {number: 80}}}}
`, weight)
}

func TestNginxSetWeight(t *testing.T) {
	for _, w := range []int32{0, 20, 100} {
		t.Run(fmt.Sprintf("weight %d", w), func(t *testing.T) {
			c := trafficrouting.NewMemClient()
			c.Load(t, nginx.IngressGVR, stableIngress)
			r, err := nginx.New(nginx.Config{Rollout: newRollout(t, nginxRollout), Client: c})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if err := r.SetWeight(ctx, w); err != nil {
				t.Fatal(err)
			}
			assertObject(t, c.Object(nginx.IngressGVR, "shop", "checkout-checkout-canary"), canaryIngressYAML(fmt.Sprint(w)))
			if ok, err := r.VerifyWeight(ctx, w); err != nil || !ok {
				t.Errorf("VerifyWeight(%d) = %v, %v; want true", w, ok, err)
			}
			if ok, _ := r.VerifyWeight(ctx, w+1); ok {
				t.Errorf("VerifyWeight(%d) = true after SetWeight(%d)", w+1, w)
			}
		})
	}
}

func TestNginxUpdateKeepsOthersAnnotations(t *testing.T) {
	c := trafficrouting.NewMemClient()
	c.Load(t, nginx.IngressGVR, stableIngress)
	r, err := nginx.New(nginx.Config{Rollout: newRollout(t, nginxRollout), Client: c})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := r.SetWeight(ctx, 20); err != nil {
		t.Fatal(err)
	}
	obj, _ := c.Get(ctx, nginx.IngressGVR, "shop", "checkout-checkout-canary")
	ann := obj.GetAnnotations()
	ann["field.cattle.io/publicEndpoints"] = "[]"
	obj.SetAnnotations(ann)
	if _, err := c.Update(ctx, nginx.IngressGVR, obj); err != nil {
		t.Fatal(err)
	}
	if err := r.SetWeight(ctx, 50); err != nil {
		t.Fatal(err)
	}
	got := c.Object(nginx.IngressGVR, "shop", "checkout-checkout-canary")
	want := trafficrouting.DecodeYAML(t, canaryIngressYAML("50"))
	want["metadata"].(map[string]any)["annotations"].(map[string]any)["field.cattle.io/publicEndpoints"] = "[]"
	assertObject(t, got, mustYAML(t, want))
}

func TestNginxHeaderRouteNotSupported(t *testing.T) {
	r, err := nginx.New(nginx.Config{Rollout: newRollout(t, nginxRollout), Client: trafficrouting.NewMemClient()})
	if err != nil {
		t.Fatal(err)
	}
	err = r.SetHeaderRoute(context.Background(), nil)
	if !errors.Is(err, trafficrouting.ErrNotSupported) {
		t.Fatalf("SetHeaderRoute: %v; want ErrNotSupported", err)
	}
}

func TestNginxErrors(t *testing.T) {
	foreign := strings.Replace(canaryIngressYAML("10"), "uid: ro-uid", "uid: other", 1)
	tests := []struct {
		name    string
		rollout string
		objects []string
		weight  int32
		want    string
	}{
		{"stable ingress missing", nginxRollout, nil, 20, `stable ingress "checkout"`},
		{"no rule to the stable service", strings.Replace(nginxRollout, "stableService: checkout-stable", "stableService: other", 1),
			[]string{stableIngress}, 20, `ingress "checkout": no rule has stable service "other"`},
		{"canary owned by someone else", nginxRollout, []string{stableIngress, foreign}, 20, "controlled by another object"},
		{"weight above 100", nginxRollout, []string{stableIngress}, 101, "not between 0 and 100"},
		{"second stable ingress missing", strings.Replace(nginxRollout, "stableIngress: checkout", "stableIngresses: [checkout, internal]", 1),
			[]string{stableIngress}, 20, `stable ingress "internal"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := trafficrouting.NewMemClient()
			for _, o := range tt.objects {
				c.Load(t, nginx.IngressGVR, o)
			}
			r, err := nginx.New(nginx.Config{Rollout: newRollout(t, tt.rollout), Client: c})
			if err != nil {
				t.Fatal(err)
			}
			err = r.SetWeight(context.Background(), tt.weight)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("SetWeight: %v; want an error with %q", err, tt.want)
			}
			if c.Writes != 0 {
				t.Errorf("%d writes after a failure; want none", c.Writes)
			}
		})
	}
}

func TestCanaryIngressNameFits(t *testing.T) {
	name := nginx.CanaryIngressName(strings.Repeat("r", 200), strings.Repeat("i", 100))
	if len(name) != 253 || !strings.HasSuffix(name, "-canary") {
		t.Errorf("name %q (%d characters)", name, len(name))
	}
}
