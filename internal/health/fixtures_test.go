package health

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of the health fixtures")

// Every fixture under testdata/<group>/<Kind>/NAME.yaml gets the health its
// golden file NAME.golden holds ("Status: message"); NAME starts with the
// expected status in lower case, so a golden file that drifts from its
// name fails too. Refresh the golden files with -update.
func TestFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/*/*/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, f := range files {
		t.Run(strings.TrimPrefix(f, "testdata/"), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			st, err := Of(parse(t, string(b)), nil)
			if err != nil {
				t.Fatal(err)
			}
			if st == nil {
				t.Fatal("no health")
			}
			got := string(st.Code) + ": " + st.Message + "\n"
			if want := strings.SplitN(filepath.Base(f), "-", 2)[0]; !strings.EqualFold(string(st.Code), want) {
				t.Errorf("status %s, the fixture's name says %s", st.Code, want)
			}
			golden := strings.TrimSuffix(f, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("health %q, golden %q", got, want)
			}
		})
	}
}
