package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"golang.org/x/term"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	k8sfields "k8s.io/apimachinery/pkg/fields"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// watchSettle is how long a watch waits after a change for more to come
// before drawing again, so a burst of events draws one view.
const watchSettle = 200 * time.Millisecond

// watchRetry is how long a watch that failed to start waits before
// trying again.
const watchRetry = time.Second

// clearScreen moves the cursor home and clears the terminal.
const clearScreen = "\033[H\033[2J"

// watchRollout draws the Rollout name (or prints it, with -o) now and
// again at every change of it or of the objects it owns, until ctx ends,
// the timeout passes or, with --until-done, the Rollout is done.
func (o *rolloutGetOptions) watchRollout(ctx context.Context, c client.WithWatch, name string, out, errOut io.Writer) error {
	stop := ctx
	if o.timeout > 0 {
		var cancel context.CancelFunc
		stop, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	watchCtx, cancelWatches := context.WithCancel(stop)
	defer cancelWatches()

	// Watches start before the first read, so no change between the
	// two is missed.
	changes := make(chan struct{}, 1)
	kinds := []client.ObjectList{&v1alpha1.RolloutList{}}
	if o.output == "" {
		kinds = append(kinds, &appsv1.ReplicaSetList{}, &corev1.PodList{}, &v1alpha1.AnalysisRunList{}, &v1alpha1.ExperimentList{})
	}
	for _, list := range kinds {
		opts := []client.ListOption{client.InNamespace(o.namespace)}
		if _, ok := list.(*v1alpha1.RolloutList); ok {
			opts = append(opts, client.MatchingFieldsSelector{Selector: k8sfields.OneTermEqualSelector("metadata.name", name)})
		}
		go watchChanges(watchCtx, c, list, opts, changes)
	}

	p := &watchPrinter{out: out, errOut: errOut, terminal: isTerminal(out), output: o.output}
	return o.follow(ctx, stop, name, p, changes, func(ctx context.Context) (*rolloutView, error) { return o.read(ctx, c, name) })
}

// follow prints the view read gives now and again after each signal on
// changes, until stop ends or, with --until-done, the Rollout is done; a
// failing read is said once and tried again after watchRetry.
func (o *rolloutGetOptions) follow(ctx, stop context.Context, name string, p *watchPrinter, changes <-chan struct{},
	read func(context.Context) (*rolloutView, error)) error {
	var retry <-chan time.Time // set while a read is failing
	for {
		v, err := read(stop)
		switch {
		case err != nil && stop.Err() != nil:
			return o.stopped(ctx, stop, name)
		case err != nil && !p.printed:
			return err
		case err != nil:
			// The view stays on screen; the error is said once, and the
			// read tried again at the next change or after watchRetry.
			p.warn(err)
			retry = time.After(watchRetry)
		default:
			retry = nil
			if err := p.print(v, time.Now()); err != nil {
				return err
			}
			if o.untilDone {
				if done, err := rolloutDone(v.Rollout); done {
					return err
				}
			}
		}
		select {
		case <-stop.Done():
			return o.stopped(ctx, stop, name)
		case <-changes:
		case <-retry:
		}
		select { // let a burst of changes settle
		case <-stop.Done():
			return o.stopped(ctx, stop, name)
		case <-time.After(watchSettle):
		}
	}
}

// read loads what the view shows: only the Rollout for -o json|yaml.
func (o *rolloutGetOptions) read(ctx context.Context, c client.Reader, name string) (*rolloutView, error) {
	if o.output == "" {
		return loadRolloutView(ctx, c, o.namespace, name)
	}
	ro := &v1alpha1.Rollout{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: o.namespace, Name: name}, ro); err != nil {
		return nil, fmt.Errorf("rollout %s/%s: %w", o.namespace, name, err)
	}
	return &rolloutView{Rollout: ro}, nil
}

// stopped is the result of a watch that ended on its own context: nil
// after an interrupt or the timeout, except that a timeout with
// --until-done is a failure, the Rollout not being done in time.
func (o *rolloutGetOptions) stopped(ctx, stop context.Context, name string) error {
	if o.untilDone && ctx.Err() == nil && errors.Is(stop.Err(), context.DeadlineExceeded) {
		return &exitError{code: 1, err: fmt.Errorf("rollout %s/%s: not Healthy or Degraded after %s", o.namespace, name, o.timeout)}
	}
	return nil
}

// rolloutDone says whether ro has acted on its latest spec and is
// Healthy or Degraded; Degraded comes with an exit-code-1 error that
// carries the Rollout's message.
func rolloutDone(ro *v1alpha1.Rollout) (bool, error) {
	if ro.Status.ObservedGeneration != strconv.FormatInt(ro.Generation, 10) {
		return false, nil
	}
	switch ro.Status.Phase {
	case v1alpha1.RolloutPhaseHealthy:
		return true, nil
	case v1alpha1.RolloutPhaseDegraded:
		return true, &exitError{code: 1, err: fmt.Errorf("rollout %s/%s is Degraded: %s", ro.Namespace, ro.Name, orDash(ro.Status.Message))}
	}
	return false, nil
}

// watchChanges watches one kind in the namespace and sends on changes
// (without blocking: one pending signal is enough) for every event, and
// when a watch ends and starts again, as events may have been missed
// between the two. It returns when ctx ends.
func watchChanges(ctx context.Context, c client.WithWatch, list client.ObjectList, opts []client.ListOption, changes chan<- struct{}) {
	signal := func() {
		select {
		case changes <- struct{}{}:
		default:
		}
	}
	for ctx.Err() == nil {
		w, err := c.Watch(ctx, list.DeepCopyObject().(client.ObjectList), opts...)
		if err != nil {
			select {
			case <-ctx.Done():
				return
			case <-time.After(watchRetry):
			}
			continue
		}
		started := time.Now()
		for range w.ResultChan() {
			signal()
		}
		w.Stop()
		signal()
		if time.Since(started) < watchRetry { // a watch that ends at once is not retried at once
			select {
			case <-ctx.Done():
				return
			case <-time.After(watchRetry):
			}
		}
	}
}

// watchPrinter prints the views of a watch: the human view whenever its
// text changes, after clearing the screen on a terminal or else after a
// blank line and a timestamp header; with -o, the Rollout whenever its
// resourceVersion changes.
type watchPrinter struct {
	out      io.Writer
	errOut   io.Writer // where read errors go
	terminal bool
	output   string
	last     string // the last text or resourceVersion printed
	printed  bool
}

func (p *watchPrinter) print(v *rolloutView, now time.Time) error {
	if p.output != "" {
		if p.printed && v.Rollout.ResourceVersion == p.last {
			return nil
		}
		if p.printed && p.output == "yaml" {
			fmt.Fprintln(p.out, "---")
		}
		p.last, p.printed = v.Rollout.ResourceVersion, true
		_, err := printStructured(p.out, p.output, v.Rollout)
		return err
	}
	var b bytes.Buffer
	if err := renderRollout(&b, v, now); err != nil {
		return err
	}
	if p.printed && b.String() == p.last {
		return nil
	}
	switch {
	case p.terminal:
		fmt.Fprint(p.out, clearScreen)
	case p.printed:
		fmt.Fprintln(p.out)
	}
	if !p.terminal {
		fmt.Fprintf(p.out, "== %s ==\n", now.UTC().Format(time.RFC3339))
	}
	p.last, p.printed = b.String(), true
	_, err := p.out.Write(b.Bytes())
	return err
}

// warn says, once until a view is printed again, that reading failed.
func (p *watchPrinter) warn(err error) {
	msg := "error: " + err.Error()
	if p.last == msg {
		return
	}
	p.last = msg
	fmt.Fprintln(p.errOut, msg)
}

// isTerminal says whether out is a terminal.
func isTerminal(out io.Writer) bool {
	f, ok := out.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
