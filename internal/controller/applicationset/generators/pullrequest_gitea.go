package generators

import (
	"context"
	"errors"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// pullRequestGitea lists a Gitea repository's open pull requests.
type pullRequestGitea struct {
	c           *scmClient
	owner, repo string
	labels      []string
}

func newPullRequestGitea(ctx context.Context, cfg *v1alpha1.PullRequestGeneratorGitea, env *Env) (*pullRequestGitea, error) {
	if cfg.Owner == "" || cfg.Repo == "" {
		return nil, errors.New("gitea: owner and repo are required")
	}
	c, err := newGiteaClient(ctx, env, cfg.API, cfg.TokenRef, cfg.Insecure)
	if err != nil {
		return nil, err
	}
	return &pullRequestGitea{c: c, owner: cfg.Owner, repo: cfg.Repo, labels: cfg.Labels}, nil
}

// list reads the open pull requests and keeps those with every label
// asked for.
func (g *pullRequestGitea) list(ctx context.Context) ([]pullRequest, error) {
	q := giteaPage()
	q.Set("state", "open")
	pulls, err := scmGetAll[githubPull](ctx, g.c, g.c.url(scmPath("repos", g.owner, g.repo, "pulls"), q), scmLinkNext)
	if err != nil {
		return nil, err
	}
	return githubPulls(pulls, g.labels), nil
}
