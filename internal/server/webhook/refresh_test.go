package webhook

import (
	"context"
	"encoding/hex"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// newApp creates an Application reading repo at rev and path, with the
// manifest-generate-paths annotation when paths is not empty.
func newApp(t *testing.T, ns, name, repo, rev, path, paths string) {
	t.Helper()
	a := &v1alpha1.Application{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.ApplicationSpec{
			Project:     "default",
			Source:      &v1alpha1.ApplicationSource{RepoURL: repo, TargetRevision: rev, Path: path},
			Destination: v1alpha1.ApplicationDestination{Server: "https://kubernetes.default.svc", Namespace: "default"},
		},
	}
	if paths != "" {
		a.Annotations = map[string]string{ManifestGeneratePathsAnnotation: paths}
	}
	create(t, a)
}

func newSet(t *testing.T, ns, name, repo, rev string) {
	t.Helper()
	create(t, &v1alpha1.ApplicationSet{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.ApplicationSetSpec{
			Generators: []v1alpha1.ApplicationSetGenerator{{Matrix: &v1alpha1.MatrixGenerator{
				Generators: []v1alpha1.ApplicationSetNestedGenerator{
					{List: &v1alpha1.ListGenerator{}},
					{Git: &v1alpha1.GitGenerator{RepoURL: repo, Revision: rev, Directories: []v1alpha1.GitDirectoryGeneratorItem{{Path: "apps/*"}}}},
				},
			}}},
			Template: v1alpha1.ApplicationSetTemplate{
				ApplicationSetTemplateMeta: v1alpha1.ApplicationSetTemplateMeta{Name: "{{.path.basename}}"},
				Spec: v1alpha1.ApplicationSpec{Project: "default",
					Source:      &v1alpha1.ApplicationSource{RepoURL: repo, TargetRevision: rev, Path: "{{.path.path}}"},
					Destination: v1alpha1.ApplicationDestination{Server: "https://kubernetes.default.svc", Namespace: "default"}},
			},
		},
	})
}

// refreshed are the objects of kind list in namespaces that carry key.
func refreshed(t *testing.T, key string, list client.ObjectList, namespaces ...string) []string {
	t.Helper()
	var out []string
	for _, ns := range namespaces {
		if err := env.Client.List(context.Background(), list, client.InNamespace(ns)); err != nil {
			t.Fatal(err)
		}
		switch l := list.(type) {
		case *v1alpha1.ApplicationList:
			for _, a := range l.Items {
				if _, ok := a.Annotations[key]; ok {
					out = append(out, a.Namespace+"/"+a.Name)
				}
			}
		case *v1alpha1.ApplicationSetList:
			for _, s := range l.Items {
				if _, ok := s.Annotations[key]; ok {
					out = append(out, s.Namespace+"/"+s.Name)
				}
			}
		}
	}
	return out
}

// Given Applications and ApplicationSets on one repository, on other
// paths, branches and repositories, and in namespaces the controllers do
// not watch, and a GitHub secret in argocd-secret,
// when a push to main touching apps/a/x.yaml arrives with a bad or no
// signature, then it is refused with 401 and nothing changes;
// when it arrives signed, then exactly the apps and sets it concerns carry
// the refresh annotation, and the answer names them.
func TestGitHubPushRefreshesMatchingApps(t *testing.T) {
	ns, more, unwatched := namespace(t, "webhook"), namespace(t, "webhook-apps"), namespace(t, "webhook-other")
	const secret = "gh-s3cret"
	create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: SecretName, Namespace: ns},
		Data: map[string][]byte{"webhook.github.secret": []byte(secret)}})
	const repo = "https://github.com/acme/platform.git"
	newApp(t, ns, "a", repo, "main", "apps/a", ".")
	newApp(t, ns, "head-ssh", "git@github.com:acme/platform.git", "HEAD", "apps/c", "")
	newApp(t, ns, "b-paths", repo, "main", "apps/b", ".")
	newApp(t, ns, "a-dev", repo, "dev", "apps/a", "")
	newApp(t, ns, "other-repo", "https://github.com/acme/other.git", "main", "apps/a", "")
	newApp(t, more, "a", "https://github.com/acme/platform", "refs/heads/main", "apps", "a")
	newApp(t, unwatched, "a", repo, "main", "apps/a", "")
	newSet(t, ns, "set-main", repo, "main")
	newSet(t, ns, "set-dev", repo, "dev")
	newSet(t, more, "set-main", repo, "main") // sets are read from Argo CD's namespace only

	s := server(t, Options{Namespace: ns, ApplicationNamespaces: []string{more}})
	body := fixture(t, "github-push.json")
	all := []string{ns, more, unwatched}

	for name, h := range map[string]http.Header{
		"bad signature": headers("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256="+hex.EncodeToString(Sign([]byte("wrong"), body))),
		"no signature":  headers("X-GitHub-Event", "push"),
	} {
		status, res := post(t, s, body, h)
		if status != http.StatusUnauthorized {
			t.Errorf("%s: status %d (%+v), want 401", name, status, res)
		}
		if got := refreshed(t, RefreshAnnotation, &v1alpha1.ApplicationList{}, all...); len(got) != 0 {
			t.Errorf("%s: applications refreshed: %v", name, got)
		}
		if got := refreshed(t, AppSetRefreshAnnotation, &v1alpha1.ApplicationSetList{}, all...); len(got) != 0 {
			t.Errorf("%s: applicationsets refreshed: %v", name, got)
		}
	}

	signed := headers("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256="+hex.EncodeToString(Sign([]byte(secret), body)))
	status, res := post(t, s, body, signed)
	if status != http.StatusOK {
		t.Fatalf("signed push: status %d (%+v), want 200", status, res)
	}
	wantApps := []string{more + "/a", ns + "/a", ns + "/head-ssh"}
	if d := cmp.Diff(wantApps, refreshed(t, RefreshAnnotation, &v1alpha1.ApplicationList{}, all...), sortStrings); d != "" {
		t.Errorf("applications carrying %s (-want +got):\n%s", RefreshAnnotation, d)
	}
	wantSets := []string{ns + "/set-main"}
	if d := cmp.Diff(wantSets, refreshed(t, AppSetRefreshAnnotation, &v1alpha1.ApplicationSetList{}, all...)); d != "" {
		t.Errorf("applicationsets carrying %s (-want +got):\n%s", AppSetRefreshAnnotation, d)
	}
	want := Refreshed{Applications: wantApps, ApplicationSets: wantSets}
	if d := cmp.Diff(want, res.Refreshed, sortStrings); d != "" {
		t.Errorf("answer (-want +got):\n%s", d)
	}
	a := &v1alpha1.Application{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "a"}, a); err != nil {
		t.Fatal(err)
	}
	if a.Annotations[RefreshAnnotation] != "normal" || a.Annotations[ManifestGeneratePathsAnnotation] != "." {
		t.Errorf("annotations of %s/a: %v, want refresh normal beside the others", ns, a.Annotations)
	}

	ping := headers("X-GitHub-Event", "ping", "X-Hub-Signature-256", "sha256="+hex.EncodeToString(Sign([]byte(secret), fixture(t, "github-ping.json"))))
	if status, res := post(t, s, fixture(t, "github-ping.json"), ping); status != http.StatusOK || res.Ignored != "ping" {
		t.Errorf("ping: status %d, answer %+v; want 200, ignored", status, res)
	}
}

var sortStrings = cmpopts.SortSlices(func(a, b string) bool { return a < b })
