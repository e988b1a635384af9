// Package trafficrouting is the contract between the Rollout controller and
// the traffic routers that split a canary's traffic: a small Reconciler
// interface, the Client it reads and writes routers' objects through, and
// the weight arithmetic every provider shares.
//
// # Providers
//
// One subpackage per router, each following Argo Rollouts' behaviour for
// the same Rollout fields:
//
//   - nginx: a generated canary Ingress per stable Ingress (Argo's
//     rollout/trafficrouting/nginx).
//   - istio: destination weights in VirtualService HTTP, TLS and TCP routes,
//     host-level or subset-level, with DestinationRule subsets (Argo's
//     rollout/trafficrouting/istio).
//   - gatewayapi: backendRef weights in HTTPRoutes and GRPCRoutes, as the
//     argoproj-labs/gatewayAPI plugin does.
//   - smi: a TrafficSplit owned by the Rollout (Argo's
//     rollout/trafficrouting/smi).
//
// # Writes
//
// Providers compute every object they will write before writing any, so an
// invalid configuration or a missing object fails the call without a
// half-applied weight. Objects are written with Update carrying the
// resourceVersion that was read, so a concurrent change makes the write
// fail with a conflict instead of overwriting it; the next reconcile
// computes again.
package trafficrouting
