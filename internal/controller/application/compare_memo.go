package application

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/object"
)

// compareMemo keeps each application's last comparison, so that a resync
// or Git poll that finds nothing changed costs no comparison at all: not
// one dry-run key, health check or object hash. A comparison is reused
// while its inputs stay the same: the app's spec (generation), the
// rendered revisions, the settings, the destination and what its
// discovery knows of kinds (a new CRD's kind decides its objects'
// namespace), the claims of other apps, and the app's live objects (every watch event on an object the app
// tracks counts as a change). As a safety net for what no event reports
// (a kind that became served, an object created without the app's
// tracking id), a comparison is made afresh at least every memoMaxAge.
type compareMemo struct {
	// live counts watch events per application instance.
	live sync.Map // instance → *atomic.Uint64
	// claimsVersion counts changes to what any application renders.
	claimsVersion atomic.Uint64
	last          sync.Map // instance → *comparison
}

// memoMaxAge bounds how long a comparison is reused.
const memoMaxAge = 10 * time.Minute

// comparison is the outcome of one comparison and what it was made from.
type comparison struct {
	key        string
	liveSeen   uint64
	at         time.Time
	targets    []*unstructured.Unstructured
	live       map[object.ID]*unstructured.Unstructured
	orphans    []*unstructured.Unstructured
	outOfSync  bool
	conditions []v1alpha1.ApplicationCondition
	status     v1alpha1.ApplicationStatus
}

// changed records a watch event on an object that instance tracks.
func (m *compareMemo) changed(instance string) {
	c, _ := m.live.LoadOrStore(instance, new(atomic.Uint64))
	c.(*atomic.Uint64).Add(1)
}

func (m *compareMemo) liveVersion(instance string) uint64 {
	if c, ok := m.live.Load(instance); ok {
		return c.(*atomic.Uint64).Load()
	}
	return 0
}

// key names the inputs of a comparison other than live objects.
func (m *compareMemo) key(st *state) string {
	return fmt.Sprintf("%d|%s|%p|%p|%d|%d", st.app.Generation, strings.Join(st.revisions, ","), st.settings, st.dest, m.claimsVersion.Load(),
		st.dest.Discovery.Generation())
}

// reuse restores the app's last comparison into st when nothing it was
// made from has changed; it reports whether it did. A requested refresh
// and a running or requested operation always compare again.
func (m *compareMemo) reuse(st *state) bool {
	if st.refresh || st.app.Operation != nil || running(st.app.Status.OperationState) {
		return false
	}
	v, ok := m.last.Load(st.instance)
	if !ok {
		return false
	}
	c := v.(*comparison)
	if c.key != m.key(st) || c.liveSeen != m.liveVersion(st.instance) || time.Since(c.at) > memoMaxAge {
		return false
	}
	st.targets, st.live, st.orphans, st.outOfSync = c.targets, c.live, c.orphans, c.outOfSync
	st.conditions = append(st.conditions, c.conditions...)
	app := st.app
	app.Status.Resources, app.Status.Sync, app.Status.Health, app.Status.Summary =
		c.status.Resources, c.status.Sync, c.status.Health, c.status.Summary
	return true
}

// remember keeps the comparison just made; liveSeen is the live version
// read before it started, so an event during the comparison is not lost.
func (m *compareMemo) remember(st *state, liveSeen uint64, conditionsBefore int) {
	app := st.app
	c := &comparison{key: m.key(st), liveSeen: liveSeen, at: time.Now(), targets: st.targets, live: st.live, orphans: st.orphans,
		outOfSync: st.outOfSync, conditions: append([]v1alpha1.ApplicationCondition(nil), st.conditions[conditionsBefore:]...)}
	c.status.Resources, c.status.Sync, c.status.Health, c.status.Summary =
		app.Status.Resources, app.Status.Sync, *app.Status.Health.DeepCopy(), app.Status.Summary
	m.last.Store(st.instance, c)
}

// forget drops a deleted application's memo.
func (m *compareMemo) forget(instance string) {
	m.last.Delete(instance)
	m.live.Delete(instance)
}

// running reports an operation that has not ended.
func running(os *v1alpha1.OperationState) bool {
	return os != nil && (os.Phase == v1alpha1.OperationRunning || os.Phase == v1alpha1.OperationTerminating)
}
