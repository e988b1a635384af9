// Package application reconciles Applications: render the sources,
// compare with the live state, run syncs (automated or asked for through
// the operation field), and write the status as Argo CD does. Each phase is
// a file of its own: reconcile_render.go, reconcile_compare.go,
// reconcile_sync.go, reconcile_delete.go.
package application
