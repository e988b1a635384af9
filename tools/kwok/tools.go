//go:build tools

// Package kwok pins sigs.k8s.io/kwok in a module of its own: kwok is built
// against an older Kubernetes minor than the control plane binaries.
package kwok

import _ "sigs.k8s.io/kwok/cmd/kwok"
