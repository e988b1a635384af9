package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/spf13/cobra"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// errNeedsKubernetes is what a verb the API server does not serve answers
// when it is given --server (or $TIPHYS_SERVER).
var errNeedsKubernetes = errors.New("needs the Kubernetes API (--kubeconfig): the API server (--server, $TIPHYS_SERVER) does not serve it")

// registerServer adds --server and --auth-token: with --server the verb
// talks to the API server instead of Kubernetes.
func (f *appFlags) registerServer(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.server, "server", os.Getenv("TIPHYS_SERVER"), "API server to talk to instead of Kubernetes ($TIPHYS_SERVER; see tiphys login)")
	cmd.Flags().StringVar(&f.authToken, "auth-token", os.Getenv("TIPHYS_AUTH_TOKEN"), "token for --server ($TIPHYS_AUTH_TOKEN; default: the one tiphys login kept)")
}

// api is the API server's client, with --auth-token or the token tiphys
// login kept for that server.
func (f *appFlags) api() *apiClient {
	token := f.authToken
	if token == "" {
		token = savedToken(f.server)
	}
	return newAPIClient(f.server, token)
}

// kubeOnly fails a verb the API server does not serve when it is run
// with --server, naming the verb, before it reads anything.
func (f *appFlags) kubeOnly(cmd *cobra.Command) error {
	if f.server == "" {
		return nil
	}
	return fmt.Errorf("%s: %w", cmd.CommandPath(), errNeedsKubernetes)
}

// rolloutAction sends a Rollouts plugin verb (promote, promote-full,
// abort, retry, pause, resume, restart) to POST
// /api/v1/rollouts/{ns}/{name}/{action} and returns the Rollout after it.
func (c *apiClient) rolloutAction(ctx context.Context, ns, name, action string) (*v1alpha1.Rollout, error) {
	ro := &v1alpha1.Rollout{}
	if err := c.call(ctx, http.MethodPost, rolloutPath(ns, name, "/"+action), nil, ro); err != nil {
		return nil, fmt.Errorf("rollout %s/%s: %s: %w", ns, name, action, err)
	}
	return ro, nil
}

// rolloutView reads what `rollout get` shows through the API server: the
// Rollout and its AnalysisRuns. The server serves neither ReplicaSets,
// pods nor Experiments, so the revisions show their analysis only.
func (c *apiClient) rolloutView(ctx context.Context, ns, name string) (*rolloutView, error) {
	ro := &v1alpha1.Rollout{}
	if err := c.call(ctx, http.MethodGet, rolloutPath(ns, name, ""), nil, ro); err != nil {
		return nil, fmt.Errorf("rollout %s/%s: %w", ns, name, err)
	}
	var runs v1alpha1.AnalysisRunList
	if err := c.call(ctx, http.MethodGet, rolloutPath(ns, name, "/analysisruns"), nil, &runs); err != nil {
		return nil, fmt.Errorf("analysisruns of rollout %s/%s: %w", ns, name, err)
	}
	return &rolloutView{Rollout: ro, Runs: runs.Items}, nil
}

// kubeOnlyVerb marks cmd as a verb the API server does not serve: run
// with --server, it fails at once (kubeOnly).
func (f *appFlags) kubeOnlyVerb(cmd *cobra.Command) {
	cmd.PreRunE = func(cmd *cobra.Command, _ []string) error { return f.kubeOnly(cmd) }
}
