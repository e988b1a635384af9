package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/dynamic"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/tiphys/tiphys/internal/controller/analysis"
	"github.com/tiphys/tiphys/internal/controller/analysis/analysisrun"
	"github.com/tiphys/tiphys/internal/controller/application"
	"github.com/tiphys/tiphys/internal/controller/applicationset"
	"github.com/tiphys/tiphys/internal/controller/experiment"
	"github.com/tiphys/tiphys/internal/controller/project"
	"github.com/tiphys/tiphys/internal/controller/rollout"
)

type controllerOptions struct {
	kubeconfig  string
	namespace   string
	resync      time.Duration
	gitPoll     time.Duration
	cacheDir    string
	metricsAddr string
	// appNamespaces are more namespaces whose Applications are reconciled.
	appNamespaces []string
	// policy, policyOverride and deletionBudget are the ApplicationSet
	// controller's.
	policy         string
	policyOverride bool
	deletionBudget float64
	// rollouts runs the Rollout and AnalysisRun controllers;
	// analysisHosts are the hosts analysis metrics may reach.
	rollouts      bool
	analysisHosts []string
}

func newControllerCmd() *cobra.Command {
	o := &controllerOptions{}
	cmd := &cobra.Command{
		Use:   "controller",
		Short: "Run the controllers (Applications) until interrupted",
		Long: `Run the Tiphys controllers against a cluster: Applications in --namespace are rendered,
compared with the live state (watched, not polled), synced when asked or automated, and
their status written as Argo CD writes it. The controller also reads, from --namespace, the
argocd-cm ConfigMap (Lua health checks, ignoreDifferences, resource exclusions), the
AppProjects, and the cluster Secrets that declare destination clusters other than its own.
--application-namespaces adds namespaces whose Applications are reconciled too (Argo CD's
apps in any namespace); each such app's project must list its namespace in sourceNamespaces.

With --rollouts (the default) it also runs Argo Rollouts' controllers for Rollouts and
AnalysisRuns in every namespace: turn it off where Argo Rollouts itself still runs.
--analysis-allowed-hosts limits the hosts an analysis metric (Prometheus, web) may reach.`,
		Example: `  tiphys controller --kubeconfig .state/demo/kubeconfig`,
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return o.run(cmd) },
	}
	cmd.Flags().StringVar(&o.kubeconfig, "kubeconfig", "", "path of the kubeconfig (default: $KUBECONFIG or ~/.kube/config)")
	cmd.Flags().StringVar(&o.namespace, "namespace", "argocd", "namespace of Applications, AppProjects and repository Secrets")
	cmd.Flags().StringSliceVar(&o.appNamespaces, "application-namespaces", nil, "more namespaces whose Applications are reconciled (comma-separated)")
	cmd.Flags().StringVar(&o.policy, "policy", "sync", "what ApplicationSets may do to their Applications: sync, create-only, create-update or create-delete")
	cmd.Flags().BoolVar(&o.policyOverride, "enable-policy-override", false, "let an ApplicationSet's syncPolicy.applicationsSync replace --policy")
	cmd.Flags().Float64Var(&o.deletionBudget, "appset-deletion-budget", 0.5, "share (0-1] of a set's Applications one run may delete before it waits for a confirmation")
	cmd.Flags().BoolVar(&o.rollouts, "rollouts", true, "run the Rollout and AnalysisRun controllers (all namespaces)")
	cmd.Flags().StringSliceVar(&o.analysisHosts, "analysis-allowed-hosts", nil, "hosts (host or host:port, *.domain) analysis metrics may reach; empty: any")
	cmd.Flags().DurationVar(&o.resync, "resync", 120*time.Second, "period of full comparisons (plus up to 10% jitter)")
	cmd.Flags().DurationVar(&o.gitPoll, "git-poll", 30*time.Second, "how often remote heads are checked for new commits")
	cmd.Flags().StringVar(&o.cacheDir, "cache-dir", defaultCacheDir("controller"), "where Git clones are kept")
	cmd.Flags().StringVar(&o.metricsAddr, "metrics-addr", ":8082", "address of /metrics, as Argo CD's controller (0 turns it off)")
	return cmd
}

func (o *controllerOptions) run(cmd *cobra.Command) error {
	cfg, err := loadKubeconfig(o.kubeconfig)
	if err != nil {
		return err
	}
	cfg.QPS, cfg.Burst = -1, -1 // the API server's priority and fairness limits us
	ctrl.SetLogger(zap.New(zap.WriteTo(cmd.ErrOrStderr())))
	mopts := application.ManagerOptions(o.metricsAddr, append([]string{o.namespace}, o.appNamespaces...)...)
	if o.rollouts {
		mopts.Cache.ByObject = rollout.CacheByObject()
		mopts.Client.Cache.DisableFor = append(mopts.Client.Cache.DisableFor, &corev1.Pod{})
	}
	mgr, err := ctrl.NewManager(cfg, mopts)
	if err != nil {
		return fmt.Errorf("controller manager: %w", err)
	}
	r, err := application.New(mgr, cfg, application.Options{Namespace: o.namespace, Resync: o.resync, CacheDir: o.cacheDir, GitPoll: o.gitPoll})
	if err != nil {
		return err
	}
	if err := r.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("application controller: %w", err)
	}
	projects := &project.Reconciler{Client: mgr.GetClient(), Namespace: o.namespace,
		Recorder: mgr.GetEventRecorder("tiphys-appproject-controller")}
	if err := projects.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("appproject controller: %w", err)
	}
	switch o.policy {
	case "sync", "create-only", "create-update", "create-delete":
	default:
		return fmt.Errorf("--policy %q: want sync, create-only, create-update or create-delete", o.policy)
	}
	if o.deletionBudget <= 0 || o.deletionBudget > 1 {
		return fmt.Errorf("--appset-deletion-budget %g: want a share above 0 and at most 1", o.deletionBudget)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("dynamic client: %w", err)
	}
	sets := &applicationset.Reconciler{Client: mgr.GetClient(), Dynamic: dyn, Namespace: o.namespace, Git: r.GitCache(),
		Policy: applicationset.Policy(o.policy), PolicyOverride: o.policyOverride, DeletionBudget: o.deletionBudget,
		GitPoll: o.gitPoll, Recorder: mgr.GetEventRecorder("tiphys-applicationset-controller")}
	if err := sets.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("applicationset controller: %w", err)
	}
	if o.rollouts {
		if err := o.setupRollouts(mgr, dyn); err != nil {
			return err
		}
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "tiphys controller watching Applications in namespace %s\n", o.namespace)
	return mgr.Start(cmd.Context())
}

// setupRollouts registers the Rollout, Experiment and AnalysisRun controllers.
func (o *controllerOptions) setupRollouts(mgr ctrl.Manager, dyn dynamic.Interface) error {
	ro := &rollout.Reconciler{Client: mgr.GetClient(), Dynamic: dyn, Recorder: mgr.GetEventRecorder("tiphys-rollouts-controller")}
	if err := ro.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("rollout controller: %w", err)
	}
	ex := &experiment.Reconciler{Client: mgr.GetClient(), Recorder: mgr.GetEventRecorder("tiphys-rollouts-controller")}
	if err := ex.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("experiment controller: %w", err)
	}
	ar := &analysisrun.Reconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(),
		AllowedHosts: analysis.AllowedHosts(o.analysisHosts), Recorder: mgr.GetEventRecorder("tiphys-analysis-controller")}
	if err := ar.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("analysisrun controller: %w", err)
	}
	return nil
}
