package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// rollback is POST …/rollback: the server's Git-consistent rollback of
// app to history entry id (noGit: the sync only), answering the app.
func (c *apiClient) rollback(ctx context.Context, app *v1alpha1.Application, id int64, reason string, noGit bool) (*v1alpha1.Application, error) {
	out := &v1alpha1.Application{}
	req := map[string]any{"id": id, "prune": true, "reason": reason, "noGit": noGit}
	if err := c.call(ctx, http.MethodPost, appPath(app.Namespace, app.Name, "/rollback"), req, out); err != nil {
		return nil, fmt.Errorf("application %s: %w", app.Name, err)
	}
	return out, nil
}

// deleteApp is DELETE /api/v1/applications/{name} with cascade.
func (c *apiClient) deleteApp(ctx context.Context, app *v1alpha1.Application, cascade bool) error {
	path := appPath(app.Namespace, app.Name, "") + "&cascade=" + strconv.FormatBool(cascade)
	if err := c.call(ctx, http.MethodDelete, path, nil, nil); err != nil {
		return fmt.Errorf("application %s: %w", app.Name, err)
	}
	return nil
}

// managedItem is one item of …/managed-resources, the fields a diff needs.
type managedItem struct {
	Group, Kind, Namespace, Name string
	TargetState, Diff            string
	Modified                     bool
}

// printServerDiff prints the diff the server computed for the app, as
// `app diff` prints its own: a unified diff per changed resource and
// "(would be pruned)" for those the app no longer renders. It reports
// whether anything differs.
func (c *apiClient) printServerDiff(ctx context.Context, out io.Writer, namespace, name string) (bool, error) {
	var res struct{ Items []managedItem }
	if err := c.call(ctx, http.MethodGet, appPath(namespace, name, "/managed-resources"), nil, &res); err != nil {
		return false, fmt.Errorf("application %s: %w", name, err)
	}
	different := false
	for _, it := range res.Items {
		if it.Modified {
			different = true
			fmt.Fprintf(out, "===== %s/%s %s/%s ======\n%s", it.Group, it.Kind, it.Namespace, it.Name, it.Diff)
		}
	}
	for _, it := range res.Items {
		if it.TargetState == "null" {
			different = true
			fmt.Fprintf(out, "===== %s/%s %s/%s ======\n(would be pruned)\n", it.Group, it.Kind, it.Namespace, it.Name)
		}
	}
	return different, nil
}
