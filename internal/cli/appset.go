package cli

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func newAppsetCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "appset",
		Aliases: []string{"appsets", "applicationset"},
		Short:   "Work with ApplicationSets: preview offline, list, get, diff and delete",
		Long: `Work with ApplicationSets. generate runs a set's generators and template offline,
with the controller's own code; list, get, diff and delete talk to Kubernetes directly
(as argocd's core mode) and take --kubeconfig and -N/--argocd-namespace (default argocd);
list and get also go through an API server with --server (see tiphys login).`,
	}
	cmd.AddCommand(newAppsetGenerateCmd(), newAppsetListCmd(), newAppsetGetCmd(), newAppsetDeleteCmd(), newAppsetDiffCmd())
	return cmd
}

// readApplicationSet reads one ApplicationSet from a YAML or JSON file,
// strictly: a misspelt field is an error, as the API server would reject
// it. A set without a namespace gets defaultNS, as `kubectl apply -n`
// would place it.
func readApplicationSet(file, defaultNS string) (*v1alpha1.ApplicationSet, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("applicationset file: %w", err)
	}
	set := &v1alpha1.ApplicationSet{}
	if err := yaml.UnmarshalStrict(b, set); err != nil {
		return nil, fmt.Errorf("applicationset file %s: %w", file, err)
	}
	if set.Kind != "ApplicationSet" || set.APIVersion != v1alpha1.SchemeGroupVersion.String() {
		return nil, fmt.Errorf("applicationset file %s: kind %q %q is not an argoproj.io/v1alpha1 ApplicationSet", file, set.APIVersion, set.Kind)
	}
	if set.Name == "" {
		return nil, fmt.Errorf("applicationset file %s: metadata.name is empty", file)
	}
	if set.Namespace == "" {
		set.Namespace = defaultNS
	}
	return set, nil
}

// getAppset reads one ApplicationSet of a namespace.
func getAppset(ctx context.Context, c client.Reader, namespace, name string) (*v1alpha1.ApplicationSet, error) {
	set := &v1alpha1.ApplicationSet{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, set); err != nil {
		return nil, fmt.Errorf("applicationset %s/%s: %w", namespace, name, err)
	}
	return set, nil
}

// ownedApps are the Applications of namespace grouped by the UID of the
// ApplicationSet that owns them, each group in name order: the controller
// knows its Applications by the owner reference's UID, not by name.
func ownedApps(ctx context.Context, c client.Reader, namespace string) (map[string][]*v1alpha1.Application, error) {
	var list v1alpha1.ApplicationList
	if err := c.List(ctx, &list, client.InNamespace(namespace)); err != nil {
		return nil, fmt.Errorf("list applications in %s: %w", namespace, err)
	}
	out := map[string][]*v1alpha1.Application{}
	for i := range list.Items {
		a := &list.Items[i]
		for _, ref := range a.OwnerReferences {
			if ref.Kind == "ApplicationSet" && ref.UID != "" {
				out[string(ref.UID)] = append(out[string(ref.UID)], a)
			}
		}
	}
	for _, apps := range out {
		sort.Slice(apps, func(i, j int) bool { return apps[i].Name < apps[j].Name })
	}
	return out, nil
}

// ownedBy lists the Applications a live set owns, in name order.
func ownedBy(ctx context.Context, c client.Reader, set *v1alpha1.ApplicationSet) ([]*v1alpha1.Application, error) {
	if set.UID == "" {
		return nil, nil
	}
	byOwner, err := ownedApps(ctx, c, set.Namespace)
	if err != nil {
		return nil, err
	}
	return byOwner[string(set.UID)], nil
}

// generatorKinds names a set's generators by kind, nested ones in
// parentheses: "list", "matrix(git, clusters)".
func generatorKinds(gens []v1alpha1.ApplicationSetGenerator) []string {
	var out []string
	for i := range gens {
		g := &gens[i]
		switch {
		case g.Matrix != nil:
			out = append(out, "matrix("+strings.Join(nestedKinds(g.Matrix.Generators), ", ")+")")
		case g.Merge != nil:
			out = append(out, "merge("+strings.Join(nestedKinds(g.Merge.Generators), ", ")+")")
		default:
			out = append(out, leafKind(g.List != nil, g.Clusters != nil, g.Git, g.SCMProvider != nil,
				g.ClusterDecisionResource != nil, g.PullRequest != nil, g.Plugin != nil))
		}
	}
	return out
}

func nestedKinds(gens []v1alpha1.ApplicationSetNestedGenerator) []string {
	var out []string
	for i := range gens {
		g := &gens[i]
		switch {
		case g.Matrix != nil:
			out = append(out, "matrix")
		case g.Merge != nil:
			out = append(out, "merge")
		default:
			out = append(out, leafKind(g.List != nil, g.Clusters != nil, g.Git, g.SCMProvider != nil,
				g.ClusterDecisionResource != nil, g.PullRequest != nil, g.Plugin != nil))
		}
	}
	return out
}

func leafKind(list, clusters bool, git *v1alpha1.GitGenerator, scm, duck, pr, plugin bool) string {
	switch {
	case list:
		return "list"
	case clusters:
		return "clusters"
	case git != nil && len(git.Files) > 0:
		return "git files"
	case git != nil:
		return "git directories"
	case scm:
		return "scmProvider"
	case duck:
		return "clusterDecisionResource"
	case pr:
		return "pullRequest"
	case plugin:
		return "plugin"
	}
	return "unknown"
}
