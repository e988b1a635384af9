// Package replicas is the pure ReplicaSet logic of a Rollout: how many
// pods each revision runs, which ReplicaSet belongs to the current pod
// template, and the revision numbers written on them. Nothing here reads
// or writes the cluster; the Rollout controller feeds it the Rollout and
// the ReplicaSets it owns and applies the answers.
//
// Every rule follows Argo Rollouts (utils/replicaset, rollout/replicaset.go,
// utils/annotations), so a Rollout that Argo Rollouts ran is continued
// where it stands: the same counts, the same ReplicaSets adopted, the same
// revision numbers.
//
// # Counts
//
// [CanaryCounts] sizes the stable and canary ReplicaSets of a basic canary
// (the weight approximated by replica counts within maxSurge and
// maxUnavailable), [TrafficRoutedCounts] those of a traffic-routed canary
// (the canary sized to its weight or setCanaryScale, the stable kept full
// unless dynamicStableScale), [OtherScaleDown] the older ReplicaSets of a
// basic canary, and [BlueGreenCounts] the stable and preview ReplicaSets
// of a blue-green Rollout.
//
// # Finding and adopting
//
// [FindNew] finds the ReplicaSet of the current template by the
// rollouts-pod-template-hash label (Rollouts 1.9's hash, then 1.8's), then
// by an equal template, and says which rule matched. [FindOld], [Stable],
// [ByHash], [Others] and [ActiveReplicaSets] sort the rest.
//
// # Revisions
//
// [Revision], [MaxRevision], [NextRevision] and [SetRevision] read and
// write the rollout.argoproj.io/revision annotation as Argo Rollouts does.
package replicas
