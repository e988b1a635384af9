package cli

// exitError is an error that ends the process with a specific exit code,
// such as `app diff --exit-code` reporting a difference.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }
