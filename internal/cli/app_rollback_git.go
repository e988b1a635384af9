package cli

import (
	"fmt"
	"net/mail"
	"os/user"
	"path"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git"
)

// revert writes the revert commit of a rollback to the app's source
// branch: its path restored to the entry's revision (git.Revert), with
// the repository Secret's credentials. It returns the commit, "" when the
// branch already holds that content. Only single-source Git apps on a
// branch can be reverted; others are an error naming why.
func (o *rollbackOptions) revert(cmd *cobra.Command, c client.Client, app *v1alpha1.Application, entry *v1alpha1.RevisionHistory) (string, error) {
	src := app.Spec.Source
	if src == nil || len(app.Spec.Sources) > 0 {
		return "", fmt.Errorf("only single-source apps get a revert commit (use --no-git)")
	}
	if src.Chart != "" {
		return "", fmt.Errorf("a Helm repository source has no branch to revert (use --no-git)")
	}
	bad := app.Status.Sync.Revision
	creds, err := git.SecretCredentials(c, o.controllerNamespace)(cmd.Context(), src.RepoURL)
	if err != nil {
		return "", err
	}
	author, err := o.commitAuthor()
	if err != nil {
		return "", err
	}
	msg := fmt.Sprintf("Rollback %s to %s\n\n%s rolled back Application %s/%s from revision %s to revision %s (history %d) with tiphys app rollback.",
		app.Name, short(entry.Revision), author.Name, app.Namespace, app.Name, short(bad), entry.Revision, entry.ID)
	if o.reason != "" {
		msg += "\n\nReason: " + o.reason
	}
	res, err := git.Revert(cmd.Context(), git.RevertOptions{
		URL: src.RepoURL, Credentials: creds, Branch: src.TargetRevision, Paths: revertPaths(src),
		Good: entry.Revision, Author: author, Message: msg + "\n", Timeout: time.Minute,
	})
	if err != nil {
		return "", err
	}
	if res.UpToDate {
		fmt.Fprintf(cmd.OutOrStdout(), "Branch %s already holds revision %s's content: no revert commit needed.\n", res.Branch, short(entry.Revision))
		return "", nil
	}
	fmt.Fprintf(cmd.OutOrStdout(), "Revert commit %s pushed to %s branch %s; %s is held at %s until the branch renders the same.\n",
		short(res.Commit), git.RedactURL(src.RepoURL), res.Branch, app.Name, short(entry.Revision))
	return res.Commit, nil
}

// commitAuthor is --author, or the local user.
func (o *rollbackOptions) commitAuthor() (git.Author, error) {
	if o.author != "" {
		a, err := mail.ParseAddress(o.author)
		if err != nil {
			return git.Author{}, fmt.Errorf("--author %q: want \"Name <email>\": %w", o.author, err)
		}
		return git.Author{Name: a.Name, Email: a.Address}, nil
	}
	name := username()
	if u, err := user.Current(); err == nil && u.Name != "" {
		name = u.Name
	}
	return git.Author{Name: name, Email: username() + "@localhost"}, nil
}

// revertPaths are the repository paths an app's render reads: its source
// path and the Helm value files it names relative to it (a values file
// under environments/ beside a chart under charts/), so that the revert
// restores every input the rolled-back revision rendered. Value files
// outside the repository (URLs, paths above its root) are left out.
func revertPaths(src *v1alpha1.ApplicationSource) []string {
	paths := []string{src.Path}
	if src.Helm == nil {
		return paths
	}
	for _, vf := range src.Helm.ValueFiles {
		if strings.Contains(vf, "://") || strings.HasPrefix(vf, "$") {
			continue
		}
		p := path.Clean(path.Join(src.Path, vf))
		if path.IsAbs(vf) {
			p = path.Clean(strings.TrimPrefix(vf, "/"))
		}
		if p == ".." || strings.HasPrefix(p, "../") {
			continue
		}
		paths = append(paths, p)
	}
	return paths
}
