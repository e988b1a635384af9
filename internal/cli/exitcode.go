package cli

import (
	"errors"
	"fmt"
	"io"
)

// exitError is an error that ends the process with a specific exit code.
// One without err is an outcome rather than a failure, such as
// `app diff --exit-code` finding a difference: nothing is printed for it.
type exitError struct {
	code int
	err  error
}

// exitWith ends the process with code and no message: the command's
// output already says what happened.
func exitWith(code int) error { return &exitError{code: code} }

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit code %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// exitCodeOf prints a command's error on stderr (except for an exitError
// without a message) and returns the process's exit code for it.
func exitCodeOf(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	e := (*exitError)(nil)
	if !errors.As(err, &e) {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	if e.err != nil || err != error(e) {
		fmt.Fprintln(stderr, "error:", err)
	}
	return e.code
}
