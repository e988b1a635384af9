// Package rollout is the Rollout controller: it runs Argo Rollouts' canary
// and blue-green updates on the ReplicaSets it owns, as Argo Rollouts'
// rollout controller does, and writes status the way Argo does, so the
// kubectl plugin, Argo CD's resource actions and health checks keep working.
//
// One reconcile is one pass over a Rollout (reconciler.go): its ReplicaSets
// are listed and adopted (replicasets.go), the ReplicaSet of the current pod
// template is found by the hash it was created with (see package
// internal/controller/rollout/replicas and internal/rollout/hash) or created,
// and the strategy runs: canary.go with steps.go, services.go, traffic.go and
// analysis.go, or bluegreen.go. The pause and abort decisions of a pass are
// collected in a pauseState (pause.go) and written, with the conditions and
// phase Argo computes, by status.go in one status write.
//
// The arithmetic (how many pods each ReplicaSet runs) lives in package
// replicas, the routers in package trafficrouting; this package only decides
// and writes.
package rollout
