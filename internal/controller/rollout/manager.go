package rollout

import (
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis/provider/job"
)

// CacheByObject is the manager cache the Rollout, Experiment and
// AnalysisRun controllers need, to be
// merged into the manager's cache.Options.ByObject: Rollouts, Experiments, AnalysisRuns,
// AnalysisTemplates and Services in every namespace (Rollouts live where
// their apps do, as with Argo Rollouts), ClusterAnalysisTemplates, and only
// the ReplicaSets that carry a rollouts-pod-template-hash label, so the
// cluster's Deployment ReplicaSets cost no memory, and only the Jobs of
// analysis runs (labelled analysisrun.argoproj.io/uid). Pods and Secrets
// are read uncached when needed.
func CacheByObject() map[client.Object]cache.ByObject {
	all := map[string]cache.Config{cache.AllNamespaces: {}}
	hashed, _ := labels.NewRequirement(v1alpha1.LabelPodTemplateHash, selection.Exists, nil)
	measured, _ := labels.NewRequirement(job.RunUIDLabel, selection.Exists, nil)
	return map[client.Object]cache.ByObject{
		&v1alpha1.Rollout{}:                 {Namespaces: all},
		&v1alpha1.AnalysisRun{}:             {Namespaces: all},
		&v1alpha1.Experiment{}:              {Namespaces: all},
		&v1alpha1.AnalysisTemplate{}:        {Namespaces: all},
		&v1alpha1.ClusterAnalysisTemplate{}: {},
		&corev1.Service{}:                   {Namespaces: all},
		&appsv1.ReplicaSet{}:                {Namespaces: all, Label: labels.NewSelector().Add(*hashed)},
		&batchv1.Job{}:                      {Namespaces: all, Label: labels.NewSelector().Add(*measured)},
	}
}
