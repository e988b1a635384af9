// Package apptest runs the application controller beside a test package's
// local control plane, for the cluster tests of the controller and of
// whatever builds on it (Argo CD's example apps today).
package apptest

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/go-logr/logr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/tiphys/tiphys/internal/controller/application"
	"github.com/tiphys/tiphys/internal/controller/applicationset"
	"github.com/tiphys/tiphys/internal/controller/project"
	"github.com/tiphys/tiphys/internal/testenv"
)

// Main starts a plane (testenv.Main), runs the application controller on
// it with o (its Git cache in a temporary directory) and the package's
// tests; it returns the exit code for os.Exit. The controller logs only
// when TIPHYS_TEST_LOG is set. With -short no plane and no controller run.
func Main(m interface{ Run() int }, env **testenv.Env, o application.Options) int {
	return testenv.Main(&suite{m: m, env: env, opts: o}, env)
}

type suite struct {
	m    interface{ Run() int }
	env  **testenv.Env
	opts application.Options
}

func (s *suite) Run() int {
	env := *s.env
	if env == nil {
		return s.m.Run()
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ctrl.SetLogger(logr.Discard())
	if os.Getenv("TIPHYS_TEST_LOG") != "" {
		ctrl.SetLogger(zap.New(zap.UseDevMode(true)))
	}
	mgr, err := ctrl.NewManager(env.Config, application.ManagerOptions("0", "argocd", "tiphys-apps"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	dir, err := os.MkdirTemp("", "tiphys-controller-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	o := s.opts
	o.CacheDir = dir
	r, err := application.New(mgr, env.Config, o)
	if err == nil {
		err = r.SetupWithManager(mgr)
	}
	if err == nil {
		err = (&project.Reconciler{Client: mgr.GetClient(), Namespace: "argocd",
			Recorder: mgr.GetEventRecorder("tiphys-appproject-controller")}).SetupWithManager(mgr)
	}
	if err == nil {
		err = (&applicationset.Reconciler{Client: mgr.GetClient(), Dynamic: env.Dynamic, Namespace: "argocd",
			Git: r.GitCache(), GitPoll: time.Second, PolicyOverride: true, Recorder: mgr.GetEventRecorder("tiphys-applicationset-controller")}).SetupWithManager(mgr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	go func() { _ = mgr.Start(ctx) }()
	return s.m.Run()
}
