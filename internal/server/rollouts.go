package server

import (
	"net/http"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/rollout/action"
	"github.com/tiphys/tiphys/internal/tracking"
)

// rolloutActions are the actions POST /api/v1/rollouts/{ns}/{name}/{action}
// takes, the Rollouts plugin's verbs.
var rolloutActions = map[string]func(*v1alpha1.Rollout) action.Patch{
	"promote":      func(ro *v1alpha1.Rollout) action.Patch { return action.Promote(ro, false) },
	"promote-full": func(ro *v1alpha1.Rollout) action.Patch { return action.Promote(ro, true) },
	"abort":        func(*v1alpha1.Rollout) action.Patch { return action.Abort() },
	"retry":        func(*v1alpha1.Rollout) action.Patch { return action.Retry() },
	"pause":        func(*v1alpha1.Rollout) action.Patch { return action.Pause() },
	"resume":       action.Resume,
	"restart":      func(*v1alpha1.Rollout) action.Patch { return action.Restart(time.Now()) },
}

// rolloutObject is the RBAC object of a Rollout: its Application's
// (<project>/<app>, from the tracking id), so that whoever may act on the
// app may act on its Rollouts; an untracked Rollout is `*/*`, which only
// a policy over every app matches.
func (s *Server) rolloutObject(r *http.Request, ro *v1alpha1.Rollout) string {
	p, ok := tracking.Parse(ro.Annotations[tracking.Annotation])
	if !ok {
		return "*/*"
	}
	ns, name := s.opts.Namespace, p.App
	if i := strings.IndexByte(p.App, '_'); i > 0 {
		ns, name = p.App[:i], p.App[i+1:]
	}
	app := &v1alpha1.Application{}
	if err := s.opts.Client.Get(r.Context(), client.ObjectKey{Namespace: ns, Name: name}, app); err != nil {
		return "*/*"
	}
	// The annotation is only believed when the app manages this Rollout
	// (its status.resources), as Argo CD acts only on resources of an
	// app's tree: a copied annotation does not make a Rollout the app's.
	for _, res := range app.Status.Resources {
		if res.Group == v1alpha1.SchemeGroupVersion.Group && res.Kind == "Rollout" && res.Namespace == ro.Namespace && res.Name == ro.Name {
			return s.appObject(app)
		}
	}
	return "*/*"
}

// listRollouts is GET /api/v1/rollouts (?namespace=NS): the Rollouts
// whose application the caller may get: those of the server's cluster
// (an untracked one needs a policy over every app) and those the apps
// deploy to other clusters (read there).
func (s *Server) listRollouts(w http.ResponseWriter, r *http.Request, u *user) {
	ctx := r.Context()
	ns := r.URL.Query().Get("namespace")
	var list v1alpha1.RolloutList
	var opts []client.ListOption
	if ns != "" {
		opts = append(opts, client.InNamespace(ns))
	}
	if err := s.opts.Client.List(ctx, &list, opts...); err != nil {
		writeError(w, err)
		return
	}
	may, err := s.may(ctx, u, "applications", "get")
	if err != nil {
		writeError(w, err)
		return
	}
	items := list.Items[:0]
	for _, ro := range list.Items {
		if may(s.rolloutObject(r, &ro)) {
			items = append(items, ro)
		}
	}
	managed, err := s.managedRollouts(ctx, "", ns)
	if err != nil {
		writeError(w, err)
		return
	}
	for _, m := range managed {
		if !may(s.appObject(m.app)) || !s.remote(ctx, m) {
			continue
		}
		c, err := s.rolloutClient(ctx, m.app)
		if err != nil {
			writeError(w, err)
			return
		}
		ro := v1alpha1.Rollout{}
		if err := c.Get(ctx, m.key, &ro); err != nil {
			if client.IgnoreNotFound(err) == nil {
				continue
			}
			writeError(w, errorf(http.StatusBadGateway, "application %s: rollout %s: %v", m.app.Name, m.key, err))
			return
		}
		items = append(items, ro)
	}
	sort.Slice(items, func(i, j int) bool {
		return items[i].Namespace+"/"+items[i].Name < items[j].Namespace+"/"+items[j].Name
	})
	list.Items, list.Continue = items, ""
	writeJSON(w, http.StatusOK, list)
}

// loadRollout reads the Rollout a path names, on the cluster of the app
// that manages it (?app= names the app when two clusters have a Rollout
// of that namespace and name; without it, the server's cluster is looked
// at first), and checks u may do act on its application. It returns the
// Rollout and the client of its cluster.
func (s *Server) loadRollout(r *http.Request, u *user, act string) (*v1alpha1.Rollout, client.Client, error) {
	ctx := r.Context()
	key := client.ObjectKey{Namespace: r.PathValue("namespace"), Name: r.PathValue("name")}
	if errs := validation.IsDNS1123Label(key.Namespace); len(errs) > 0 {
		return nil, nil, errorf(http.StatusBadRequest, "namespace %q: %s", key.Namespace, strings.Join(errs, "; "))
	}
	if errs := validation.IsDNS1123Subdomain(key.Name); len(errs) > 0 {
		return nil, nil, errorf(http.StatusBadRequest, "rollout name %q: %s", key.Name, strings.Join(errs, "; "))
	}
	denied := errorf(http.StatusForbidden, "permission denied: applications, %s, rollout %s, sub: %s (or it does not exist)", act, key, u.subject)
	app := r.URL.Query().Get("app")
	if app == "" {
		ro := &v1alpha1.Rollout{}
		err := s.opts.Client.Get(ctx, key, ro)
		if err == nil {
			if err := s.enforce(ctx, u, "applications", act, s.rolloutObject(r, ro)); err != nil {
				return nil, nil, err
			}
			return ro, s.opts.Client, nil
		}
		if client.IgnoreNotFound(err) != nil {
			return nil, nil, err
		}
	}
	managed, err := s.managedRollouts(ctx, app, key.Namespace)
	if err != nil {
		return nil, nil, err
	}
	var found []managedRollout
	for _, m := range managed {
		if m.key == key {
			found = append(found, m)
		}
	}
	switch {
	case len(found) == 0:
		return nil, nil, denied
	case len(found) > 1:
		return nil, nil, errorf(http.StatusBadRequest, "rollout %s is managed by %d applications: name one with ?app=", key, len(found))
	}
	m := found[0]
	if err := s.enforce(ctx, u, "applications", act, s.appObject(m.app)); err != nil {
		return nil, nil, err
	}
	c, err := s.rolloutClient(ctx, m.app)
	if err != nil {
		return nil, nil, err
	}
	ro := &v1alpha1.Rollout{}
	if err := c.Get(ctx, key, ro); err != nil {
		if client.IgnoreNotFound(err) == nil {
			return nil, nil, errorf(http.StatusNotFound, "rollout %s of application %s does not exist", key, m.app.Name)
		}
		return nil, nil, errorf(http.StatusBadGateway, "application %s: rollout %s: %v", m.app.Name, key, err)
	}
	return ro, c, nil
}

// getRollout is GET /api/v1/rollouts/{namespace}/{name} (?app=).
func (s *Server) getRollout(w http.ResponseWriter, r *http.Request, u *user) {
	ro, _, err := s.loadRollout(r, u, "get")
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, ro)
}

// rolloutAnalysisRuns is GET /api/v1/rollouts/{namespace}/{name}/analysisruns:
// the AnalysisRuns the Rollout owns, newest first.
func (s *Server) rolloutAnalysisRuns(w http.ResponseWriter, r *http.Request, u *user) {
	ro, c, err := s.loadRollout(r, u, "get")
	if err != nil {
		writeError(w, err)
		return
	}
	var runs v1alpha1.AnalysisRunList
	if err := c.List(r.Context(), &runs, client.InNamespace(ro.Namespace)); err != nil {
		writeError(w, err)
		return
	}
	items := runs.Items[:0]
	for _, ar := range runs.Items {
		for _, o := range ar.OwnerReferences {
			if o.UID == ro.UID {
				items = append(items, ar)
				break
			}
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[j].CreationTimestamp.Before(&items[i].CreationTimestamp) })
	runs.Items = items
	writeJSON(w, http.StatusOK, runs)
}

// rolloutAction is POST /api/v1/rollouts/{namespace}/{name}/{action}: the
// plugin's verb (promote, promote-full, abort, retry, pause, resume,
// restart), allowed by `applications, action/argoproj.io/Rollout/<verb>`
// on the Rollout's application, as Argo CD authorises resource actions.
func (s *Server) rolloutAction(w http.ResponseWriter, r *http.Request, u *user) {
	verb := r.PathValue("action")
	patch, ok := rolloutActions[verb]
	if !ok {
		writeError(w, errorf(http.StatusBadRequest, "rollout action %q: want promote, promote-full, abort, retry, pause, resume or restart", verb))
		return
	}
	ro, c, err := s.loadRollout(r, u, "action/argoproj.io/Rollout/"+verb)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := patch(ro).Apply(r.Context(), c, ro); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, ro)
}
