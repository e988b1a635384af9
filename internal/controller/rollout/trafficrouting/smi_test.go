package trafficrouting_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting"
	"github.com/tiphys/tiphys/internal/controller/rollout/trafficrouting/smi"
)

const smiRollout = `
metadata: {name: checkout, namespace: shop, uid: ro-uid}
spec:
  selector: {matchLabels: {app: checkout}}
  template: {metadata: {labels: {app: checkout}}}
  strategy:
    canary:
      canaryService: checkout-canary
      stableService: checkout-stable
      trafficRouting:
        smi: {rootService: checkout, trafficSplitName: checkout-split}
`

func trafficSplitYAML(version, canary, stable string) string {
	return fmt.Sprintf(`
apiVersion: split.smi-spec.io/%s
kind: TrafficSplit
metadata:
  name: checkout-split
  namespace: shop
  ownerReferences:
  - {apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: checkout, uid: ro-uid, controller: true, blockOwnerDeletion: true}
spec:
  service: checkout
  backends:
  - {service: checkout-canary, weight: %s}
  - {service: checkout-stable, weight: %s}
`, version, canary, stable)
}

func TestSMISetWeight(t *testing.T) {
	tests := []struct {
		version        string
		weight         int32
		canary, stable string
	}{
		{"v1alpha1", 0, `"0"`, `"100"`},
		{"v1alpha1", 20, `"20"`, `"80"`},
		{"v1alpha1", 100, `"100"`, `"0"`},
		{"v1alpha2", 20, "20", "80"},
		{"v1alpha3", 0, "0", "100"},
		{"v1alpha3", 20, "20", "80"},
		{"v1alpha3", 100, "100", "0"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s weight %d", tt.version, tt.weight), func(t *testing.T) {
			c := trafficrouting.NewMemClient()
			r, err := smi.New(smi.Config{Rollout: newRollout(t, smiRollout), Client: c, APIVersion: tt.version})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			// Twice: the first creates, the second (from another weight) updates.
			for _, w := range []int32{50, tt.weight} {
				if err := r.SetWeight(ctx, w); err != nil {
					t.Fatal(err)
				}
			}
			assertObject(t, c.Object(r.GVR(), "shop", "checkout-split"), trafficSplitYAML(tt.version, tt.canary, tt.stable))
			if ok, err := r.VerifyWeight(ctx, tt.weight); err != nil || !ok {
				t.Errorf("VerifyWeight = %v, %v; want true", ok, err)
			}
			if ok, _ := r.VerifyWeight(ctx, tt.weight/2+1); ok {
				t.Errorf("VerifyWeight of another weight = true")
			}
		})
	}
}

func TestSMIExperimentBackends(t *testing.T) {
	c := trafficrouting.NewMemClient()
	r, err := smi.New(smi.Config{Rollout: newRollout(t, smiRollout), Client: c})
	if err != nil {
		t.Fatal(err)
	}
	exp := trafficrouting.WeightDestination{ServiceName: "checkout-exp", Weight: 10}
	if err := r.SetWeight(context.Background(), 20, exp); err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(trafficSplitYAML("v1alpha1", `"20"`, `"70"`),
		"  - {service: checkout-stable", "  - {service: checkout-exp, weight: \"10\"}\n  - {service: checkout-stable", 1)
	assertObject(t, c.Object(r.GVR(), "shop", "checkout-split"), want)
}

func TestSMIErrors(t *testing.T) {
	foreign := strings.Replace(trafficSplitYAML("v1alpha1", `"0"`, `"100"`), "uid: ro-uid", "uid: other", 1)
	c := trafficrouting.NewMemClient()
	r, err := smi.New(smi.Config{Rollout: newRollout(t, smiRollout), Client: c})
	if err != nil {
		t.Fatal(err)
	}
	c.Load(t, r.GVR(), foreign)
	ctx := context.Background()
	if err := r.SetWeight(ctx, 20); err == nil || !strings.Contains(err.Error(), `trafficsplit "checkout-split": not controlled by rollout`) {
		t.Errorf("SetWeight on a foreign TrafficSplit: %v", err)
	}
	exp := trafficrouting.WeightDestination{ServiceName: "checkout-exp", Weight: 30}
	if err := r.SetWeight(ctx, 80, exp); err == nil || !strings.Contains(err.Error(), "sum above 100") {
		t.Errorf("SetWeight above 100: %v", err)
	}
	if c.Writes != 0 {
		t.Errorf("%d writes after failures; want none", c.Writes)
	}
	if err := r.SetHeaderRoute(ctx, nil); !errors.Is(err, trafficrouting.ErrNotSupported) {
		t.Errorf("SetHeaderRoute: %v; want ErrNotSupported", err)
	}
	if _, err := smi.New(smi.Config{Rollout: newRollout(t, smiRollout), APIVersion: "v1"}); err == nil {
		t.Error("New accepted TrafficSplit version v1")
	}
}
