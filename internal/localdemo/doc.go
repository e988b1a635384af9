// Package localdemo holds what running the example platform
// (examples/go-reliable-gitops) on a local plane needs besides the planes
// and the controllers: the copy of the example with its repository URL
// filled in, and the argocd-cm settings that stand in for the controllers
// a local plane lacks. `tiphys local demo up` and bench/platform use it, so
// the benchmark syncs the platform as the demo does.
package localdemo
