package analysisrun_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

// onceRun has a web metric measured once beside a job metric whose Job
// never ends (managed by "the test"), so the Job's events wake the
// controller while the web measurement is being recorded.
const onceRun = `
metadata: {name: once}
spec:
  metrics:
  - name: web
    count: 1
    successCondition: result == true
    provider:
      web: {url: URL, jsonPath: "{$.ok}"}
  - name: smoke
    provider:
      job:
        spec:
          managedBy: tiphys.io/test
          template:
            spec:
              restartPolicy: Never
              containers: [{name: smoke, image: busybox}]
`

// Given a run whose Job metric keeps waking the controller, Then the web
// metric's endpoint is called exactly once for its one measurement: a
// reconcile of a copy older than the controller's own status write does
// not measure again (a POST metric must not repeat its action).
func TestMeasuredOnce(t *testing.T) {
	env.Require(t)
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		fmt.Fprint(w, `{"ok": true}`)
	}))
	t.Cleanup(srv.Close)
	run := newRun(t, newNamespace(t), onceRun, "URL", srv.URL)
	eventually(t, "the web metric measured", func() (bool, error) {
		for _, r := range getRun(t, run).Status.MetricResults {
			if r.Name == "web" {
				return r.Phase == v1alpha1.AnalysisPhaseSuccessful, nil
			}
		}
		return false, nil
	})
	time.Sleep(2 * time.Second) // let the Job's events come in
	if n := calls.Load(); n != 1 {
		t.Errorf("web endpoint called %d times for one measurement", n)
	}
	if r := result(t, getRun(t, run), "web"); r.Count != 1 || len(r.Measurements) != 1 {
		t.Errorf("web metric count %d, %d measurements", r.Count, len(r.Measurements))
	}
}
