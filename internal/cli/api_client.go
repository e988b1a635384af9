package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// errNotThroughServer is what a verb gets for an object the API server
// does not serve.
var errNotThroughServer = errors.New("not available through the API server (use --kubeconfig)")

// apiClient is a client.Client over the API server's REST paths, for the
// verbs run with --server: Applications are read (get, list), synced and
// their operation terminated; ApplicationSets, AppProjects and Rollouts
// are read; with the caller's token. Every other call fails with
// errNotThroughServer.
type apiClient struct {
	client.Client // nil: only the methods below are served
	server, token string
	http          *http.Client
}

// newAPIClient returns a client of server (a URL; http:// is assumed when
// it has no scheme) with token.
func newAPIClient(server, token string) *apiClient {
	if !strings.Contains(server, "://") {
		server = "http://" + server
	}
	return &apiClient{server: strings.TrimRight(server, "/"), token: token, http: &http.Client{Timeout: 30 * time.Second}}
}

// call sends a request and decodes the JSON answer into out; an error
// answer becomes an error with the server's message.
func (c *apiClient) call(ctx context.Context, method, path string, body, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.server+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("api server %s: %w", c.server, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("api server %s: %w", c.server, err)
	}
	if resp.StatusCode >= 300 {
		var e struct{ Message string }
		if json.Unmarshal(b, &e) == nil && e.Message != "" {
			return fmt.Errorf("api server: %s (%d)", e.Message, resp.StatusCode)
		}
		return fmt.Errorf("api server: %s", resp.Status)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("api server %s%s: %w", c.server, path, err)
		}
	}
	return nil
}

func appPath(ns, name, suffix string) string {
	return "/api/v1/applications/" + url.PathEscape(name) + suffix + "?appNamespace=" + url.QueryEscape(ns)
}

// Get reads an Application, an ApplicationSet, an AppProject (the
// server's namespace, whatever key's) or a Rollout.
func (c *apiClient) Get(ctx context.Context, key client.ObjectKey, obj client.Object, _ ...client.GetOption) error {
	var path string
	switch obj.(type) {
	case *v1alpha1.Application:
		path = appPath(key.Namespace, key.Name, "")
	case *v1alpha1.ApplicationSet:
		path = "/api/v1/applicationsets/" + url.PathEscape(key.Name) + "?appNamespace=" + url.QueryEscape(key.Namespace)
	case *v1alpha1.AppProject:
		path = "/api/v1/projects/" + url.PathEscape(key.Name)
	case *v1alpha1.Rollout:
		path = rolloutPath(key.Namespace, key.Name, "")
	default:
		return fmt.Errorf("%T: %w", obj, errNotThroughServer)
	}
	return c.call(ctx, http.MethodGet, path, nil, obj)
}

// rolloutPath is the API path of a Rollout, with suffix (/analysisruns,
// /promote, …).
func rolloutPath(ns, name, suffix string) string {
	return "/api/v1/rollouts/" + url.PathEscape(ns) + "/" + url.PathEscape(name) + suffix
}

// List lists Applications, ApplicationSets, AppProjects (the server's
// namespace) or Rollouts: those the caller may get.
func (c *apiClient) List(ctx context.Context, list client.ObjectList, opts ...client.ListOption) error {
	lo := &client.ListOptions{}
	lo.ApplyOptions(opts)
	var path, nsParam string
	switch list.(type) {
	case *v1alpha1.ApplicationList:
		path, nsParam = "/api/v1/applications", "appNamespace"
	case *v1alpha1.ApplicationSetList:
		path, nsParam = "/api/v1/applicationsets", "appNamespace"
	case *v1alpha1.AppProjectList:
		path = "/api/v1/projects"
	case *v1alpha1.RolloutList:
		path, nsParam = "/api/v1/rollouts", "namespace"
	default:
		return fmt.Errorf("%T: %w", list, errNotThroughServer)
	}
	if lo.Namespace != "" && nsParam != "" {
		path += "?" + nsParam + "=" + url.QueryEscape(lo.Namespace)
	}
	return c.call(ctx, http.MethodGet, path, nil, list)
}

// Patch serves the two changes app verbs make to an Application: setting
// its operation (a sync: POST …/sync) and terminating the running one
// (DELETE …/operation).
func (c *apiClient) Patch(ctx context.Context, obj client.Object, patch client.Patch, _ ...client.PatchOption) error {
	app, ok := obj.(*v1alpha1.Application)
	if !ok {
		return fmt.Errorf("%T: %w", obj, errNotThroughServer)
	}
	data, err := patch.Data(obj)
	if err != nil {
		return err
	}
	switch {
	case bytes.Contains(data, []byte(`"Terminating"`)):
		return c.call(ctx, http.MethodDelete, appPath(app.Namespace, app.Name, "/operation"), nil, nil)
	case app.Operation != nil && app.Operation.Sync != nil:
		s := app.Operation.Sync
		req := map[string]any{"revision": s.Revision, "revisions": s.Revisions, "prune": s.Prune, "dryRun": s.DryRun,
			"strategy": s.SyncStrategy, "resources": s.Resources, "syncOptions": map[string]any{"items": s.SyncOptions}}
		return c.call(ctx, http.MethodPost, appPath(app.Namespace, app.Name, "/sync"), req, app)
	}
	return fmt.Errorf("this change to application %s: %w", app.Name, errNotThroughServer)
}

// Create is not served.
func (c *apiClient) Create(_ context.Context, obj client.Object, _ ...client.CreateOption) error {
	return fmt.Errorf("create %T: %w", obj, errNotThroughServer)
}

// Update is not served.
func (c *apiClient) Update(_ context.Context, obj client.Object, _ ...client.UpdateOption) error {
	return fmt.Errorf("update %T: %w", obj, errNotThroughServer)
}

// Delete is not served.
func (c *apiClient) Delete(_ context.Context, obj client.Object, _ ...client.DeleteOption) error {
	return fmt.Errorf("delete %T: %w", obj, errNotThroughServer)
}
