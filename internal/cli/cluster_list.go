package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/internal/cluster"
)

// clusterRow is one cluster as `cluster list` shows it.
type clusterRow struct {
	cluster.ClusterInfo
	Status  cluster.ConnectionStatus `json:"status"`
	Message string                   `json:"message,omitempty"`
	At      *time.Time               `json:"at,omitempty"`
}

func newClusterListCmd() *cobra.Command {
	f := &coreFlags{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List destination clusters with their connection state",
		Long: `List the destination clusters: the implicit in-cluster one first (unless a cluster
Secret names its server), then one per cluster Secret. STATUS and MESSAGE are the
controller's last connection to the cluster, from the ConfigMap tiphys-cluster-status;
Unknown until the controller has recorded one.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.listClient()
			if err != nil {
				return err
			}
			rows, err := clusterRows(cmd.Context(), c, f.namespace, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if ok, err := printStructured(cmd.OutOrStdout(), f.output, rows); ok {
				return err
			}
			return printClusterRows(cmd.OutOrStdout(), rows)
		},
	}
	f.register(cmd, "json|yaml")
	return cmd
}

// clusterRows reads the clusters and their connection states. A state
// that does not parse is a warning: the list is still worth printing.
func clusterRows(ctx context.Context, c client.Reader, namespace string, warn io.Writer) ([]clusterRow, error) {
	secrets, err := clusterSecrets(ctx, c, namespace)
	if err != nil {
		return nil, err
	}
	var states map[string]cluster.ConnectionState
	cm := &corev1.ConfigMap{}
	switch err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: cluster.ConnectionStatusConfigMap}, cm); {
	case apierrors.IsNotFound(err):
	case err != nil:
		return nil, fmt.Errorf("configmap %s/%s: %w", namespace, cluster.ConnectionStatusConfigMap, err)
	default:
		if states, err = cluster.ConnectionStates(cm); err != nil {
			fmt.Fprintln(warn, "warning:", err)
		}
	}
	var rows []clusterRow
	inCluster := -1
	for i := range secrets {
		s := &secrets[i]
		info, err := cluster.SecretInfo(s)
		row := clusterRow{ClusterInfo: info, Status: cluster.ConnectionUnknown}
		if err != nil {
			// The controller cannot use it either: say why in the row.
			row.Status, row.Message = cluster.ConnectionFailed, err.Error()
		} else if st, ok := states[cluster.StateKey(s)]; ok {
			row.setState(st)
		}
		if info.Server == cluster.InCluster && inCluster < 0 {
			inCluster = len(rows)
		}
		rows = append(rows, row)
	}
	if inCluster >= 0 {
		// A Secret for the in-cluster server replaces the implicit one, first.
		first := rows[inCluster]
		rows = append(rows[:inCluster], rows[inCluster+1:]...)
		return append([]clusterRow{first}, rows...), nil
	}
	row := clusterRow{ClusterInfo: cluster.InClusterInfo(), Status: cluster.ConnectionUnknown}
	if st, ok := states[cluster.StateKey(nil)]; ok {
		row.setState(st)
	}
	return append([]clusterRow{row}, rows...), nil
}

func (r *clusterRow) setState(s cluster.ConnectionState) {
	r.Status, r.Message = s.Status, s.Message
	if !s.At.IsZero() {
		at := s.At
		r.At = &at
	}
}

func printClusterRows(out io.Writer, rows []clusterRow) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tSERVER\tPROJECT\tNAMESPACES\tSTATUS\tMESSAGE")
	for _, r := range rows {
		ns := "<all>"
		if len(r.Namespaces) > 0 {
			ns = strings.Join(r.Namespaces, ",")
			if r.ClusterResources {
				ns += " (+cluster resources)"
			}
		}
		project := r.Project
		if project == "" {
			project = "-"
		}
		// One line per row: a multi-line message would break the table.
		msg := strings.Join(strings.Fields(r.Message), " ")
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.Server, project, ns, r.Status, msg)
	}
	return w.Flush()
}
