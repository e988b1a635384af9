package sync

import "github.com/tiphys/tiphys/api/v1alpha1"

// DefaultHistoryLimit is Argo CD's revisionHistoryLimit default.
const DefaultHistoryLimit = 10

// AppendHistory records a finished, successful sync in the application's
// history (status.history) with the next id, and trims the history to
// spec.revisionHistoryLimit (default 10), oldest first. A multi-source
// app's entry carries revisions and sources instead of a revision.
func AppendHistory(app *v1alpha1.Application, state *v1alpha1.OperationState) {
	var next int64
	for _, h := range app.Status.History {
		if h.ID >= next {
			next = h.ID + 1
		}
	}
	res := state.SyncResult
	entry := v1alpha1.RevisionHistory{
		ID: next, Revision: res.Revision, DeployStartedAt: state.StartedAt.DeepCopy(),
		Source: res.Source, Sources: res.Sources, Revisions: res.Revisions,
		InitiatedBy: state.Operation.InitiatedBy,
	}
	if state.FinishedAt != nil {
		entry.DeployedAt = *state.FinishedAt
	}
	if len(app.Spec.Sources) > 0 {
		entry.Revision = ""
	}
	app.Status.History = append(app.Status.History, entry)
	limit := int64(DefaultHistoryLimit)
	if app.Spec.RevisionHistoryLimit != nil {
		limit = *app.Spec.RevisionHistoryLimit
	}
	if over := int64(len(app.Status.History)) - limit; over > 0 {
		app.Status.History = app.Status.History[over:]
	}
}
