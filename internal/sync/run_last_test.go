package sync

import "testing"

// lastApply follows gitops-engine: the last wave of a sync is not waited
// for unless it holds a hook; prunes after it do not count as a wave.
func TestLastApply(t *testing.T) {
	apply, hook, prune := &Task{}, &Task{Hook: true}, &Task{Prune: true}
	tests := []struct {
		name   string
		groups [][]*Task
		gi     int
		want   bool
	}{
		{"one wave", [][]*Task{{apply, apply}}, 0, true},
		{"first of two waves", [][]*Task{{apply}, {apply}}, 0, false},
		{"second of two waves", [][]*Task{{apply}, {apply}}, 1, true},
		{"last wave with a hook", [][]*Task{{apply, hook}}, 0, false},
		{"before a PostSync hook", [][]*Task{{apply}, {hook}}, 0, false},
		{"before prunes only", [][]*Task{{apply}, {prune}, {prune}}, 0, true},
		{"prunes then an apply", [][]*Task{{apply}, {prune}, {apply}}, 0, false},
	}
	for _, tt := range tests {
		if got := lastApply(tt.groups, tt.gi); got != tt.want {
			t.Errorf("%s: lastApply = %v, want %v", tt.name, got, tt.want)
		}
	}
}
