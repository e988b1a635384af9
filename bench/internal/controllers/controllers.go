// Package controllers runs Tiphys' controllers in a benchmark's process,
// wired as `tiphys controller` wires them (internal/cli/controller.go), with
// every API request they make counted: their figures are the controllers',
// not a client's.
package controllers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/tiphys/tiphys/bench/internal/measure"
	"github.com/tiphys/tiphys/internal/controller/analysis"
	"github.com/tiphys/tiphys/internal/controller/analysis/analysisrun"
	"github.com/tiphys/tiphys/internal/controller/application"
	"github.com/tiphys/tiphys/internal/controller/applicationset"
	"github.com/tiphys/tiphys/internal/controller/experiment"
	"github.com/tiphys/tiphys/internal/controller/project"
	"github.com/tiphys/tiphys/internal/controller/rollout"
)

// Options say which controllers run and how often they look.
type Options struct {
	// Namespace holds the Applications, AppProjects, ApplicationSets and
	// settings (default argocd).
	Namespace string
	// CacheDir holds the Git clones.
	CacheDir string
	// Poll is the application controller's resync and both controllers'
	// Git poll: benchmarks keep it short, so that an idle window holds
	// several no-op runs of every app and set.
	Poll time.Duration
	// Requests counts the requests of every client the controllers make.
	Requests *measure.Requests
	// Rollouts runs the Rollout, Experiment and AnalysisRun controllers
	// too, with their cache settings (as `tiphys controller --rollouts`).
	Rollouts bool
	// Logger receives the controllers' log (default: none).
	Logger logr.Logger
}

// Start runs the application, appproject and applicationset controllers
// (and with Options.Rollouts the Rollout ones) against the plane until ctx
// ends. It returns once their caches have synced, so that what a benchmark
// does next measures the controllers at work, not the manager's start.
func Start(ctx context.Context, plane *rest.Config, o Options) error {
	if o.Requests == nil {
		return errors.New("controllers: no request counter")
	}
	if o.Namespace == "" {
		o.Namespace = "argocd"
	}
	cfg := rest.CopyConfig(plane)
	cfg.QPS, cfg.Burst = -1, -1 // as tiphys controller: the API server's priority and fairness limits us
	cfg.Wrap(o.Requests.Wrap)
	if o.Logger.GetSink() == nil {
		o.Logger = logr.Discard()
	}
	ctrl.SetLogger(o.Logger)
	mopts := application.ManagerOptions("0", o.Namespace)
	if o.Rollouts {
		mopts.Cache.ByObject = rollout.CacheByObject()
		mopts.Client.Cache.DisableFor = append(mopts.Client.Cache.DisableFor, &corev1.Pod{})
	}
	mgr, err := ctrl.NewManager(cfg, mopts)
	if err != nil {
		return fmt.Errorf("controller manager: %w", err)
	}
	apps, err := application.New(mgr, cfg, application.Options{Namespace: o.Namespace, CacheDir: o.CacheDir, Resync: o.Poll, GitPoll: o.Poll})
	if err != nil {
		return fmt.Errorf("application controller: %w", err)
	}
	if err := apps.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("application controller: %w", err)
	}
	projects := &project.Reconciler{Client: mgr.GetClient(), Namespace: o.Namespace,
		Recorder: mgr.GetEventRecorder("tiphys-appproject-controller")}
	if err := projects.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("appproject controller: %w", err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("dynamic client: %w", err)
	}
	sets := &applicationset.Reconciler{Client: mgr.GetClient(), Dynamic: dyn, Namespace: o.Namespace, Git: apps.GitCache(),
		GitPoll: o.Poll, Recorder: mgr.GetEventRecorder("tiphys-applicationset-controller")}
	if err := sets.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("applicationset controller: %w", err)
	}
	if o.Rollouts {
		if err := setupRollouts(mgr, dyn); err != nil {
			return err
		}
	}
	go func() { _ = mgr.Start(ctx) }()
	if !mgr.GetCache().WaitForCacheSync(ctx) {
		return errors.New("controller manager: caches did not sync")
	}
	return nil
}

// setupRollouts registers the Rollout, Experiment and AnalysisRun
// controllers as tiphys controller's setupRollouts does, every analysis
// host allowed.
func setupRollouts(mgr ctrl.Manager, dyn dynamic.Interface) error {
	ro := &rollout.Reconciler{Client: mgr.GetClient(), Dynamic: dyn, Recorder: mgr.GetEventRecorder("tiphys-rollouts-controller")}
	if err := ro.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("rollout controller: %w", err)
	}
	ex := &experiment.Reconciler{Client: mgr.GetClient(), Recorder: mgr.GetEventRecorder("tiphys-rollouts-controller")}
	if err := ex.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("experiment controller: %w", err)
	}
	ar := &analysisrun.Reconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(),
		AllowedHosts: analysis.AllowedHosts(nil), Recorder: mgr.GetEventRecorder("tiphys-analysis-controller")}
	if err := ar.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("analysisrun controller: %w", err)
	}
	return nil
}
