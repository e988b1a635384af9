package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func newProjCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "proj",
		Short: "Work with AppProjects (straight against Kubernetes, as argocd's core mode)",
	}
	cmd.AddCommand(newProjListCmd(), newProjGetCmd(), newProjCreateCmd(), newProjWindowsCmd())
	return cmd
}

// getProject reads one AppProject of the flags' namespace.
func (f *coreFlags) getProject(ctx context.Context, name string) (*v1alpha1.AppProject, error) {
	c, err := f.client()
	if err != nil {
		return nil, err
	}
	p := &v1alpha1.AppProject{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: f.namespace, Name: name}, p); err != nil {
		return nil, fmt.Errorf("appproject %s/%s: %w", f.namespace, name, err)
	}
	return p, nil
}

// destinationString shows a project destination as server or name, then
// namespace: "https://kubernetes.default.svc,team-a-*".
func destinationString(d v1alpha1.ApplicationDestination) string {
	cluster := d.Server
	if d.Name != "" {
		cluster = d.Name
	}
	return cluster + "," + d.Namespace
}

// groupKind shows a group and kind as "group/Kind"; the core group is "".
func groupKind(group, kind, name string) string {
	s := group + "/" + kind
	if name != "" {
		s += " " + name
	}
	return s
}

// joinOrNone joins items with sep, or says "<none>".
func joinOrNone(items []string, sep string) string {
	if len(items) == 0 {
		return "<none>"
	}
	return strings.Join(items, sep)
}
