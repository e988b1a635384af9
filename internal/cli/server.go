package cli

import (
	"fmt"

	"github.com/spf13/cobra"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	tcluster "github.com/tiphys/tiphys/internal/cluster"
	"github.com/tiphys/tiphys/internal/server"
	"github.com/tiphys/tiphys/internal/server/webhook"
	"github.com/tiphys/tiphys/ui"
)

type serverOptions struct {
	kubeconfig, namespace, listen, cacheDir string
}

func newServerCmd() *cobra.Command {
	o := &serverOptions{}
	cmd := &cobra.Command{
		Use:   "server --listen ADDR",
		Short: "Serve the API (Argo CD's REST paths) with local accounts and RBAC",
		Long: `Serve the API: Argo CD's REST paths and JSON shapes (/api/v1/session,
/api/v1/applications, …), so scripts and CI jobs written for argocd-server keep working.

Accounts are Argo CD's: admin, and accounts.<name> in argocd-cm with bcrypt passwords in
argocd-secret. On its first start the server generates the admin password into the Secret
argocd-initial-admin-secret (key password) and the token signing key (server.secretkey in
argocd-secret). Log in with POST /api/v1/session {"username","password"}; send the token as
"Authorization: Bearer TOKEN" (or the argocd.token cookie). Every call is authorised by
argocd-rbac-cm (policy.csv, policy.default) and the projects' roles; a denial is 403 naming the
resource, action and object. Each mutating call writes an audit line to the log.

POST /api/webhook takes pushes from GitHub, GitLab, Gitea, Bitbucket and a generic JSON
hook (signatures checked with the webhook.* keys of argocd-secret) and refreshes the apps and
ApplicationSets the push touches (docs/webhooks.md).`,
		Example: `  tiphys server --kubeconfig .state/demo/management/kubeconfig --listen 127.0.0.1:8080
  kubectl -n argocd get secret argocd-initial-admin-secret -o jsonpath='{.data.password}' | base64 -d`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd) },
	}
	cmd.Flags().StringVar(&o.kubeconfig, "kubeconfig", "", "path of the kubeconfig (default: $KUBECONFIG or ~/.kube/config)")
	cmd.Flags().StringVar(&o.namespace, "namespace", "argocd", "Argo CD's namespace: Applications, projects, settings and Secrets")
	cmd.Flags().StringVar(&o.listen, "listen", "127.0.0.1:8080", "address to serve on")
	cmd.Flags().StringVar(&o.cacheDir, "cache-dir", defaultCacheDir("server-repos"), "where repositories are cloned to render the desired state of managed-resources")
	return cmd
}

func (o *serverOptions) run(cmd *cobra.Command) error {
	cfg, err := loadKubeconfig(o.kubeconfig)
	if err != nil {
		return err
	}
	log := zap.New(zap.WriteTo(cmd.ErrOrStderr()))
	ctrl.SetLogger(log)
	ctx := cmd.Context()
	cl, err := server.StartCluster(ctx, cfg, cliScheme(), o.namespace)
	if err != nil {
		return err
	}
	// The destination clusters, found as the controller finds them: this
	// cluster, or the one a cluster Secret names.
	local, err := tcluster.Connect(tcluster.InCluster, cfg, tcluster.ConnectOptions{FieldManager: tcluster.FieldManager})
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	local.Name = tcluster.InClusterName
	defer local.Stop()
	clusters := &tcluster.Registry{Client: cl.GetClient(), Namespace: o.namespace, Local: local,
		Options: tcluster.ConnectOptions{FieldManager: tcluster.FieldManager}}
	comparer, err := server.RegistryComparer(clusters, cl.GetClient(), o.namespace, o.cacheDir)
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	hook := webhook.New(webhook.Options{Client: cl.GetClient(), Namespace: o.namespace, Log: log.WithName("webhook")})
	s := server.New(server.Options{Client: cl.GetClient(), Namespace: o.namespace, Log: log.WithName("server"),
		Cache: cl.GetCache(), Webhook: hook, Clusters: server.RegistryClusters(clusters), Comparer: comparer,
		UI: ui.Handler()})
	initial, err := s.Init(ctx)
	if err != nil {
		return err
	}
	if initial != "" {
		fmt.Fprintf(cmd.ErrOrStderr(), "initial admin password in secret %s/argocd-initial-admin-secret\n", o.namespace)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "tiphys server on http://%s\n", o.listen)
	return s.Run(ctx, o.listen)
}
