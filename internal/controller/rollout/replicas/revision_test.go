package replicas

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

func TestNextRevision(t *testing.T) {
	old := []*appsv1.ReplicaSet{
		withRevision(replicaSet("a", "a", 0, 0, 0), "3"),
		withRevision(replicaSet("b", "b", 0, 0, 1), "x"), // unreadable: skipped
		replicaSet("c", "c", 0, 0, 2),                    // none: 0
		withRevision(replicaSet("d", "d", 0, 0, 3), "7"),
	}
	// Highest readable revision 7, plus one.
	if got := NextRevision(old); got != 8 {
		t.Errorf("NextRevision = %d, want 8", got)
	}
	if got := NextRevision(nil); got != 1 {
		t.Errorf("NextRevision(no ReplicaSets) = %d, want 1", got)
	}
	if _, err := Revision(old[1]); err == nil {
		t.Errorf("Revision(%q) should fail", "x")
	}
}

func TestSetRevision(t *testing.T) {
	cases := []struct {
		name                 string
		revision, history    string // on the ReplicaSet before; "" for none
		set                  int64
		wantChanged          bool
		wantRevision, wantHi string
	}{
		// A new ReplicaSet gets the number, no history.
		{name: "new", set: 4, wantChanged: true, wantRevision: "4"},
		// Rolling back to revision 2 makes it 5 and remembers 2.
		{name: "rollback", revision: "2", set: 5, wantChanged: true, wantRevision: "5", wantHi: "2"},
		// A second rollback appends.
		{name: "second rollback", revision: "5", history: "2", set: 9, wantChanged: true, wantRevision: "9", wantHi: "2,5"},
		// The number never goes down.
		{name: "already higher", revision: "6", set: 4, wantRevision: "6"},
		{name: "already equal", revision: "4", set: 4, wantRevision: "4"},
		// An unreadable number is left alone.
		{name: "unreadable", revision: "x", set: 4, wantRevision: "x"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs := replicaSet("web", "h", 1, 1, 0)
			if c.revision != "" {
				withRevision(rs, c.revision)
			}
			if c.history != "" {
				rs.Annotations[AnnotationRevisionHistory] = c.history
			}
			changed := SetRevision(rs, c.set)
			if changed != c.wantChanged || rs.Annotations[AnnotationRevision] != c.wantRevision || rs.Annotations[AnnotationRevisionHistory] != c.wantHi {
				t.Errorf("SetRevision = %v, revision %q, history %q; want %v, %q, %q", changed,
					rs.Annotations[AnnotationRevision], rs.Annotations[AnnotationRevisionHistory], c.wantChanged, c.wantRevision, c.wantHi)
			}
		})
	}
}

func TestOtherScaleDown(t *testing.T) {
	ro := canaryRollout(10, []v1alpha1.CanaryStep{setWeight(50)}, 0, nil, nil) // unavailable 2: keep 8 available
	stable, canary := replicaSet("s", stableHash, 5, 5, 0), replicaSet("c", canaryHash, 0, 0, 9)
	cases := []struct {
		name   string
		stable *appsv1.ReplicaSet
		others []*appsv1.ReplicaSet
		want   map[string]int32
	}{
		{
			// 10 available, 8 to keep: 2 may go, from the highest revision (o2).
			name:   "highest revision first",
			stable: stable,
			others: []*appsv1.ReplicaSet{
				withRevision(replicaSet("o1", "o1", 3, 3, 1), "1"),
				withRevision(replicaSet("o2", "o2", 2, 2, 2), "2"),
			},
			want: map[string]int32{"o2": 0},
		},
		{
			// 3 may go: o2 to 0, then o1 3→2.
			name:   "into the next",
			stable: replicaSet("s", stableHash, 6, 6, 0),
			others: []*appsv1.ReplicaSet{
				withRevision(replicaSet("o1", "o1", 3, 3, 1), "1"),
				withRevision(replicaSet("o2", "o2", 2, 2, 2), "2"),
			},
			want: map[string]int32{"o2": 0, "o1": 2},
		},
		{
			// o1 has 1 of 3 available: down to 1 first. Then 7+1 = 8 available,
			// none beyond the 8 to keep.
			name:   "unavailable pods first",
			stable: replicaSet("s", stableHash, 7, 7, 0),
			others: []*appsv1.ReplicaSet{withRevision(replicaSet("o1", "o1", 3, 1, 1), "1")},
			want:   map[string]int32{"o1": 1},
		},
		{
			// o1 still has more pods than it asks for: nothing this pass.
			name:   "still scaling down",
			stable: replicaSet("s", stableHash, 9, 9, 0),
			others: []*appsv1.ReplicaSet{withRevision(replicaSet("o1", "o1", 1, 2, 1), "1")},
			want:   map[string]int32{},
		},
		{name: "nothing to scale", stable: stable, others: []*appsv1.ReplicaSet{replicaSet("o1", "o1", 0, 0, 1)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			all := append([]*appsv1.ReplicaSet{c.stable, canary}, c.others...)
			got := OtherScaleDown(ro, all, c.others)
			if len(got) != len(c.want) {
				t.Fatalf("OtherScaleDown = %v, want %v", got, c.want)
			}
			for name, n := range c.want {
				if got[name] != n {
					t.Errorf("OtherScaleDown = %v, want %v", got, c.want)
				}
			}
		})
	}
}
