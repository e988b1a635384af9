package generators

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// gitlabAPI is the API root: https://gitlab.com/api/v4/ by default, else
// the api URL with /api/v4/ added unless it ends so, as GitLab's Go client
// (Argo CD's) does.
func gitlabAPI(api string) string {
	if api == "" {
		return "https://gitlab.com/api/v4/"
	}
	api = strings.TrimSuffix(api, "/") + "/"
	if strings.HasSuffix(api, "/api/v4/") {
		return api
	}
	return api + "api/v4/"
}

// newGitlabClient is a client of GitLab's REST API with an optional token.
func newGitlabClient(ctx context.Context, env *Env, api string, ref *v1alpha1.SecretRef, insecure bool, caRef *v1alpha1.ConfigMapKeyRef) (*scmClient, error) {
	if caRef != nil {
		return nil, errors.New("gitlab: caRef is not supported by this version; add the CA to the controller's trust store or set insecure")
	}
	token, err := scmToken(ctx, env, ref)
	if err != nil {
		return nil, err
	}
	hc, err := scmHTTPClient(env, insecure)
	if err != nil {
		return nil, err
	}
	c, err := newSCMClient("gitlab", gitlabAPI(api), hc)
	if err != nil {
		return nil, err
	}
	if token != "" {
		c.header.Set("PRIVATE-TOKEN", token)
		c.secret = token
	}
	return c, nil
}

// scmGitlab lists a group's projects.
type scmGitlab struct {
	c           *scmClient
	group       string
	allBranches bool
	subgroups   bool
	shared      bool
	topic       string
}

func newSCMGitlab(ctx context.Context, cfg *v1alpha1.SCMProviderGeneratorGitlab, env *Env) (*scmGitlab, error) {
	if cfg.Group == "" {
		return nil, errors.New("gitlab: group is required")
	}
	c, err := newGitlabClient(ctx, env, cfg.API, cfg.TokenRef, cfg.Insecure, cfg.CARef)
	if err != nil {
		return nil, err
	}
	shared := cfg.IncludeSharedProjects == nil || *cfg.IncludeSharedProjects
	return &scmGitlab{c: c, group: cfg.Group, allBranches: cfg.AllBranches, subgroups: cfg.IncludeSubgroups, shared: shared, topic: cfg.Topic}, nil
}

type gitlabProject struct {
	ID        int64  `json:"id"`
	Path      string `json:"path"`
	Namespace struct {
		FullPath string `json:"full_path"`
	} `json:"namespace"`
	DefaultBranch string   `json:"default_branch"`
	SSHURL        string   `json:"ssh_url_to_repo"`
	HTTPURL       string   `json:"http_url_to_repo"`
	Topics        []string `json:"topics"`
	// TagList is what GitLab before 14.5 calls topics.
	TagList []string `json:"tag_list"`
}

type gitlabBranch struct {
	Name   string `json:"name"`
	Commit struct {
		ID string `json:"id"`
	} `json:"commit"`
}

func (g *scmGitlab) listRepos(ctx context.Context, cloneProtocol string) ([]scmRepo, error) {
	q := url.Values{
		"per_page":          {"100"},
		"include_subgroups": {strconv.FormatBool(g.subgroups)},
		"with_shared":       {strconv.FormatBool(g.shared)},
	}
	if g.topic != "" {
		q.Set("topic", g.topic)
	}
	first := g.c.url(scmPath("groups", g.group, "projects"), q)
	projects, err := scmGetAll[gitlabProject](ctx, g.c, first, scmNextPageHeader)
	if err != nil {
		return nil, err
	}
	out := make([]scmRepo, 0, len(projects))
	for _, p := range projects {
		labels := p.Topics
		if len(labels) == 0 {
			labels = p.TagList
		}
		out = append(out, scmRepo{
			Organization: p.Namespace.FullPath,
			Repository:   p.Path,
			URL:          scmCloneURL(cloneProtocol, p.SSHURL, p.HTTPURL),
			Branch:       p.DefaultBranch,
			Labels:       labels,
			ID:           p.ID,
			ref:          strconv.FormatInt(p.ID, 10),
		})
	}
	return out, nil
}

func (g *scmGitlab) branches(ctx context.Context, repo scmRepo) ([]scmRepo, error) {
	if !g.allBranches {
		if repo.Branch == "" {
			return nil, nil
		}
		var b gitlabBranch
		_, err := g.c.get(ctx, g.c.url(scmPath("projects", repo.ref, "repository", "branches", repo.Branch), nil), &b)
		if errors.Is(err, ErrSCMNotFound) {
			return nil, nil // an empty project
		}
		if err != nil {
			return nil, err
		}
		return []scmRepo{scmWithBranch(repo, b.Name, b.Commit.ID)}, nil
	}
	first := g.c.url(scmPath("projects", repo.ref, "repository", "branches"), url.Values{"per_page": {"100"}})
	bs, err := scmGetAll[gitlabBranch](ctx, g.c, first, scmNextPageHeader)
	if errors.Is(err, ErrSCMNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]scmRepo, 0, len(bs))
	for _, b := range bs {
		out = append(out, scmWithBranch(repo, b.Name, b.Commit.ID))
	}
	return out, nil
}

// hasPath looks for a file, then for a directory, as GitLab has no single
// call for both.
func (g *scmGitlab) hasPath(ctx context.Context, repo scmRepo, path string) (bool, error) {
	file := g.c.url(scmPath("projects", repo.ref, "repository", "files", path), url.Values{"ref": {repo.Branch}})
	ok, err := scmExists(ctx, g.c, file)
	if ok || err != nil {
		return ok, err
	}
	// A directory has entries (Git has no empty ones); some GitLab
	// versions answer an empty list rather than 404 for a missing path.
	tree := g.c.url(scmPath("projects", repo.ref, "repository", "tree"), url.Values{"ref": {repo.Branch}, "path": {path}, "per_page": {"1"}})
	var entries []json.RawMessage
	_, err = g.c.get(ctx, tree, &entries)
	if errors.Is(err, ErrSCMNotFound) {
		return false, nil
	}
	return len(entries) > 0, err
}
