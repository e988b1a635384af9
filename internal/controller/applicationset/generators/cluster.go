package generators

import (
	"context"
	"fmt"
	"slices"
	"sort"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/applicationset/template"
)

func init() {
	register("clusters", func(g *v1alpha1.ApplicationSetGenerator) bool { return g.Clusters != nil }, clusterGenerator{})
}

// clusterGenerator yields one parameter set per registered cluster whose
// Secret's labels the selector matches (Argo CD's Generators-Cluster.md).
//
// The implicit in-cluster destination (the one without a Secret) is
// included only when the selector is empty, since it has no labels to
// match. Each set has name, nameNormalized, server and project; the
// Secret's labels and annotations as metadata.labels.<key> and
// metadata.annotations.<key> (a nested metadata map with goTemplate); and
// the generator's values rendered per cluster. Clusters with Secrets come
// first, by name then server, then the implicit one, as Argo CD lists it
// last. flatList yields a single set, {clusters: [every set]}.
type clusterGenerator struct{}

func (clusterGenerator) Generate(ctx context.Context, g *v1alpha1.ApplicationSetGenerator, set *v1alpha1.ApplicationSet, env *Env) ([]Params, error) {
	c := g.Clusters
	if env.Clusters == nil {
		return nil, fmt.Errorf("list clusters: %w", ErrNotConfigured)
	}
	all, err := env.Clusters(ctx)
	if err != nil {
		return nil, fmt.Errorf("list clusters: %w", err)
	}
	sel, err := metav1.LabelSelectorAsSelector(&c.Selector)
	if err != nil {
		return nil, fmt.Errorf("selector: %w", err)
	}
	selecting := len(c.Selector.MatchLabels) > 0 || len(c.Selector.MatchExpressions) > 0

	var withSecret, implicit []Cluster
	for _, cl := range all {
		switch {
		case cl.SecretName == "":
			if !selecting {
				implicit = append(implicit, cl)
			}
		case sel.Matches(labels.Set(cl.Labels)):
			withSecret = append(withSecret, cl)
		}
	}
	implicit = slices.DeleteFunc(implicit, func(in Cluster) bool {
		// A Secret for the in-cluster server replaces the implicit entry.
		return slices.ContainsFunc(all, func(cl Cluster) bool { return cl.SecretName != "" && cl.Server == in.Server })
	})
	sort.SliceStable(withSecret, func(i, j int) bool {
		if withSecret[i].Name != withSecret[j].Name {
			return withSecret[i].Name < withSecret[j].Name
		}
		return withSecret[i].Server < withSecret[j].Server
	})

	o := optionsOf(set)
	out := []Params{}
	for _, cl := range append(withSecret, implicit...) {
		p := clusterParams(cl, o)
		if err := appendValues(c.Values, p, o); err != nil {
			return nil, fmt.Errorf("cluster %s: %w", cl.Name, err)
		}
		out = append(out, p)
	}
	if c.FlatList {
		list := make([]any, len(out))
		for i, p := range out {
			list[i] = p
		}
		return []Params{{"clusters": list}}, nil
	}
	return out, nil
}

// clusterParams are a cluster's own parameters, before values.
func clusterParams(cl Cluster, o template.Options) Params {
	p := Params{
		"name":           cl.Name,
		"nameNormalized": Normalize(cl.Name),
		"server":         cl.Server,
		"project":        cl.Project,
	}
	if cl.SecretName == "" {
		return p // no Secret: no metadata, as in Argo CD
	}
	if o.GoTemplate {
		meta := map[string]any{}
		if len(cl.Labels) > 0 {
			meta["labels"] = stringMap(cl.Labels)
		}
		if len(cl.Annotations) > 0 {
			meta["annotations"] = stringMap(cl.Annotations)
		}
		p["metadata"] = meta
		return p
	}
	for k, v := range cl.Labels {
		p["metadata.labels."+k] = v
	}
	for k, v := range cl.Annotations {
		p["metadata.annotations."+k] = v
	}
	return p
}
