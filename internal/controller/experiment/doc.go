// Package experiment is the Experiment controller: it runs an Experiment's
// templates as ReplicaSets (and Services), starts its analyses as
// AnalysisRuns it owns, and decides its phase, as Argo Rollouts'
// experiment controller does, so that a canary experiment step, the kubectl
// plugin and Argo CD's health checks see the same status.
//
// One reconcile is one pass over an Experiment (reconciler.go): the spec is
// checked (validate.go), each template is brought to its ReplicaSet and
// Service and its template status assessed (templates.go, services.go),
// each analysis to its AnalysisRun (analyses.go, runs.go), and the phase,
// message, availableAt and conditions are computed from them (status.go)
// and written with one status patch when they changed. Waits (the
// duration, a progress deadline, a scale-down delay) end in a requeue at
// the earliest deadline; nothing on the reconcile path sleeps.
package experiment
