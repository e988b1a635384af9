package ui

import (
	"os"
	"os/exec"
	"testing"
)

// TestUnits runs the unit tests of the UI's TypeScript (npm test: the list's
// filters, the diff, the chart's values). Without node or ui/node_modules
// (make build installs them) it skips, unless TIPHYS_REQUIRE_BROWSER is set,
// as make test sets it.
func TestUnits(t *testing.T) {
	_, errNode := exec.LookPath("node")
	_, errModules := os.Stat("node_modules")
	if errNode != nil || errModules != nil {
		if os.Getenv("TIPHYS_REQUIRE_BROWSER") != "" {
			t.Fatalf("TIPHYS_REQUIRE_BROWSER is set but node or ui/node_modules is missing (run make build)")
		}
		t.Skip("node or ui/node_modules is missing (make build installs them)")
	}
	out, err := exec.Command("npm", "test", "--silent").CombinedOutput()
	if err != nil {
		t.Fatalf("npm test: %v\n%s", err, out)
	}
}
