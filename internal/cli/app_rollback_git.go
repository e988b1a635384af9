package cli

import (
	"errors"
	"fmt"
	"net/mail"
	"os/user"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git"
)

// revert writes the revert commits of a rollback (see revertTargets): on
// each branch, the paths the app reads restored to the entry's revision
// (git.Revert), with the repository Secret's credentials. It returns the
// commits, none when the branches already hold that content. A source
// whose targetRevision is a tag or a commit, or a changed Helm repository
// chart, gets no commit and a line saying so; when that leaves no commit at
// all, it is an error naming why.
func (o *rollbackOptions) revert(cmd *cobra.Command, c client.Client, app *v1alpha1.Application, entry *v1alpha1.RevisionHistory) ([]string, error) {
	ctx, out := cmd.Context(), cmd.OutOrStdout()
	targets, skipped, err := revertTargets(app, entry)
	if err != nil {
		return nil, err
	}
	author, err := o.commitAuthor()
	if err != nil {
		return nil, err
	}
	msg := o.revertMessage(app, entry, author)
	var commits []string
	for _, t := range targets {
		creds, err := git.SecretCredentials(c, o.controllerNamespace)(ctx, t.repoURL)
		if err != nil {
			return commits, err
		}
		res, err := git.Revert(ctx, git.RevertOptions{
			URL: t.repoURL, Credentials: creds, Branch: t.branch, Paths: t.paths,
			Good: t.good, Author: author, Message: msg, Timeout: time.Minute,
		})
		switch {
		case errors.Is(err, git.ErrNotBranch):
			skipped = append(skipped, fmt.Sprintf("%s: targetRevision %q follows no branch, so no commit can be written (%v)", t.name(), t.branch, err))
			continue
		case err != nil:
			return commits, err
		case res.UpToDate:
			fmt.Fprintf(out, "Branch %s of %s already holds revision %s's content: no revert commit needed.\n", res.Branch, t.name(), short(t.good))
			continue
		}
		fmt.Fprintf(out, "Revert commit %s pushed to %s branch %s.\n", short(res.Commit), t.name(), res.Branch)
		commits = append(commits, res.Commit)
	}
	for _, s := range skipped {
		fmt.Fprintf(out, "No revert commit for %s.\n", s)
	}
	if len(commits) == 0 && len(skipped) > 0 {
		return nil, fmt.Errorf("no source of the app got a revert commit: %s", strings.Join(skipped, "; "))
	}
	if len(commits) > 0 {
		branches := "the branch renders"
		if len(app.Spec.Sources) > 0 {
			branches = "its branches render"
		}
		fmt.Fprintf(out, "%s is held at %s until %s the same.\n", app.Name, entryRevision(entry), branches)
	}
	return commits, nil
}

// revertMessage is the revert commits' message: who rolled back what, and
// why.
func (o *rollbackOptions) revertMessage(app *v1alpha1.Application, entry *v1alpha1.RevisionHistory, author git.Author) string {
	bad, good := short(app.Status.Sync.Revision), entry.Revision
	if len(app.Spec.Sources) > 0 {
		bad, good = shortList(app.Status.Sync.Revisions), strings.Join(entry.Revisions, ",")
	}
	msg := fmt.Sprintf("Rollback %s to %s\n\n%s rolled back Application %s/%s from revision %s to revision %s (history %d) with tiphys app rollback.",
		app.Name, entryRevision(entry), author.Name, app.Namespace, app.Name, bad, good, entry.ID)
	if o.reason != "" {
		msg += "\n\nReason: " + o.reason
	}
	return msg + "\n"
}

// entryRevision is a history entry's revision, or a multi-source entry's
// revisions, shortened for messages.
func entryRevision(entry *v1alpha1.RevisionHistory) string {
	if entry.Revision == "" && len(entry.Revisions) > 0 {
		return shortList(entry.Revisions)
	}
	return short(entry.Revision)
}

// shortList is revisions shortened and joined with commas.
func shortList(revisions []string) string {
	out := make([]string, len(revisions))
	for i, r := range revisions {
		out[i] = short(r)
	}
	return strings.Join(out, ",")
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
