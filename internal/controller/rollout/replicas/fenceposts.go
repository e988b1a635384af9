package replicas

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/intstr"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

// The defaults Argo Rollouts applies to a canary's maxSurge and
// maxUnavailable. Argo writes them as the strings "25", which it reads as
// percentages (see intOrPercent).
var (
	defaultMaxSurge       = intstr.FromString("25%")
	defaultMaxUnavailable = intstr.FromString("25%")
)

// Replicas is spec.replicas, or 1 when unset (Argo Rollouts'
// defaults.GetReplicasOrDefault).
func Replicas(ro *v1alpha1.Rollout) int32 {
	if ro.Spec.Replicas == nil {
		return 1
	}
	return *ro.Spec.Replicas
}

// Fenceposts resolves a canary's maxSurge and maxUnavailable against
// spec.replicas, as Argo Rollouts' resolveFenceposts does: maxSurge
// rounds a percentage up, maxUnavailable rounds it down, and when both come
// to zero maxUnavailable becomes 1 so the update can still move. A value
// that cannot be read is an error and makes both 0, as in Argo, whose
// validation rejects such a Rollout; the counts use those zeros.
func Fenceposts(ro *v1alpha1.Rollout) (surge, unavailable int32, err error) {
	replicas := Replicas(ro)
	surgeValue, unavailableValue := &defaultMaxSurge, &defaultMaxUnavailable
	if c := ro.Spec.Strategy.Canary; c != nil {
		if c.MaxSurge != nil {
			surgeValue = c.MaxSurge
		}
		if c.MaxUnavailable != nil {
			unavailableValue = c.MaxUnavailable
		}
	}
	surge, err = intOrPercent(surgeValue, replicas, true)
	if err != nil {
		return 0, 0, fmt.Errorf("maxSurge: %w", err)
	}
	unavailable, err = intOrPercent(unavailableValue, replicas, false)
	if err != nil {
		return 0, 0, fmt.Errorf("maxUnavailable: %w", err)
	}
	if surge == 0 && unavailable == 0 {
		unavailable = 1
	}
	return surge, unavailable, nil
}

// MaxSurge is how many pods a canary may run above spec.replicas (Argo
// Rollouts' MaxSurge); 0 for a blue-green Rollout.
func MaxSurge(ro *v1alpha1.Rollout) int32 {
	if ro.Spec.Strategy.Canary == nil {
		return 0
	}
	surge, _, _ := Fenceposts(ro)
	return surge
}

// MaxUnavailable is how many of spec.replicas may be unavailable, never
// more than spec.replicas (Argo Rollouts' MaxUnavailable). A canary uses
// Fenceposts; a blue-green Rollout rounds its own maxUnavailable down
// without the "at least one" rule.
func MaxUnavailable(ro *v1alpha1.Rollout) int32 {
	replicas := Replicas(ro)
	if replicas == 0 {
		return 0
	}
	var unavailable int32
	if ro.Spec.Strategy.Canary != nil {
		_, unavailable, _ = Fenceposts(ro)
	} else {
		value := &defaultMaxUnavailable
		if bg := ro.Spec.Strategy.BlueGreen; bg != nil && bg.MaxUnavailable != nil {
			value = bg.MaxUnavailable
		}
		unavailable, _ = intOrPercent(value, replicas, false)
	}
	return min(unavailable, replicas)
}

// intOrPercent scales v against total. Argo Rollouts uses the lenient
// reading of Kubernetes' deprecated GetValueFromIntOrPercent: a number is a
// count, and every string is a percentage, with or without its "%" ("3"
// is 3%, not 3 pods).
func intOrPercent(v *intstr.IntOrString, total int32, roundUp bool) (int32, error) {
	if v.Type == intstr.Int {
		return v.IntVal, nil
	}
	n, err := strconv.Atoi(strings.ReplaceAll(v.StrVal, "%", ""))
	if err != nil {
		return 0, fmt.Errorf("%q is neither a number nor a percentage: %w", v.StrVal, err)
	}
	scaled := float64(n) * float64(total) / 100
	if roundUp {
		return int32(math.Ceil(scaled)), nil
	}
	return int32(math.Floor(scaled)), nil
}
