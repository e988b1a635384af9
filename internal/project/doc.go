// Package project holds the rules of an AppProject as pure functions over
// the v1alpha1 types: which repositories an application may use
// (CheckSource, CheckRepositoryScope), where it may deploy
// (CheckDestination), which kinds it may create (CheckResource), which
// namespaces may hold its Applications (CheckAppNamespace), which live
// objects count as orphans (OrphanIgnored, WarnOrphans) and when it may sync
// (CanSync, MayContinue, ActiveWindows, ValidateWindows).
//
// The rules are Argo CD v3's, read from its code and documentation
// (pkg/apis/application/v1alpha1, docs/user-guide/projects.md and
// sync_windows.md) and written anew; docs/projects.md lists where Tiphys
// decides differently. Nothing here reads the cluster or the clock: callers
// resolve clusters and pass the time, so every rule is table-tested.
//
// A broken rule is a *Violation, which names the project, the rule (the
// AppProject field), the subject and why; test for it with errors.As.
package project

// The time zone database is compiled in so that sync windows keep their
// time zones in images without /usr/share/zoneinfo.
import _ "time/tzdata"
