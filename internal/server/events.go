package server

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/fields"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// applicationEvents is GET /api/v1/applications/{name}/events (Argo CD's
// ListResourceEvents without a resource, RBAC applications get): the
// core/v1 Events whose involvedObject is the Application, selected by its
// name, namespace and uid as Argo CD selects them, oldest first. The
// controller records events.k8s.io/v1 Events (controller-runtime's
// recorder); the API server serves them as core/v1 Events too, regarding
// becoming involvedObject. With resourceNamespace, resourceName (and
// resourceUID), the Events of that resource of the app's, read on the
// app's destination cluster, as Argo CD's resource events; a resource the
// app does not manage is 404.
func (s *Server) applicationEvents(w http.ResponseWriter, r *http.Request, u *user) {
	a, err := s.loadApp(r, u, "get")
	if err != nil {
		writeError(w, err)
		return
	}
	c, ns := s.opts.Client, a.Namespace
	set := fields.Set{"involvedObject.name": a.Name, "involvedObject.namespace": a.Namespace, "involvedObject.uid": string(a.UID)}
	q := r.URL.Query()
	if name := q.Get("resourceName"); name != "" {
		ns = q.Get("resourceNamespace")
		if !slices.ContainsFunc(a.Status.Resources, func(res v1alpha1.ResourceStatus) bool { return res.Namespace == ns && res.Name == name }) {
			writeError(w, errorf(http.StatusNotFound, "application %s has no resource %s/%s", a.Name, ns, name))
			return
		}
		set = fields.Set{"involvedObject.name": name, "involvedObject.namespace": ns}
		if uid := q.Get("resourceUID"); uid != "" {
			set["involvedObject.uid"] = uid
		}
		if c, err = s.destClient(r.Context(), a); err != nil {
			writeError(w, err)
			return
		}
	}
	var list corev1.EventList
	if err := c.List(r.Context(), &list, client.InNamespace(ns),
		client.MatchingFieldsSelector{Selector: fields.SelectorFromSet(set)}); err != nil {
		writeError(w, fmt.Errorf("list events of application %s: %w", a.Name, err))
		return
	}
	slices.SortStableFunc(list.Items, func(x, y corev1.Event) int { return eventTime(&x).Compare(eventTime(&y)) })
	if list.Items == nil {
		list.Items = []corev1.Event{}
	}
	writeJSON(w, http.StatusOK, list)
}

// eventTime is when an Event last happened: its last timestamp, or, for
// an events.k8s.io Event, its series' last observation or its event time;
// its creation when it has none of them.
func eventTime(e *corev1.Event) time.Time {
	var t time.Time
	for _, c := range []time.Time{e.FirstTimestamp.Time, e.EventTime.Time, e.LastTimestamp.Time} {
		if c.After(t) {
			t = c
		}
	}
	if e.Series != nil && e.Series.LastObservedTime.After(t) {
		t = e.Series.LastObservedTime.Time
	}
	if t.IsZero() {
		return e.CreationTimestamp.Time
	}
	return t
}
