// Package sync plans and runs syncs: phases, waves, kind order, hooks and
// pruning, as Argo CD does. This file set starts with the apply order.
package sync
