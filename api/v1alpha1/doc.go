// Package v1alpha1 holds the argoproj.io/v1alpha1 API types that Tiphys
// reads and writes: Application, ApplicationSet and AppProject, as Argo CD
// has them, and Rollout, AnalysisTemplate, ClusterAnalysisTemplate,
// AnalysisRun and Experiment, as Argo Rollouts has them.
//
// The types are JSON-identical to Argo CD v3 and Argo Rollouts 1.9: field
// names, omitempty and enumerations match, so a repository written for
// Argo CD and Argo Rollouts works unchanged.
//
// Deepcopy functions and the CRD manifests in config/crd are generated from
// this package by controller-gen (make generate).
//
// +kubebuilder:object:generate=true
// +groupName=argoproj.io
package v1alpha1
