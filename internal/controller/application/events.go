package application

import (
	"strings"
	"sync"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/recorder"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// repeatWindow is how long an Event that says again exactly what the
// app's last Event of that reason said is left out.
const repeatWindow = 10 * time.Minute

// appEvents records Events on Applications. An Event that repeats the
// app's previous one of the same reason word for word within repeatWindow
// (a self-heal fight re-syncing one revision over and over) is left out,
// so repeats do not pile up; any new message, such as a sync to a new
// revision, is its own Event, as in Argo CD. (client-go's series
// aggregation keys Events by object and reason only and would hide a new
// revision's message behind the first one's.)
type appEvents struct {
	recorder recorder.EventRecorder
	last     sync.Map // namespace/name/reason → lastEvent
}

type lastEvent struct {
	message string
	at      time.Time
}

// record records an Event on app unless it repeats the last one.
func (e *appEvents) record(app *v1alpha1.Application, eventType, reason, message string) {
	key := app.Namespace + "/" + app.Name + "/" + reason
	if v, ok := e.last.Load(key); ok {
		if l := v.(lastEvent); l.message == message && time.Since(l.at) < repeatWindow {
			return
		}
	}
	e.last.Store(key, lastEvent{message: message, at: time.Now()})
	e.recorder.Eventf(app, nil, eventType, reason, "Sync", "%s", message)
}

// forget drops a deleted application's last Events.
func (e *appEvents) forget(namespace, name string) {
	prefix := namespace + "/" + name + "/"
	e.last.Range(func(k, _ any) bool {
		if strings.HasPrefix(k.(string), prefix) {
			e.last.Delete(k)
		}
		return true
	})
}
