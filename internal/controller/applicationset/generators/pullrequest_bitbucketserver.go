package generators

import (
	"context"
	"errors"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// pullRequestBitbucketServer lists a Bitbucket Server repository's open
// pull requests.
type pullRequestBitbucketServer struct {
	c             *scmClient
	project, repo string
}

func newPullRequestBitbucketServer(ctx context.Context, cfg *v1alpha1.PullRequestGeneratorBitbucketServer, env *Env) (*pullRequestBitbucketServer, error) {
	if cfg.Project == "" || cfg.Repo == "" {
		return nil, errors.New("bitbucketServer: project and repo are required")
	}
	c, err := newBitbucketServerClient(ctx, env, cfg.API, cfg.BasicAuth, cfg.BearerToken, cfg.Insecure, cfg.CARef)
	if err != nil {
		return nil, err
	}
	return &pullRequestBitbucketServer{c: c, project: cfg.Project, repo: cfg.Repo}, nil
}

type bbsPull struct {
	ID      int64  `json:"id"`
	Title   string `json:"title"`
	FromRef struct {
		DisplayID    string `json:"displayId"`
		LatestCommit string `json:"latestCommit"`
	} `json:"fromRef"`
	ToRef struct {
		DisplayID string `json:"displayId"`
	} `json:"toRef"`
	Author struct {
		User struct {
			Name string `json:"name"`
		} `json:"user"`
	} `json:"author"`
}

// list reads the open pull requests (the API's default state). Bitbucket
// Server pull requests have no labels.
func (b *pullRequestBitbucketServer) list(ctx context.Context) ([]pullRequest, error) {
	pulls, err := bbsGetAll[bbsPull](ctx, b.c, scmPath("projects", b.project, "repos", b.repo, "pull-requests"), nil)
	if err != nil {
		return nil, err
	}
	out := make([]pullRequest, 0, len(pulls))
	for _, p := range pulls {
		out = append(out, pullRequest{
			Number: p.ID, Title: p.Title, Branch: p.FromRef.DisplayID, TargetBranch: p.ToRef.DisplayID,
			HeadSHA: p.FromRef.LatestCommit, Labels: []string{}, Author: p.Author.User.Name,
		})
	}
	return out, nil
}
