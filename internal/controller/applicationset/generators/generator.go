// Package generators yields the parameter sets of an ApplicationSet's
// generators, one file per generator kind, with Argo CD v3's parameter
// names and semantics (applicationset/generators in Argo CD). A generator
// reads the world only through Env, so the controller and `tiphys appset
// generate` (offline) run the same code.
package generators

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/applicationset/template"
)

// Params is one parameter set (see template.Params).
type Params = template.Params

// Cluster is a registered cluster as the clusters generator sees it: the
// implicit in-cluster one and those of cluster Secrets.
type Cluster struct {
	// Name and Server of the cluster.
	Name, Server string
	// Labels and Annotations are the cluster Secret's (none for the
	// implicit in-cluster entry).
	Labels, Annotations map[string]string
	// SecretName is the Secret's name ("" for the implicit in-cluster entry).
	SecretName string
	// Project is the Secret's project key.
	Project string
}

// Env is what generators read besides the ApplicationSet. A nil function
// makes the generators that need it fail with an error naming it.
type Env struct {
	// Git opens a repository at a revision: the tree (rooted at the
	// repository) and the resolved commit.
	Git func(ctx context.Context, repoURL, revision string) (fs.FS, string, error)
	// Clusters lists the registered clusters, the in-cluster one included.
	Clusters func(ctx context.Context) ([]Cluster, error)
	// Secret reads a key of a Secret in the ApplicationSet's namespace.
	Secret func(ctx context.Context, name, key string) (string, error)
	// ConfigMap reads a ConfigMap of the controller's namespace.
	ConfigMap func(ctx context.Context, name string) (map[string]string, error)
	// Resources lists the objects of a resource (group/version/resource
	// as "apps/v1/deployments", "v1/configmaps") in the ApplicationSet's
	// namespace: by name when name is set, else by label selector.
	Resources func(ctx context.Context, resource, name, selector string) ([]map[string]any, error)
	// HTTP is the client of plugins and SCM APIs (default http.DefaultClient).
	HTTP *http.Client
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// ErrNotConfigured is the cause when Env lacks what a generator needs.
var ErrNotConfigured = errors.New("not available here")

// Generator is one kind of generator.
type Generator interface {
	// Generate returns the parameter sets of g for the set, in a stable
	// order. An error fails the whole generator: the caller changes no
	// Application because of it.
	Generate(ctx context.Context, g *v1alpha1.ApplicationSetGenerator, set *v1alpha1.ApplicationSet, env *Env) ([]Params, error)
}

// Result is one generator's parameter sets with the template override it
// carries (empty when none).
type Result struct {
	Params   []Params
	Template v1alpha1.ApplicationSetTemplate
	// RequeueAfter is when the generator wants to run again (0: on changes only).
	RequeueAfter time.Duration
}

// kinds maps a generator to its implementation; each file registers its own.
var kinds []kind

type kind struct {
	name string
	set  func(g *v1alpha1.ApplicationSetGenerator) bool
	gen  Generator
}

// register adds a generator kind: set reports whether g is of it.
func register(name string, set func(g *v1alpha1.ApplicationSetGenerator) bool, gen Generator) {
	kinds = append(kinds, kind{name: name, set: set, gen: gen})
}

// Generate runs one generator of a set, then its selector. The error
// names the generator (by its kind and position given as index).
func Generate(ctx context.Context, index int, g *v1alpha1.ApplicationSetGenerator, set *v1alpha1.ApplicationSet, env *Env) (*Result, error) {
	var set2 []string
	for _, k := range kinds {
		if k.set(g) {
			set2 = append(set2, k.name)
		}
	}
	// Argo CD runs every kind an entry sets; one entry, one kind is safer:
	// a second kind added by mistake would otherwise change the set.
	if len(set2) > 1 {
		return nil, fmt.Errorf("generator %d sets %s: give each kind an entry of its own", index, strings.Join(set2, " and "))
	}
	for _, k := range kinds {
		if !k.set(g) {
			continue
		}
		params, err := k.gen.Generate(ctx, g, set, env)
		if err != nil {
			return nil, fmt.Errorf("generator %d (%s): %w", index, k.name, err)
		}
		params, err = selectParams(g, params)
		if err != nil {
			return nil, fmt.Errorf("generator %d (%s): selector: %w", index, k.name, err)
		}
		return &Result{Params: params, Template: templateOf(g), RequeueAfter: requeueAfter(g)}, nil
	}
	return nil, fmt.Errorf("generator %d: no generator set, or one of a kind this version does not know", index)
}
