package project

import (
	"strings"
	"testing"
	"time"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Windows at 2026-06-01 12:00 UTC: the "Now" ones are active (11:00 for
// 2h), the "Later" ones not (20:00 for 1h).
func win(kind, schedule string, opts ...func(*v1alpha1.SyncWindow)) *v1alpha1.SyncWindow {
	w := &v1alpha1.SyncWindow{Kind: kind, Schedule: schedule, Duration: "2h", Applications: []string{"web-*"}}
	for _, o := range opts {
		o(w)
	}
	return w
}

const (
	now11   = "0 11 * * *"
	later20 = "0 20 * * *"
)

func manualSync(w *v1alpha1.SyncWindow)  { w.ManualSync = true }
func syncOverrun(w *v1alpha1.SyncWindow) { w.SyncOverrun = true }
func otherApp(w *v1alpha1.SyncWindow)    { w.Applications = []string{"api"} }

func TestCanSync(t *testing.T) {
	for _, tc := range []struct {
		name    string
		windows v1alpha1.SyncWindows
		manual  bool
		want    bool
		texts   []string // in the reason
		absent  []string // not in the reason
	}{
		{"no windows", nil, false, true, nil, nil},
		{"a deny for another app", v1alpha1.SyncWindows{win("deny", now11, otherApp)}, false, true, nil, nil},
		{"active deny", v1alpha1.SyncWindows{win("deny", now11)}, false, false,
			[]string{`blocked by active deny window(s) syncWindows[0] (deny "0 11 * * *" for 2h0m0s in UTC)`}, nil},
		{"active deny, manual without manualSync", v1alpha1.SyncWindows{win("deny", now11)}, true, false, []string{"syncWindows[0]"}, nil},
		{"active deny with manualSync, manual", v1alpha1.SyncWindows{win("deny", now11, manualSync)}, true, true, nil, nil},
		{"active deny with manualSync, automated", v1alpha1.SyncWindows{win("deny", now11, manualSync)}, false, false, []string{"syncWindows[0]"}, nil},
		{"two active denies, one with manualSync, manual", v1alpha1.SyncWindows{win("deny", now11, manualSync), win("deny", now11)}, true, false,
			[]string{"syncWindows[1]"}, []string{"syncWindows[0]"}},
		{"inactive deny", v1alpha1.SyncWindows{win("deny", later20)}, false, true, nil, nil},
		{"active allow", v1alpha1.SyncWindows{win("allow", now11)}, false, true, nil, nil},
		{"active allow and active deny overlap", v1alpha1.SyncWindows{win("allow", now11), win("deny", now11)}, false, false,
			[]string{"active deny", "syncWindows[1]"}, nil},
		{"active allow and inactive deny", v1alpha1.SyncWindows{win("allow", now11), win("deny", later20)}, false, true, nil, nil},
		{"active and inactive allows", v1alpha1.SyncWindows{win("allow", later20), win("allow", now11)}, false, true, nil, nil},
		{"inactive allow", v1alpha1.SyncWindows{win("allow", later20)}, false, false,
			[]string{`outside every allow window; blocked by inactive allow window(s) syncWindows[0] (allow "0 20 * * *"`}, nil},
		{"inactive allow, manual without manualSync", v1alpha1.SyncWindows{win("allow", later20)}, true, false, nil, nil},
		{"inactive allow with manualSync, manual", v1alpha1.SyncWindows{win("allow", later20, manualSync)}, true, true, nil, nil},
		{"inactive allow with manualSync, automated", v1alpha1.SyncWindows{win("allow", later20, manualSync)}, false, false, nil, nil},
		{"inactive allows, one without manualSync, manual", v1alpha1.SyncWindows{win("allow", later20, manualSync), win("allow", later20)}, true, false,
			[]string{"syncWindows[1]"}, []string{"syncWindows[0]"}},
		{"inactive allow and inactive deny", v1alpha1.SyncWindows{win("allow", later20), win("deny", later20)}, false, false, []string{"syncWindows[0]"}, nil},
		{"an allow for another app does not block", v1alpha1.SyncWindows{win("allow", later20, otherApp)}, false, true, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := proj(v1alpha1.AppProjectSpec{SyncWindows: tc.windows})
			ok, reason, err := CanSync(p, webTarget, tc.manual, at(t, "2026-06-01T12:00:00Z"))
			if err != nil {
				t.Fatal(err)
			}
			if ok != tc.want {
				t.Errorf("ok = %v, want %v (%s)", ok, tc.want, reason)
			}
			if ok && reason != "" {
				t.Errorf("reason %q for an allowed sync", reason)
			}
			for _, s := range tc.texts {
				if !strings.Contains(reason, s) {
					t.Errorf("reason %q lacks %q", reason, s)
				}
			}
			for _, s := range tc.absent {
				if strings.Contains(reason, s) {
					t.Errorf("reason %q names %q", reason, s)
				}
			}
		})
	}
}

func TestCanSyncErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		window *v1alpha1.SyncWindow
		want   string // in the error; "" for none
	}{
		{"bad cron", win("deny", "61 * * * *"), `syncWindows[0]: schedule "61 * * * *"`},
		{"bad duration", win("deny", now11, func(w *v1alpha1.SyncWindow) { w.Duration = "two hours" }), `syncWindows[0]: duration "two hours"`},
		{"bad time zone", win("deny", now11, func(w *v1alpha1.SyncWindow) { w.TimeZone = "Mars/Olympus" }), `syncWindows[0]: time zone "Mars/Olympus"`},
		{"bad kind", win("block", now11), `kind "block"`},
		{"bad selector", win("deny", now11, func(w *v1alpha1.SyncWindow) { w.Namespaces = []string{"[x"} }), `selector "[x"`},
		{"a bad window for another app", win("deny", "bad", otherApp), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := proj(v1alpha1.AppProjectSpec{SyncWindows: v1alpha1.SyncWindows{tc.window}})
			now := at(t, "2026-06-01T12:00:00Z")
			_, _, err := CanSync(p, webTarget, false, now)
			_, aerr := ActiveWindows(p, webTarget, now)
			_, _, merr := MayContinue(p, webTarget, now, now)
			for _, e := range []error{err, aerr, merr} {
				switch {
				case tc.want == "" && e != nil:
					t.Errorf("want no error, got %v", e)
				case tc.want != "" && (e == nil || !strings.Contains(e.Error(), tc.want)):
					t.Errorf("error %v lacks %q", e, tc.want)
				}
			}
		})
	}
}

// At 12:30 on 2026-06-01: deny windows from 12:00 for 1h are active, allow
// windows from 09:00 for 3h have just ended.
func TestMayContinue(t *testing.T) {
	deny := func(opts ...func(*v1alpha1.SyncWindow)) *v1alpha1.SyncWindow {
		return win("deny", "0 12 * * *", append([]func(*v1alpha1.SyncWindow){func(w *v1alpha1.SyncWindow) { w.Duration = "1h" }}, opts...)...)
	}
	allow := func(opts ...func(*v1alpha1.SyncWindow)) *v1alpha1.SyncWindow {
		return win("allow", "0 9 * * *", append([]func(*v1alpha1.SyncWindow){func(w *v1alpha1.SyncWindow) { w.Duration = "3h" }}, opts...)...)
	}
	for _, tc := range []struct {
		name    string
		windows v1alpha1.SyncWindows
		started string
		manual  bool
		want    bool
		texts   []string
	}{
		{"allowed now anyway", nil, "2026-06-01T11:00:00Z", false, true, nil},
		{"into a deny with overrun", v1alpha1.SyncWindows{deny(syncOverrun)}, "2026-06-01T11:50:00Z", false, true, nil},
		{"into a deny without overrun", v1alpha1.SyncWindows{deny()}, "2026-06-01T11:50:00Z", false, false,
			[]string{"active deny", "syncOverrun is not set on syncWindows[0]"}},
		{"into two denies, one without overrun", v1alpha1.SyncWindows{deny(syncOverrun), deny()}, "2026-06-01T11:50:00Z", false, false,
			[]string{"syncOverrun is not set on syncWindows[1]"}},
		{"started inside the deny", v1alpha1.SyncWindows{deny(syncOverrun)}, "2026-06-01T12:10:00Z", false, false,
			[]string{"the sync started at 2026-06-01T12:10:00Z, when syncs were blocked too"}},
		{"past an allow with overrun", v1alpha1.SyncWindows{allow(syncOverrun)}, "2026-06-01T11:00:00Z", false, true, nil},
		{"past an allow without overrun", v1alpha1.SyncWindows{allow()}, "2026-06-01T11:00:00Z", false, false,
			[]string{"outside every allow window", "syncOverrun is not set on syncWindows[0]"}},
		{"past two allows, one without overrun", v1alpha1.SyncWindows{allow(syncOverrun), allow(otherApp), allow()}, "2026-06-01T11:00:00Z", false, false,
			[]string{"syncOverrun is not set on syncWindows[2]"}},
		{"started before the allow", v1alpha1.SyncWindows{allow(syncOverrun)}, "2026-06-01T08:00:00Z", false, false,
			[]string{"when syncs were blocked too"}},
		{"allow with overrun into deny with overrun", v1alpha1.SyncWindows{allow(syncOverrun), deny(syncOverrun)}, "2026-06-01T11:00:00Z", false, true, nil},
		{"allow with overrun into deny without", v1alpha1.SyncWindows{allow(syncOverrun), deny()}, "2026-06-01T11:00:00Z", false, false,
			[]string{"syncOverrun is not set on syncWindows[1]"}},
		{"allow without overrun into deny with", v1alpha1.SyncWindows{allow(), deny(syncOverrun)}, "2026-06-01T11:00:00Z", false, true, nil},
		{"no start time", v1alpha1.SyncWindows{deny(syncOverrun)}, "", false, false, []string{"active deny"}},
		{"manual through a manualSync deny", v1alpha1.SyncWindows{deny(manualSync)}, "2026-06-01T12:10:00Z", true, true, nil},
		{"automated through a manualSync deny", v1alpha1.SyncWindows{deny(manualSync)}, "2026-06-01T12:10:00Z", false, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := proj(v1alpha1.AppProjectSpec{SyncWindows: tc.windows})
			var started time.Time // zero: no start time
			if tc.started != "" {
				started = at(t, tc.started)
			}
			mayContinue := MayContinue
			if tc.manual {
				mayContinue = MayContinueManual
			}
			ok, reason, err := mayContinue(p, webTarget, started, at(t, "2026-06-01T12:30:00Z"))
			if err != nil {
				t.Fatal(err)
			}
			if ok != tc.want {
				t.Errorf("ok = %v, want %v (%s)", ok, tc.want, reason)
			}
			for _, s := range tc.texts {
				if !strings.Contains(reason, s) {
					t.Errorf("reason %q lacks %q", reason, s)
				}
			}
		})
	}
}
