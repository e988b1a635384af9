// Package sync is the sync engine: it plans and runs sync operations as
// Argo CD does, and owns their whole life, so that every controller that
// syncs (Applications today; ApplicationSet progressive syncs and Rollouts
// next) calls one API.
//
// # Plan
//
// NewPlan orders the desired objects of an operation into groups: the
// destination namespace (CreateNamespace=true), PreSync hooks, the Sync
// phase wave by wave (Argo CD's kind order within a wave), prunes in
// reverse wave order with PruneLast ones last, and PostSync hooks. SyncFail
// hooks run only when the sync fails for good. Sync options are parsed
// once (ParseOptions, ObjectOptions) into a typed Options. Hooks that have
// only metadata.generateName are named per operation and phase.
//
// # Operation
//
// Start begins an operation; Runner.Advance runs one step of it at each
// reconcile and records everything in the v1alpha1.OperationState, which
// the caller writes to status: each group completes (applied, pruned,
// Healthy, hook succeeded) before the next starts. Nothing blocks: waiting
// for health, a hook or a deletion is a Running state that the next step
// checks again, so a restarted controller resumes where the last one
// stopped. Advance also handles termination, retries with backoff and the
// SyncFail hooks. Errored ends an operation that could not be decided.
// AppendHistory records a successful sync, and AutoSync decides automated
// syncs and self-heal with Argo CD's attempt rules and backoff.
//
// # Cluster
//
// The runner changes a cluster through the small Cluster interface;
// cluster.Writer implements it with server-side apply.
package sync
