package rollback

import (
	"reflect"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func TestRevertPaths(t *testing.T) {
	tests := []struct {
		name string
		src  v1alpha1.ApplicationSource
		want []string
	}{
		{"plain path", v1alpha1.ApplicationSource{Path: "app"}, []string{"app"}},
		{"value files beside the chart", v1alpha1.ApplicationSource{Path: "charts/microservice", Helm: &v1alpha1.ApplicationSourceHelm{
			ValueFiles: []string{"values-prod.yaml", "../../environments/production/order-service/values.yaml"}}},
			[]string{"charts/microservice", "charts/microservice/values-prod.yaml", "environments/production/order-service/values.yaml"}},
		{"file parameters and absolute value files", v1alpha1.ApplicationSource{Path: "chart", Helm: &v1alpha1.ApplicationSourceHelm{
			ValueFiles: []string{"/environments/prod.yaml"}, FileParameters: []v1alpha1.HelmFileParameter{{Name: "config", Path: "files/config.json"}}}},
			[]string{"chart", "environments/prod.yaml", "chart/files/config.json"}},
		{"outside the repository, URLs and refs left out", v1alpha1.ApplicationSource{Path: "chart", Helm: &v1alpha1.ApplicationSourceHelm{
			ValueFiles: []string{"../../../etc/values.yaml", "https://example.com/values.yaml", "$values/env/values.yaml"}}},
			[]string{"chart"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := revertPaths(&tt.src); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("revertPaths = %v, want %v", got, tt.want)
			}
		})
	}
}

// helmValues is a Helm source option naming value files.
func helmValues(files ...string) *v1alpha1.ApplicationSourceHelm {
	return &v1alpha1.ApplicationSourceHelm{ValueFiles: files}
}

func TestSourcePaths(t *testing.T) {
	const platform, charts = "https://git.example.com/platform.git", "https://git.example.com/charts.git"
	tests := []struct {
		name    string
		sources []v1alpha1.ApplicationSource
		want    [][]string // per source
	}{
		{"chart from Git, values from a ref-only source", []v1alpha1.ApplicationSource{
			{RepoURL: charts, Path: "charts/shop", Helm: helmValues("values.yaml", "$values/environments/prod/values.yaml")},
			{RepoURL: platform, Ref: "values"},
		}, [][]string{{"charts/shop", "charts/shop/values.yaml"}, {"environments/prod/values.yaml"}}},
		{"a ref with a path lends its files and renders its path", []v1alpha1.ApplicationSource{
			{RepoURL: charts, Chart: "shop", Helm: helmValues("$values/env/prod.yaml", "$values/env/prod.yaml", "$other/x.yaml")},
			{RepoURL: platform, Path: "extra", Ref: "values"},
		}, [][]string{nil, {"extra", "env/prod.yaml"}}},
		{"a ref no source reads reads nothing", []v1alpha1.ApplicationSource{
			{RepoURL: charts, Path: "charts/shop"},
			{RepoURL: platform, Ref: "values"},
		}, [][]string{{"charts/shop"}, nil}},
		{"no path and no ref is the repository's root", []v1alpha1.ApplicationSource{
			{RepoURL: platform},
		}, [][]string{{""}}},
		{"ref files outside the repository or with variables left out", []v1alpha1.ApplicationSource{
			{RepoURL: charts, Path: "c", Helm: helmValues("$values/../../x.yaml", "$values/envs/$ARGOCD_APP_NAME.yaml", "$values//envs/./a.yaml")},
			{RepoURL: platform, Ref: "values"},
		}, [][]string{{"c"}, {"envs/a.yaml"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := range tt.sources {
				if tt.sources[i].Chart != "" {
					continue
				}
				if got := sourcePaths(tt.sources, i); !reflect.DeepEqual(got, tt.want[i]) {
					t.Errorf("source %d: sourcePaths = %#v, want %#v", i+1, got, tt.want[i])
				}
			}
		})
	}
}

func TestRevertTargets(t *testing.T) {
	const platform, charts = "https://git.example.com/platform.git", "https://git.example.com/charts.git"
	multi := func(synced []string, sources ...v1alpha1.ApplicationSource) *v1alpha1.Application {
		app := &v1alpha1.Application{Spec: v1alpha1.ApplicationSpec{Sources: sources}}
		app.Status.Sync.Revisions = synced
		return app
	}
	tests := []struct {
		name     string
		app      *v1alpha1.Application
		entry    v1alpha1.RevisionHistory
		want     []revertTarget
		wantSkip []string // substrings, one per skipped source
		wantErr  string
	}{
		{"single source", &v1alpha1.Application{Spec: v1alpha1.ApplicationSpec{Source: &v1alpha1.ApplicationSource{RepoURL: platform, Path: "app", TargetRevision: "main"}}},
			v1alpha1.RevisionHistory{Revision: "good"},
			[]revertTarget{{repoURL: platform, branch: "main", good: "good", paths: []string{"app"}}}, nil, ""},
		{"single Helm repository chart", &v1alpha1.Application{Spec: v1alpha1.ApplicationSpec{Source: &v1alpha1.ApplicationSource{RepoURL: "https://charts.example.com", Chart: "shop", TargetRevision: "1.2.0"}}},
			v1alpha1.RevisionHistory{Revision: "1.1.0"}, nil, []string{"a Helm repository chart has no branch"}, ""},
		{"chart from Git and values from another repository: one target each",
			multi(nil,
				v1alpha1.ApplicationSource{RepoURL: charts, Path: "charts/shop", TargetRevision: "main", Helm: helmValues("$values/environments/prod/values.yaml")},
				v1alpha1.ApplicationSource{RepoURL: platform, TargetRevision: "main", Ref: "values"}),
			v1alpha1.RevisionHistory{Revisions: []string{"c1", "p1"}},
			[]revertTarget{
				{repoURL: charts, branch: "main", good: "c1", paths: []string{"charts/shop"}, sources: []int{1}},
				{repoURL: platform, branch: "main", good: "p1", paths: []string{"environments/prod/values.yaml"}, sources: []int{2}},
			}, nil, ""},
		{"one repository and branch, however spelled: one target with the union of paths",
			multi(nil,
				v1alpha1.ApplicationSource{RepoURL: platform, Path: "charts/shop", Helm: helmValues("$values/environments/prod/values.yaml")},
				v1alpha1.ApplicationSource{RepoURL: "https://GIT.example.com/platform", TargetRevision: "HEAD", Ref: "values"}),
			v1alpha1.RevisionHistory{Revisions: []string{"p1", "p1"}},
			[]revertTarget{{repoURL: platform, good: "p1", paths: []string{"charts/shop", "environments/prod/values.yaml"}, sources: []int{1, 2}}},
			nil, ""},
		{"Helm repository chart with values from Git: the chart skipped when its version changed",
			multi([]string{"1.2.0", "p2"},
				v1alpha1.ApplicationSource{RepoURL: "https://charts.example.com", Chart: "shop", TargetRevision: "1.2.0", Helm: helmValues("$values/prod.yaml")},
				v1alpha1.ApplicationSource{RepoURL: platform, TargetRevision: "main", Ref: "values"}),
			v1alpha1.RevisionHistory{Revisions: []string{"1.1.0", "p1"}},
			[]revertTarget{{repoURL: platform, branch: "main", good: "p1", paths: []string{"prod.yaml"}, sources: []int{2}}},
			[]string{"source 1 (https://charts.example.com): Helm repository chart shop has no branch to revert; it stays held at version 1.1.0"}, ""},
		{"an unchanged Helm repository chart is not mentioned",
			multi([]string{"1.1.0", "p2"},
				v1alpha1.ApplicationSource{RepoURL: "https://charts.example.com", Chart: "shop", TargetRevision: "1.1.0", Helm: helmValues("$values/prod.yaml")},
				v1alpha1.ApplicationSource{RepoURL: platform, TargetRevision: "main", Ref: "values"}),
			v1alpha1.RevisionHistory{Revisions: []string{"1.1.0", "p1"}},
			[]revertTarget{{repoURL: platform, branch: "main", good: "p1", paths: []string{"prod.yaml"}, sources: []int{2}}}, nil, ""},
		{"sources changed since the entry",
			multi(nil, v1alpha1.ApplicationSource{RepoURL: platform, Path: "a"}, v1alpha1.ApplicationSource{RepoURL: platform, Path: "b"}),
			v1alpha1.RevisionHistory{ID: 3, Revisions: []string{"p1"}}, nil, nil, "history 3 has 1 revisions for the app's 2 sources"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, skipped, err := revertTargets(tt.app, &tt.entry)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("targets =\n%#v\nwant\n%#v", got, tt.want)
			}
			if len(skipped) != len(tt.wantSkip) {
				t.Fatalf("skipped = %q, want %d", skipped, len(tt.wantSkip))
			}
			for i, want := range tt.wantSkip {
				if !strings.Contains(skipped[i], want) {
					t.Errorf("skipped[%d] = %q, want it to say %q", i, skipped[i], want)
				}
			}
		})
	}
}
