package health

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of the health fixtures")

// Every fixture file under testdata/<group>/<Kind>/NAME.yaml gets the
// health its golden file NAME.golden holds. A file of one object holds
// "Status: message" and NAME starts with the expected status in lower
// case; a file of several objects (documents split by ---) holds one line
// per object, `<metadata.name> Status: "message"`, and each object's name
// starts with its expected status. A golden file that drifts from the
// names fails too. Refresh the golden files with -update.
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
			docs := splitDocuments(b)
			var got strings.Builder
			for _, doc := range docs {
				obj := parse(t, doc)
				name := strings.TrimSuffix(filepath.Base(f), ".yaml")
				if len(docs) > 1 {
					name = obj.GetName()
				}
				st, err := Of(obj, nil)
				if err != nil {
					t.Fatal(err)
				}
				if st == nil {
					t.Fatalf("%s: no health", name)
				}
				if want := strings.SplitN(name, "-", 2)[0]; !strings.EqualFold(string(st.Code), want) {
					t.Errorf("%s: status %s, the name says %s", name, st.Code, want)
				}
				if len(docs) > 1 {
					fmt.Fprintf(&got, "%s %s: %q\n", name, st.Code, st.Message)
				} else {
					fmt.Fprintf(&got, "%s: %s\n", st.Code, st.Message)
				}
			}
			golden := strings.TrimSuffix(f, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != string(want) {
				t.Errorf("health:\n%s\ngolden:\n%s", got.String(), want)
			}
		})
	}
}

// splitDocuments splits a YAML stream at its `---` lines, dropping
// documents of only comments and blank lines.
func splitDocuments(b []byte) []string {
	var docs []string
	var cur strings.Builder
	flush := func() {
		for _, l := range strings.Split(cur.String(), "\n") {
			if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
				docs = append(docs, cur.String())
				break
			}
		}
		cur.Reset()
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.TrimRight(l, " ") == "---" {
			flush()
			continue
		}
		cur.WriteString(l + "\n")
	}
	flush()
	return docs
}

// Every built-in check of a custom-resource kind has fixtures in
// testdata/<group>/<Kind> (a wildcard's `*` written `_`, as in Argo CD's
// resource_customizations); the core kinds' cases are tables in
// health_test.go and workloads_test.go.
func TestEveryCustomKindHasFixtures(t *testing.T) {
	tableTested := map[string]bool{}
	for _, k := range []string{"apps/Deployment", "apps/StatefulSet", "apps/DaemonSet", "apps/ReplicaSet", "batch/Job",
		"batch/CronJob", "networking.k8s.io/Ingress", "autoscaling/HorizontalPodAutoscaler",
		"apiregistration.k8s.io/APIService", "argoproj.io/Application"} {
		tableTested[k] = true
	}
	for _, k := range BuiltIn() {
		group, kind, ok := strings.Cut(k, "/")
		if !ok || tableTested[k] {
			continue
		}
		dir := filepath.Join("testdata", strings.ReplaceAll(group, "*", "_"), strings.ReplaceAll(kind, "*", "_"))
		if files, _ := filepath.Glob(filepath.Join(dir, "*.yaml")); len(files) == 0 {
			t.Errorf("%s: no fixtures in %s", k, dir)
		}
	}
}
