package render

import (
	"strings"
	"testing"
)

func TestParseManifests(t *testing.T) {
	tests := []struct {
		name, in string
		want     int    // objects
		err      string // part of the error, "" for none
	}{
		{"two documents", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: b}\n", 2, ""},
		{"empty documents and nulls", "---\n---\nnull\n", 0, ""},
		{"a List", "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n", 1, ""},
		{"a JSON array", `[{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}]`, 1, ""},
		{"a scalar", "just text\n", 0, "document 1: a string, not an object or a list of objects"},
		{"a number after an object", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n42\n", 0, "document 2: a number"},
		{"a list of scalars", "- a\n- b\n", 0, "list item 1 is not an object"},
		{"List items not a list", "apiVersion: v1\nkind: List\nitems: nope\n", 0, "List items is not a list"},
		{"List item without kind", "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap}\n- {metadata: {name: x}}\n", 0, "List item 2: object has no apiVersion or kind"},
		{"no kind", "apiVersion: v1\nmetadata: {name: a}\n", 0, "document 1: object has no apiVersion or kind"},
		{"malformed", "a: [b\n", 0, "document 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, err := ParseManifests([]byte(tt.in))
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("error %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("error %v, want one with %q", err, tt.err)
			case tt.err == "" && len(objs) != tt.want:
				t.Errorf("%d objects, want %d", len(objs), tt.want)
			}
		})
	}
}
