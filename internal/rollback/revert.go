package rollback

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git"
)

// Reverter writes the revert commits of a rollback.
type Reverter struct {
	// Client reads the repository Secrets in Namespace (the controller's)
	// for the push credentials.
	Client    client.Client
	Namespace string
	// Author signs the commits; Tool names what rolled back in the message
	// ("tiphys app rollback", "the Tiphys API server").
	Author git.Author
	Tool   string
	// Reason is the operator's why, written into the message ("": none).
	Reason string
	// Out receives one line per branch: the commit pushed, already up to
	// date, or why a source gets none. Nil discards them.
	Out io.Writer
}

// Revert writes the revert commits of rolling app back to entry (see
// revertTargets): on each branch, the paths the app reads restored to the
// entry's revision (git.Revert). It returns the commits, none when the
// branches already hold that content. A source whose targetRevision is a
// tag or a commit, or a changed Helm repository chart, gets no commit and
// a line saying so; when that leaves no commit at all, it is an error
// naming why. Commits written before an error are returned with it.
func (r Reverter) Revert(ctx context.Context, app *v1alpha1.Application, entry *v1alpha1.RevisionHistory) ([]string, error) {
	out := r.Out
	if out == nil {
		out = io.Discard
	}
	targets, skipped, err := revertTargets(app, entry)
	if err != nil {
		return nil, err
	}
	msg := r.message(app, entry)
	var commits []string
	for _, t := range targets {
		creds, err := git.SecretCredentials(r.Client, r.Namespace)(ctx, t.repoURL)
		if err != nil {
			return commits, err
		}
		res, err := git.Revert(ctx, git.RevertOptions{
			URL: t.repoURL, Credentials: creds, Branch: t.branch, Paths: t.paths,
			Good: t.good, Author: r.Author, Message: msg, Timeout: time.Minute,
		})
		switch {
		case errors.Is(err, git.ErrNotBranch):
			skipped = append(skipped, fmt.Sprintf("%s: targetRevision %q follows no branch, so no commit can be written (%v)", t.name(), t.branch, err))
			continue
		case err != nil && len(app.Spec.Sources) > 0:
			return commits, fmt.Errorf("%s: %w", t.name(), err)
		case err != nil:
			return commits, err
		case res.UpToDate:
			fmt.Fprintf(out, "Branch %s of %s already holds revision %s's content: no revert commit needed.\n", res.Branch, t.name(), Short(t.good))
			continue
		}
		fmt.Fprintf(out, "Revert commit %s pushed to %s branch %s.\n", Short(res.Commit), t.name(), res.Branch)
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
		fmt.Fprintf(out, "%s is held at %s until %s the same.\n", app.Name, EntryRevision(entry), branches)
	}
	return commits, nil
}

// message is the revert commits' message: who rolled back what, with
// what, and why.
func (r Reverter) message(app *v1alpha1.Application, entry *v1alpha1.RevisionHistory) string {
	bad, good := Short(app.Status.Sync.Revision), entry.Revision
	if len(app.Spec.Sources) > 0 {
		bad, good = shortList(app.Status.Sync.Revisions), strings.Join(entry.Revisions, ",")
	}
	msg := fmt.Sprintf("Rollback %s to %s\n\n%s rolled back Application %s/%s from revision %s to revision %s (history %d) with %s.",
		app.Name, EntryRevision(entry), r.Author.Name, app.Namespace, app.Name, bad, good, entry.ID, r.Tool)
	if r.Reason != "" {
		msg += "\n\nReason: " + r.Reason
	}
	return msg + "\n"
}
