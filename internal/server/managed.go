package server

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/tiphys/tiphys/internal/diff"
)

// resourceDiff is Argo CD's ResourceDiff as the server fills it: the live
// state only. The target state needs a render, which the server does not
// run; it is left out ("").
type resourceDiff struct {
	Group           string `json:"group,omitempty"`
	Kind            string `json:"kind,omitempty"`
	Namespace       string `json:"namespace,omitempty"`
	Name            string `json:"name,omitempty"`
	TargetState     string `json:"targetState,omitempty"`
	LiveState       string `json:"liveState,omitempty"`
	ResourceVersion string `json:"resourceVersion,omitempty"`
}

// managedResources is GET /api/v1/applications/{name}/managed-resources
// (Argo CD's ManagedResources, RBAC applications get): each resource of
// the app's status.resources but hooks, filtered by Argo CD's ResourcesQuery
// parameters group, kind, namespace and name, with its live object as JSON
// ("null" when it does not exist, as Argo CD's) and a Secret's values
// masked as in diffs.
func (s *Server) managedResources(w http.ResponseWriter, r *http.Request, u *user) {
	a, err := s.loadApp(r, u, "get")
	if err != nil {
		writeError(w, err)
		return
	}
	live, err := s.appLive(r.Context(), a)
	if err != nil {
		writeError(w, err)
		return
	}
	q := r.URL.Query()
	items := []resourceDiff{}
	for _, res := range a.Status.Resources {
		if res.Hook || !matches(q.Get("group"), res.Group) || !matches(q.Get("kind"), res.Kind) ||
			!matches(q.Get("namespace"), res.Namespace) || !matches(q.Get("name"), res.Name) {
			continue
		}
		obj, err := getManaged(r.Context(), live, res)
		if err != nil {
			writeError(w, err)
			return
		}
		item := resourceDiff{Group: res.Group, Kind: res.Kind, Namespace: res.Namespace, Name: res.Name}
		if obj != nil {
			_, obj = diff.HideSecretData(nil, obj)
			item.ResourceVersion = obj.GetResourceVersion()
		}
		state, err := json.Marshal(obj)
		if err != nil {
			writeError(w, fmt.Errorf("live state of %s %s/%s: %w", res.Kind, res.Namespace, res.Name, err))
			return
		}
		item.LiveState = string(state)
		items = append(items, item)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// matches is a ResourcesQuery filter: empty matches everything.
func matches(want, got string) bool { return want == "" || want == got }
