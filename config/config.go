// Package config embeds the manifests that `tiphys install` applies: the
// argoproj.io CRDs generated from api/v1alpha1 and the controller's
// namespace, ServiceAccount and RBAC.
package config

import "embed"

// Manifests holds crd/*.yaml and rbac/*.yaml.
//
//go:embed crd/*.yaml rbac/*.yaml
var Manifests embed.FS
