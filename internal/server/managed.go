package server

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/compare"
	"github.com/tiphys/tiphys/internal/diff"
	"github.com/tiphys/tiphys/internal/object"
)

// resourceDiff is Argo CD's ResourceDiff: the object's states as JSON
// strings ("null" for none) and whether a sync would change it. The
// desired side (targetState, normalizedLiveState, predictedLiveState,
// diff, modified) is filled when the server has a Comparer; diff is
// Tiphys' unified YAML diff, which Argo CD's API does not send.
type resourceDiff struct {
	Group               string `json:"group,omitempty"`
	Kind                string `json:"kind,omitempty"`
	Namespace           string `json:"namespace,omitempty"`
	Name                string `json:"name,omitempty"`
	TargetState         string `json:"targetState,omitempty"`
	LiveState           string `json:"liveState,omitempty"`
	NormalizedLiveState string `json:"normalizedLiveState,omitempty"`
	PredictedLiveState  string `json:"predictedLiveState,omitempty"`
	Diff                string `json:"diff,omitempty"`
	Modified            bool   `json:"modified"`
	ResourceVersion     string `json:"resourceVersion,omitempty"`
}

// managedResources is GET /api/v1/applications/{name}/managed-resources
// (Argo CD's ManagedResources, RBAC applications get): each resource of
// the app's status.resources but hooks, filtered by Argo CD's ResourcesQuery
// parameters group, kind, namespace and name, with its live object as JSON
// ("null" when it does not exist, as Argo CD's) and a Secret's values
// masked as in diffs. With a Comparer, each also gets its desired state
// from a render of the app (a render the server cannot do is 500 naming
// the app and the cause), and desired objects not yet in status.resources
// are added.
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
	desired, err := s.desired(r, a)
	if err != nil {
		writeError(w, err)
		return
	}
	q := r.URL.Query()
	items := []resourceDiff{}
	for _, res := range managedList(a, desired) {
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
		if err := item.setDesired(desired != nil, desired[object.ID{Group: res.Group, Kind: res.Kind, Namespace: res.Namespace, Name: res.Name}]); err != nil {
			writeError(w, err)
			return
		}
		items = append(items, item)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// matches is a ResourcesQuery filter: empty matches everything.
func matches(want, got string) bool { return want == "" || want == got }

// desired compares a with its live objects when the server has a Comparer:
// the comparison of each desired object by its id; nil without one.
func (s *Server) desired(r *http.Request, a *v1alpha1.Application) (map[object.ID]*compare.Resource, error) {
	if s.opts.Comparer == nil {
		return nil, nil
	}
	res, err := s.opts.Comparer.Compare(r.Context(), a)
	if err != nil {
		return nil, fmt.Errorf("desired state: %w", err) // compare names the app
	}
	out := map[object.ID]*compare.Resource{}
	for i := range res.Resources {
		out[res.Resources[i].ID] = &res.Resources[i]
	}
	return out, nil
}

// managedList is a's status.resources and, after them, the desired objects
// status does not list yet (a compare still to come).
func managedList(a *v1alpha1.Application, desired map[object.ID]*compare.Resource) []v1alpha1.ResourceStatus {
	list := a.Status.Resources
	seen := map[object.ID]bool{}
	for _, res := range list {
		seen[object.ID{Group: res.Group, Kind: res.Kind, Namespace: res.Namespace, Name: res.Name}] = true
	}
	var extra []v1alpha1.ResourceStatus
	for id, d := range desired {
		if !seen[id] {
			extra = append(extra, v1alpha1.ResourceStatus{Group: id.Group, Kind: id.Kind, Namespace: id.Namespace, Name: id.Name,
				Version: versionOf(d.Target)})
		}
	}
	slices.SortFunc(extra, func(x, y v1alpha1.ResourceStatus) int {
		return cmp.Or(cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Namespace, y.Namespace), cmp.Compare(x.Name, y.Name))
	})
	return append(slices.Clip(list), extra...)
}

// versionOf is an object map's apiVersion's version.
func versionOf(obj map[string]any) string {
	v, _ := obj["apiVersion"].(string)
	if i := strings.LastIndexByte(v, '/'); i >= 0 {
		return v[i+1:]
	}
	return v
}

// setDesired fills the desired side of an item from its comparison, when
// the app was compared; d nil is an object the app no longer renders
// (targetState "null", as Argo CD's: a sync with prune deletes it).
func (item *resourceDiff) setDesired(compared bool, d *compare.Resource) error {
	if !compared {
		return nil
	}
	if d == nil {
		item.TargetState, item.Modified = "null", true
		return nil
	}
	for _, f := range []struct {
		to  *string
		obj map[string]any
	}{{&item.TargetState, d.Target}, {&item.NormalizedLiveState, d.NormalizedLive}, {&item.PredictedLiveState, d.PredictedLive}} {
		b, err := json.Marshal(f.obj)
		if err != nil {
			return fmt.Errorf("%s %s/%s: %w", item.Kind, item.Namespace, item.Name, err)
		}
		*f.to = string(b)
	}
	item.Diff, item.Modified = d.Diff, d.Diff != ""
	return nil
}
