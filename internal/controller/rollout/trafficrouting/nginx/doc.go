// Package nginx splits a canary's traffic with ingress-nginx canary
// Ingresses, as Argo Rollouts' nginx traffic router does: for each stable
// Ingress the Rollout names, a generated Ingress
// `<rollout>-<stable ingress>-canary` copies the rules that reach the
// stable Service, points them at the canary Service and carries the
// `canary: "true"` and `canary-weight` annotations. Header and cookie
// canaries are configured with additionalIngressAnnotations
// (canary-by-header, canary-by-header-value, canary-by-cookie), which
// ingress-nginx applies before the weight.
package nginx
