// Package v1alpha1 holds the argoproj.io/v1alpha1 API types that Tiphys
// reads and writes: Application, ApplicationSet and AppProject.
//
// The types are JSON-identical to Argo CD v3: field names, omitempty and
// enumerations match, so a repository written for Argo CD works unchanged.
// Deepcopy functions and the CRD manifests in config/crd are generated from
// this package by controller-gen (make generate).
//
// +kubebuilder:object:generate=true
// +groupName=argoproj.io
package v1alpha1
