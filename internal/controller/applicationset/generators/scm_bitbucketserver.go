package generators

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// bitbucketServerAPI is the REST root: api with /rest added unless it ends
// so (as Argo CD), then /api/1.0/.
func bitbucketServerAPI(api string) string {
	api = strings.TrimSuffix(api, "/")
	if !strings.HasSuffix(api, "/rest") {
		api += "/rest"
	}
	return api + "/api/1.0/"
}

// newBitbucketServerClient is a client of Bitbucket Server's REST API with
// basic auth, a bearer token or no credentials.
func newBitbucketServerClient(ctx context.Context, env *Env, api string, basic *v1alpha1.BasicAuthBitbucketServer, bearer *v1alpha1.BearerTokenBitbucket, insecure bool, caRef *v1alpha1.ConfigMapKeyRef) (*scmClient, error) {
	if api == "" {
		return nil, errors.New("bitbucketServer: api is required")
	}
	if caRef != nil {
		return nil, errors.New("bitbucketServer: caRef is not supported by this version; add the CA to the controller's trust store or set insecure")
	}
	hc, err := scmHTTPClient(env, insecure)
	if err != nil {
		return nil, err
	}
	c, err := newSCMClient("bitbucketServer", bitbucketServerAPI(api), hc)
	if err != nil {
		return nil, err
	}
	// Bitbucket Server checks XSRF on requests without this header.
	c.header.Set("X-Atlassian-Token", "no-check")
	switch {
	case bearer != nil:
		token, err := scmToken(ctx, env, bearer.TokenRef)
		if err != nil {
			return nil, err
		}
		c.header.Set("Authorization", "Bearer "+token)
		c.secret = token
	case basic != nil:
		password, err := scmToken(ctx, env, basic.PasswordRef)
		if err != nil {
			return nil, err
		}
		cred := base64.StdEncoding.EncodeToString([]byte(basic.Username + ":" + password))
		c.header.Set("Authorization", "Basic "+cred)
		c.secret = password
	}
	return c, nil
}

// scmBitbucketServer lists a project's repositories.
type scmBitbucketServer struct {
	c           *scmClient
	project     string
	allBranches bool
}

func newSCMBitbucketServer(ctx context.Context, cfg *v1alpha1.SCMProviderGeneratorBitbucketServer, env *Env) (*scmBitbucketServer, error) {
	if cfg.Project == "" {
		return nil, errors.New("bitbucketServer: project is required")
	}
	c, err := newBitbucketServerClient(ctx, env, cfg.API, cfg.BasicAuth, cfg.BearerToken, cfg.Insecure, cfg.CARef)
	if err != nil {
		return nil, err
	}
	return &scmBitbucketServer{c: c, project: cfg.Project, allBranches: cfg.AllBranches}, nil
}

// bbsPage is one page of a Bitbucket Server list.
type bbsPage[T any] struct {
	Values        []T  `json:"values"`
	IsLastPage    bool `json:"isLastPage"`
	NextPageStart int  `json:"nextPageStart"`
}

// bbsGetAll GETs every page of path (start and limit paging).
func bbsGetAll[T any](ctx context.Context, c *scmClient, path string, query url.Values) ([]T, error) {
	var out []T
	q := url.Values{"limit": {"100"}}
	for k, v := range query {
		q[k] = v
	}
	for pages := 0; ; pages++ {
		u := c.url(path, q)
		if pages == scmMaxPages {
			return nil, c.fail(u, 0, errors.New("too many pages"))
		}
		var page bbsPage[T]
		if _, err := c.get(ctx, u, &page); err != nil {
			return nil, err
		}
		out = append(out, page.Values...)
		if page.IsLastPage {
			return out, nil
		}
		q.Set("start", strconv.Itoa(page.NextPageStart))
	}
}

type bbsRepo struct {
	ID      int64  `json:"id"`
	Slug    string `json:"slug"`
	Name    string `json:"name"`
	Project struct {
		Key string `json:"key"`
	} `json:"project"`
	Links struct {
		Clone []struct {
			Href string `json:"href"`
			Name string `json:"name"`
		} `json:"clone"`
	} `json:"links"`
}

func (r bbsRepo) cloneURL(name string) string {
	for _, l := range r.Links.Clone {
		if l.Name == name {
			return l.Href
		}
	}
	return ""
}

type bbsBranch struct {
	DisplayID    string `json:"displayId"`
	LatestCommit string `json:"latestCommit"`
}

func (b *scmBitbucketServer) listRepos(ctx context.Context, cloneProtocol string) ([]scmRepo, error) {
	repos, err := bbsGetAll[bbsRepo](ctx, b.c, scmPath("projects", b.project, "repos"), nil)
	if err != nil {
		return nil, err
	}
	out := make([]scmRepo, 0, len(repos))
	for _, r := range repos {
		// The list has no default branch; a repository without one (empty)
		// is left out, as in Argo CD.
		def, err := b.defaultBranch(ctx, r.Project.Key, r.Slug)
		if err != nil {
			return nil, err
		}
		if def == nil {
			continue
		}
		out = append(out, scmRepo{
			Organization: r.Project.Key,
			Repository:   r.Name,
			URL:          scmCloneURL(cloneProtocol, r.cloneURL("ssh"), r.cloneURL("http")),
			Branch:       def.DisplayID,
			SHA:          def.LatestCommit,
			Labels:       []string{},
			ID:           r.ID,
			ref:          r.Slug,
		})
	}
	return out, nil
}

// defaultBranch is nil when the repository has none: 404 when it is set
// but missing, no content when unset.
func (b *scmBitbucketServer) defaultBranch(ctx context.Context, project, slug string) (*bbsBranch, error) {
	var br bbsBranch
	_, err := b.c.get(ctx, b.c.url(scmPath("projects", project, "repos", slug, "branches", "default"), nil), &br)
	if errors.Is(err, ErrSCMNotFound) || errors.Is(err, io.EOF) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &br, nil
}

func (b *scmBitbucketServer) branches(ctx context.Context, repo scmRepo) ([]scmRepo, error) {
	if !b.allBranches {
		return []scmRepo{repo}, nil // listRepos read the default branch
	}
	bs, err := bbsGetAll[bbsBranch](ctx, b.c, scmPath("projects", repo.Organization, "repos", repo.ref, "branches"), nil)
	if err != nil {
		return nil, err
	}
	out := make([]scmRepo, 0, len(bs))
	for _, br := range bs {
		out = append(out, scmWithBranch(repo, br.DisplayID, br.LatestCommit))
	}
	return out, nil
}

func (b *scmBitbucketServer) hasPath(ctx context.Context, repo scmRepo, path string) (bool, error) {
	u := b.c.url(scmPath("projects", repo.Organization, "repos", repo.ref, "browse")+"/"+scmFilePath(path), url.Values{"at": {repo.Branch}, "type": {"true"}})
	return scmExists(ctx, b.c, u)
}
