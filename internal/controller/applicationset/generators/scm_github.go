package generators

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// githubAPI is the API root: https://api.github.com/ by default; for
// GitHub Enterprise the api URL with /api/v3/ added unless it ends so or
// its host is an api. one, as go-github (Argo CD's client) does.
func githubAPI(api string) string {
	if api == "" {
		return "https://api.github.com/"
	}
	if !strings.HasSuffix(api, "/") {
		api += "/"
	}
	u, err := url.Parse(api)
	if err != nil || strings.HasSuffix(u.Path, "/api/v3/") || strings.HasPrefix(u.Host, "api.") || strings.Contains(u.Host, ".api.") {
		return api
	}
	return api + "api/v3/"
}

// newGithubClient is a client of GitHub's REST API with an optional token.
func newGithubClient(ctx context.Context, env *Env, api string, ref *v1alpha1.SecretRef) (*scmClient, error) {
	token, err := scmToken(ctx, env, ref)
	if err != nil {
		return nil, err
	}
	hc, err := scmHTTPClient(env, false)
	if err != nil {
		return nil, err
	}
	c, err := newSCMClient("github", githubAPI(api), hc)
	if err != nil {
		return nil, err
	}
	c.header.Set("X-GitHub-Api-Version", "2022-11-28")
	if token != "" {
		c.header.Set("Authorization", "Bearer "+token)
		c.secret = token
	}
	return c, nil
}

// scmGithub lists an organization's repositories.
type scmGithub struct {
	c            *scmClient
	organization string
	allBranches  bool
}

func newSCMGithub(ctx context.Context, cfg *v1alpha1.SCMProviderGeneratorGithub, env *Env) (*scmGithub, error) {
	if cfg.AppSecretName != "" {
		return nil, errors.New("github: appSecretName (GitHub App credentials) is not supported by this version; use tokenRef")
	}
	if cfg.Organization == "" {
		return nil, errors.New("github: organization is required")
	}
	c, err := newGithubClient(ctx, env, cfg.API, cfg.TokenRef)
	if err != nil {
		return nil, err
	}
	return &scmGithub{c: c, organization: cfg.Organization, allBranches: cfg.AllBranches}, nil
}

type githubRepo struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Owner struct {
		Login string `json:"login"`
	} `json:"owner"`
	DefaultBranch string   `json:"default_branch"`
	SSHURL        string   `json:"ssh_url"`
	CloneURL      string   `json:"clone_url"`
	Topics        []string `json:"topics"`
}

type githubBranch struct {
	Name   string `json:"name"`
	Commit struct {
		SHA string `json:"sha"`
	} `json:"commit"`
}

func (g *scmGithub) listRepos(ctx context.Context, cloneProtocol string) ([]scmRepo, error) {
	first := g.c.url(scmPath("orgs", g.organization, "repos"), url.Values{"per_page": {"100"}})
	repos, err := scmGetAll[githubRepo](ctx, g.c, first, scmLinkNext)
	if err != nil {
		return nil, err
	}
	out := make([]scmRepo, 0, len(repos))
	for _, r := range repos {
		out = append(out, scmRepo{
			Organization: r.Owner.Login,
			Repository:   r.Name,
			URL:          scmCloneURL(cloneProtocol, r.SSHURL, r.CloneURL),
			Branch:       r.DefaultBranch,
			Labels:       r.Topics,
			ID:           r.ID,
		})
	}
	return out, nil
}

func (g *scmGithub) branches(ctx context.Context, repo scmRepo) ([]scmRepo, error) {
	if !g.allBranches {
		if repo.Branch == "" {
			return nil, nil
		}
		var b githubBranch
		_, err := g.c.get(ctx, g.c.url(scmPath("repos", repo.Organization, repo.Repository, "branches", repo.Branch), nil), &b)
		if errors.Is(err, ErrSCMNotFound) {
			return nil, nil // an empty repository
		}
		if err != nil {
			return nil, err
		}
		return []scmRepo{scmWithBranch(repo, b.Name, b.Commit.SHA)}, nil
	}
	first := g.c.url(scmPath("repos", repo.Organization, repo.Repository, "branches"), url.Values{"per_page": {"100"}})
	bs, err := scmGetAll[githubBranch](ctx, g.c, first, scmLinkNext)
	if err != nil {
		return nil, err
	}
	out := make([]scmRepo, 0, len(bs))
	for _, b := range bs {
		out = append(out, scmWithBranch(repo, b.Name, b.Commit.SHA))
	}
	return out, nil
}

func (g *scmGithub) hasPath(ctx context.Context, repo scmRepo, path string) (bool, error) {
	u := g.c.url(scmPath("repos", repo.Organization, repo.Repository, "contents")+"/"+scmFilePath(path), url.Values{"ref": {repo.Branch}})
	return scmExists(ctx, g.c, u)
}

// scmExists reports whether a GET of u answers 2xx (true) or 404 (false).
func scmExists(ctx context.Context, c *scmClient, u string) (bool, error) {
	var body json.RawMessage
	_, err := c.get(ctx, u, &body)
	if errors.Is(err, ErrSCMNotFound) {
		return false, nil
	}
	return err == nil, err
}
