package webhook

import (
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Every form of one repository's URL has one key; other repositories,
// hosts or paths have others.
func TestRepoKey(t *testing.T) {
	same := []string{
		"https://github.com/acme/platform",
		"https://GitHub.com/Acme/Platform.git",
		"https://github.com/acme/platform/",
		"http://github.com/acme/platform.git/",
		"https://user:token@github.com/acme/platform.git",
		"git@github.com:acme/platform.git",
		"github.com:acme/platform",
		"ssh://git@github.com/acme/platform.git",
		"ssh://git@github.com:22/acme/platform",
		"ssh://git@ssh.github.com:443/acme/platform.git",
		"git://github.com/acme/platform.git",
		" https://github.com/acme/platform ",
	}
	want := RepoKey(same[0])
	for _, u := range same {
		if got := RepoKey(u); got != want {
			t.Errorf("RepoKey(%q) = %q, want %q", u, got, want)
		}
	}
	for _, u := range []string{
		"https://github.com/acme/platform-apps",
		"https://github.com/acme",
		"https://gitlab.com/acme/platform",
		"git@github.com:other/platform.git",
		"https://github.com/acme/platform/sub",
		"file:///acme/platform",
	} {
		if got := RepoKey(u); got == want {
			t.Errorf("RepoKey(%q) = %q, the key of %s", u, got, same[0])
		}
	}
	if a, b := RepoKey("file:///tmp/repos/app.git"), RepoKey("file:///tmp/repos/app"); a != b {
		t.Errorf("file URLs %q and %q differ", a, b)
	}
}

func TestRevisionMatches(t *testing.T) {
	main, dev, tag := Ref{Name: "main"}, Ref{Name: "dev"}, Ref{Name: "v1.4.0", Tag: true}
	tests := []struct {
		target        string
		ref           Ref
		defaultBranch string
		want          bool
	}{
		{"main", main, "", true},
		{"main", dev, "", false},
		{"refs/heads/main", main, "", true},
		{"refs/tags/main", main, "", false},
		{"HEAD", main, "", true},
		{"", main, "", true},
		{"HEAD", Ref{Name: "master"}, "", true},
		{"HEAD", dev, "", false},
		{"HEAD", dev, "dev", true},
		{"HEAD", main, "dev", false},
		{"HEAD", Ref{Name: "main", Tag: true}, "", false},
		{"v1.4.0", tag, "", true},
		{"refs/tags/v1.4.0", tag, "", true},
		{"refs/heads/v1.4.0", tag, "", false},
		{">=1.2.0", tag, "", true},
		{"~1.3", tag, "", false},
		{"1.*", tag, "", true},
		{"1.*", Ref{Name: "1.5.0"}, "", false},
		{"feature/x", Ref{Name: "feature/x"}, "", true},
		{"8a7d2cbb5e9f", main, "", false},
	}
	for _, tt := range tests {
		if got := RevisionMatches(tt.target, tt.ref, tt.defaultBranch); got != tt.want {
			t.Errorf("RevisionMatches(%q, %+v, %q) = %v, want %v", tt.target, tt.ref, tt.defaultBranch, got, tt.want)
		}
	}
}

func TestRefreshPathsAndFilesTouch(t *testing.T) {
	tests := []struct {
		name, annotation, sourcePath string
		files                        []string
		want                         bool
	}{
		{"no annotation", "", "apps/a", []string{"elsewhere/x"}, true},
		{"dot is the source path", ".", "apps/a", []string{"apps/a/x.yaml"}, true},
		{"dot, other path", ".", "apps/a", []string{"apps/b/x.yaml"}, false},
		{"dot, sibling with the same prefix", ".", "apps/a", []string{"apps/ab/x.yaml"}, false},
		{"relative", "../shared", "apps/a", []string{"apps/shared/lib.yaml"}, true},
		{"absolute", "/charts/common", "apps/a", []string{"charts/common/values.yaml"}, true},
		{"several, one matches", ".;/charts/common", "apps/a", []string{"charts/common/Chart.yaml"}, true},
		{"several with spaces", " . ; /charts/common ", "apps/a", []string{"apps/a/k.yaml"}, true},
		{"several, none matches", ".;/charts/common", "apps/a", []string{"README.md", "apps/b/x.yaml"}, false},
		{"a file path", "/values.yaml", "apps/a", []string{"values.yaml"}, true},
		{"glob", "/envs/*/values.yaml", "", []string{"envs/prod/values.yaml"}, true},
		{"root", "/", "apps/a", []string{"anything"}, true},
		{"dot at the root source", ".", "", []string{"anything"}, true},
		{"no files listed", ".", "apps/a", nil, true},
		{"only separators", ";;", "apps/a", []string{"x"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FilesTouch(RefreshPaths(tt.annotation, tt.sourcePath), tt.files); got != tt.want {
				t.Errorf("paths %q, files %q: touched = %v, want %v", RefreshPaths(tt.annotation, tt.sourcePath), tt.files, got, tt.want)
			}
		})
	}
}

func app(annotation string, sources ...v1alpha1.ApplicationSource) *v1alpha1.Application {
	a := &v1alpha1.Application{ObjectMeta: metav1.ObjectMeta{Name: "a", Namespace: "argocd"}}
	if annotation != "" {
		a.Annotations = map[string]string{ManifestGeneratePathsAnnotation: annotation}
	}
	if len(sources) == 1 {
		a.Spec.Source = &sources[0]
	} else {
		a.Spec.Sources = sources
	}
	return a
}

func src(repo, rev, path string) v1alpha1.ApplicationSource {
	return v1alpha1.ApplicationSource{RepoURL: repo, TargetRevision: rev, Path: path}
}

func TestAppMatches(t *testing.T) {
	push := &Push{URLs: []string{"https://github.com/acme/platform"}, Refs: []Ref{{Name: "main"}},
		DefaultBranch: "main", Files: []string{"apps/a/x.yaml"}}
	const repo = "git@github.com:acme/platform.git"
	hydrated := app("")
	hydrated.Spec.SourceHydrator = &v1alpha1.SourceHydrator{
		DrySource:  v1alpha1.DrySource{RepoURL: repo, TargetRevision: "dev", Path: "apps/a"},
		SyncSource: v1alpha1.SyncSource{TargetBranch: "main", Path: "apps/a"},
	}
	tests := []struct {
		name string
		app  *v1alpha1.Application
		push *Push
		want bool
	}{
		{"same repo, branch, no annotation", app("", src(repo, "main", "apps/b")), push, true},
		{"HEAD on the default branch", app("", src(repo, "HEAD", "apps/a")), push, true},
		{"annotation on the changed path", app(".", src(repo, "main", "apps/a")), push, true},
		{"annotation on another path", app(".", src(repo, "main", "apps/b")), push, false},
		{"another branch", app("", src(repo, "dev", "apps/a")), push, false},
		{"another repository", app("", src("https://github.com/acme/other", "main", "apps/a")), push, false},
		{"a helm chart source", app("", v1alpha1.ApplicationSource{RepoURL: "https://charts.example.com", Chart: "x", TargetRevision: "1.0.0"}), push, false},
		{"multi-source, the second matches", app(".", src("https://github.com/acme/other", "main", "apps/a"), src(repo, "main", "apps/a")), push, true},
		{"multi-source ref source at the root", app(".", src(repo, "dev", "apps/a"), v1alpha1.ApplicationSource{RepoURL: repo, TargetRevision: "main", Ref: "values"}), push, true},
		{"annotation elsewhere but files unknown", app(".", src(repo, "main", "apps/b")), &Push{URLs: push.URLs, Refs: push.Refs, AllFiles: true}, true},
		{"hydrator sync branch at its path", hydrated, push, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AppMatches(tt.app, tt.push); got != tt.want {
				t.Errorf("AppMatches = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAppSetMatches(t *testing.T) {
	push := &Push{URLs: []string{"https://github.com/acme/platform"}, Refs: []Ref{{Name: "main"}}, DefaultBranch: "main"}
	git := func(repo, rev string) *v1alpha1.GitGenerator {
		return &v1alpha1.GitGenerator{RepoURL: repo, Revision: rev, Directories: []v1alpha1.GitDirectoryGeneratorItem{{Path: "apps/*"}}}
	}
	const repo = "https://github.com/acme/platform.git"
	list := v1alpha1.ApplicationSetNestedGenerator{List: &v1alpha1.ListGenerator{}}
	nestedMatrix := func(g *v1alpha1.GitGenerator) *apiextensionsv1.JSON {
		raw := `{"generators":[{"list":{"elements":[]}},{"git":{"repoURL":"` + g.RepoURL + `","revision":"` + g.Revision + `","files":[{"path":"x.json"}]}}]}`
		return &apiextensionsv1.JSON{Raw: []byte(raw)}
	}
	tests := []struct {
		name string
		gens []v1alpha1.ApplicationSetGenerator
		want bool
	}{
		{"git on the pushed repo and branch", []v1alpha1.ApplicationSetGenerator{{Git: git(repo, "main")}}, true},
		{"git at HEAD", []v1alpha1.ApplicationSetGenerator{{Git: git(repo, "HEAD")}}, true},
		{"git on another branch", []v1alpha1.ApplicationSetGenerator{{Git: git(repo, "dev")}}, false},
		{"git on another repo", []v1alpha1.ApplicationSetGenerator{{Git: git("https://github.com/acme/x", "main")}}, false},
		{"list only", []v1alpha1.ApplicationSetGenerator{{List: &v1alpha1.ListGenerator{}}}, false},
		{"in a matrix", []v1alpha1.ApplicationSetGenerator{{Matrix: &v1alpha1.MatrixGenerator{
			Generators: []v1alpha1.ApplicationSetNestedGenerator{list, {Git: git(repo, "main")}}}}}, true},
		{"in a merge, other branch", []v1alpha1.ApplicationSetGenerator{{Merge: &v1alpha1.MergeGenerator{
			Generators: []v1alpha1.ApplicationSetNestedGenerator{list, {Git: git(repo, "dev")}}}}}, false},
		{"in a matrix in a merge", []v1alpha1.ApplicationSetGenerator{{Merge: &v1alpha1.MergeGenerator{
			Generators: []v1alpha1.ApplicationSetNestedGenerator{list, {Matrix: nestedMatrix(git(repo, "main"))}}}}}, true},
		{"in a matrix in a merge, other repo", []v1alpha1.ApplicationSetGenerator{{Merge: &v1alpha1.MergeGenerator{
			Generators: []v1alpha1.ApplicationSetNestedGenerator{list, {Matrix: nestedMatrix(git("https://github.com/acme/x", "main"))}}}}}, false},
		{"templated repo URL", []v1alpha1.ApplicationSetGenerator{{Matrix: &v1alpha1.MatrixGenerator{
			Generators: []v1alpha1.ApplicationSetNestedGenerator{list, {Git: git("{{.url}}", "main")}}}}}, true},
		{"templated repo URL, other branch", []v1alpha1.ApplicationSetGenerator{{Matrix: &v1alpha1.MatrixGenerator{
			Generators: []v1alpha1.ApplicationSetNestedGenerator{list, {Git: git("{{.url}}", "dev")}}}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := &v1alpha1.ApplicationSet{Spec: v1alpha1.ApplicationSetSpec{Generators: tt.gens}}
			if got := AppSetMatches(set, push); got != tt.want {
				t.Errorf("AppSetMatches = %v, want %v", got, tt.want)
			}
		})
	}
}
