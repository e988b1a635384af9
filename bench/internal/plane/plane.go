// Package plane starts what the cluster benchmarks stand on: a temporary
// directory and, in it, a local control plane (internal/localcluster,
// binaries from TIPHYS_BIN_DIR or the tools cache) with Tiphys' CRDs
// installed.
package plane

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tiphys/tiphys/internal/install"
	"github.com/tiphys/tiphys/internal/localcluster"
	"github.com/tiphys/tiphys/internal/testenv"
)

// Plane is a running local control plane and the benchmark's directory.
type Plane struct {
	// Dir is the benchmark's temporary directory (the plane is in
	// Dir/plane); Stop removes it.
	Dir string
	*localcluster.Cluster
}

// Start makes a temporary directory named after the benchmark and starts
// a plane of nodes kwok nodes (0: localcluster's default) in it, with the
// CRDs installed. Errors name the step; nothing is left behind on error.
func Start(ctx context.Context, name string, nodes int) (*Plane, error) {
	bin, err := testenv.BinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "tiphys-bench-"+name+"-")
	if err != nil {
		return nil, err
	}
	c, err := localcluster.Start(ctx, localcluster.Options{Dir: filepath.Join(dir, "plane"), BinDir: bin, Nodes: nodes})
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("local control plane: %w", err)
	}
	p := &Plane{Dir: dir, Cluster: c}
	if _, err := install.Apply(ctx, c.Config, install.Options{}); err != nil {
		p.Stop()
		return nil, fmt.Errorf("install: %w", err)
	}
	return p, nil
}

// Stop stops the plane and removes the directory.
func (p *Plane) Stop() {
	p.Cluster.Stop()
	os.RemoveAll(p.Dir)
}
