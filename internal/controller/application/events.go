package application

import (
	"strings"
	"sync"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
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

// record records an Event on app unless it repeats the last one, and
// writes it to the controller's log.
func (e *appEvents) record(app *v1alpha1.Application, eventType, reason, message string) {
	if !e.fresh(app, reason, message) {
		return
	}
	e.recorder.Eventf(app, nil, eventType, reason, "Sync", "%s", message)
}

// note writes what happened to app to the controller's log, with no Event
// (a comparison error, which Argo CD only logs), unless it repeats the
// last note of that reason.
func (e *appEvents) note(app *v1alpha1.Application, reason, message string) {
	e.fresh(app, reason, message)
}

// fresh reports whether message is new for app and reason within
// repeatWindow, and logs it when it is.
func (e *appEvents) fresh(app *v1alpha1.Application, reason, message string) bool {
	key := app.Namespace + "/" + app.Name + "/" + reason
	if v, ok := e.last.Load(key); ok {
		if l := v.(lastEvent); l.message == message && time.Since(l.at) < repeatWindow {
			return false
		}
	}
	e.last.Store(key, lastEvent{message: message, at: time.Now()})
	appLog.Info(message, "application", app.Namespace+"/"+app.Name, "reason", reason)
	return true
}

// appLog is the application controller's log.
var appLog = ctrl.Log.WithName("application")

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
