package generators

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/applicationset/template"
)

func init() {
	register("scmProvider", func(g *v1alpha1.ApplicationSetGenerator) bool { return g.SCMProvider != nil }, SCMProviderGenerator{})
}

// SCMProviderGenerator yields one parameter set per repository (or, with
// allBranches, per branch) of a GitHub organization, a GitLab group, a
// Gitea owner or a Bitbucket Server project, as Argo CD's scmProvider
// generator. Any failure of the API is an error, never fewer sets.
type SCMProviderGenerator struct{}

// scmRepo is one repository, or one branch of it, as a provider lists it.
type scmRepo struct {
	Organization string
	Repository   string
	URL          string
	Branch       string
	SHA          string
	Labels       []string
	ID           int64
	// ref is what the provider's API paths name the repository by (the
	// GitLab project ID, the Bitbucket Server slug).
	ref string
}

// scmProvider is one provider's API.
type scmProvider interface {
	// listRepos lists the repositories with their default branch.
	listRepos(ctx context.Context, cloneProtocol string) ([]scmRepo, error)
	// branches is the default branch of repo with its SHA, or every branch
	// with allBranches; none for an empty repository.
	branches(ctx context.Context, repo scmRepo) ([]scmRepo, error)
	// hasPath reports whether path (a file or a directory) exists on the
	// repository's branch.
	hasPath(ctx context.Context, repo scmRepo, path string) (bool, error)
}

// Generate lists the repositories of g's provider, filters them and
// returns their parameter sets sorted by organization, repository and
// branch.
func (SCMProviderGenerator) Generate(ctx context.Context, g *v1alpha1.ApplicationSetGenerator, set *v1alpha1.ApplicationSet, env *Env) ([]Params, error) {
	cfg := g.SCMProvider
	filters, err := compileSCMFilters(cfg.Filters)
	if err != nil {
		return nil, err
	}
	provider, err := newSCMProvider(ctx, cfg, env)
	if err != nil {
		return nil, err
	}
	switch cfg.CloneProtocol {
	case "", "ssh", "https":
	default:
		return nil, fmt.Errorf("cloneProtocol %q: must be ssh or https", cfg.CloneProtocol)
	}
	repos, err := scmListRepos(ctx, provider, filters, cfg.CloneProtocol)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(repos, func(i, j int) bool {
		a, b := repos[i], repos[j]
		if a.Organization != b.Organization {
			return a.Organization < b.Organization
		}
		if a.Repository != b.Repository {
			return a.Repository < b.Repository
		}
		return a.Branch < b.Branch
	})
	opts := template.Options{GoTemplate: set.Spec.GoTemplate, GoTemplateOptions: set.Spec.GoTemplateOptions}
	out := make([]Params, 0, len(repos))
	for _, r := range repos {
		p := Params{
			"organization":     r.Organization,
			"repository":       r.Repository,
			"repository_id":    r.ID,
			"url":              r.URL,
			"branch":           r.Branch,
			"branchNormalized": scmNormalize(r.Branch),
			"sha":              r.SHA,
			"short_sha":        r.SHA[:min(len(r.SHA), 8)],
			"short_sha_7":      r.SHA[:min(len(r.SHA), 7)],
			"labels":           strings.Join(r.Labels, ","),
		}
		if err := scmValues(cfg.Values, p, opts); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// newSCMProvider returns the API client of the provider cfg sets.
func newSCMProvider(ctx context.Context, cfg *v1alpha1.SCMProviderGenerator, env *Env) (scmProvider, error) {
	switch {
	case cfg.Github != nil:
		return newSCMGithub(ctx, cfg.Github, env)
	case cfg.Gitlab != nil:
		return newSCMGitlab(ctx, cfg.Gitlab, env)
	case cfg.Gitea != nil:
		return newSCMGitea(ctx, cfg.Gitea, env)
	case cfg.BitbucketServer != nil:
		return newSCMBitbucketServer(ctx, cfg.BitbucketServer, env)
	case cfg.Bitbucket != nil:
		return nil, errors.New("bitbucket (Cloud): not supported by this version")
	case cfg.AzureDevOps != nil:
		return nil, errors.New("azureDevOps: not supported by this version")
	case cfg.AWSCodeCommit != nil:
		return nil, errors.New("awsCodeCommit: not supported by this version")
	}
	return nil, errors.New("no provider set (github, gitlab, gitea or bitbucketServer)")
}

// scmFilterKind is where a filter applies: to repositories (repository
// and label matches only) or to their branches (anything else).
type scmFilterKind int

const (
	scmFilterNone scmFilterKind = iota
	scmFilterRepo
	scmFilterBranch
)

// scmFilter is a compiled SCMProviderGeneratorFilter.
type scmFilter struct {
	kind                        scmFilterKind
	repository, label, branch   *regexp.Regexp
	pathsExist, pathsDoNotExist []string
}

// compileFilter compiles one optional regexp of filters[i], naming the
// field in its error.
func compileFilter(i int, field string, expr *string) (*regexp.Regexp, error) {
	if expr == nil {
		return nil, nil
	}
	re, err := regexp.Compile(*expr)
	if err != nil {
		return nil, fmt.Errorf("filters[%d].%s %q: %w", i, field, *expr, err)
	}
	return re, nil
}

// compileSCMFilters compiles the filters. As in Argo CD, a filter with a
// paths or branch condition is checked on each branch, one with only
// repository and label conditions on each repository, and one with no
// condition is ignored.
func compileSCMFilters(in []v1alpha1.SCMProviderGeneratorFilter) ([]scmFilter, error) {
	out := make([]scmFilter, 0, len(in))
	for i, f := range in {
		var c scmFilter
		var err error
		if c.repository, err = compileFilter(i, "repositoryMatch", f.RepositoryMatch); err != nil {
			return nil, err
		}
		if c.label, err = compileFilter(i, "labelMatch", f.LabelMatch); err != nil {
			return nil, err
		}
		if c.branch, err = compileFilter(i, "branchMatch", f.BranchMatch); err != nil {
			return nil, err
		}
		c.pathsExist, c.pathsDoNotExist = f.PathsExist, f.PathsDoNotExist
		switch {
		case c.branch != nil || f.PathsExist != nil || f.PathsDoNotExist != nil:
			c.kind = scmFilterBranch
		case c.repository != nil || c.label != nil:
			c.kind = scmFilterRepo
		}
		out = append(out, c)
	}
	return out, nil
}

// matches reports whether r passes every condition of f.
func (f scmFilter) matches(ctx context.Context, p scmProvider, r scmRepo) (bool, error) {
	if f.repository != nil && !f.repository.MatchString(r.Repository) {
		return false, nil
	}
	if f.branch != nil && !f.branch.MatchString(r.Branch) {
		return false, nil
	}
	if f.label != nil && !slices.ContainsFunc(r.Labels, f.label.MatchString) {
		return false, nil
	}
	for _, path := range f.pathsExist {
		ok, err := p.hasPath(ctx, r, strings.TrimRight(path, "/"))
		if err != nil || !ok {
			return false, err
		}
	}
	for _, path := range f.pathsDoNotExist {
		ok, err := p.hasPath(ctx, r, strings.TrimRight(path, "/"))
		if err != nil || ok {
			return false, err
		}
	}
	return true, nil
}

// scmKeep keeps the repos that pass any filter of kind (all when there is none).
func scmKeep(ctx context.Context, p scmProvider, repos []scmRepo, filters []scmFilter, kind scmFilterKind) ([]scmRepo, error) {
	var of []scmFilter
	for _, f := range filters {
		if f.kind == kind {
			of = append(of, f)
		}
	}
	if len(of) == 0 {
		return repos, nil
	}
	out := repos[:0:0]
	for _, r := range repos {
		for _, f := range of {
			ok, err := f.matches(ctx, p, r)
			if err != nil {
				return nil, fmt.Errorf("filter %s/%s: %w", r.Organization, r.Repository, err)
			}
			if ok {
				out = append(out, r)
				break
			}
		}
	}
	return out, nil
}

// scmListRepos lists the repositories, keeps those the repository filters
// pass, expands them to their branches and keeps those the branch filters
// pass.
func scmListRepos(ctx context.Context, p scmProvider, filters []scmFilter, cloneProtocol string) ([]scmRepo, error) {
	repos, err := p.listRepos(ctx, cloneProtocol)
	if err != nil {
		return nil, err
	}
	if repos, err = scmKeep(ctx, p, repos, filters, scmFilterRepo); err != nil {
		return nil, err
	}
	var branches []scmRepo
	for _, r := range repos {
		bs, err := p.branches(ctx, r)
		if err != nil {
			return nil, fmt.Errorf("branches of %s/%s: %w", r.Organization, r.Repository, err)
		}
		branches = append(branches, bs...)
	}
	return scmKeep(ctx, p, branches, filters, scmFilterBranch)
}

// scmWithBranch is repo on another branch.
func scmWithBranch(repo scmRepo, branch, sha string) scmRepo {
	repo.Branch, repo.SHA = branch, sha
	return repo
}

// scmCloneURL picks the URL of the clone protocol ("" is ssh).
func scmCloneURL(cloneProtocol, ssh, https string) string {
	if cloneProtocol == "https" {
		return https
	}
	return ssh
}

var scmInvalidNameChars = regexp.MustCompile(`[^-a-z0-9.]`)

// scmNormalize is branchNormalized: lowercase, every character but
// alphanumerics, '-' and '.' replaced by '-', at most 253 characters,
// trimmed of '-' and '.' (Argo CD's normalize).
func scmNormalize(s string) string {
	s = scmInvalidNameChars.ReplaceAllString(strings.ToLower(s), "-")
	if len(s) > 253 {
		s = s[:253]
	}
	return strings.Trim(s, "-.")
}

// scmValues renders the generator's values with the set's parameters and
// adds them as values.<key> (a values map with Go templates), as Argo CD.
func scmValues(values map[string]string, p Params, opts template.Options) error {
	if len(values) == 0 {
		return nil
	}
	rendered := make(map[string]string, len(values))
	for k, v := range values {
		s, err := template.Render(v, p, opts)
		if err != nil {
			return fmt.Errorf("values.%s: %w", k, err)
		}
		rendered[k] = s
	}
	if opts.GoTemplate {
		p["values"] = rendered
		return nil
	}
	for k, v := range rendered {
		p["values."+k] = v
	}
	return nil
}
