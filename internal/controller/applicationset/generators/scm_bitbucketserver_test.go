package generators

import (
	"encoding/base64"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func bbsRoutes() map[string]scmFakeRoute {
	const repos = "/rest/api/1.0/projects/FIN/repos/"
	return map[string]scmFakeRoute{
		"/rest/api/1.0/projects/FIN/repos?limit=100":                    {file: "repos-page1.json"},
		"/rest/api/1.0/projects/FIN/repos?limit=100&start=1":            {file: "repos-page2.json"},
		repos + "ledger-service/branches/default":                       {file: "default-branch.json"},
		repos + "empty/branches/default":                                {status: 204},
		repos + "ledger-service/branches?limit=100":                     {file: "branches.json"},
		repos + "ledger-service/browse/helm?at=master&type=true":        {file: "not-found.json", status: 404},
		repos + "ledger-service/browse/helm?at=release%2F1.0&type=true": {file: "browse.json"},
		repos + "ledger-service/pull-requests?limit=100":                {file: "pulls-page1.json"},
		repos + "ledger-service/pull-requests?limit=100&start=1":        {file: "pulls-page2.json"},
	}
}

func TestSCMBitbucketServer(t *testing.T) {
	const ssh, https = "ssh://git@bitbucket.example.com:7999/fin/ledger-service.git", "https://bitbucket.example.com/scm/fin/ledger-service.git"
	master := scmRepoParams("FIN", "Ledger Service", 11, ssh, "master", "master", "7171717171717171717171717171717171717171", "")
	release := scmRepoParams("FIN", "Ledger Service", 11, ssh, "release/1.0", "release-1.0", "8181818181818181818181818181818181818181", "")
	cases := []struct {
		name string
		mod  func(*v1alpha1.SCMProviderGenerator)
		want []Params
	}{
		{name: "two pages, a repository without default branch left out", want: []Params{master}},
		{name: "https", mod: func(g *v1alpha1.SCMProviderGenerator) { g.CloneProtocol = "https" }, want: []Params{
			scmRepoParams("FIN", "Ledger Service", 11, https, "master", "master", "7171717171717171717171717171717171717171", ""),
		}},
		{name: "allBranches", mod: func(g *v1alpha1.SCMProviderGenerator) { g.BitbucketServer.AllBranches = true }, want: []Params{master, release}},
		{name: "allBranches with pathsExist", mod: func(g *v1alpha1.SCMProviderGenerator) {
			g.BitbucketServer.AllBranches = true
			g.Filters = []v1alpha1.SCMProviderGeneratorFilter{{PathsExist: []string{"helm"}}}
		}, want: []Params{release}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := newSCMFakeAPI(t, "scm/bitbucketserver", bbsRoutes())
			g := &v1alpha1.SCMProviderGenerator{BitbucketServer: &v1alpha1.SCMProviderGeneratorBitbucketServer{
				Project: "FIN", API: api.srv.URL, BearerToken: &v1alpha1.BearerTokenBitbucket{TokenRef: scmTestTokenRef},
			}}
			if tc.mod != nil {
				tc.mod(g)
			}
			got, err := scmGenerate(t, &v1alpha1.ApplicationSetGenerator{SCMProvider: g}, false, scmTestEnv(api.srv))
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

func TestPullRequestBitbucketServer(t *testing.T) {
	api := newSCMFakeAPI(t, "pullrequest/bitbucketserver", bbsRoutes())
	g := &v1alpha1.ApplicationSetGenerator{PullRequest: &v1alpha1.PullRequestGenerator{
		BitbucketServer: &v1alpha1.PullRequestGeneratorBitbucketServer{
			Project: "FIN", Repo: "ledger-service", API: api.srv.URL + "/rest/",
			BasicAuth: &v1alpha1.BasicAuthBitbucketServer{Username: "ci", PasswordRef: scmTestTokenRef},
		},
	}}
	got, err := scmGenerate(t, g, true, scmTestEnv(api.srv))
	if err != nil {
		t.Fatal(err)
	}
	scmWantParams(t, got, []Params{
		{
			"number": "99", "title": "Bump", "branch": "bump", "branch_slug": "bump",
			"target_branch": "release/1.0", "target_branch_slug": "release-1-0", "head_sha": "9999999999999999999999999999999999999999",
			"head_short_sha": "99999999", "head_short_sha_7": "9999999", "author": "frank", "labels": []string{},
		},
		{
			"number": "101", "title": "Ledger: new rounding", "branch": "feature/Rounding", "branch_slug": "feature-rounding",
			"target_branch": "master", "target_branch_slug": "master", "head_sha": "9191919191919191919191919191919191919191",
			"head_short_sha": "91919191", "head_short_sha_7": "9191919", "author": "erin", "labels": []string{},
		},
	})
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("ci:s3cret"))
	if err := api.sawHeader("Authorization", basic); err != nil {
		t.Error(err)
	}
	if err := api.sawHeader("X-Atlassian-Token", "no-check"); err != nil {
		t.Error(err)
	}
}
