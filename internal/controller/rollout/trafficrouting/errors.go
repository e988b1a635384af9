package trafficrouting

import (
	"errors"
	"fmt"
)

// ErrNotSupported is wrapped by the error a provider returns for a step it
// cannot express (a header route on SMI, a mirror on nginx). Argo Rollouts
// silently ignores such steps for these providers; Tiphys says so, and the
// controller decides with errors.Is whether that fails the step.
var ErrNotSupported = errors.New("not supported")

// NotSupported returns the error for an operation a provider cannot do:
// `<operation> is not supported by <provider>`, wrapping ErrNotSupported.
func NotSupported(provider, operation string) error {
	return fmt.Errorf("%s is %w by %s", operation, ErrNotSupported, provider)
}
