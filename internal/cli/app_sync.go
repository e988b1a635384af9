package cli

import (
	"context"
	"errors"
	"fmt"
	"os/user"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

type appSyncOptions struct {
	appFlags
	prune     bool
	dryRun    bool
	revision  string
	resources []string
	async     bool
	timeout   time.Duration
}

func newAppSyncCmd() *cobra.Command {
	o := &appSyncOptions{}
	cmd := &cobra.Command{
		Use:   "sync NAME",
		Short: "Sync an Application now and wait for the result",
		Example: `  tiphys app sync guestbook --prune
  tiphys app sync guestbook --resource apps:Deployment:web --dry-run`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd, args[0])
		},
	}
	o.register(cmd, "")
	cmd.Flags().BoolVar(&o.prune, "prune", false, "delete resources that are no longer in Git")
	cmd.Flags().BoolVar(&o.dryRun, "dry-run", false, "report what would happen, change nothing")
	cmd.Flags().StringVar(&o.revision, "revision", "", "revision to sync (default: the target revision)")
	cmd.Flags().StringArrayVar(&o.resources, "resource", nil, "sync only GROUP:KIND:NAME or GROUP:KIND:NAMESPACE/NAME (repeatable)")
	cmd.Flags().BoolVar(&o.async, "async", false, "do not wait for the sync to finish")
	cmd.Flags().DurationVar(&o.timeout, "timeout", 5*time.Minute, "how long to wait")
	return cmd
}

func (o *appSyncOptions) run(cmd *cobra.Command, name string) error {
	c, err := o.client()
	if err != nil {
		return err
	}
	op := &v1alpha1.Operation{
		Sync:        &v1alpha1.SyncOperation{Revision: o.revision, Prune: o.prune, DryRun: o.dryRun},
		InitiatedBy: v1alpha1.OperationInitiator{Username: username()},
	}
	for _, r := range o.resources {
		res, err := parseResource(r)
		if err != nil {
			return err
		}
		op.Sync.Resources = append(op.Sync.Resources, res)
	}
	return startOperation(cmd, &o.appFlags, c, name, op, o.async, o.timeout)
}

// startOperation sets an operation on an Application and, unless async,
// waits for its result; a failed operation is an error.
func startOperation(cmd *cobra.Command, f *appFlags, c client.Client, name string, op *v1alpha1.Operation, async bool, timeout time.Duration) error {
	ctx := cmd.Context()
	app, err := f.getApp(ctx, c, name)
	if err != nil {
		return err
	}
	if app.Operation != nil || (app.Status.OperationState != nil && app.Status.OperationState.Phase == v1alpha1.OperationRunning) {
		return fmt.Errorf("application %s: another operation is already in progress", name)
	}
	started := time.Now().Add(-time.Second)
	patch := client.MergeFrom(app.DeepCopy())
	app.Operation = op
	if err := c.Patch(ctx, app, patch); err != nil {
		return fmt.Errorf("application %s: start operation: %w", name, err)
	}
	if async {
		fmt.Fprintf(cmd.OutOrStdout(), "application %s: operation started\n", name)
		return nil
	}
	return awaitOperation(cmd, f, c, name, started, timeout)
}

// awaitOperation waits for the app's operation started after started to
// end, prints its result, and fails unless it succeeded.
func awaitOperation(cmd *cobra.Command, f *appFlags, c client.Client, name string, started time.Time, timeout time.Duration) error {
	done, err := waitFor(cmd.Context(), f, c, name, timeout, func(a *v1alpha1.Application) bool {
		s := a.Status.OperationState
		return a.Operation == nil && s != nil && s.Phase != v1alpha1.OperationRunning && !s.StartedAt.Time.Before(started)
	})
	if err != nil {
		return err
	}
	s := done.Status.OperationState
	fmt.Fprintf(cmd.OutOrStdout(), "Operation:  Sync\nPhase:      %s\nMessage:    %s\n", s.Phase, s.Message)
	if s.SyncResult != nil {
		fmt.Fprintf(cmd.OutOrStdout(), "Revision:   %s\n", s.SyncResult.Revision)
		for _, r := range s.SyncResult.Resources {
			fmt.Fprintf(cmd.OutOrStdout(), "  %s %s/%s: %s %s\n", r.Kind, r.Namespace, r.Name, r.Status, r.Message)
		}
	}
	if s.Phase != v1alpha1.OperationSucceeded {
		return fmt.Errorf("application %s: sync %s: %s", name, s.Phase, s.Message)
	}
	return nil
}

// waitFor polls an Application until cond holds or timeout passes.
func waitFor(ctx context.Context, f *appFlags, c client.Client, name string, timeout time.Duration, cond func(*v1alpha1.Application) bool) (*v1alpha1.Application, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		app, err := f.getApp(ctx, c, name)
		if err == nil && cond(app) {
			return app, nil
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return nil, fmt.Errorf("application %s: timed out after %s", name, timeout)
			}
			return nil, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func parseResource(s string) (v1alpha1.SyncOperationResource, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return v1alpha1.SyncOperationResource{}, fmt.Errorf("--resource %q: want GROUP:KIND:NAME", s)
	}
	r := v1alpha1.SyncOperationResource{Group: parts[0], Kind: parts[1], Name: parts[2]}
	if ns, n, ok := strings.Cut(parts[2], "/"); ok {
		r.Namespace, r.Name = ns, n
	}
	return r, nil
}

func username() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "tiphys-cli"
}
