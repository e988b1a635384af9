package staleread

import "testing"

func TestGuard(t *testing.T) {
	var g Guard
	if g.Stale("a", "1") {
		t.Fatal("an object never written is stale")
	}
	g.Wrote("a", "1")
	if !g.Stale("a", "1") {
		t.Error("the version a write replaced is not stale")
	}
	if !g.Stale("a", "1") {
		t.Error("still the replaced version: must stay stale until the cache moves")
	}
	if g.Stale("a", "2") {
		t.Error("the version after the write is stale")
	}
	if g.Stale("a", "1") {
		t.Error("the record must be gone once a newer copy was seen")
	}
	g.Wrote("c", "1")
	g.Wrote("c", "2")
	if !g.Stale("c", "1") || !g.Stale("c", "2") || g.Stale("c", "3") {
		t.Error("two writes in one reconcile: both versions they replaced are stale, the third is not")
	}
	g.Wrote("b", "7")
	g.Forget("b")
	if g.Stale("b", "7") {
		t.Error("a forgotten object is stale")
	}
}
