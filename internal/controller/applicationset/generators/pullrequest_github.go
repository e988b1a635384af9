package generators

import (
	"context"
	"errors"
	"net/url"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// pullRequestGithub lists a GitHub repository's open pull requests.
type pullRequestGithub struct {
	c           *scmClient
	owner, repo string
	labels      []string
}

func newPullRequestGithub(ctx context.Context, cfg *v1alpha1.PullRequestGeneratorGithub, env *Env) (*pullRequestGithub, error) {
	if cfg.AppSecretName != "" {
		return nil, errors.New("github: appSecretName (GitHub App credentials) is not supported by this version; use tokenRef")
	}
	if cfg.Owner == "" || cfg.Repo == "" {
		return nil, errors.New("github: owner and repo are required")
	}
	c, err := newGithubClient(ctx, env, cfg.API, cfg.TokenRef)
	if err != nil {
		return nil, err
	}
	return &pullRequestGithub{c: c, owner: cfg.Owner, repo: cfg.Repo, labels: cfg.Labels}, nil
}

type githubPull struct {
	Number int64  `json:"number"`
	Title  string `json:"title"`
	Head   struct {
		Ref string `json:"ref"`
		SHA string `json:"sha"`
	} `json:"head"`
	Base struct {
		Ref string `json:"ref"`
	} `json:"base"`
	Labels []struct {
		Name string `json:"name"`
	} `json:"labels"`
	User struct {
		Login string `json:"login"`
	} `json:"user"`
}

// githubPulls keeps the pull requests with every label asked for, in the
// shape GitHub and Gitea share.
func githubPulls(pulls []githubPull, want []string) []pullRequest {
	var out []pullRequest
	for _, p := range pulls {
		labels := make([]string, 0, len(p.Labels))
		for _, l := range p.Labels {
			labels = append(labels, l.Name)
		}
		if !pullRequestHasLabels(want, labels) {
			continue
		}
		out = append(out, pullRequest{
			Number: p.Number, Title: p.Title, Branch: p.Head.Ref, TargetBranch: p.Base.Ref,
			HeadSHA: p.Head.SHA, Labels: labels, Author: p.User.Login,
		})
	}
	return out
}

// list reads the open pull requests (the API's default state) and keeps
// those with every label asked for.
func (g *pullRequestGithub) list(ctx context.Context) ([]pullRequest, error) {
	first := g.c.url(scmPath("repos", g.owner, g.repo, "pulls"), url.Values{"per_page": {"100"}})
	pulls, err := scmGetAll[githubPull](ctx, g.c, first, scmLinkNext)
	if err != nil {
		return nil, err
	}
	return githubPulls(pulls, g.labels), nil
}
