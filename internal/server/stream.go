package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// watchEvent is one line of Argo CD's application watch stream:
// {"result":{"type":"ADDED|MODIFIED|DELETED","application":{…}}}.
type watchEvent struct {
	Result struct {
		Type        string                `json:"type"`
		Application *v1alpha1.Application `json:"application"`
	} `json:"result"`
}

// streamApplications is GET /api/v1/stream/applications: Server-Sent
// Events, one `data:` line per change of an Application the caller may
// get (Argo CD's watch shape), filtered by projects, name and
// appNamespace as the list is; the apps that exist come first as ADDED.
// A comment line every 15 s keeps proxies from closing the stream. The
// token is checked again before events are sent: a session that ended
// (disabled account, logout, expiry) gets an error line and the stream
// closes.
func (s *Server) streamApplications(w http.ResponseWriter, r *http.Request, u *user) {
	if s.opts.Cache == nil {
		writeError(w, errorf(http.StatusNotImplemented, "the application stream needs the server's watch cache"))
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeError(w, errorf(http.StatusInternalServerError, "streaming is not supported by this connection"))
		return
	}
	inf, err := s.opts.Cache.GetInformer(r.Context(), &v1alpha1.Application{})
	if err != nil {
		writeError(w, err)
		return
	}
	q := r.URL.Query()
	projects := append(q["projects"], q["project"]...)
	name, ns := q.Get("name"), s.appNamespace(r)
	events := make(chan watchEvent, 256)
	send := func(kind string, obj any) {
		if t, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
			obj = t.Obj
		}
		a, ok := obj.(*v1alpha1.Application)
		if !ok || a.Namespace != ns || name != "" && a.Name != name || len(projects) > 0 && !slices.Contains(projects, a.Spec.Project) {
			return
		}
		var e watchEvent
		e.Result.Type, e.Result.Application = kind, a
		select {
		case events <- e:
		default: // a reader that cannot keep up misses changes; the next event of the app carries its state
		}
	}
	reg, err := inf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { send("ADDED", obj) },
		UpdateFunc: func(_, obj any) { send("MODIFIED", obj) },
		DeleteFunc: func(obj any) { send("DELETED", obj) },
	})
	if err != nil {
		writeError(w, err)
		return
	}
	defer func() { _ = inf.RemoveEventHandler(reg) }()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flusher.Flush()
	checked := time.Now()
	keepAlive := time.NewTicker(15 * time.Second)
	defer keepAlive.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-keepAlive.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		case e := <-events:
			// The session is checked again (at most every
			// streamRecheck), so that a disabled account, a changed
			// password, a logout or an expired token ends the stream.
			if time.Since(checked) >= streamRecheck {
				if _, err := s.authenticate(r); err != nil {
					b, _ := json.Marshal(map[string]any{"error": map[string]any{"code": 16, "message": err.Error()}})
					fmt.Fprintf(w, "data: %s\n\n", b)
					flusher.Flush()
					return
				}
				checked = time.Now()
			}
			pol, err := s.policy(r.Context())
			if err != nil || !pol.allowsUser(u, "applications", "get", s.appObject(e.Result.Application)) {
				continue
			}
			b, err := json.Marshal(e)
			if err != nil {
				continue
			}
			fmt.Fprintf(w, "data: %s\n\n", b)
		}
		flusher.Flush()
	}
}

// streamRecheck is how often, at most, a stream checks its session again
// (on an event to send).
const streamRecheck = time.Second

// Informers is what the stream needs of a watch cache (controller-runtime's
// cache.Cache has it).
type Informers = cache.Informers
