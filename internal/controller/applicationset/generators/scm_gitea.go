package generators

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// newGiteaClient is a client of Gitea's REST API (api + /api/v1/) with an
// optional token.
func newGiteaClient(ctx context.Context, env *Env, api string, ref *v1alpha1.SecretRef, insecure bool) (*scmClient, error) {
	if api == "" {
		return nil, errors.New("gitea: api is required")
	}
	token, err := scmToken(ctx, env, ref)
	if err != nil {
		return nil, err
	}
	hc, err := scmHTTPClient(env, insecure)
	if err != nil {
		return nil, err
	}
	c, err := newSCMClient("gitea", strings.TrimSuffix(api, "/")+"/api/v1/", hc)
	if err != nil {
		return nil, err
	}
	if token != "" {
		c.header.Set("Authorization", "token "+token)
		c.secret = token
	}
	return c, nil
}

// scmGitea lists an owner's repositories.
type scmGitea struct {
	c           *scmClient
	owner       string
	allBranches bool
}

func newSCMGitea(ctx context.Context, cfg *v1alpha1.SCMProviderGeneratorGitea, env *Env) (*scmGitea, error) {
	if cfg.Owner == "" {
		return nil, errors.New("gitea: owner is required")
	}
	c, err := newGiteaClient(ctx, env, cfg.API, cfg.TokenRef, cfg.Insecure)
	if err != nil {
		return nil, err
	}
	return &scmGitea{c: c, owner: cfg.Owner, allBranches: cfg.AllBranches}, nil
}

type giteaRepo struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	DefaultBranch string `json:"default_branch"`
	SSHURL        string `json:"ssh_url"`
	HTMLURL       string `json:"html_url"`
}

type giteaLabel struct {
	Name string `json:"name"`
}

type giteaBranch struct {
	Name   string `json:"name"`
	Commit struct {
		ID string `json:"id"`
	} `json:"commit"`
}

// giteaPage is the first page's query: Gitea's largest default page.
func giteaPage() url.Values { return url.Values{"limit": {"50"}, "page": {"1"}} }

func (g *scmGitea) listRepos(ctx context.Context, cloneProtocol string) ([]scmRepo, error) {
	repos, err := scmGetAll[giteaRepo](ctx, g.c, g.c.url(scmPath("orgs", g.owner, "repos"), giteaPage()), scmLinkNext)
	if err != nil {
		return nil, err
	}
	out := make([]scmRepo, 0, len(repos))
	for _, r := range repos {
		// Gitea repositories have no topics in Argo CD's reading: their
		// labels are the repository's issue labels.
		ls, err := scmGetAll[giteaLabel](ctx, g.c, g.c.url(scmPath("repos", g.owner, r.Name, "labels"), giteaPage()), scmLinkNext)
		if err != nil {
			return nil, err
		}
		labels := make([]string, 0, len(ls))
		for _, l := range ls {
			labels = append(labels, l.Name)
		}
		out = append(out, scmRepo{
			Organization: g.owner,
			Repository:   r.Name,
			// https is the web URL, as in Argo CD (Git accepts it).
			URL:    scmCloneURL(cloneProtocol, r.SSHURL, r.HTMLURL),
			Branch: r.DefaultBranch,
			Labels: labels,
			ID:     r.ID,
		})
	}
	return out, nil
}

func (g *scmGitea) branches(ctx context.Context, repo scmRepo) ([]scmRepo, error) {
	if !g.allBranches {
		if repo.Branch == "" {
			return nil, nil
		}
		var b giteaBranch
		_, err := g.c.get(ctx, g.c.url(scmPath("repos", g.owner, repo.Repository, "branches", repo.Branch), nil), &b)
		if errors.Is(err, ErrSCMNotFound) {
			return nil, nil // an empty repository
		}
		if err != nil {
			return nil, err
		}
		return []scmRepo{scmWithBranch(repo, repo.Branch, b.Commit.ID)}, nil
	}
	bs, err := scmGetAll[giteaBranch](ctx, g.c, g.c.url(scmPath("repos", g.owner, repo.Repository, "branches"), giteaPage()), scmLinkNext)
	if err != nil {
		return nil, err
	}
	out := make([]scmRepo, 0, len(bs))
	for _, b := range bs {
		out = append(out, scmWithBranch(repo, b.Name, b.Commit.ID))
	}
	return out, nil
}

// hasPath asks for the contents: a file answers an object, a directory a
// list, a missing path 404.
func (g *scmGitea) hasPath(ctx context.Context, repo scmRepo, path string) (bool, error) {
	u := g.c.url(scmPath("repos", repo.Organization, repo.Repository, "contents")+"/"+scmFilePath(path), url.Values{"ref": {repo.Branch}})
	return scmExists(ctx, g.c, u)
}
