package yamledit_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/tiphys/tiphys/internal/yamledit"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden sets values in testdata/values.yaml and compares the result
// with testdata/NAME.golden.yaml; outside the changed scalar, every byte
// must be the input's.
func TestGolden(t *testing.T) {
	src, err := os.ReadFile("testdata/values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, value string
		o                 yamledit.Options
	}{
		{name: "double-quoted-tag", path: "image.tag", value: "1.4.2"},
		{name: "plain-int", path: "replicaCount", value: "5"},
		{name: "anchored", path: "defaults.timeout", value: "45s"},
		{name: "quoted-key", path: `podAnnotations."example.com/team"`, value: "payments"},
		{name: "single-quoted-key-path", path: `podAnnotations.'example.com/cost-center'`, value: "0815"},
		{name: "flow-map", path: "resources.limits.memory", value: "512Mi"},
		{name: "list-item", path: "containers[0].image", value: "registry.example.com/shop/order-service:1.4.2"},
		{name: "single-quoted", path: "containers[1].image", value: "registry.example.com/proxy:2.1"},
		{name: "flow-list-quoted", path: "containers[1].args[1]", value: "9090"},
		{name: "flow-list-plain-needs-quotes", path: "containers[1].args[2]", value: "--level=a,b"},
		{name: "plain-string-stays-string", path: "image.pullPolicy", value: "1.10"},
		{name: "explicit-tag", path: "version", value: "1.20"},
		{name: "unicode-key", path: "café", value: "crème brûlée"},
		{name: "bool", path: "enabled", value: "false"},
		{name: "bool-as-string", path: "enabled", value: "maybe", o: yamledit.Options{String: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := yamledit.ParsePath(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			got, changed, err := yamledit.Set(src, p, tt.value, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			if !changed {
				t.Fatal("no change reported")
			}
			assertOneSpan(t, src, got)
			golden := filepath.Join("testdata", tt.name+".golden.yaml")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// assertOneSpan checks that got differs from src in one span within one
// line: everything before and after is byte-identical.
func assertOneSpan(t *testing.T, src, got []byte) {
	t.Helper()
	pre := 0
	for pre < len(src) && pre < len(got) && src[pre] == got[pre] {
		pre++
	}
	suf := 0
	for suf < len(src)-pre && suf < len(got)-pre && src[len(src)-1-suf] == got[len(got)-1-suf] {
		suf++
	}
	if old, nu := src[pre:len(src)-suf], got[pre:len(got)-suf]; bytes.ContainsAny(old, "\n") || bytes.ContainsAny(nu, "\n") {
		t.Errorf("the change spans lines: %q -> %q", old, nu)
	}
}

func TestSecondDocument(t *testing.T) {
	src := []byte("a: 1\n---\n# second\na: \"x\"\nb: [1, 2]\n---\na: 3\n")
	p, _ := yamledit.ParsePath("a")
	got, changed, err := yamledit.Set(src, p, "y", yamledit.Options{Document: 1})
	if err != nil || !changed {
		t.Fatal(changed, err)
	}
	if want := "a: 1\n---\n# second\na: \"y\"\nb: [1, 2]\n---\na: 3\n"; string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
