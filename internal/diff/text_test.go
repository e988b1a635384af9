package diff

import "testing"

func TestUnified(t *testing.T) {
	tests := []struct {
		name, a, b, want string
	}{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{"change", "a\nb\nc\nd\ne\nf\n", "a\nb\nC\nd\ne\nf\n", "--- live\n+++ desired\n@@\n a\n b\n-c\n+C\n d\n e\n"},
		{"added", "", "x\ny\n", "--- live\n+++ desired\n@@\n+x\n+y\n"},
		{"removed", "x\n", "", "--- live\n+++ desired\n@@\n-x\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Unified("live", "desired", tt.a, tt.b, 2); got != tt.want {
				t.Errorf("Unified =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
