package application

import (
	"slices"
	"testing"

	"github.com/tiphys/tiphys/internal/object"
)

func TestClaims(t *testing.T) {
	cm := object.ID{Kind: "ConfigMap", Namespace: "shared", Name: "settings"}
	other := object.ID{Kind: "Secret", Namespace: "shared", Name: "token"}
	var c claims
	c.set("a", "https://one", []object.ID{cm, other})
	c.set("b", "https://one", []object.ID{cm})
	c.set("c", "https://two", []object.ID{cm})
	if got := c.others("a", "https://one", cm); !slices.Equal(got, []string{"b"}) {
		t.Errorf("others of a = %v, want [b] (c renders it in another cluster)", got)
	}
	if got := c.others("a", "https://one", other); len(got) != 0 {
		t.Errorf("others of a for the Secret = %v, want none", got)
	}
	c.set("b", "https://one", nil) // b no longer renders it
	if got := c.others("a", "https://one", cm); len(got) != 0 {
		t.Errorf("after b dropped it, others = %v", got)
	}
	c.set("b", "https://one", []object.ID{cm})
	c.forget("b")
	if got := c.others("a", "https://one", cm); len(got) != 0 {
		t.Errorf("after b was deleted, others = %v", got)
	}
}
