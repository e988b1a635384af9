package rollback

import (
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/application"
)

// Entry is the history entry of app with id, or, when id is 0, the one
// before the last (Argo CD's `argocd app rollback` without an ID). The
// errors name the app: no history, no earlier entry, id not found.
func Entry(app *v1alpha1.Application, id int64) (*v1alpha1.RevisionHistory, error) {
	h := app.Status.History
	if len(h) == 0 {
		return nil, fmt.Errorf("application %s: no history to roll back to", app.Name)
	}
	if id == 0 {
		if len(h) < 2 {
			return nil, fmt.Errorf("application %s: no earlier history entry", app.Name)
		}
		return &h[len(h)-2], nil
	}
	for i := range h {
		if h[i].ID == id {
			return &h[i], nil
		}
	}
	return nil, fmt.Errorf("application %s: history id %d not found", app.Name, id)
}

// Automated reports whether app syncs by itself (spec.syncPolicy.automated,
// not disabled by automated.enabled: false).
func Automated(app *v1alpha1.Application) bool {
	p := app.Spec.SyncPolicy
	return p != nil && p.Automated != nil && (p.Automated.Enabled == nil || *p.Automated.Enabled)
}

// Operation is the sync that takes an app to entry's source and revision
// (revisions and sources for a multi-source app), pruning what the entry
// did not have, initiated by user: Argo CD's rollback operation.
func Operation(entry *v1alpha1.RevisionHistory, user string, prune bool) *v1alpha1.Operation {
	op := &v1alpha1.Operation{
		Sync:        &v1alpha1.SyncOperation{Revision: entry.Revision, Revisions: entry.Revisions, Prune: prune},
		InitiatedBy: v1alpha1.OperationInitiator{Username: user},
	}
	if len(entry.Sources) > 0 {
		op.Sync.Sources = entry.Sources
	} else {
		src := entry.Source
		op.Sync.Source = &src
	}
	return op
}

// Hold is the controller's hold of an app at entry while the revert
// commits reach its branches: by whom, why, from now.
func Hold(entry *v1alpha1.RevisionHistory, by, reason string) *application.Hold {
	return &application.Hold{Revision: entry.Revision, Revisions: entry.Revisions, HistoryID: entry.ID,
		By: by, Reason: reason, At: metav1.Now()}
}

// SyncsEntry reports whether a sync operation goes to the history entry's
// revision (or revisions, for a multi-source app).
func SyncsEntry(s *v1alpha1.SyncOperation, entry *v1alpha1.RevisionHistory) bool {
	if len(entry.Revisions) > 0 {
		return slices.Equal(s.Revisions, entry.Revisions)
	}
	return s.Revision == entry.Revision
}

// EntryRevision is a history entry's revision, or a multi-source entry's
// revisions, shortened for messages.
func EntryRevision(entry *v1alpha1.RevisionHistory) string {
	if entry.Revision == "" && len(entry.Revisions) > 0 {
		return shortList(entry.Revisions)
	}
	return Short(entry.Revision)
}

// Short is a commit SHA's first 7 characters.
func Short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

// shortList is revisions shortened and joined with commas.
func shortList(revisions []string) string {
	out := make([]string, len(revisions))
	for i, r := range revisions {
		out[i] = Short(r)
	}
	return strings.Join(out, ",")
}
