package application

import (
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

func TestExternalURLs(t *testing.T) {
	tests := []struct {
		name     string
		manifest string
		want     []string
	}{
		{name: "a rule per path, the path kept (argocd-example-apps' sock-shop)", manifest: `
apiVersion: networking.k8s.io/v1
kind: Ingress
spec:
  rules:
  - host: sockshop.example.com
    http:
      paths:
      - {path: /, pathType: ImplementationSpecific}
      - {path: /api/*, pathType: ImplementationSpecific}
  - host: no-paths.example.com`,
			want: []string{"http://sockshop.example.com/", "http://sockshop.example.com/api/"}},
		{name: "TLS with a secret is https; no host takes the load balancer's", manifest: `
apiVersion: networking.k8s.io/v1
kind: Ingress
spec:
  tls: [{secretName: shop-tls}]
  rules:
  - http: {paths: [{path: /shop}]}
status: {loadBalancer: {ingress: [{ip: 10.0.0.7}]}}`,
			want: []string{"https://10.0.0.7/shop"}},
		{name: "no host and no address: no URL", manifest: `
apiVersion: networking.k8s.io/v1
kind: Ingress
spec: {rules: [{http: {paths: [{path: /}]}}]}`},
		{name: "link annotations on any kind; ignore-default-links", manifest: `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  annotations:
    argocd.argoproj.io/ignore-default-links: "true"
    link.argocd.argoproj.io/dashboard: Dashboard|https://grafana.example.com/d/shop
    link.argocd.argoproj.io/bad: javascript:alert(1)
spec: {rules: [{host: shop.example.com, http: {paths: [{path: /}]}}]}`,
			want: []string{"Dashboard|https://grafana.example.com/d/shop"}},
		{name: "a Service has only its links", manifest: `
apiVersion: v1
kind: Service
metadata: {annotations: {link.argocd.argoproj.io/docs: "https://docs.example.com"}}
spec: {type: LoadBalancer}
status: {loadBalancer: {ingress: [{ip: 10.0.0.8}]}}`,
			want: []string{"https://docs.example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := &unstructured.Unstructured{}
			if err := yaml.Unmarshal([]byte(tt.manifest), &o.Object); err != nil {
				t.Fatal(err)
			}
			got := externalURLs(o)
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("externalURLs = %q, want %q", got, tt.want)
			}
		})
	}
}
