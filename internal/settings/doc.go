// Package settings reads the argocd-cm ConfigMap: Lua health checks,
// system-wide ignoreDifferences, resource exclusions and inclusions, and the
// reconciliation timeout, and Tiphys' own keys
// (tiphys.revertOnAbort, tiphys.gitAuthor). Keys Tiphys does not use are left alone.
package settings
