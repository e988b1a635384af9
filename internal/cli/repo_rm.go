package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"

	"github.com/tiphys/tiphys/internal/source/git"
)

type repoRmOptions struct {
	coreFlags
	project    string
	projectSet bool
}

func newRepoRmCmd() *cobra.Command {
	o := &repoRmOptions{}
	cmd := &cobra.Command{
		Use:     "rm URL",
		Aliases: []string{"remove"},
		Short:   "Remove a repository: delete its repository Secret",
		Long: `Delete the repository Secret of URL. When Secrets for several projects hold the URL,
--project says which one.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.projectSet = cmd.Flags().Changed("project")
			return o.run(cmd.Context(), args[0], cmd.OutOrStdout())
		},
	}
	o.register(cmd, "")
	cmd.Flags().StringVar(&o.project, "project", "", "the project of the Secret to delete (\"\" for none)")
	return cmd
}

func (o *repoRmOptions) run(ctx context.Context, url string, out io.Writer) error {
	shown := git.RedactURL(url)
	c, err := o.client()
	if err != nil {
		return err
	}
	secrets, err := repoSecrets(ctx, c, o.namespace)
	if err != nil {
		return err
	}
	var found []*corev1.Secret
	for i := range secrets {
		s := &secrets[i]
		if git.NormalizeURL(string(s.Data["url"])) != git.NormalizeURL(url) {
			continue
		}
		if o.projectSet && string(s.Data["project"]) != o.project {
			continue
		}
		found = append(found, s)
	}
	switch len(found) {
	case 0:
		if o.projectSet {
			return fmt.Errorf("repository %s: no repository secret in %s holds it for project %q", shown, o.namespace, o.project)
		}
		return fmt.Errorf("repository %s: no repository secret in %s holds it", shown, o.namespace)
	case 1:
	default:
		var names []string
		for _, s := range found {
			names = append(names, fmt.Sprintf("%s (project %q)", s.Name, s.Data["project"]))
		}
		return fmt.Errorf("repository %s: several secrets hold it: %s: give --project", shown, strings.Join(names, ", "))
	}
	s := found[0]
	if err := c.Delete(ctx, s); err != nil {
		return fmt.Errorf("delete repository secret %s/%s of %s: %w", s.Namespace, s.Name, shown, err)
	}
	fmt.Fprintf(out, "repository %s removed: secret %s/%s deleted\n", shown, s.Namespace, s.Name)
	return nil
}
