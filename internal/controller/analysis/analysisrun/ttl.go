package analysisrun

import (
	"context"
	"fmt"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

// expire deletes a completed run whose ttlStrategy has run out, as Argo's
// maybeGarbageCollectAnalysisRun: secondsAfterSuccess for a Successful
// run, secondsAfterFailure for a Failed one, else secondsAfterCompletion,
// counted from completedAt. Before that it requeues the run for the time
// left.
func (r *Reconciler) expire(ctx context.Context, run *v1alpha1.AnalysisRun) (ctrl.Result, error) {
	ttl, ok := ttlOf(run)
	if !ok || run.Status.CompletedAt == nil {
		return ctrl.Result{}, nil
	}
	left := run.Status.CompletedAt.Add(ttl).Sub(r.now())
	if left > 0 {
		return ctrl.Result{RequeueAfter: left}, nil
	}
	if err := client.IgnoreNotFound(r.Client.Delete(ctx, run)); err != nil {
		return ctrl.Result{}, fmt.Errorf("delete expired analysisrun %s/%s: %w", run.Namespace, run.Name, err)
	}
	return ctrl.Result{}, nil
}

// ttlOf is how long a completed run is kept; false when forever.
func ttlOf(run *v1alpha1.AnalysisRun) (time.Duration, bool) {
	s := run.Spec.TTLStrategy
	if s == nil {
		return 0, false
	}
	var seconds *int32
	switch {
	case run.Status.Phase == v1alpha1.AnalysisPhaseSuccessful && s.SecondsAfterSuccess != nil:
		seconds = s.SecondsAfterSuccess
	case run.Status.Phase == v1alpha1.AnalysisPhaseFailed && s.SecondsAfterFailure != nil:
		seconds = s.SecondsAfterFailure
	default:
		seconds = s.SecondsAfterCompletion
	}
	if seconds == nil {
		return 0, false
	}
	return time.Duration(*seconds) * time.Second, true
}
