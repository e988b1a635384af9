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

type giteaPull struct {
	Number int64  `json:"number"`
	Title  string `json:"title"`
	Head   struct {
		Ref string `json:"ref"`
		SHA string `json:"sha"`
	} `json:"head"`
	Base struct {
		Ref string `json:"ref"`
	} `json:"base"`
	Labels []giteaLabel `json:"labels"`
	User   struct {
		Login string `json:"login"`
	} `json:"user"`
}

// list reads the open pull requests and keeps those with every label
// asked for.
func (g *pullRequestGitea) list(ctx context.Context) ([]pullRequest, error) {
	q := giteaPage()
	q.Set("state", "open")
	pulls, err := scmGetAll[giteaPull](ctx, g.c, g.c.url(scmPath("repos", g.owner, g.repo, "pulls"), q), scmLinkNext)
	if err != nil {
		return nil, err
	}
	var out []pullRequest
	for _, p := range pulls {
		labels := make([]string, 0, len(p.Labels))
		for _, l := range p.Labels {
			labels = append(labels, l.Name)
		}
		if !pullRequestHasLabels(g.labels, labels) {
			continue
		}
		out = append(out, pullRequest{
			Number: p.Number, Title: p.Title, Branch: p.Head.Ref, TargetBranch: p.Base.Ref,
			HeadSHA: p.Head.SHA, Labels: labels, Author: p.User.Login,
		})
	}
	return out, nil
}
