// Command tiphys is the Tiphys GitOps engine: controllers, server, CLI and a
// local Kubernetes control plane in one binary.
package main

import (
	"os"

	"github.com/tiphys/tiphys/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) }
