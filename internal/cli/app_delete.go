package cli

import (
	"fmt"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/internal/controller/application"
)

func newAppDeleteCmd() *cobra.Command {
	f := &appFlags{}
	var cascade bool
	cmd := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete an Application, and with --cascade (the default) its resources",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := f.client()
			if err != nil {
				return err
			}
			app, err := f.getApp(ctx, c, args[0])
			if err != nil {
				return err
			}
			if ac, ok := c.(*apiClient); ok {
				if err := ac.deleteApp(ctx, app, cascade); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "application %s deleted (cascade=%v)\n", app.Name, cascade)
				return nil
			}
			patch := client.MergeFrom(app.DeepCopy())
			if err := application.SetCascade(app, cascade, ""); err != nil {
				return err
			}
			if err := c.Patch(ctx, app, patch); err != nil {
				return fmt.Errorf("application %s: %w", app.Name, err)
			}
			if err := c.Delete(ctx, app); err != nil {
				return fmt.Errorf("application %s: %w", app.Name, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "application %s deleted (cascade=%v)\n", app.Name, cascade)
			return nil
		},
	}
	f.register(cmd, "")
	cmd.Flags().BoolVar(&cascade, "cascade", true, "delete the application's resources too")
	return cmd
}
