package render

import "context"

// withDeadline runs fn, which cannot be interrupted (Helm's engine, go-jsonnet,
// kustomize), and returns its result, or ctx's error once ctx is done. A
// function still running then is abandoned; it ends on its own.
func withDeadline[T any](ctx context.Context, fn func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := fn()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
