// Package analysisrun is the AnalysisRun controller: it measures a run's
// metrics on schedule with the metric providers, judges them with the
// analysis core (package analysis) and writes the run's status, as Argo
// Rollouts' analysis controller does, so that Rollouts — Tiphys' or
// Argo's tools — read the same results.
//
// # Wiring
//
// A [Reconciler] needs a manager whose cache holds AnalysisRuns and Jobs
// in the namespaces to serve (all of them when DefaultNamespaces is
// empty):
//
//	r := &analysisrun.Reconciler{
//		Client:       mgr.GetClient(),
//		APIReader:    mgr.GetAPIReader(),
//		AllowedHosts: hosts, // --analysis-allowed-hosts
//		Recorder:     mgr.GetEventRecorder("tiphys-analysis-controller"),
//	}
//	err := r.SetupWithManager(mgr)
//
// # One reconcile
//
// Arguments are resolved (values, Secrets, fields of the owning Rollout)
// and substituted into the metrics, the measurements that are due are
// taken at the same time, the metrics and the run are judged, the history
// is trimmed, the status is written once if it changed, and the run is
// requeued for the next due measurement. Nothing waits: a Job measurement
// in flight is looked at again when its Job changes.
//
// The package lives under analysis, not in it, because it builds the
// providers (analysis/provider/...), which import the core.
package analysisrun
