package generators

import (
	"context"
	"errors"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func init() {
	register("pullRequest", func(g *v1alpha1.ApplicationSetGenerator) bool { return g.PullRequest != nil }, PullRequestGenerator{})
}

// PullRequestGenerator yields one parameter set per open pull request of a
// GitHub, GitLab, Gitea or Bitbucket Server repository, as Argo CD's
// pullRequest generator. Any failure of the API is an error, never fewer
// sets; a missing repository yields no sets only with
// continueOnRepoNotFoundError.
type PullRequestGenerator struct{}

// pullRequest is one pull request as a provider lists it.
type pullRequest struct {
	Number       int64
	Title        string
	Branch       string
	TargetBranch string
	HeadSHA      string
	Labels       []string
	Author       string
}

// pullRequestLister is one provider's API.
type pullRequestLister interface {
	list(ctx context.Context) ([]pullRequest, error)
}

// Generate lists the pull requests, filters them and returns their
// parameter sets sorted by number.
func (PullRequestGenerator) Generate(ctx context.Context, g *v1alpha1.ApplicationSetGenerator, set *v1alpha1.ApplicationSet, env *Env) ([]Params, error) {
	cfg := g.PullRequest
	filters, err := compilePullRequestFilters(cfg.Filters)
	if err != nil {
		return nil, err
	}
	lister, err := newPullRequestLister(ctx, cfg, env)
	if err != nil {
		return nil, err
	}
	pulls, err := lister.list(ctx)
	if errors.Is(err, ErrSCMNotFound) && cfg.ContinueOnRepoNotFoundError {
		return []Params{}, nil
	}
	if err != nil {
		return nil, err
	}
	sort.SliceStable(pulls, func(i, j int) bool { return pulls[i].Number < pulls[j].Number })
	out := make([]Params, 0, len(pulls))
	for _, pr := range pulls {
		if !pullRequestPasses(filters, pr) {
			continue
		}
		p := Params{
			"number":             strconv.FormatInt(pr.Number, 10),
			"title":              pr.Title,
			"branch":             pr.Branch,
			"branch_slug":        pullRequestSlug(pr.Branch),
			"target_branch":      pr.TargetBranch,
			"target_branch_slug": pullRequestSlug(pr.TargetBranch),
			"head_sha":           pr.HeadSHA,
			"head_short_sha":     pr.HeadSHA[:min(len(pr.HeadSHA), 8)],
			"head_short_sha_7":   pr.HeadSHA[:min(len(pr.HeadSHA), 7)],
			"author":             pr.Author,
		}
		// As in Argo CD, labels (a list) only with Go templates.
		if set.Spec.GoTemplate {
			labels := pr.Labels
			if labels == nil {
				labels = []string{}
			}
			p["labels"] = labels
		}
		out = append(out, p)
	}
	return out, nil
}

// newPullRequestLister returns the API client of the provider cfg sets.
func newPullRequestLister(ctx context.Context, cfg *v1alpha1.PullRequestGenerator, env *Env) (pullRequestLister, error) {
	switch {
	case cfg.Github != nil:
		return newPullRequestGithub(ctx, cfg.Github, env)
	case cfg.GitLab != nil:
		return newPullRequestGitlab(ctx, cfg.GitLab, env)
	case cfg.Gitea != nil:
		return newPullRequestGitea(ctx, cfg.Gitea, env)
	case cfg.BitbucketServer != nil:
		return newPullRequestBitbucketServer(ctx, cfg.BitbucketServer, env)
	case cfg.Bitbucket != nil:
		return nil, errors.New("bitbucket (Cloud): not supported by this version")
	case cfg.AzureDevOps != nil:
		return nil, errors.New("azuredevops: not supported by this version")
	}
	return nil, errors.New("no provider set (github, gitlab, gitea or bitbucketServer)")
}

// pullRequestFilter is a compiled PullRequestGeneratorFilter.
type pullRequestFilter struct {
	branch, target, title *regexp.Regexp
}

func compilePullRequestFilters(in []v1alpha1.PullRequestGeneratorFilter) ([]pullRequestFilter, error) {
	out := make([]pullRequestFilter, 0, len(in))
	for i, f := range in {
		var c pullRequestFilter
		var err error
		if c.branch, err = compileFilter(i, "branchMatch", f.BranchMatch); err != nil {
			return nil, err
		}
		if c.target, err = compileFilter(i, "targetBranchMatch", f.TargetBranchMatch); err != nil {
			return nil, err
		}
		if c.title, err = compileFilter(i, "titleMatch", f.TitleMatch); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// pullRequestPasses reports whether any filter passes pr (all its
// conditions match); with no filters every pull request passes, and an
// empty filter passes every one, as in Argo CD.
func pullRequestPasses(filters []pullRequestFilter, pr pullRequest) bool {
	if len(filters) == 0 {
		return true
	}
	for _, f := range filters {
		if (f.branch == nil || f.branch.MatchString(pr.Branch)) &&
			(f.target == nil || f.target.MatchString(pr.TargetBranch)) &&
			(f.title == nil || f.title.MatchString(pr.Title)) {
			return true
		}
	}
	return false
}

// pullRequestHasLabels reports whether got has every label of want.
func pullRequestHasLabels(want, got []string) bool {
	for _, w := range want {
		found := false
		for _, g := range got {
			if g == w {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

var (
	slugUnwanted = regexp.MustCompile(`[^a-z0-9_-]`)
	slugDashes   = regexp.MustCompile(`-+`)
)

// slugMaxLength leaves room in a 63-character DNS label for a suffix, as
// Argo CD's 50.
const slugMaxLength = 50

// pullRequestSlug is branch_slug: Argo CD's slug of a branch (gosimple/slug
// with "_" as "-" and at most 50 characters cut after a word): trimmed,
// quotes dropped, "&" as "and", "@" as "at", lowercase, every other
// character but a-z, 0-9 and "-" as "-", runs of "-" as one, trimmed of
// "-". Unlike gosimple/slug, non-ASCII letters are not transliterated.
func pullRequestSlug(s string) string {
	s = strings.NewReplacer(
		"_", "-", `"`, "", "'", "", "\u2019", "", "&", "and", "@", "at",
		"\u2012", "-", "\u2013", "-", "\u2014", "-", "\u2015", "-",
	).Replace(strings.TrimSpace(s))
	s = slugUnwanted.ReplaceAllString(strings.ToLower(s), "-")
	s = strings.Trim(slugDashes.ReplaceAllString(s, "-"), "-_")
	if len(s) <= slugMaxLength {
		return s
	}
	for i := slugMaxLength; i >= 0; i-- {
		if s[i] == '-' {
			return s[:i]
		}
	}
	return s[:slugMaxLength]
}
