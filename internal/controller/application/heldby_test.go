package application

import (
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func TestHeldBy(t *testing.T) {
	auto := func() *v1alpha1.Operation {
		return &v1alpha1.Operation{InitiatedBy: v1alpha1.OperationInitiator{Automated: true}}
	}
	tests := []struct {
		name string
		op   *v1alpha1.Operation
		hold *Hold
		want v1alpha1.OperationInitiator
	}{
		{"automated sync under a hold names its operator", auto(), &Hold{By: "ada"}, v1alpha1.OperationInitiator{Username: "ada", Automated: true}},
		{"no hold", auto(), nil, v1alpha1.OperationInitiator{Automated: true}},
		{"a user's sync keeps its user", &v1alpha1.Operation{InitiatedBy: v1alpha1.OperationInitiator{Username: "bob"}}, &Hold{By: "ada"},
			v1alpha1.OperationInitiator{Username: "bob"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			heldBy(tt.op, tt.hold)
			if tt.op.InitiatedBy != tt.want {
				t.Errorf("initiatedBy = %+v, want %+v", tt.op.InitiatedBy, tt.want)
			}
		})
	}
	heldBy(nil, &Hold{By: "ada"}) // no operation: nothing to name
}
