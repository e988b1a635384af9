package server

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// refreshAnnotation asks the controller to compare an app again now.
const refreshAnnotation = "argocd.argoproj.io/refresh"

// appObject is an Application's RBAC object: <project>/<name>, or
// <project>/<namespace>/<name> outside the server's namespace (Argo CD's
// apps in any namespace).
func (s *Server) appObject(a *v1alpha1.Application) string {
	if a.Namespace != s.opts.Namespace {
		return a.Spec.Project + "/" + a.Namespace + "/" + a.Name
	}
	return a.Spec.Project + "/" + a.Name
}

// appNamespace is the namespace a request names (appNamespace), else the server's.
func (s *Server) appNamespace(r *http.Request) string {
	if ns := r.URL.Query().Get("appNamespace"); ns != "" {
		return ns
	}
	return s.opts.Namespace
}

// listApplications is GET /api/v1/applications, Argo CD's ApplicationQuery:
// projects (repeated, or project), selector (a label selector), name,
// appNamespace; and, Tiphys additions for large fleets, filtered on the
// server: sync and health (statuses, repeated), search (a name prefix or
// substring), limit and continue (an offset the last page returned), and
// Argo CD's fields (items.<path>,…: what each item keeps). Only
// the apps the caller may get are listed, sorted by name.
func (s *Server) listApplications(w http.ResponseWriter, r *http.Request, u *user) {
	q := r.URL.Query()
	// The cache's objects are read, not copied: nothing here changes them.
	opts := []client.ListOption{client.InNamespace(s.appNamespace(r)), client.UnsafeDisableDeepCopy}
	if sel := q.Get("selector"); sel != "" {
		parsed, err := labels.Parse(sel)
		if err != nil {
			writeError(w, errorf(http.StatusBadRequest, "selector %q: %v", sel, err))
			return
		}
		opts = append(opts, client.MatchingLabelsSelector{Selector: parsed})
	}
	var list v1alpha1.ApplicationList
	if err := s.opts.Client.List(r.Context(), &list, opts...); err != nil {
		writeError(w, err)
		return
	}
	may, err := s.may(r.Context(), u, "applications", "get")
	if err != nil {
		writeError(w, err)
		return
	}
	projects := append(q["projects"], q["project"]...)
	syncs, healths, name, search := q["sync"], q["health"], q.Get("name"), strings.ToLower(q.Get("search"))
	all := make(map[types.UID]bool, len(list.Items))
	items := list.Items[:0]
	for _, a := range list.Items {
		all[a.UID] = true
		switch {
		case len(projects) > 0 && !slices.Contains(projects, a.Spec.Project),
			name != "" && a.Name != name,
			search != "" && !strings.Contains(strings.ToLower(a.Name), search),
			len(syncs) > 0 && !slices.Contains(syncs, string(a.Status.Sync.Status)),
			len(healths) > 0 && !slices.Contains(healths, string(a.Status.Health.Status)),
			!may(s.appObject(&a)):
			continue
		}
		items = append(items, a)
	}
	s.encoded.forget(all)
	// Sorted through pointers: an Application is a large struct to move.
	ptrs := make([]*v1alpha1.Application, len(items))
	for i := range items {
		ptrs[i] = &items[i]
	}
	slices.SortFunc(ptrs, func(a, b *v1alpha1.Application) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	offset, limit := 0, 0
	for _, p := range []struct {
		name string
		to   *int
	}{{"continue", &offset}, {"limit", &limit}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				writeError(w, errorf(http.StatusBadRequest, "%s %q: want a whole number of 0 or more", p.name, v))
				return
			}
			*p.to = n
		}
	}
	offset = min(max(offset, 0), len(items))
	page := ptrs[offset:]
	next := ""
	if limit > 0 && len(page) > limit {
		page, next = page[:limit], strconv.Itoa(offset+limit)
	}
	s.writeAppList(w, page, list.ResourceVersion, next, itemFields(r))
}

// loadApp reads the Application a path names and checks u may do act on it.
// An app the caller may not get is answered as one that does not exist
// (403 naming only the asked name), so neither its existence nor its
// project leak; a caller who may get it is told what was denied. A
// missing app is 404 to a caller who could get an app of that name in any
// project (an admin, role:readonly), as Argo CD answers.
func (s *Server) loadApp(r *http.Request, u *user, act string) (*v1alpha1.Application, error) {
	a := &v1alpha1.Application{}
	key := client.ObjectKey{Namespace: s.appNamespace(r), Name: r.PathValue("name")}
	hidden := errorf(http.StatusForbidden, "permission denied: applications, %s, %s, sub: %s (or it does not exist)",
		act, key.Name, u.subject)
	if err := s.opts.Client.Get(r.Context(), key, a); err != nil {
		if client.IgnoreNotFound(err) != nil {
			return nil, err
		}
		if s.enforce(r.Context(), u, "applications", "get", "*/"+key.Name) == nil {
			return nil, errorf(http.StatusNotFound, "application %q not found", key.Name)
		}
		return nil, hidden
	}
	err := s.enforce(r.Context(), u, "applications", act, s.appObject(a))
	if err == nil {
		return a, nil
	}
	if act == "get" || s.enforce(r.Context(), u, "applications", "get", s.appObject(a)) != nil {
		return nil, hidden
	}
	return nil, err
}

// getApplication is GET /api/v1/applications/{name}; ?refresh=normal|hard
// asks the controller to compare again (the refresh annotation), as
// `argocd app get --refresh`.
func (s *Server) getApplication(w http.ResponseWriter, r *http.Request, u *user) {
	a, err := s.loadApp(r, u, "get")
	if err != nil {
		writeError(w, err)
		return
	}
	if refresh := r.URL.Query().Get("refresh"); refresh != "" {
		if refresh != "normal" && refresh != "hard" {
			writeError(w, errorf(http.StatusBadRequest, "refresh %q: want normal or hard", refresh))
			return
		}
		patch := `{"metadata":{"annotations":{"` + refreshAnnotation + `":"` + refresh + `"}}}`
		if err := s.opts.Client.Patch(r.Context(), a, client.RawPatch(types.MergePatchType, []byte(patch))); err != nil {
			writeError(w, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, a)
}

// syncRequest is Argo CD's ApplicationSyncRequest (the fields Tiphys runs).
type syncRequest struct {
	Revision      string                           `json:"revision"`
	Revisions     []string                         `json:"revisions"`
	DryRun        bool                             `json:"dryRun"`
	Prune         bool                             `json:"prune"`
	Strategy      *v1alpha1.SyncStrategy           `json:"strategy"`
	Resources     []v1alpha1.SyncOperationResource `json:"resources"`
	SyncOptions   *struct{ Items []string }        `json:"syncOptions"`
	RetryStrategy *v1alpha1.RetryStrategy          `json:"retryStrategy"`
}

// syncApplication is POST /api/v1/applications/{name}/sync: it sets the
// app's operation (the controller runs it) and answers the Application.
// An operation in progress is 409, as Argo CD's "another operation is
// already in progress".
func (s *Server) syncApplication(w http.ResponseWriter, r *http.Request, u *user) {
	var req syncRequest
	if r.ContentLength != 0 {
		if err := readJSON(r, &req); err != nil {
			writeError(w, err)
			return
		}
	}
	a, err := s.loadIdleApp(r, u)
	if err != nil {
		writeError(w, err)
		return
	}
	op := &v1alpha1.SyncOperation{Revision: req.Revision, Revisions: req.Revisions, DryRun: req.DryRun, Prune: req.Prune,
		SyncStrategy: req.Strategy, Resources: req.Resources}
	if req.SyncOptions != nil {
		op.SyncOptions = req.SyncOptions.Items
	}
	patch := client.MergeFrom(a.DeepCopy())
	a.Operation = &v1alpha1.Operation{Sync: op, InitiatedBy: v1alpha1.OperationInitiator{Username: u.username()}, Retry: retryOf(req.RetryStrategy)}
	if err := s.opts.Client.Patch(r.Context(), a, patch); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func retryOf(r *v1alpha1.RetryStrategy) v1alpha1.RetryStrategy {
	if r == nil {
		return v1alpha1.RetryStrategy{}
	}
	return *r
}

// terminateOperation is DELETE /api/v1/applications/{name}/operation: the
// running operation's phase becomes Terminating (RBAC action sync, as
// Argo CD).
func (s *Server) terminateOperation(w http.ResponseWriter, r *http.Request, u *user) {
	a, err := s.loadApp(r, u, "sync")
	if err != nil {
		writeError(w, err)
		return
	}
	if a.Status.OperationState == nil || a.Status.OperationState.Phase != v1alpha1.OperationRunning {
		writeError(w, errorf(http.StatusBadRequest, "Unable to terminate operation. No operation is in progress"))
		return
	}
	patch := client.RawPatch(types.MergePatchType, []byte(`{"status":{"operationState":{"phase":"Terminating"}}}`))
	if err := s.opts.Client.Patch(r.Context(), a, patch); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{})
}
