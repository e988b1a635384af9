package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/application"
	"github.com/tiphys/tiphys/internal/rollback"
	"github.com/tiphys/tiphys/internal/source/git"
)

// maxReasonLength bounds a rollback's reason: it goes into the revert
// commit and the hold, and every app's hold shares one ConfigMap (1 MiB),
// so one caller's reason must not leave no room for the others'.
const maxReasonLength = 4096

// rollbackRequest is Argo CD's ApplicationRollbackRequest (id, dryRun,
// prune) with Tiphys' noGit (Argo CD's rollback: the sync only) and
// reason (written into the revert commit and the hold). An id left out
// is the entry before the last (Argo CD requires it).
type rollbackRequest struct {
	ID     *int64 `json:"id"`
	DryRun bool   `json:"dryRun"`
	Prune  bool   `json:"prune"`
	NoGit  bool   `json:"noGit"`
	Reason string `json:"reason"`
}

// rollbackApplication is POST /api/v1/applications/{name}/rollback (RBAC
// applications, sync, as Argo CD): the Git-consistent rollback of
// `tiphys app rollback` to history entry id (none: the one before the
// last).
// The app is held at the entry (the controller's rollback hold), synced
// there (by the controller itself when automated sync is on: the hold
// makes its next sync go there), and the revert commits are pushed to its
// branches, authored by the caller; the answer is the Application. With
// noGit (or dryRun) it is Argo CD's rollback: the sync only, refused
// (400) while automated sync is on. An operation or another rollback of
// the app in progress is 409 (the operation is written against the
// app's resourceVersion, and a refused write takes the new hold back); a
// push that fails after the app was rolled back and held is 502, naming
// why.
func (s *Server) rollbackApplication(w http.ResponseWriter, r *http.Request, u *user) {
	var req rollbackRequest
	if err := readJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	if len(req.Reason) > maxReasonLength {
		writeError(w, errorf(http.StatusBadRequest, "reason: %d bytes, at most %d", len(req.Reason), maxReasonLength))
		return
	}
	a, err := s.loadApp(r, u, "sync")
	if err != nil {
		writeError(w, err)
		return
	}
	// One rollback at a time per app: two would interleave their holds and
	// revert commits, and the watch cache may not show the first's
	// operation yet.
	key := a.Namespace + "/" + a.Name
	if _, running := s.rollingBack.LoadOrStore(key, true); running {
		writeError(w, errorf(http.StatusConflict, "application %s: another rollback is in progress", a.Name))
		return
	}
	defer s.rollingBack.Delete(key)
	if busy(a) {
		writeError(w, errorf(http.StatusConflict, "another operation is already in progress"))
		return
	}
	entry, err := rollback.Entry(a, req.ID)
	if err != nil {
		writeError(w, errorf(http.StatusBadRequest, "%v", err))
		return
	}
	author := commitAuthor(u)
	name := author.Name
	if u.oidc != nil {
		name = u.username()
	}
	automated := rollback.Automated(a)
	plain := req.NoGit || req.DryRun
	if plain && automated {
		writeError(w, errorf(http.StatusBadRequest, "rollback cannot be initiated when auto-sync is enabled (without noGit, Tiphys holds the app and writes the revert commit)"))
		return
	}
	op := rollback.Operation(entry, name, req.Prune)
	op.Sync.DryRun = req.DryRun
	ctx := r.Context()
	var hold, previous *application.Hold
	if !plain {
		if previous, err = application.ReadHold(ctx, s.opts.Client, s.opts.Namespace, a.Namespace, a.Name); err != nil {
			writeError(w, err)
			return
		}
		hold = rollback.Hold(entry, name, req.Reason)
		if err := application.WriteHold(ctx, s.opts.Client, s.opts.Namespace, a.Namespace, a.Name, hold); err != nil {
			writeError(w, err)
			return
		}
	}
	// The cluster first (an emergency is about speed), then Git. An
	// automated app's hold makes the controller sync it to the entry.
	if plain || !automated {
		patch := client.MergeFromWithOptions(a.DeepCopy(), client.MergeFromWithOptimisticLock{})
		a.Operation = op
		if err := s.opts.Client.Patch(ctx, a, patch); err != nil {
			if hold != nil {
				if undo := application.WriteHold(ctx, s.opts.Client, s.opts.Namespace, a.Namespace, a.Name, previous); undo != nil {
					err = fmt.Errorf("%w (and the hold could not be taken back: %w)", err, undo)
				}
			}
			if apierrors.IsConflict(err) {
				err = errorf(http.StatusConflict, "application %s changed meanwhile (another operation?); nothing was rolled back: %v", a.Name, err)
			}
			writeError(w, err)
			return
		}
	}
	if plain {
		writeJSON(w, http.StatusOK, a)
		return
	}
	var notes strings.Builder
	rev := rollback.Reverter{Client: s.opts.Client, Namespace: s.opts.Namespace, Tool: "the Tiphys API server",
		Author: author, Reason: req.Reason, Out: &notes}
	commits, revertErr := rev.Revert(ctx, a, entry)
	if len(commits) > 0 {
		hold.Revert = commits[0]
		if len(commits) > 1 {
			hold.Reverts = commits
		}
		if err := application.WriteHold(ctx, s.opts.Client, s.opts.Namespace, a.Namespace, a.Name, hold); err != nil {
			writeError(w, err)
			return
		}
	}
	if revertErr != nil {
		// What was pushed before the failure, so that the caller knows
		// which branches still need the revert.
		msg := fmt.Sprintf("application %s: rolled back and held at %s, but the revert commit was not written: %v; "+
			"push the revert yourself: the hold ends when the branch renders the same", a.Name, rollback.EntryRevision(entry), revertErr)
		if len(commits) > 0 {
			msg = fmt.Sprintf("application %s: rolled back and held at %s. %s Not every revert commit was written: %v; "+
				"push the rest yourself: the hold ends when the branches render the same", a.Name, rollback.EntryRevision(entry),
				strings.Join(strings.Fields(notes.String()), " "), revertErr)
		}
		writeError(w, errorf(http.StatusBadGateway, "%s", msg))
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// deleteApplication is DELETE /api/v1/applications/{name} (RBAC
// applications, delete): Argo CD's cascade (default true) and
// propagationPolicy (foreground, background) set the resources finalizer,
// so that the controller deletes the app's resources first; cascade=false
// (any of Go's boolean spellings, as Argo CD's gateway parses it) leaves
// them in the cluster, and is refused with a propagation policy, as Argo
// CD refuses it.
func (s *Server) deleteApplication(w http.ResponseWriter, r *http.Request, u *user) {
	a, err := s.loadApp(r, u, "delete")
	if err != nil {
		writeError(w, err)
		return
	}
	q := r.URL.Query()
	cascade := true
	if c := q.Get("cascade"); c != "" {
		b, err := strconv.ParseBool(c)
		if err != nil {
			writeError(w, errorf(http.StatusBadRequest, "cascade %q: want true or false", c))
			return
		}
		cascade = b
	}
	if !cascade && q.Get("propagationPolicy") != "" {
		writeError(w, errorf(http.StatusBadRequest, "cannot set propagation policy when cascading is disabled"))
		return
	}
	patch := client.MergeFrom(a.DeepCopy())
	if err := application.SetCascade(a, cascade, q.Get("propagationPolicy")); err != nil {
		writeError(w, errorf(http.StatusBadRequest, "%v", err))
		return
	}
	if err := s.opts.Client.Patch(r.Context(), a, patch); err != nil {
		writeError(w, err)
		return
	}
	if err := s.opts.Client.Delete(r.Context(), a); client.IgnoreNotFound(err) != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{})
}

// loadIdleApp is loadApp for an operation (RBAC applications, sync): an
// app with an operation pending or running is 409, as Argo CD's "another
// operation is already in progress".
func (s *Server) loadIdleApp(r *http.Request, u *user) (*v1alpha1.Application, error) {
	a, err := s.loadApp(r, u, "sync")
	if err != nil {
		return nil, err
	}
	if busy(a) {
		return nil, errorf(http.StatusConflict, "another operation is already in progress")
	}
	return a, nil
}

// busy reports an operation pending or running on a.
func busy(a *v1alpha1.Application) bool {
	return a.Operation != nil || a.Status.OperationState != nil && a.Status.OperationState.Phase == v1alpha1.OperationRunning
}

// commitAuthor signs a revert commit for u: a local account as
// "<name> <name@tiphys>", a single sign-on user with the token's name and
// email claims.
func commitAuthor(u *user) git.Author {
	name, _ := accountSubject(u.subject)
	a := git.Author{Name: name, Email: name + "@tiphys"}
	if e, _ := u.oidc["email"].(string); e != "" {
		a.Email = e
		a.Name = e
	}
	if n, _ := u.oidc["name"].(string); n != "" {
		a.Name = n
	}
	return a
}
