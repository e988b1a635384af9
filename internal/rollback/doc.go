// Package rollback is Tiphys' Git-consistent rollback of an Application,
// shared by `tiphys app rollback` and the API server's
// POST /api/v1/applications/{name}/rollback: the history entry to go back
// to (Entry), the sync operation that takes the app there (Operation), and
// the revert commits that make the app's branches render that entry again
// (Reverter), so that Git stays the truth after an emergency rollback.
//
// The hold that keeps an automated app at the entry until its branch
// catches up is the application controller's (application.Hold); the
// callers write it before the sync.
package rollback
