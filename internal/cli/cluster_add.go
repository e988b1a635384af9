package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"

	"github.com/tiphys/tiphys/internal/cluster"
)

type clusterAddOptions struct {
	coreFlags
	auth             clusterAuth
	kubeconfigFile   string
	name             string
	project          string
	namespaces       []string
	clusterResources bool
	upsert           bool
}

func newClusterAddCmd() *cobra.Command {
	o := &clusterAddOptions{}
	cmd := &cobra.Command{
		Use:   "add CONTEXT",
		Short: "Add a destination cluster from a kubeconfig context: write its cluster Secret",
		Long: `Write the cluster Secret of a kubeconfig context's cluster (its server, CA and TLS
settings) into Argo CD's namespace of the cluster --kubeconfig reaches. Nothing is created
in the added cluster: give the Secret its credentials with --bearer-token, an exec
credential plugin (--exec-command) or an EKS cluster name (--aws-cluster-name). Without
them, the context's own credentials (client certificate and key, token, basic auth or
exec plugin) are copied into the Secret: anyone who can read Secrets in that namespace
can use them.

A Secret for the same server is an error unless --upsert, which replaces its keys.`,
		Example: `  tiphys cluster add prod-eu --bearer-token "$(cat token)"
  tiphys cluster add prod-eu --exec-command gke-gcloud-auth-plugin
  tiphys cluster add eks-prod --aws-cluster-name prod --aws-role-arn arn:aws:iam::123456789012:role/deployer
  tiphys cluster add team-a-dev --namespace team-a --namespace team-a-jobs --project team-a`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// An empty token (say from a file that is missing) must not fall
			// back to copying the context's own credentials.
			if cmd.Flags().Changed("bearer-token") && o.auth.bearerToken == "" {
				return errors.New("--bearer-token is empty")
			}
			return o.run(cmd.Context(), args[0], cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	o.register(cmd, "")
	fl := cmd.Flags()
	fl.StringVar(&o.kubeconfigFile, "kubeconfig-file", "", "kubeconfig holding CONTEXT (default: --kubeconfig, else $KUBECONFIG or ~/.kube/config)")
	fl.StringVar(&o.name, "name", "", "cluster name (default: CONTEXT)")
	fl.StringVar(&o.project, "project", "", "scope the cluster to this AppProject")
	fl.StringArrayVar(&o.namespaces, "namespace", nil, "manage only this namespace (repeat for more): a namespace-scoped cluster")
	fl.BoolVar(&o.clusterResources, "cluster-resources", false, "on a namespace-scoped cluster, manage cluster-scoped objects too")
	fl.BoolVar(&o.upsert, "upsert", false, "replace the Secret of the same server when there is one")
	fl.StringVar(&o.auth.bearerToken, "bearer-token", "", "authenticate with this token instead of the context's credentials")
	fl.StringVar(&o.auth.execCommand, "exec-command", "", "authenticate with this credential plugin instead of the context's credentials")
	fl.StringArrayVar(&o.auth.execArgs, "exec-arg", nil, "an argument of --exec-command (repeat for more)")
	fl.StringArrayVar(&o.auth.execEnv, "exec-env", nil, "NAME=VALUE in --exec-command's environment (repeat for more)")
	fl.StringVar(&o.auth.execAPIVersion, "exec-api-version", "", "ExecCredential version of --exec-command (default client.authentication.k8s.io/v1beta1)")
	fl.StringVar(&o.auth.awsClusterName, "aws-cluster-name", "", "authenticate to this EKS cluster with argocd-k8s-auth (on the PATH)")
	fl.StringVar(&o.auth.awsRoleARN, "aws-role-arn", "", "with --aws-cluster-name, assume this IAM role")
	fl.StringVar(&o.auth.awsProfile, "aws-profile", "", "with --aws-cluster-name, use this AWS profile")
	return cmd
}

// validate checks the flags before anything is read.
func (o *clusterAddOptions) validate() error {
	if err := o.auth.validate(); err != nil {
		return err
	}
	if o.clusterResources && len(o.namespaces) == 0 {
		return errors.New("--cluster-resources applies to a namespace-scoped cluster: give --namespace")
	}
	return nil
}

// secret builds the cluster Secret for a context, without a cluster.
func (o *clusterAddOptions) secret(contextName string) (*corev1.Secret, error) {
	file := o.kubeconfigFile
	if file == "" {
		file = o.kubeconfig
	}
	cfg, proxy, err := contextConfig(file, contextName)
	if err != nil {
		return nil, err
	}
	c, err := clusterConfig(contextName, cfg, proxy, o.auth)
	if err != nil {
		return nil, err
	}
	name := o.name
	if name == "" {
		name = contextName
	}
	info := cluster.ClusterInfo{Name: name, Server: cfg.Host, Project: o.project,
		Namespaces: o.namespaces, ClusterResources: o.clusterResources}
	return cluster.NewSecret(o.namespace, info, c)
}

func (o *clusterAddOptions) run(ctx context.Context, contextName string, out, stderr io.Writer) error {
	if err := o.validate(); err != nil {
		return err
	}
	s, err := o.secret(contextName)
	if err != nil {
		return err
	}
	server, name := string(s.Data["server"]), string(s.Data["name"])
	if name == cluster.InClusterName && server != cluster.InCluster {
		return fmt.Errorf("cluster %s: the name %q is the in-cluster destination's: choose another --name", server, name)
	}
	c, err := o.client()
	if err != nil {
		return err
	}
	existing, err := clusterSecrets(ctx, c, o.namespace)
	if err != nil {
		return err
	}
	var same *corev1.Secret
	for i := range existing {
		e := &existing[i]
		switch {
		case string(e.Data["server"]) == server:
			same = e
		case string(e.Data["name"]) == name:
			return fmt.Errorf("cluster %s: the name %q is taken by cluster secret %s/%s for %s: choose another --name",
				server, name, e.Namespace, e.Name, e.Data["server"])
		}
	}
	if o.auth.ownCredentials() {
		fmt.Fprintf(stderr, "note: the credentials of context %s are copied into the Secret\n", contextName)
	}
	if same == nil {
		if err := c.Create(ctx, s); err != nil {
			return fmt.Errorf("create cluster secret %s/%s for %s: %w", s.Namespace, s.Name, server, err)
		}
		fmt.Fprintf(out, "cluster %s (%s) added: secret %s/%s\n", name, server, s.Namespace, s.Name)
		return nil
	}
	if !o.upsert {
		return fmt.Errorf("cluster %s: cluster secret %s/%s already holds it: use --upsert to replace it", server, same.Namespace, same.Name)
	}
	same.Data = s.Data
	if same.Labels == nil {
		same.Labels = map[string]string{}
	}
	same.Labels[cluster.SecretTypeLabel] = cluster.SecretTypeCluster
	if err := c.Update(ctx, same); err != nil {
		return fmt.Errorf("update cluster secret %s/%s for %s: %w", same.Namespace, same.Name, server, err)
	}
	fmt.Fprintf(out, "cluster %s (%s) updated: secret %s/%s\n", name, server, same.Namespace, same.Name)
	return nil
}
