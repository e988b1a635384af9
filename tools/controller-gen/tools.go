//go:build tools

// Package controllergen pins controller-gen, which generates deepcopy code and
// CRD manifests for api/v1alpha1.
package controllergen

import _ "sigs.k8s.io/controller-tools/cmd/controller-gen"
