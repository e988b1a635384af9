package generators

import (
	"strings"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

const (
	ghAPISHA = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"
	ghWebSHA = "fedcba9876543210fedcba9876543210fedcba98"
)

// githubRoutes are an organization "acme" over two pages: api and web,
// then the archived, empty scratch (no default branch).
func githubRoutes() map[string]scmFakeRoute {
	return map[string]scmFakeRoute{
		"/api/v3/orgs/acme/repos?per_page=100": {file: "repos-page1.json", header: map[string]string{
			"Link": `<{{server}}/api/v3/orgs/acme/repos?per_page=100&page=2>; rel="next", <{{server}}/api/v3/orgs/acme/repos?per_page=100&page=2>; rel="last"`,
		}},
		"/api/v3/orgs/acme/repos?per_page=100&page=2":                         {file: "repos-page2.json"},
		"/api/v3/repos/acme/api/branches/main":                                {file: "branch-api-main.json"},
		"/api/v3/repos/acme/web/branches/trunk":                               {file: "branch-web-trunk.json"},
		"/api/v3/repos/acme/scratch/branches/main":                            {file: "not-found.json", status: 404},
		"/api/v3/repos/acme/api/branches?per_page=100":                        {file: "branches-api.json"},
		"/api/v3/repos/acme/web/branches?per_page=100":                        {file: "branches-web.json"},
		"/api/v3/repos/acme/scratch/branches?per_page=100":                    {file: "empty-list.json"},
		"/api/v3/repos/acme/api/contents/deploy/kustomization.yaml?ref=main":  {file: "contents-file.json"},
		"/api/v3/repos/acme/web/contents/deploy/kustomization.yaml?ref=trunk": {file: "not-found.json", status: 404},
		"/api/v3/repos/acme/api/contents/helm?ref=main":                       {file: "not-found.json", status: 404},
		"/api/v3/repos/acme/web/contents/helm?ref=trunk":                      {file: "contents-dir.json"},
	}
}

func githubSCM(api string, mod func(*v1alpha1.SCMProviderGenerator)) *v1alpha1.ApplicationSetGenerator {
	g := &v1alpha1.SCMProviderGenerator{Github: &v1alpha1.SCMProviderGeneratorGithub{Organization: "acme", API: api, TokenRef: scmTestTokenRef}}
	if mod != nil {
		mod(g)
	}
	return &v1alpha1.ApplicationSetGenerator{SCMProvider: g}
}

func TestSCMGithub(t *testing.T) {
	apiSSH := scmRepoParams("acme", "api", 5101, "git@github.com:acme/api.git", "main", "main", ghAPISHA, "team-a,golang")
	webSSH := scmRepoParams("acme", "web", 5102, "git@github.com:acme/web.git", "trunk", "trunk", ghWebSHA, "team-b")
	cases := []struct {
		name string
		mod  func(*v1alpha1.SCMProviderGenerator)
		want []Params
	}{
		{name: "default branches over two pages, empty repository left out", want: []Params{apiSSH, webSSH}},
		{name: "https clone URLs", mod: func(g *v1alpha1.SCMProviderGenerator) { g.CloneProtocol = "https" }, want: []Params{
			scmRepoParams("acme", "api", 5101, "https://github.com/acme/api.git", "main", "main", ghAPISHA, "team-a,golang"),
			scmRepoParams("acme", "web", 5102, "https://github.com/acme/web.git", "trunk", "trunk", ghWebSHA, "team-b"),
		}},
		{name: "repositoryMatch", mod: func(g *v1alpha1.SCMProviderGenerator) {
			g.Filters = []v1alpha1.SCMProviderGeneratorFilter{{RepositoryMatch: scmPtr("^w")}}
		}, want: []Params{webSSH}},
		{name: "labelMatch or repositoryMatch", mod: func(g *v1alpha1.SCMProviderGenerator) {
			g.Filters = []v1alpha1.SCMProviderGeneratorFilter{{LabelMatch: scmPtr("^team-a$")}, {RepositoryMatch: scmPtr("^nothing")}}
		}, want: []Params{apiSSH}},
		{name: "pathsExist file", mod: func(g *v1alpha1.SCMProviderGenerator) {
			g.Filters = []v1alpha1.SCMProviderGeneratorFilter{{PathsExist: []string{"deploy/kustomization.yaml"}}}
		}, want: []Params{apiSSH}},
		{name: "pathsExist directory and pathsDoNotExist", mod: func(g *v1alpha1.SCMProviderGenerator) {
			g.Filters = []v1alpha1.SCMProviderGeneratorFilter{{PathsExist: []string{"helm/"}, PathsDoNotExist: []string{"deploy/kustomization.yaml"}}}
		}, want: []Params{webSSH}},
		{name: "conditions of one filter AND", mod: func(g *v1alpha1.SCMProviderGenerator) {
			g.Filters = []v1alpha1.SCMProviderGeneratorFilter{{RepositoryMatch: scmPtr("^api$"), PathsExist: []string{"helm"}}}
		}, want: []Params{}},
		{name: "allBranches with branchMatch", mod: func(g *v1alpha1.SCMProviderGenerator) {
			g.Github.AllBranches = true
			g.Filters = []v1alpha1.SCMProviderGeneratorFilter{{BranchMatch: scmPtr("^Feature/")}}
		}, want: []Params{
			scmRepoParams("acme", "api", 5101, "git@github.com:acme/api.git", "Feature/Login_Page", "feature-login-page", "1111111111222222222233333333334444444444", "team-a,golang"),
		}},
		{name: "values rendered with the parameters", mod: func(g *v1alpha1.SCMProviderGenerator) {
			g.Filters = []v1alpha1.SCMProviderGeneratorFilter{{RepositoryMatch: scmPtr("^api$")}}
			g.Values = map[string]string{"name": "{{organization}}-{{repository}}"}
		}, want: []Params{scmWithValues(apiSSH, "values.name", "acme-api")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := newSCMFakeAPI(t, "scm/github", githubRoutes())
			got, err := scmGenerate(t, githubSCM(api.srv.URL, tc.mod), false, scmTestEnv(api.srv))
			if err != nil {
				t.Fatal(err)
			}
			scmWantParams(t, got, tc.want)
			if err := api.sawHeader("Authorization", "Bearer s3cret"); err != nil {
				t.Error(err)
			}
		})
	}
}

func scmWithValues(p Params, k string, v any) Params {
	out := Params{}
	for kk, vv := range p {
		out[kk] = vv
	}
	out[k] = v
	return out
}

func TestSCMGithubAPIURL(t *testing.T) {
	for in, want := range map[string]string{
		"":                               "https://api.github.com/",
		"https://git.example.com":        "https://git.example.com/api/v3/",
		"https://git.example.com/api/v3": "https://git.example.com/api/v3/",
		"https://api.example.com/":       "https://api.example.com/",
	} {
		if got := githubAPI(in); got != want {
			t.Errorf("githubAPI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSCMGithubUnsupported(t *testing.T) {
	g := githubSCM("", func(g *v1alpha1.SCMProviderGenerator) { g.Github.AppSecretName = "gh-app" })
	_, err := scmGenerate(t, g, false, &Env{})
	if err == nil || !strings.Contains(err.Error(), "appSecretName") {
		t.Fatalf("err = %v, want appSecretName not supported", err)
	}
}

func TestPullRequestGithub(t *testing.T) {
	routes := map[string]scmFakeRoute{
		"/api/v3/repos/acme/api/pulls?per_page=100": {file: "pulls-page1.json", header: map[string]string{
			"Link": `<{{server}}/api/v3/repos/acme/api/pulls?per_page=100&page=2>; rel="next"`,
		}},
		"/api/v3/repos/acme/api/pulls?per_page=100&page=2": {file: "pulls-page2.json"},
	}
	pr12 := Params{
		"number": "12", "title": "Add login page", "branch": "feature/Login_Page", "branch_slug": "feature-login-page",
		"target_branch": "main", "target_branch_slug": "main", "head_sha": "1111111111222222222233333333334444444444",
		"head_short_sha": "11111111", "head_short_sha_7": "1111111", "author": "octo",
	}
	pr11 := Params{
		"number": "11", "title": "WIP: bump deps", "branch": "deps", "branch_slug": "deps",
		"target_branch": "release-1.x", "target_branch_slug": "release-1-x", "head_sha": "2222222222333333333344444444445555555555",
		"head_short_sha": "22222222", "head_short_sha_7": "2222222", "author": "renovate",
	}
	pr3 := Params{
		"number": "3", "title": "Fix typo", "branch": "typo", "branch_slug": "typo",
		"target_branch": "main", "target_branch_slug": "main", "head_sha": "abc",
		"head_short_sha": "abc", "head_short_sha_7": "abc", "author": "hubot",
	}
	cases := []struct {
		name       string
		labels     []string
		filters    []v1alpha1.PullRequestGeneratorFilter
		goTemplate bool
		want       []Params
	}{
		{name: "two pages, sorted by number", want: []Params{pr3, pr11, pr12}},
		{name: "labels all required", labels: []string{"preview", "ui"}, want: []Params{pr12}},
		{name: "labels param with Go templates", labels: []string{"preview"}, goTemplate: true, want: []Params{
			scmWithValues(pr3, "labels", []string{"preview"}), scmWithValues(pr12, "labels", []string{"preview", "ui"}),
		}},
		{name: "branchMatch", filters: []v1alpha1.PullRequestGeneratorFilter{{BranchMatch: scmPtr("^feature/")}}, want: []Params{pr12}},
		{name: "targetBranchMatch or titleMatch", filters: []v1alpha1.PullRequestGeneratorFilter{
			{TargetBranchMatch: scmPtr("^release-")}, {TitleMatch: scmPtr("(?i)typo")},
		}, want: []Params{pr3, pr11}},
		{name: "conditions of one filter AND", filters: []v1alpha1.PullRequestGeneratorFilter{
			{TargetBranchMatch: scmPtr("^main$"), TitleMatch: scmPtr("^WIP")},
		}, want: []Params{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := newSCMFakeAPI(t, "pullrequest/github", routes)
			g := &v1alpha1.ApplicationSetGenerator{PullRequest: &v1alpha1.PullRequestGenerator{
				Github:  &v1alpha1.PullRequestGeneratorGithub{Owner: "acme", Repo: "api", API: api.srv.URL, TokenRef: scmTestTokenRef, Labels: tc.labels},
				Filters: tc.filters,
			}}
			got, err := scmGenerate(t, g, tc.goTemplate, scmTestEnv(api.srv))
			if err != nil {
				t.Fatal(err)
			}
			scmWantParams(t, got, tc.want)
			if err := api.sawHeader("Authorization", "Bearer s3cret"); err != nil {
				t.Error(err)
			}
		})
	}
}
