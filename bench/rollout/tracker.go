package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// rolloutView is what the benchmark reads of a Rollout.
type rolloutView struct {
	// healthy is status.phase Healthy with the current revision stable,
	// for the Rollout's latest generation.
	healthy bool
	// hash is status.currentPodHash, the newest revision.
	hash string
}

func view(ro *v1alpha1.Rollout) rolloutView {
	s := ro.Status
	return rolloutView{hash: s.CurrentPodHash,
		healthy: s.Phase == v1alpha1.RolloutPhaseHealthy && s.StableRS != "" && s.StableRS == s.CurrentPodHash &&
			s.ObservedGeneration == fmt.Sprint(ro.Generation)}
}

// revisionSteps is when a Rollout went through the steps of one revision.
type revisionSteps struct {
	// reached is when the watch first showed each step index.
	reached map[int32]time.Time
	// pauseStart is the startTime of the canary pause step's condition,
	// as the controller wrote it (whole seconds: metav1.Time's precision).
	pauseStart time.Time
}

// tracker follows the benchmark's Rollouts in every namespace through a
// watch and records when each step index first appears, so that the time
// from a step's end to the next step is seen when it happens.
type tracker struct {
	c client.WithWatch

	mu       sync.Mutex
	rollouts map[string]rolloutView
	// steps are by Rollout, then by revision (pod-template hash).
	steps map[string]map[string]*revisionSteps
	err   error
	// changed is signalled after every change.
	changed chan struct{}
}

// startTracker lists the benchmark's Rollouts and follows them until ctx
// ends.
func startTracker(ctx context.Context, c client.WithWatch) (*tracker, error) {
	t := &tracker{c: c, rollouts: map[string]rolloutView{}, steps: map[string]map[string]*revisionSteps{},
		changed: make(chan struct{}, 1)}
	rv, err := t.relist(ctx)
	if err != nil {
		return nil, err
	}
	go t.follow(ctx, rv)
	return t, nil
}

// relist records every Rollout of a fresh list.
func (t *tracker) relist(ctx context.Context) (string, error) {
	var list v1alpha1.RolloutList
	if err := t.c.List(ctx, &list, client.MatchingLabels{partOfKey: partOf}); err != nil {
		return "", fmt.Errorf("list rollouts: %w", err)
	}
	now := time.Now()
	for i := range list.Items {
		t.record(&list.Items[i], now)
	}
	t.signal()
	return list.ResourceVersion, nil
}

// follow watches from rv, watching again when the server ends a watch
// and listing again when rv is too old.
func (t *tracker) follow(ctx context.Context, rv string) {
	for ctx.Err() == nil {
		w, err := t.c.Watch(ctx, &v1alpha1.RolloutList{}, client.MatchingLabels{partOfKey: partOf},
			&client.ListOptions{Raw: &metav1.ListOptions{ResourceVersion: rv, AllowWatchBookmarks: true}})
		if err != nil {
			if ctx.Err() == nil {
				t.fail(fmt.Errorf("watch rollouts: %w", err))
			}
			return
		}
		for ev := range w.ResultChan() {
			if ev.Type == watch.Error {
				if rv, err = t.relist(ctx); err != nil {
					t.fail(err)
					w.Stop()
					return
				}
				break
			}
			ro, ok := ev.Object.(*v1alpha1.Rollout)
			if !ok {
				continue
			}
			rv = ro.ResourceVersion
			if ev.Type == watch.Bookmark || ev.Type == watch.Deleted {
				continue
			}
			t.record(ro, time.Now())
			t.signal()
		}
		w.Stop()
	}
}

// record notes a Rollout's state as seen at now.
func (t *tracker) record(ro *v1alpha1.Rollout, now time.Time) {
	key := ro.Namespace + "/" + ro.Name
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rollouts[key] = view(ro)
	hash := ro.Status.CurrentPodHash
	if hash == "" {
		return
	}
	byHash := t.steps[key]
	if byHash == nil {
		byHash = map[string]*revisionSteps{}
		t.steps[key] = byHash
	}
	s := byHash[hash]
	if s == nil {
		s = &revisionSteps{reached: map[int32]time.Time{}}
		byHash[hash] = s
	}
	if i := ro.Status.CurrentStepIndex; i != nil {
		if _, ok := s.reached[*i]; !ok {
			s.reached[*i] = now
		}
		if *i == pauseStep {
			for _, c := range ro.Status.PauseConditions {
				if c.Reason == v1alpha1.PauseReasonCanaryPauseStep {
					s.pauseStart = c.StartTime.Time
				}
			}
		}
	}
}

func (t *tracker) signal() {
	select {
	case t.changed <- struct{}{}:
	default:
	}
}

func (t *tracker) fail(err error) {
	t.mu.Lock()
	t.err = err
	t.mu.Unlock()
	t.signal()
}

// until waits until cond holds of the Rollouts, and returns when it first
// saw it hold; it gives up after timeout, saying how many were done.
func (t *tracker) until(what string, timeout time.Duration, done func(key string, v rolloutView) bool, n int) (time.Time, error) {
	deadline := time.After(timeout)
	for {
		t.mu.Lock()
		count, err := 0, t.err
		for key, ro := range t.rollouts {
			if done(key, ro) {
				count++
			}
		}
		t.mu.Unlock()
		if err != nil {
			return time.Time{}, fmt.Errorf("wait for %s: %w", what, err)
		}
		if count >= n {
			return time.Now(), nil
		}
		select {
		case <-t.changed:
		case <-deadline:
			return time.Time{}, fmt.Errorf("wait for %s: %d of %d after %s", what, count, n, timeout)
		}
	}
}

// hashes is every Rollout's current revision.
func (t *tracker) hashes() map[string]string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]string, len(t.rollouts))
	for k, ro := range t.rollouts {
		out[k] = ro.hash
	}
	return out
}

// pauseDelays is, for every Rollout's current revision, the time from the
// end of its pause step (the condition's startTime plus the duration) to
// the watch first showing the next step index; missing counts the
// Rollouts for which the watch saw no pause condition or no next step.
func (t *tracker) pauseDelays() (delays []time.Duration, missing int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for key, ro := range t.rollouts {
		s := t.steps[key][ro.hash]
		if s == nil || s.pauseStart.IsZero() {
			missing++
			continue
		}
		next, ok := s.reached[pauseStep+1]
		if !ok {
			missing++
			continue
		}
		delays = append(delays, next.Sub(s.pauseStart.Add(pauseFor*time.Second)))
	}
	return delays, missing
}
