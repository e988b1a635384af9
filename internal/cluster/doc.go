// Package cluster knows the destination clusters: their discovery data
// (which kinds exist, which are namespaced, the Kubernetes version), and
// later their clients and live-state caches.
package cluster
