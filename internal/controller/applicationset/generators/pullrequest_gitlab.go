package generators

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// pullRequestGitlab lists a GitLab project's merge requests.
type pullRequestGitlab struct {
	c       *scmClient
	project string
	labels  []string
	state   string
}

func newPullRequestGitlab(ctx context.Context, cfg *v1alpha1.PullRequestGeneratorGitLab, env *Env) (*pullRequestGitlab, error) {
	if cfg.Project == "" {
		return nil, errors.New("gitlab: project is required")
	}
	c, err := newGitlabClient(ctx, env, cfg.API, cfg.TokenRef, cfg.Insecure, cfg.CARef)
	if err != nil {
		return nil, err
	}
	return &pullRequestGitlab{c: c, project: cfg.Project, labels: cfg.Labels, state: cfg.PullRequestState}, nil
}

type gitlabMergeRequest struct {
	IID          int64    `json:"iid"`
	Title        string   `json:"title"`
	SourceBranch string   `json:"source_branch"`
	TargetBranch string   `json:"target_branch"`
	SHA          string   `json:"sha"`
	Labels       []string `json:"labels"`
	Author       struct {
		Username string `json:"username"`
	} `json:"author"`
}

// list reads the merge requests: GitLab filters the labels and the state
// (every state when none is set, as in Argo CD).
func (g *pullRequestGitlab) list(ctx context.Context) ([]pullRequest, error) {
	q := url.Values{"per_page": {"100"}}
	if len(g.labels) > 0 {
		q.Set("labels", strings.Join(g.labels, ","))
	}
	if g.state != "" {
		q.Set("state", g.state)
	}
	mrs, err := scmGetAll[gitlabMergeRequest](ctx, g.c, g.c.url(scmPath("projects", g.project, "merge_requests"), q), scmNextPageHeader)
	if err != nil {
		return nil, err
	}
	out := make([]pullRequest, 0, len(mrs))
	for _, m := range mrs {
		out = append(out, pullRequest{
			Number: m.IID, Title: m.Title, Branch: m.SourceBranch, TargetBranch: m.TargetBranch,
			HeadSHA: m.SHA, Labels: m.Labels, Author: m.Author.Username,
		})
	}
	return out, nil
}
