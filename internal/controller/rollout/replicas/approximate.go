package replicas

import "math"

// approximate picks the canary and stable counts whose split comes closest
// to weight out of maxWeight (Argo Rollouts'
// approximateWeightedCanaryStableReplicaCounts). The total is replicas, or
// replicas+1 when maxSurge allows a surge and the extra pod gets closer.
//
// The canary count is the weighted share rounded up or down. Rounding down
// to no canary at all is refused for a weight strictly between 0 and all
// (a canary of 1% still gets a pod), except for a single replica that may
// not surge; rounding up to a canary as large as replicas is likewise
// refused then. When the share falls exactly between two counts the larger
// wins. Among equally close candidates, the first in the order below wins:
// (up, replicas), (down, replicas), (up, replicas+1), (down, replicas+1).
func approximate(replicas, weight, maxWeight, maxSurge int32) (canary, stable int32) {
	if replicas == 0 {
		return 0, 0
	}
	share := float64(replicas*weight) / float64(maxWeight)
	up, down := int32(math.Ceil(share)), int32(math.Floor(share))
	zeroAllowed := weight == maxWeight || weight == 0 || (replicas == 1 && maxSurge == 0)

	type candidate struct{ canary, total int32 }
	var candidates []candidate
	if up < replicas || zeroAllowed {
		candidates = append(candidates, candidate{up, replicas})
	}
	downAllowed := down != 0 || zeroAllowed
	if !halfway(weight, maxWeight, replicas) && downAllowed {
		candidates = append(candidates, candidate{down, replicas})
	}
	if maxSurge > 0 {
		candidates = append(candidates, candidate{up, replicas + 1})
		if !halfway(weight, maxWeight, replicas+1) && downAllowed {
			candidates = append(candidates, candidate{down, replicas + 1})
		}
	}
	if len(candidates) == 0 {
		return 0, replicas
	}
	best, bestMiss := candidates[0], miss(weight, maxWeight, candidates[0].canary, candidates[0].total)
	for _, c := range candidates[1:] {
		if m := miss(weight, maxWeight, c.canary, c.total); m < bestMiss {
			best, bestMiss = c, m
		}
	}
	return best.canary, best.total - best.canary
}

// halfway reports whether weight's share of total pods ends in exactly
// one half, so that rounding up and down miss by as much.
func halfway(weight, maxWeight, total int32) bool {
	_, frac := math.Modf(float64(total) * (float64(weight) / float64(maxWeight)))
	return frac == 0.5
}

// miss is how far canary pods out of total are from weight.
func miss(weight, maxWeight, canary, total int32) float64 {
	return math.Abs(float64(canary*maxWeight)/float64(total) - float64(weight))
}
