package cli

import (
	"fmt"
	"net/mail"
	"os/user"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/application"
	"github.com/tiphys/tiphys/internal/rollback"
	"github.com/tiphys/tiphys/internal/source/git"
)

// rollbackOptions are app rollback's flags.
type rollbackOptions struct {
	f                   appFlags
	timeout             time.Duration
	async, noGit        bool
	reason, author      string
	controllerNamespace string
}

func newAppRollbackCmd() *cobra.Command {
	o := &rollbackOptions{}
	cmd := &cobra.Command{
		Use:   "rollback NAME [ID]",
		Short: "Roll an Application back to a history entry at once, and write the revert commit to Git",
		Long: `Sync an Application to the source and revision of a history entry (see 'tiphys app history';
default: the one before the last) at once, and keep Git the truth:

  - the app is held at that revision, automated sync included, where no parent app-of-apps or
    ApplicationSet lifts the hold (ConfigMap tiphys-rollback-holds in the controller's namespace);
  - the sync to that revision runs at once;
  - then a revert commit restoring the app's path (and the Helm value files it names) to that
    revision is pushed to the app's source branch (credentials from the repository Secret),
    authored by --author, the message naming who rolled back what and --reason (if the push fails
    the command says so and exits 1; the app stays rolled back and held);
  - a multi-source app gets one per Git repository branch its sources read, each restoring that
    source's path, its value files and the $ref/... value files the others take from it to the
    source's revision in the entry; a source on a tag or a commit and a Helm repository chart get
    none, and the command says so;
  - once the branch renders what the revision rendered, the hold ends by itself and the app
    follows its branch again, with nothing to re-deploy.

--no-git does what Argo CD does: the sync only, refused while automated sync is on.`,
		Example: `  tiphys app rollback order-service-production --reason "5xx after 1.4.2"
  tiphys app rollback guestbook 3 --no-git`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args) },
	}
	o.f.register(cmd, "")
	cmd.Flags().DurationVar(&o.timeout, "timeout", 5*time.Minute, "how long to wait")
	cmd.Flags().BoolVar(&o.async, "async", false, "do not wait for the rollback to finish")
	cmd.Flags().BoolVar(&o.noGit, "no-git", false, "only sync to the revision, as Argo CD (no hold, no revert commit)")
	cmd.Flags().StringVar(&o.reason, "reason", "", "why, for the revert commit and the hold")
	cmd.Flags().StringVar(&o.author, "author", "", `revert commit author, "Name <email>" (default: the local user)`)
	cmd.Flags().StringVar(&o.controllerNamespace, "controller-namespace", "argocd", "namespace of the controller: repository Secrets and rollback holds")
	return cmd
}

func (o *rollbackOptions) run(cmd *cobra.Command, args []string) error {
	ctx := cmd.Context()
	c, app, err := o.f.loadApp(ctx, args[0])
	if err != nil {
		return err
	}
	automated := rollback.Automated(app)
	if o.noGit && automated {
		return fmt.Errorf("application %s: rollback cannot be initiated when automated sync is enabled (without --no-git, Tiphys holds the app and writes the revert commit)", app.Name)
	}
	entry, err := historyEntry(app, args[1:])
	if err != nil {
		return err
	}
	if ac, ok := c.(*apiClient); ok {
		return o.throughServer(cmd, ac, app, entry)
	}
	op := rollback.Operation(entry, username(), true)
	if o.noGit {
		return startOperation(cmd, &o.f, c, app.Name, op, o.async, o.timeout)
	}
	author, err := o.commitAuthor()
	if err != nil {
		return err
	}
	hold := rollback.Hold(entry, username(), o.reason)
	if err := application.WriteHold(ctx, c, o.controllerNamespace, app.Namespace, app.Name, hold); err != nil {
		return fmt.Errorf("application %s: %w", app.Name, err)
	}
	// The cluster first (an emergency is about speed), then Git.
	if err := o.sync(cmd, c, app, op, entry, automated); err != nil {
		return err
	}
	rev := rollback.Reverter{Client: c, Namespace: o.controllerNamespace, Author: author,
		Tool: "tiphys app rollback", Reason: o.reason, Out: cmd.OutOrStdout()}
	// The commits written are recorded even when another source's failed.
	commits, revertErr := rev.Revert(ctx, app, entry)
	if len(commits) > 0 {
		hold.Revert = commits[0]
		if len(commits) > 1 {
			hold.Reverts = commits
		}
		if err := application.WriteHold(ctx, c, o.controllerNamespace, app.Namespace, app.Name, hold); err != nil {
			return fmt.Errorf("application %s: %w", app.Name, err)
		}
	}
	if revertErr != nil && len(commits) > 0 {
		return fmt.Errorf("application %s: rolled back and held at %s, but not every revert commit was written: %w; "+
			"push the rest yourself: the hold ends when the branches render the same", app.Name, rollback.EntryRevision(entry), revertErr)
	}
	if revertErr != nil {
		return fmt.Errorf("application %s: rolled back and held at %s, but the revert commit was not written: %w; "+
			"push the revert yourself: the hold ends when the branch renders the same", app.Name, rollback.EntryRevision(entry), revertErr)
	}
	return nil
}

// throughServer asks the API server for the rollback (the server writes
// the hold and the revert commit, authored by the logged-in user) and
// waits for the sync as without it. --author is the server's to choose.
func (o *rollbackOptions) throughServer(cmd *cobra.Command, ac *apiClient, app *v1alpha1.Application, entry *v1alpha1.RevisionHistory) error {
	if o.author != "" {
		return fmt.Errorf("--author: %w (the server signs the revert commit as the logged-in user)", errNotThroughServer)
	}
	started := time.Now().Add(-time.Second)
	if _, err := ac.rollback(cmd.Context(), app, entry.ID, o.reason, o.noGit); err != nil {
		return err
	}
	if !o.noGit {
		fmt.Fprintf(cmd.OutOrStdout(), "%s rolled back to %s by the API server; revert commit written, held until the branch renders the same.\n",
			app.Name, rollback.EntryRevision(entry))
	}
	if o.async {
		return nil
	}
	return awaitOperation(cmd, &o.f, ac, app.Name, started, o.timeout)
}

// heldSyncWait is how long the rollback waits for the controller's
// automated sync to the held revision before it starts a sync itself.
const heldSyncWait = 10 * time.Second

// sync brings the app to the entry's revision. An automated app's hold
// makes the controller's automated sync go there at once: the rollback
// waits for that sync rather than starting a second one (one rollback, one
// history entry); when none starts (a sync window that denies automated
// syncs), it runs op itself, as without automated sync.
func (o *rollbackOptions) sync(cmd *cobra.Command, c client.Client, app *v1alpha1.Application, op *v1alpha1.Operation, entry *v1alpha1.RevisionHistory, automated bool) error {
	if !automated {
		return startOperation(cmd, &o.f, c, app.Name, op, o.async, o.timeout)
	}
	started := time.Now().Add(-time.Second)
	_, err := waitFor(cmd.Context(), &o.f, c, app.Name, heldSyncWait, func(a *v1alpha1.Application) bool {
		s := a.Status.OperationState
		return s != nil && !s.StartedAt.Time.Before(started) && s.Operation.Sync != nil && rollback.SyncsEntry(s.Operation.Sync, entry)
	})
	if err != nil {
		return startOperation(cmd, &o.f, c, app.Name, op, o.async, o.timeout)
	}
	if o.async {
		fmt.Fprintf(cmd.OutOrStdout(), "application %s: held; the controller is syncing it\n", app.Name)
		return nil
	}
	return awaitOperation(cmd, &o.f, c, app.Name, started, o.timeout)
}

// historyEntry picks the history entry of ID (args[0]), or the one before
// the last.
func historyEntry(app *v1alpha1.Application, args []string) (*v1alpha1.RevisionHistory, error) {
	var id *int64
	if len(args) > 0 {
		n, err := strconv.ParseInt(args[0], 10, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("application %s: history id %q is not a number (the IDs are in 'tiphys app history %s')", app.Name, args[0], app.Name)
		}
		id = &n
	}
	return rollback.Entry(app, id)
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
