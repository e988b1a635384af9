package testenv

import (
	"fmt"
	"os/exec"
)

// BuildTiphys builds the tiphys binary of this module (./cmd/tiphys, with
// the web UI ui/dist holds) to out, for the tests and benchmarks that run
// it as a user does. Its error carries the compiler's output.
func BuildTiphys(out string) error {
	root, err := ModuleRoot()
	if err != nil {
		return err
	}
	build := exec.Command("go", "build", "-o", out, "./cmd/tiphys")
	build.Dir = root
	if b, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("build tiphys: %w\n%s", err, b)
	}
	return nil
}
