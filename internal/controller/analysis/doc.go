// Package analysis is the pure core of Tiphys' analysis: it judges a
// metric's measurements the way Argo Rollouts does, so AnalysisTemplates
// and AnalysisRuns written for Argo give the same results here.
//
// # Measurements
//
// [Evaluate] turns a provider's result into a measurement phase with the
// metric's successCondition and failureCondition, written in expr
// (github.com/expr-lang/expr) with Argo's helpers.
//
// # Metrics and runs
//
// [Tally] adds a finished measurement to a metric's counters, [MetricPhase]
// judges the counters against failureLimit, inconclusiveLimit,
// consecutiveErrorLimit, consecutiveSuccessLimit and count, and [RunPhase]
// takes the worst phase of the metrics that are not dry runs.
//
// # Providers
//
// A [Provider] takes one measurement of a metric. The providers live in
// their own packages under provider/ and share [AllowedHosts], which keeps
// them from calling hosts the operator did not allow. Optional interfaces
// extend a provider the way Argo's Resume, Terminate, GarbageCollect and
// GetMetadata do: [Resumer] for measurements that outlast one call (the
// job provider), [Terminator], [GarbageCollector] and [MetadataReporter].
//
// Nothing here reads or writes Kubernetes objects or waits: the
// AnalysisRun controller that schedules measurements and patches runs is
// built on top, in package analysisrun.
package analysis
