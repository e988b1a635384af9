package generators

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func init() {
	register("merge", func(g *v1alpha1.ApplicationSetGenerator) bool { return g.Merge != nil }, mergeGenerator{})
}

// mergeGenerator merges the sets of two or more generators on mergeKeys
// (Argo CD's Generators-Merge.md): the first generator's sets are the
// base, in their order; a set of a later generator whose mergeKeys values
// equal a base set's overrides that set's parameters (with goTemplate,
// nested maps key by key). Sets of later generators that match no base
// set are dropped; two sets of one generator with the same mergeKeys
// values are an error naming them. A child may be a matrix or merge, one
// level deep.
//
// A merge key is a parameter name: a flattened one ("values.selector")
// in the default language; with goTemplate a top-level key, or a dotted
// path into nested maps (an extension: Argo CD reads top-level keys only).
type mergeGenerator struct{}

func (m mergeGenerator) Generate(ctx context.Context, g *v1alpha1.ApplicationSetGenerator, set *v1alpha1.ApplicationSet, env *Env) ([]Params, error) {
	return m.generateAt(ctx, g, set, env, 0)
}

func (mergeGenerator) generateAt(ctx context.Context, g *v1alpha1.ApplicationSetGenerator, set *v1alpha1.ApplicationSet, env *Env, depth int) ([]Params, error) {
	mg := g.Merge
	if len(mg.Generators) < 2 {
		return nil, fmt.Errorf("a merge takes two generators or more, this one has %d", len(mg.Generators))
	}
	if len(mg.MergeKeys) == 0 {
		return nil, fmt.Errorf("mergeKeys is empty: a merge needs at least one")
	}
	var base []Params
	var index map[string]int
	for i, child := range mg.Generators {
		sets, err := generateChild(ctx, child, set, env, nil, depth)
		if err != nil {
			return nil, fmt.Errorf("generator %d: %w", i, err)
		}
		keyed, err := keyBy(mg.MergeKeys, sets)
		if err != nil {
			return nil, fmt.Errorf("generator %d: %w", i, err)
		}
		if i == 0 {
			base = make([]Params, len(sets))
			for j, p := range sets {
				base[j] = copyParams(p)
			}
			index = keyed
			continue
		}
		override := combiner{srcWins: true, loose: !set.Spec.GoTemplate}
		for key, j := range keyed {
			b, ok := index[key]
			if !ok {
				continue
			}
			if set.Spec.GoTemplate {
				if err := override.overlay(base[b], sets[j], ""); err != nil {
					return nil, fmt.Errorf("generator %d: set %d: %w", i, j, err)
				}
				continue
			}
			for k, v := range sets[j] {
				base[b][k] = v
			}
		}
	}
	return base, nil
}

// keyBy indexes sets by the JSON of their mergeKeys values.
func keyBy(mergeKeys []string, sets []Params) (map[string]int, error) {
	out := make(map[string]int, len(sets))
	for i, p := range sets {
		key := make(map[string]any, len(mergeKeys))
		for _, k := range mergeKeys {
			key[k] = lookup(p, k)
		}
		b, err := json.Marshal(key)
		if err != nil {
			return nil, fmt.Errorf("set %d: mergeKeys values: %w", i, err)
		}
		if j, dup := out[string(b)]; dup {
			return nil, fmt.Errorf("sets %d and %d have the same mergeKeys values %s: a merge needs them unique", j, i, b)
		}
		out[string(b)] = i
	}
	return out, nil
}

// lookup is a parameter by name: the key itself, else a dotted path into
// nested maps.
func lookup(p Params, name string) any {
	if v, ok := p[name]; ok {
		return v
	}
	var cur any = map[string]any(p)
	for _, part := range strings.Split(name, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		if cur, ok = m[part]; !ok {
			return nil
		}
	}
	return cur
}
