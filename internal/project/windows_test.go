package project

import (
	"strings"
	"testing"
	"time"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func at(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

var webTarget = WindowTarget{App: "web-prod", Namespace: "web", Cluster: prod}

func TestWindowSelectors(t *testing.T) {
	always := func(w v1alpha1.SyncWindow) *v1alpha1.SyncWindow {
		w.Kind, w.Schedule, w.Duration = "deny", "* * * * *", "1h"
		return &w
	}
	for _, tc := range []struct {
		name   string
		window *v1alpha1.SyncWindow
		want   bool
		noNS   bool // the target has no destination namespace
	}{
		{"no selectors", always(v1alpha1.SyncWindow{}), false, false},
		{"application glob", always(v1alpha1.SyncWindow{Applications: []string{"web-*"}}), true, false},
		{"application misses", always(v1alpha1.SyncWindow{Applications: []string{"api-*"}}), false, false},
		{"namespace", always(v1alpha1.SyncWindow{Namespaces: []string{"web"}}), true, false},
		{"cluster by name", always(v1alpha1.SyncWindow{Clusters: []string{"prod"}}), true, false},
		{"cluster by server", always(v1alpha1.SyncWindow{Clusters: []string{"https://prod.example.com"}}), true, false},
		{"cluster by server glob", always(v1alpha1.SyncWindow{Clusters: []string{"https://*.example.com"}}), true, false},
		{"cluster misses", always(v1alpha1.SyncWindow{Clusters: []string{"staging"}}), false, false},
		{"or: one of them", always(v1alpha1.SyncWindow{Applications: []string{"api"}, Namespaces: []string{"web"}}), true, false},
		{"or: none", always(v1alpha1.SyncWindow{Applications: []string{"api"}, Namespaces: []string{"api"}}), false, false},
		{"and: all", always(v1alpha1.SyncWindow{Applications: []string{"web-*"}, Clusters: []string{"https://prod.example.com"}, Namespaces: []string{"web"}, UseAndOperator: true}), true, false},
		{"and: one misses", always(v1alpha1.SyncWindow{Applications: []string{"web-*"}, Namespaces: []string{"api"}, UseAndOperator: true}), false, false},
		{"and: cluster by name misses", always(v1alpha1.SyncWindow{Applications: []string{"web-*"}, Clusters: []string{"staging"}, UseAndOperator: true}), false, false},
		{"namespace star selects an app without one", always(v1alpha1.SyncWindow{Namespaces: []string{"*"}}), true, true},
		{"and: unset selectors do not count", always(v1alpha1.SyncWindow{Clusters: []string{"prod"}, UseAndOperator: true}), true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := proj(v1alpha1.AppProjectSpec{SyncWindows: v1alpha1.SyncWindows{tc.window}})
			target := webTarget
			if tc.noNS {
				target.Namespace = ""
			}
			got, err := ActiveWindows(p, target, at(t, "2026-06-01T12:00:00Z"))
			if err != nil {
				t.Fatal(err)
			}
			if (len(got) == 1) != tc.want {
				t.Errorf("selected = %v, want %v", len(got) == 1, tc.want)
			}
		})
	}
}

// Europe/Berlin moves from CET (+1) to CEST (+2) at 2026-03-29 02:00 local
// and back at 2026-10-25 03:00 local: windows start at local wall-clock time
// and last elapsed time.
func TestWindowActive(t *testing.T) {
	for _, tc := range []struct {
		name               string
		schedule, duration string
		zone               string
		now                string
		want               bool
	}{
		{"22:00 CEST on the day of the spring change", "0 22 * * *", "8h", "Europe/Berlin", "2026-03-29T20:30:00Z", true},
		{"21:30 CEST is before it", "0 22 * * *", "8h", "Europe/Berlin", "2026-03-29T19:30:00Z", false},
		{"the night before's window, 22:00 CET + 8h, still on", "0 22 * * *", "8h", "Europe/Berlin", "2026-03-29T04:30:00Z", true},
		{"and over at 07:30 CEST", "0 22 * * *", "8h", "Europe/Berlin", "2026-03-29T05:30:00Z", false},
		{"01:00 CET + 2h across the spring change: 03:30 CEST", "0 1 * * *", "2h", "Europe/Berlin", "2026-03-29T01:30:00Z", true},
		{"and over at 04:30 CEST", "0 1 * * *", "2h", "Europe/Berlin", "2026-03-29T02:30:00Z", false},
		{"09:00 CEST the day before the autumn change", "0 9 * * *", "1h", "Europe/Berlin", "2026-10-24T07:30:00Z", true},
		{"08:30 CET is before 09:00 CET", "0 9 * * *", "1h", "Europe/Berlin", "2026-10-25T07:30:00Z", false},
		{"09:30 CET", "0 9 * * *", "1h", "Europe/Berlin", "2026-10-25T08:30:00Z", true},
		{"01:00 CEST + 3h across the autumn change: 02:59 CET", "0 1 * * *", "3h", "Europe/Berlin", "2026-10-25T01:59:00Z", true},
		{"and over at 03:01 CET", "0 1 * * *", "3h", "Europe/Berlin", "2026-10-25T02:01:00Z", false},
		{"now given in another zone", "0 22 * * *", "8h", "Europe/Berlin", "2026-03-29T16:30:00-04:00", true},
		{"UTC by default", "0 22 * * *", "1h", "", "2026-03-29T22:30:00Z", true},
		{"a start at now is active", "0 12 * * *", "1h", "", "2026-06-01T12:00:00Z", true},
		{"a start at now-duration is over", "0 12 * * *", "1h", "", "2026-06-01T13:00:00Z", false},
		{"a schedule that never fires", "0 0 30 2 *", "24h", "", "2026-02-28T12:00:00Z", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := proj(v1alpha1.AppProjectSpec{SyncWindows: v1alpha1.SyncWindows{{
				Kind: "deny", Schedule: tc.schedule, Duration: tc.duration, TimeZone: tc.zone, Applications: []string{"*"},
			}}})
			got, err := ActiveWindows(p, webTarget, at(t, tc.now))
			if err != nil {
				t.Fatal(err)
			}
			if (len(got) == 1) != tc.want {
				t.Errorf("active at %s = %v, want %v", tc.now, len(got) == 1, tc.want)
			}
		})
	}
}

func TestValidateWindows(t *testing.T) {
	ok := v1alpha1.SyncWindow{Kind: "allow", Schedule: "0 22 * * *", Duration: "1h", TimeZone: "Europe/Berlin", Applications: []string{"*"}}
	with := func(f func(*v1alpha1.SyncWindow)) *v1alpha1.SyncWindow {
		w := ok
		f(&w)
		return &w
	}
	for _, tc := range []struct {
		name   string
		window *v1alpha1.SyncWindow
		want   []string // in the error; none when valid
	}{
		{"valid", with(func(*v1alpha1.SyncWindow) {}), nil},
		{"kind", with(func(w *v1alpha1.SyncWindow) { w.Kind = "Deny" }), []string{`syncWindows[1]: kind "Deny" is neither "allow" nor "deny"`}},
		{"cron", with(func(w *v1alpha1.SyncWindow) { w.Schedule = "0 25 * * *" }), []string{`syncWindows[1]: schedule "0 25 * * *"`}},
		{"six fields", with(func(w *v1alpha1.SyncWindow) { w.Schedule = "0 0 22 * * *" }), []string{`schedule "0 0 22 * * *"`}},
		{"descriptor", with(func(w *v1alpha1.SyncWindow) { w.Schedule = "@daily" }), []string{`schedule "@daily"`}},
		{"duration", with(func(w *v1alpha1.SyncWindow) { w.Duration = "8 hours" }), []string{`syncWindows[1]: duration "8 hours"`}},
		{"zero duration", with(func(w *v1alpha1.SyncWindow) { w.Duration = "0s" }), []string{`duration "0s": not a positive duration`}},
		{"time zone", with(func(w *v1alpha1.SyncWindow) { w.TimeZone = "Europe/Nowhere" }), []string{`syncWindows[1]: time zone "Europe/Nowhere"`}},
		{"Local", with(func(w *v1alpha1.SyncWindow) { w.TimeZone = "Local" }), []string{`time zone "Local"`}},
		{"selector", with(func(w *v1alpha1.SyncWindow) { w.Applications = []string{"[web"} }), []string{`syncWindows[1]: selector "[web"`}},
		{"a window's first problem", with(func(w *v1alpha1.SyncWindow) { w.Kind = "x"; w.Duration = "y" }), []string{`kind "x"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := proj(v1alpha1.AppProjectSpec{SyncWindows: v1alpha1.SyncWindows{&ok, tc.window, nil}})
			err := ValidateWindows(p)
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("want an error")
			}
			for _, s := range tc.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
		})
	}
	multi := proj(v1alpha1.AppProjectSpec{SyncWindows: v1alpha1.SyncWindows{
		with(func(w *v1alpha1.SyncWindow) { w.Kind = "x" }), with(func(w *v1alpha1.SyncWindow) { w.Duration = "y" }),
	}})
	if err := ValidateWindows(multi); err == nil || !strings.Contains(err.Error(), "syncWindows[0]") || !strings.Contains(err.Error(), "syncWindows[1]") {
		t.Errorf("want both windows named, got %v", err)
	}
}
