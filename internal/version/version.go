// Package version tells which Tiphys this is and which Kubernetes it was
// built against.
package version

import "runtime/debug"

// Version is the Tiphys version, set at build time with
// -ldflags "-X github.com/tiphys/tiphys/internal/version.Version=...".
var Version = "dev"

// Kubernetes is the Kubernetes release the local control plane runs and the
// client libraries belong to. tools/build.sh pins the same release.
const Kubernetes = "v1.37.2"

// ClientGo returns the version of k8s.io/client-go linked into the binary.
func ClientGo() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, d := range info.Deps {
		if d.Path == "k8s.io/client-go" {
			return d.Version
		}
	}
	return "unknown"
}
