package cluster

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestKeepKnown(t *testing.T) {
	cases := []struct {
		name      string
		want, got any
		out       any
	}{{
		name: "a field the server dropped goes",
		want: map[string]any{"data": map[string]any{"a": "1"}, "bogus": true},
		got:  map[string]any{"data": map[string]any{"a": "1"}, "metadata": map[string]any{"uid": "u"}},
		out:  map[string]any{"data": map[string]any{"a": "1"}},
	}, {
		name: "nested in list items of the same length",
		want: map[string]any{"spec": map[string]any{"ports": []any{map[string]any{"port": 80, "typo": "x"}}}},
		got:  map[string]any{"spec": map[string]any{"ports": []any{map[string]any{"port": 80, "protocol": "TCP"}}}},
		out:  map[string]any{"spec": map[string]any{"ports": []any{map[string]any{"port": 80}}}},
	}, {
		name: "lists of another length are kept whole",
		want: map[string]any{"items": []any{"a", "b"}},
		got:  map[string]any{"items": []any{"a"}},
		out:  map[string]any{"items": []any{"a", "b"}},
	}, {
		name: "values keep the desired value, not the server's",
		want: map[string]any{"replicas": 2},
		got:  map[string]any{"replicas": 3},
		out:  map[string]any{"replicas": 2},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.out, keepKnown(tc.want, tc.got)); d != "" {
				t.Errorf("keepKnown (-want +got):\n%s", d)
			}
		})
	}
}
