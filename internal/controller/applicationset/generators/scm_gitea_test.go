package generators

import (
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func TestSCMGitea(t *testing.T) {
	routes := map[string]scmFakeRoute{
		"/api/v1/orgs/acme/repos?limit=50&page=1":          {file: "repos.json"},
		"/api/v1/repos/acme/shop/labels?limit=50&page=1":   {file: "labels-shop.json"},
		"/api/v1/repos/acme/docs/labels?limit=50&page=1":   {file: "empty-list.json"},
		"/api/v1/repos/acme/shop/branches/main":            {file: "branch-shop-main.json"},
		"/api/v1/repos/acme/docs/branches/main":            {file: "branch-docs-main.json"},
		"/api/v1/repos/acme/shop/contents/deploy?ref=main": {file: "contents-file.json"},
		"/api/v1/repos/acme/docs/contents/deploy?ref=main": {file: "not-found.json", status: 404},
	}
	shop := scmRepoParams("acme", "shop", 61, "git@gitea.example.com:acme/shop.git", "main", "main", "5151515151515151515151515151515151515151", "deploy")
	docs := scmRepoParams("acme", "docs", 62, "git@gitea.example.com:acme/docs.git", "main", "main", "6262626262626262626262626262626262626262", "")
	cases := []struct {
		name string
		mod  func(*v1alpha1.SCMProviderGenerator)
		want []Params
	}{
		{name: "default branches sorted by name", want: []Params{docs, shop}},
		{name: "https is the web URL", mod: func(g *v1alpha1.SCMProviderGenerator) {
			g.CloneProtocol = "https"
			g.Filters = []v1alpha1.SCMProviderGeneratorFilter{{RepositoryMatch: scmPtr("shop")}}
		}, want: []Params{scmRepoParams("acme", "shop", 61, "https://gitea.example.com/acme/shop", "main", "main", "5151515151515151515151515151515151515151", "deploy")}},
		{name: "labelMatch on issue labels", mod: func(g *v1alpha1.SCMProviderGenerator) {
			g.Filters = []v1alpha1.SCMProviderGeneratorFilter{{LabelMatch: scmPtr("^deploy$")}}
		}, want: []Params{shop}},
		{name: "pathsDoNotExist", mod: func(g *v1alpha1.SCMProviderGenerator) {
			g.Filters = []v1alpha1.SCMProviderGeneratorFilter{{PathsDoNotExist: []string{"deploy"}}}
		}, want: []Params{docs}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := newSCMFakeAPI(t, "scm/gitea", routes)
			g := &v1alpha1.SCMProviderGenerator{Gitea: &v1alpha1.SCMProviderGeneratorGitea{Owner: "acme", API: api.srv.URL + "/", TokenRef: scmTestTokenRef}}
			if tc.mod != nil {
				tc.mod(g)
			}
			got, err := scmGenerate(t, &v1alpha1.ApplicationSetGenerator{SCMProvider: g}, false, scmTestEnv(api.srv))
			if err != nil {
				t.Fatal(err)
			}
			scmWantParams(t, got, tc.want)
			if err := api.sawHeader("Authorization", "token s3cret"); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestPullRequestGitea(t *testing.T) {
	routes := map[string]scmFakeRoute{
		"/api/v1/repos/acme/shop/pulls?limit=50&page=1&state=open": {file: "pulls.json", header: map[string]string{
			"Link": `<{{server}}/api/v1/repos/acme/shop/pulls?limit=50&page=2&state=open>; rel="next",<{{server}}/api/v1/repos/acme/shop/pulls?limit=50&page=2&state=open>; rel="last"`,
		}},
		"/api/v1/repos/acme/shop/pulls?limit=50&page=2&state=open": {file: "pulls-page2.json"},
	}
	pr4 := Params{
		"number": "4", "title": "Checkout redesign", "branch": "redesign", "branch_slug": "redesign",
		"target_branch": "main", "target_branch_slug": "main", "head_sha": "4444444444444444444444444444444444444444",
		"head_short_sha": "44444444", "head_short_sha_7": "4444444", "author": "carol",
	}
	pr5 := Params{
		"number": "5", "title": "Docs", "branch": "docs", "branch_slug": "docs",
		"target_branch": "main", "target_branch_slug": "main", "head_sha": "5555555555555555555555555555555555555555",
		"head_short_sha": "55555555", "head_short_sha_7": "5555555", "author": "dan",
	}
	for name, tc := range map[string]struct {
		labels []string
		want   []Params
	}{
		"two pages": {want: []Params{pr4, pr5}},
		"labels":    {labels: []string{"deploy"}, want: []Params{pr4}},
	} {
		t.Run(name, func(t *testing.T) {
			api := newSCMFakeAPI(t, "pullrequest/gitea", routes)
			g := &v1alpha1.ApplicationSetGenerator{PullRequest: &v1alpha1.PullRequestGenerator{
				Gitea: &v1alpha1.PullRequestGeneratorGitea{Owner: "acme", Repo: "shop", API: api.srv.URL, TokenRef: scmTestTokenRef, Labels: tc.labels},
			}}
			got, err := scmGenerate(t, g, false, scmTestEnv(api.srv))
			if err != nil {
				t.Fatal(err)
			}
			scmWantParams(t, got, tc.want)
			if err := api.sawHeader("Authorization", "token s3cret"); err != nil {
				t.Error(err)
			}
		})
	}
}
