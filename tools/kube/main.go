// Command kube is a multi-call binary holding kube-apiserver,
// kube-controller-manager and kube-scheduler. The three programs share most
// of their code, so linking them once saves a large part of the build.
//
// Usage: kube <kube-apiserver|kube-controller-manager|kube-scheduler> [flags]
// or invoked through a link whose base name is one of those programs.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	_ "time/tzdata" // CronJob time zones need the zone database.

	"github.com/spf13/cobra"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // JSON log format.
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go metrics.
	_ "k8s.io/component-base/metrics/prometheus/version"  // version metric.
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
)

var programs = map[string]func() *cobra.Command{
	"kube-apiserver":          func() *cobra.Command { return apiserver.NewAPIServerCommand() },
	"kube-controller-manager": func() *cobra.Command { return controllermanager.NewControllerManagerCommand() },
	"kube-scheduler":          func() *cobra.Command { return scheduler.NewSchedulerCommand() },
}

func main() {
	name := filepath.Base(os.Args[0])
	args := os.Args
	if _, ok := programs[name]; !ok && len(os.Args) > 1 {
		name, args = os.Args[1], os.Args[1:]
	}
	newCommand, ok := programs[name]
	if !ok {
		fmt.Fprintln(os.Stderr, "usage: kube kube-apiserver|kube-controller-manager|kube-scheduler [flags]")
		os.Exit(2)
	}
	// The commands read os.Args through cobra; present them as the program itself.
	os.Args = args
	cmd := newCommand()
	cmd.SetArgs(args[1:])
	os.Exit(cli.Run(cmd))
}
