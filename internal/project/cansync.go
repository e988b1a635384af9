package project

import (
	"fmt"
	"strings"
	"time"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// CanSync reports whether a sync of the target may start at now: manual for
// a user's sync, false for an automated one. When it may not, reason names
// the windows that block it. err is a window that selects the target and
// does not parse (kind, cron schedule, duration, time zone).
//
// As in Argo CD: with no window selecting the target, syncs are allowed. An
// active deny window blocks, though a manual sync passes when every active
// deny has manualSync. Otherwise an active allow window allows. Otherwise,
// if allow windows select the target, none being active blocks, though a
// manual sync passes when every one of them has manualSync. Otherwise syncs
// are allowed.
func CanSync(p *v1alpha1.AppProject, t WindowTarget, manual bool, now time.Time) (ok bool, reason string, err error) {
	ws, err := matching(p, t)
	if err != nil {
		return false, "", err
	}
	d := decide(ws, manual, now)
	return d.ok, d.reason(), nil
}

// MayContinue reports whether an automated sync of the target that started
// at startedAt may go on at now, with reason and err as CanSync's. It may
// if CanSync allows it now, or if syncOverrun lets it run on: the windows
// allowed it at startedAt, and every window blocking it now has
// syncOverrun (all active deny windows when a deny blocks, all allow
// windows when none is active). A zero startedAt gets no overrun.
func MayContinue(p *v1alpha1.AppProject, t WindowTarget, startedAt, now time.Time) (bool, string, error) {
	return mayContinue(p, t, false, startedAt, now)
}

// MayContinueManual is MayContinue for a sync a user started, which
// manualSync windows let through as CanSync's manual does.
func MayContinueManual(p *v1alpha1.AppProject, t WindowTarget, startedAt, now time.Time) (bool, string, error) {
	return mayContinue(p, t, true, startedAt, now)
}

func mayContinue(p *v1alpha1.AppProject, t WindowTarget, manual bool, startedAt, now time.Time) (bool, string, error) {
	ws, err := matching(p, t)
	if err != nil {
		return false, "", err
	}
	d := decide(ws, manual, now)
	if d.ok || startedAt.IsZero() {
		return d.ok, d.reason(), nil
	}
	// Every window of the kind that blocks must allow overrun: the active
	// denies, or (no allow being active) every allow window.
	overrun := d.activeDeny
	if len(overrun) == 0 {
		overrun = d.inactiveAllow
	}
	if without := filter(overrun, func(w window) bool { return !w.spec.SyncOverrun }); len(without) > 0 {
		return false, d.reason() + "; syncOverrun is not set on " + names(without), nil
	}
	if !decide(ws, manual, startedAt).ok {
		return false, d.reason() + fmt.Sprintf("; the sync started at %s, when syncs were blocked too", startedAt.UTC().Format(time.RFC3339)), nil
	}
	return true, "", nil
}

// decision is the outcome of the windows at one time.
type decision struct {
	ok                        bool
	activeDeny, inactiveAllow []window
	blocking                  []window // the windows that block, when !ok
}

func decide(ws []window, manual bool, now time.Time) decision {
	var d decision
	activeAllow := false
	for _, w := range ws {
		switch active := w.active(now); {
		case w.spec.Kind == windowDeny && active:
			d.activeDeny = append(d.activeDeny, w)
		case w.spec.Kind == windowAllow && active:
			activeAllow = true
		case w.spec.Kind == windowAllow:
			d.inactiveAllow = append(d.inactiveAllow, w)
		}
	}
	noManualSync := func(w window) bool { return !manual || !w.spec.ManualSync }
	switch {
	case len(d.activeDeny) > 0:
		d.blocking = filter(d.activeDeny, noManualSync)
	case activeAllow:
	case len(d.inactiveAllow) > 0:
		d.blocking = filter(d.inactiveAllow, noManualSync)
	}
	d.ok = len(d.blocking) == 0
	return d
}

// reason says which windows block, or "" when none does.
func (d decision) reason() string {
	switch {
	case d.ok:
		return ""
	case len(d.activeDeny) > 0:
		return "blocked by active deny window(s) " + names(d.blocking)
	default:
		return "outside every allow window; blocked by inactive allow window(s) " + names(d.blocking)
	}
}

func filter(ws []window, keep func(window) bool) []window {
	var out []window
	for _, w := range ws {
		if keep(w) {
			out = append(out, w)
		}
	}
	return out
}

func names(ws []window) string {
	s := make([]string, len(ws))
	for i, w := range ws {
		s[i] = w.String()
	}
	return strings.Join(s, ", ")
}
