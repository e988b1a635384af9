package project

import (
	"errors"
	"fmt"
	"time"

	"github.com/gobwas/glob"
	"github.com/robfig/cron/v3"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// WindowTarget is what sync windows select an application by: its name,
// its destination namespace and its resolved cluster.
type WindowTarget struct {
	App, Namespace string
	Cluster        Cluster
}

// Window kinds.
const (
	windowAllow = "allow"
	windowDeny  = "deny"
)

// cronParser reads the five-field schedules Argo CD accepts: minute, hour,
// day of month, month and day of week, without descriptors such as @daily.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// window is a parsed sync window.
type window struct {
	index    int // in spec.syncWindows
	spec     *v1alpha1.SyncWindow
	schedule cron.Schedule
	duration time.Duration
	location *time.Location
}

// parseWindow reads syncWindows[i]: its kind, schedule, duration and time
// zone, and that its selector globs compile.
func parseWindow(i int, w *v1alpha1.SyncWindow) (window, error) {
	name := fmt.Sprintf("syncWindows[%d]", i)
	if w.Kind != windowAllow && w.Kind != windowDeny {
		return window{}, fmt.Errorf("%s: kind %q is neither %q nor %q", name, w.Kind, windowAllow, windowDeny)
	}
	sched, err := cronParser.Parse(w.Schedule)
	if err != nil {
		return window{}, fmt.Errorf("%s: schedule %q: %w", name, w.Schedule, err)
	}
	d, err := time.ParseDuration(w.Duration)
	if err != nil {
		return window{}, fmt.Errorf("%s: duration %q: %w", name, w.Duration, err)
	}
	if d <= 0 {
		return window{}, fmt.Errorf("%s: duration %q: %w", name, w.Duration, errNotPositive)
	}
	loc, err := location(w.TimeZone)
	if err != nil {
		return window{}, fmt.Errorf("%s: time zone %q: %w", name, w.TimeZone, err)
	}
	if err := selectorsCompile(i, w); err != nil {
		return window{}, err
	}
	return window{index: i, spec: w, schedule: sched, duration: d, location: loc}, nil
}

// selectorsCompile checks the application, namespace and cluster globs of
// syncWindows[i].
func selectorsCompile(i int, w *v1alpha1.SyncWindow) error {
	for _, list := range [][]string{w.Applications, w.Namespaces, w.Clusters} {
		for _, pattern := range list {
			if _, err := glob.Compile(pattern); err != nil {
				return fmt.Errorf("syncWindows[%d]: selector %q: %w", i, pattern, err)
			}
		}
	}
	return nil
}

var (
	errNotPositive = errors.New("not a positive duration")
	errLocal       = errors.New(`"Local" is the host's zone, not an IANA time zone`)
)

// location loads an IANA time zone; "" is UTC.
func location(tz string) (*time.Location, error) {
	switch tz {
	case "":
		return time.UTC, nil
	case "Local":
		return nil, errLocal
	}
	return time.LoadLocation(tz)
}

// active reports whether the window has a start in (now-duration, now]. The
// schedule runs in the window's time zone, so a window starts at its local
// wall-clock time on either side of a daylight-saving change; the duration
// is elapsed time.
func (w window) active(now time.Time) bool {
	start := w.schedule.Next(now.In(w.location).Add(-w.duration))
	return !start.IsZero() && !start.After(now) // zero: the schedule never fires
}

// matches reports whether the window selects the target: any of its set
// selectors (applications, clusters by name or server, namespaces), or all
// of them with andOperator. A window without selectors selects nothing.
func (w window) matches(t WindowTarget) bool {
	selectors := []struct {
		patterns []string
		values   []string
	}{
		{w.spec.Applications, []string{t.App}},
		{w.spec.Clusters, nonEmpty(t.Cluster.Name, t.Cluster.Server)},
		{w.spec.Namespaces, []string{t.Namespace}},
	}
	set, hit := 0, 0
	for _, s := range selectors {
		if len(s.patterns) == 0 {
			continue
		}
		set++
		if anyHit(s.patterns, s.values) {
			hit++
		}
	}
	if w.spec.UseAndOperator {
		return set > 0 && hit == set
	}
	return hit > 0
}

func anyHit(patterns, values []string) bool {
	for _, p := range patterns {
		for _, v := range values {
			if globHit(p, false, v) {
				return true
			}
		}
	}
	return false
}

func nonEmpty(values ...string) []string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// String names the window in reasons: `syncWindows[0] (deny "0 22 * * *"
// for 8h0m0s in Europe/Berlin)`.
func (w window) String() string {
	return fmt.Sprintf("syncWindows[%d] (%s %q for %s in %s)", w.index, w.spec.Kind, w.spec.Schedule, w.duration, w.location)
}

// matching parses the project's windows that select the target. As in Argo
// CD, a window that does not parse is an error only when it selects the
// target; one whose selectors do not compile always is.
func matching(p *v1alpha1.AppProject, t WindowTarget) ([]window, error) {
	var out []window
	for i, spec := range p.Spec.SyncWindows {
		if spec == nil {
			continue
		}
		if err := selectorsCompile(i, spec); err != nil {
			return nil, err
		}
		if !(window{spec: spec}).matches(t) {
			continue
		}
		w, err := parseWindow(i, spec)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}

// ActiveWindows returns the project's sync windows that select the target
// and are active at now, allow and deny alike.
func ActiveWindows(p *v1alpha1.AppProject, t WindowTarget, now time.Time) ([]*v1alpha1.SyncWindow, error) {
	ws, err := matching(p, t)
	if err != nil {
		return nil, err
	}
	var out []*v1alpha1.SyncWindow
	for _, w := range ws {
		if w.active(now) {
			out = append(out, w.spec)
		}
	}
	return out, nil
}

// ValidateWindows checks every sync window of the project: kind allow or
// deny, a five-field cron schedule, a positive duration, an IANA time zone
// (or none, for UTC) and selector globs that compile. It returns every
// problem found, joined.
func ValidateWindows(p *v1alpha1.AppProject) error {
	var errs []error
	for i, spec := range p.Spec.SyncWindows {
		if spec == nil {
			continue
		}
		if _, err := parseWindow(i, spec); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// WindowActive reports whether a sync window is open at now, whatever it
// selects; err names what does not parse.
func WindowActive(w *v1alpha1.SyncWindow, now time.Time) (bool, error) {
	pw, err := parseWindow(0, w)
	if err != nil {
		return false, err
	}
	return pw.active(now), nil
}
