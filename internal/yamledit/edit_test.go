package yamledit_test

import (
	"errors"
	"testing"

	"github.com/tiphys/tiphys/internal/yamledit"
)

func TestParsePath(t *testing.T) {
	tests := []struct {
		in, want string // want: the path written back, or "" for an error
	}{
		{"image.tag", "image.tag"},
		{"containers[0].image", "containers[0].image"},
		{"a[1][2]", "a[1][2]"},
		{`annotations."example.com/team"`, `annotations."example.com/team"`},
		{`annotations.'example.com/team'`, `annotations."example.com/team"`},
		{`"a.b"[3].c`, `"a.b"[3].c`},
		{"", ""},
		{"a..b", ""},
		{"a.", ""},
		{".a", ""},
		{"a[x]", ""},
		{"a[-1]", ""},
		{"a[1", ""},
		{`a."b`, ""},
		{"a[0]b", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := yamledit.ParsePath(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("want an error, got %v", p)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.String() != tt.want {
				t.Errorf("got %s, want %s", p, tt.want)
			}
		})
	}
}

func TestSetErrors(t *testing.T) {
	src := []byte(`base: &b
  x: 1
merged:
  <<: *b
alias: *b
list: [a, b]
map: {k: v}
count: 3
note: |
  block
empty:
multi: one
  two
`)
	tests := []struct {
		name, path, value string
		o                 yamledit.Options
		want              error
	}{
		{name: "missing key", path: "image.tag", want: yamledit.ErrNotFound},
		{name: "missing nested", path: "map.nope", want: yamledit.ErrNotFound},
		{name: "merged key", path: "merged.x", want: yamledit.ErrNotFound},
		{name: "bad index", path: "list[2]", want: yamledit.ErrIndex},
		{name: "index on map", path: "map[0]", want: yamledit.ErrKind},
		{name: "key on list", path: "list.a", want: yamledit.ErrKind},
		{name: "into scalar", path: "count.x", want: yamledit.ErrKind},
		{name: "not a scalar", path: "map", want: yamledit.ErrNotScalar},
		{name: "alias", path: "alias", want: yamledit.ErrAlias},
		{name: "through alias", path: "alias.x", want: yamledit.ErrAlias},
		{name: "int gets string", path: "count", value: "many", want: yamledit.ErrType},
		{name: "block scalar", path: "note", value: "x", want: yamledit.ErrUnsupported},
		{name: "empty value", path: "empty", value: "x", want: yamledit.ErrUnsupported},
		{name: "multi-line plain", path: "multi", value: "x", want: yamledit.ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := yamledit.ParsePath(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if tt.value == "" {
				tt.value = "v"
			}
			_, _, err = yamledit.Set(src, p, tt.value, tt.o)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			var pe *yamledit.PathError
			if !errors.As(err, &pe) {
				t.Fatalf("%v is not a PathError", err)
			}
		})
	}
	if _, _, err := yamledit.Set(src, yamledit.Path{{Key: "count", Index: -1}}, "1", yamledit.Options{Document: 2}); err == nil {
		t.Error("document 2 of a one-document file: want an error")
	}
}

func TestSetUnchanged(t *testing.T) {
	src := []byte("a: \"1.4.1\"\nb: 3\nc: 'x'\n")
	for _, tt := range []struct{ path, value string }{{"a", "1.4.1"}, {"b", "3"}, {"c", "x"}} {
		p, _ := yamledit.ParsePath(tt.path)
		got, changed, err := yamledit.Set(src, p, tt.value, yamledit.Options{})
		if err != nil || changed || string(got) != string(src) {
			t.Errorf("%s=%s: changed %v, err %v", tt.path, tt.value, changed, err)
		}
	}
}
