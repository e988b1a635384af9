package generators

import (
	"context"
	"encoding/json"
	"io/fs"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git"
)

// gitEnv is an Env whose Git reads through a real Git cache, as the
// controller does.
func gitEnv(t *testing.T) *Env {
	t.Helper()
	gc, err := git.NewCache(git.CacheOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return &Env{Git: func(ctx context.Context, url, rev string) (fs.FS, string, error) {
		r, err := gc.Repo(url)
		if err != nil {
			return nil, "", err
		}
		sha, err := r.Resolve(ctx, rev, git.Credentials{}, git.FetchOptions{})
		if err != nil {
			return nil, "", err
		}
		tree, err := r.FS(sha)
		if err != nil {
			return nil, "", err
		}
		return tree, sha, nil
	}}
}

// appSet is an ApplicationSet with the template language and annotations.
func appSet(goTemplate bool, annotations map[string]string) *v1alpha1.ApplicationSet {
	return &v1alpha1.ApplicationSet{
		ObjectMeta: metav1.ObjectMeta{Name: "platform", Namespace: "argocd", Annotations: annotations},
		Spec:       v1alpha1.ApplicationSetSpec{GoTemplate: goTemplate},
	}
}

// generate runs one generator through Generate, the selector included.
func generate(t *testing.T, g v1alpha1.ApplicationSetGenerator, set *v1alpha1.ApplicationSet, env *Env) ([]Params, error) {
	t.Helper()
	if env == nil {
		env = &Env{}
	}
	res, err := Generate(context.Background(), 0, &g, set, env)
	if err != nil {
		return nil, err
	}
	return res.Params, nil
}

// mustGenerate fails the test on an error and compares with want.
func mustGenerate(t *testing.T, g v1alpha1.ApplicationSetGenerator, set *v1alpha1.ApplicationSet, env *Env, want []Params) {
	t.Helper()
	got, err := generate(t, g, set, env)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("params (-want +got):\n%s", d)
	}
}

// rawJSON encodes v for the generators' JSON fields.
func rawJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
