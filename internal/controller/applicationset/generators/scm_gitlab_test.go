package generators

import (
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

const (
	glBillingSHA = "3030303030303030303030303030303030303030"
	glLegacySHA  = "4040404040404040404040404040404040404040"
)

func TestSCMGitlab(t *testing.T) {
	const list = "/api/v4/groups/acme/projects?include_subgroups=true&per_page=100&with_shared=false"
	routes := map[string]scmFakeRoute{
		list: {file: "projects-page1.json", header: map[string]string{"X-Next-Page": "2", "X-Page": "1", "X-Total-Pages": "2"}},
		"/api/v4/groups/acme/projects?include_subgroups=true&page=2&per_page=100&with_shared=false":       {file: "projects-page2.json", header: map[string]string{"X-Next-Page": "", "X-Page": "2", "X-Total-Pages": "2"}},
		"/api/v4/groups/acme/projects?include_subgroups=false&per_page=100&topic=deploy&with_shared=true": {file: "projects-page1.json"},
		"/api/v4/projects/301/repository/branches/main":                                                   {file: "branch-301-main.json"},
		"/api/v4/projects/302/repository/branches/master":                                                 {file: "branch-302-master.json"},
		// chart/Chart.yaml is a file in 301; chart is a directory there only.
		"/api/v4/projects/301/repository/files/chart%2FChart.yaml?ref=main":                  {file: "file.json"},
		"/api/v4/projects/302/repository/files/chart%2FChart.yaml?ref=master":                {file: "not-found.json", status: 404},
		"/api/v4/projects/302/repository/tree?path=chart%2FChart.yaml&per_page=1&ref=master": {file: "not-found.json", status: 404},
		"/api/v4/projects/301/repository/files/chart?ref=main":                               {file: "not-found.json", status: 404},
		"/api/v4/projects/301/repository/tree?path=chart&per_page=1&ref=main":                {file: "tree.json"},
		"/api/v4/projects/302/repository/files/chart?ref=master":                             {file: "not-found.json", status: 404},
		"/api/v4/projects/302/repository/tree?path=chart&per_page=1&ref=master":              {file: "empty-list.json"},
	}
	billing := scmRepoParams("acme/platform", "billing-api", 301, "git@gitlab.example.com:acme/platform/billing-api.git", "main", "main", glBillingSHA, "payments,deploy")
	legacy := scmRepoParams("acme", "legacy", 302, "git@gitlab.example.com:acme/legacy.git", "master", "master", glLegacySHA, "old-style")
	shared := false
	cases := []struct {
		name string
		mod  func(*v1alpha1.SCMProviderGeneratorGitlab, *v1alpha1.SCMProviderGenerator)
		want []Params
	}{
		{name: "subgroups over two pages, sorted by organization", want: []Params{legacy, billing}},
		{name: "topic and shared projects by default", mod: func(gl *v1alpha1.SCMProviderGeneratorGitlab, _ *v1alpha1.SCMProviderGenerator) {
			gl.IncludeSubgroups, gl.IncludeSharedProjects, gl.Topic = false, nil, "deploy"
		}, want: []Params{billing}},
		{name: "https", mod: func(_ *v1alpha1.SCMProviderGeneratorGitlab, g *v1alpha1.SCMProviderGenerator) {
			g.CloneProtocol = "https"
		}, want: []Params{
			scmRepoParams("acme", "legacy", 302, "https://gitlab.example.com/acme/legacy.git", "master", "master", glLegacySHA, "old-style"),
			scmRepoParams("acme/platform", "billing-api", 301, "https://gitlab.example.com/acme/platform/billing-api.git", "main", "main", glBillingSHA, "payments,deploy"),
		}},
		{name: "pathsExist file", mod: func(_ *v1alpha1.SCMProviderGeneratorGitlab, g *v1alpha1.SCMProviderGenerator) {
			g.Filters = []v1alpha1.SCMProviderGeneratorFilter{{PathsExist: []string{"chart/Chart.yaml"}}}
		}, want: []Params{billing}},
		{name: "pathsDoNotExist directory", mod: func(_ *v1alpha1.SCMProviderGeneratorGitlab, g *v1alpha1.SCMProviderGenerator) {
			g.Filters = []v1alpha1.SCMProviderGeneratorFilter{{PathsDoNotExist: []string{"chart"}}}
		}, want: []Params{legacy}},
		{name: "labelMatch on tag_list", mod: func(_ *v1alpha1.SCMProviderGeneratorGitlab, g *v1alpha1.SCMProviderGenerator) {
			g.Filters = []v1alpha1.SCMProviderGeneratorFilter{{LabelMatch: scmPtr("^old")}}
		}, want: []Params{legacy}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := newSCMFakeAPI(t, "scm/gitlab", routes)
			gl := &v1alpha1.SCMProviderGeneratorGitlab{Group: "acme", API: api.srv.URL, TokenRef: scmTestTokenRef, IncludeSubgroups: true, IncludeSharedProjects: &shared}
			g := &v1alpha1.SCMProviderGenerator{Gitlab: gl}
			if tc.mod != nil {
				tc.mod(gl, g)
			}
			got, err := scmGenerate(t, &v1alpha1.ApplicationSetGenerator{SCMProvider: g}, false, scmTestEnv(api.srv))
			if err != nil {
				t.Fatal(err)
			}
			scmWantParams(t, got, tc.want)
			if err := api.sawHeader("PRIVATE-TOKEN", "s3cret"); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestPullRequestGitlab(t *testing.T) {
	const list = "/api/v4/projects/acme%2Fbilling-api/merge_requests?per_page=100"
	routes := map[string]scmFakeRoute{
		list: {file: "mrs-page1.json", header: map[string]string{"X-Next-Page": "2"}},
		"/api/v4/projects/acme%2Fbilling-api/merge_requests?page=2&per_page=100":                             {file: "mrs-page2.json"},
		"/api/v4/projects/acme%2Fbilling-api/merge_requests?labels=preview%2Cteam&per_page=100&state=opened": {file: "mrs-page1.json"},
	}
	mr2 := Params{
		"number": "2", "title": "Hotfix rounding", "branch": "hotfix/Rounding_Error", "branch_slug": "hotfix-rounding-error",
		"target_branch": "release/2.x", "target_branch_slug": "release-2-x", "head_sha": "2020202020202020202020202020202020202020",
		"head_short_sha": "20202020", "head_short_sha_7": "2020202", "author": "bob",
	}
	mr7 := Params{
		"number": "7", "title": "Draft: Add invoices", "branch": "feat/invoices", "branch_slug": "feat-invoices",
		"target_branch": "main", "target_branch_slug": "main", "head_sha": "7777777777888888888899999999990000000000",
		"head_short_sha": "77777777", "head_short_sha_7": "7777777", "author": "alice",
	}
	cases := []struct {
		name    string
		labels  []string
		state   string
		filters []v1alpha1.PullRequestGeneratorFilter
		want    []Params
	}{
		{name: "every state over two pages", want: []Params{mr2, mr7}},
		{name: "labels and state sent to GitLab", labels: []string{"preview", "team"}, state: "opened", want: []Params{mr7}},
		{name: "titleMatch", filters: []v1alpha1.PullRequestGeneratorFilter{{TitleMatch: scmPtr("^Draft:")}}, want: []Params{mr7}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := newSCMFakeAPI(t, "pullrequest/gitlab", routes)
			g := &v1alpha1.ApplicationSetGenerator{PullRequest: &v1alpha1.PullRequestGenerator{
				GitLab:  &v1alpha1.PullRequestGeneratorGitLab{Project: "acme/billing-api", API: api.srv.URL + "/", TokenRef: scmTestTokenRef, Labels: tc.labels, PullRequestState: tc.state},
				Filters: tc.filters,
			}}
			got, err := scmGenerate(t, g, false, scmTestEnv(api.srv))
			if err != nil {
				t.Fatal(err)
			}
			scmWantParams(t, got, tc.want)
			if err := api.sawHeader("PRIVATE-TOKEN", "s3cret"); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestPullRequestContinueOnRepoNotFound: a 404 yields no sets only when
// asked for.
func TestPullRequestContinueOnRepoNotFound(t *testing.T) {
	routes := map[string]scmFakeRoute{
		"/api/v4/projects/acme%2Fgone/merge_requests?per_page=100": {file: "not-found.json", status: 404},
	}
	api := newSCMFakeAPI(t, "scm/gitlab", routes)
	for _, cont := range []bool{false, true} {
		g := &v1alpha1.ApplicationSetGenerator{PullRequest: &v1alpha1.PullRequestGenerator{
			GitLab:                      &v1alpha1.PullRequestGeneratorGitLab{Project: "acme/gone", API: api.srv.URL},
			ContinueOnRepoNotFoundError: cont,
		}}
		got, err := scmGenerate(t, g, false, scmTestEnv(api.srv))
		if cont && (err != nil || len(got) != 0) {
			t.Errorf("continue: got %v, %v; want no sets", got, err)
		}
		if !cont && err == nil {
			t.Errorf("no continue: got %v, want an error", got)
		}
	}
}
