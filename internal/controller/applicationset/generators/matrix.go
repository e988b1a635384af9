package generators

import (
	"context"
	"fmt"
	"reflect"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func init() {
	register("matrix", func(g *v1alpha1.ApplicationSetGenerator) bool { return g.Matrix != nil }, matrixGenerator{})
}

// matrixGenerator yields the Cartesian product of two generators (Argo CD's
// Generators-Matrix.md): for each set of the first, in order, each set of
// the second, each pair combined into one set. The second generator is
// run once per set of the first, with that set's parameters rendered into
// its fields (a path, a revision, elementsYaml...); its values keep what
// only its own parameters resolve. A child may be a matrix or merge
// (its JSON in the nested generator), one level deep.
//
// A parameter both generators yield with different values is an error
// naming it (in the default language Argo CD fails too; with goTemplate it
// silently keeps the first's). The annotation tiphys.io/matrix-duplicate-
// keys: first restores Argo CD: with goTemplate the first's value wins and
// nested maps are merged key by key. Equal values are never a conflict.
type matrixGenerator struct{}

func (m matrixGenerator) Generate(ctx context.Context, g *v1alpha1.ApplicationSetGenerator, set *v1alpha1.ApplicationSet, env *Env) ([]Params, error) {
	return m.generateAt(ctx, g, set, env, 0)
}

func (matrixGenerator) generateAt(ctx context.Context, g *v1alpha1.ApplicationSetGenerator, set *v1alpha1.ApplicationSet, env *Env, depth int) ([]Params, error) {
	gens := g.Matrix.Generators
	if len(gens) != 2 {
		return nil, fmt.Errorf("a matrix takes exactly two generators, this one has %d", len(gens))
	}
	firstWins, err := switchOn(set, AnnotationMatrixDuplicateKeys, MatrixDuplicateKeysFirst)
	if err != nil {
		return nil, err
	}
	c := combiner{srcWins: firstWins && set.Spec.GoTemplate, loose: !set.Spec.GoTemplate}
	firsts, err := generateChild(ctx, gens[0], set, env, nil, depth)
	if err != nil {
		return nil, fmt.Errorf("generator 0: %w", err)
	}
	out := []Params{}
	for i, a := range firsts {
		seconds, err := generateChild(ctx, gens[1], set, env, a, depth)
		if err != nil {
			return nil, fmt.Errorf("generator 1 (for set %d of generator 0): %w", i, err)
		}
		for j, b := range seconds {
			p := copyParams(b)
			if err := c.overlay(p, a, ""); err != nil {
				return nil, fmt.Errorf("set %d of generator 0 and set %d of generator 1: %w", i, j, err)
			}
			out = append(out, p)
		}
	}
	return out, nil
}

// combiner writes one parameter set over another.
type combiner struct {
	// srcWins keeps the written set's value of a leaf both hold; else
	// different values are an error naming the parameter.
	srcWins bool
	// loose compares values in their string form (the default language,
	// where Argo CD compares them so).
	loose bool
}

// overlay writes src's parameters over dst: nested maps are merged key by
// key; a leaf both hold with different values is an error naming it,
// unless srcWins.
func (c combiner) overlay(dst, src map[string]any, prefix string) error {
	for _, k := range sortedKeys(src) {
		sv := copyValue(src[k])
		dv, ok := dst[k]
		if !ok {
			dst[k] = sv
			continue
		}
		dm, dIsMap := dv.(map[string]any)
		sm, sIsMap := sv.(map[string]any)
		switch {
		case dIsMap && sIsMap:
			if err := c.overlay(dm, sm, joinKey(prefix, k)); err != nil {
				return err
			}
		case c.srcWins || reflect.DeepEqual(dv, sv) || c.loose && fmt.Sprint(dv) == fmt.Sprint(sv):
			dst[k] = sv
		default:
			return fmt.Errorf("both generators yield parameter %q, with different values (%v and %v): rename one (pathParamPrefix, values), or set the annotation %s: %s to keep the first's as Argo CD does with goTemplate",
				joinKey(prefix, k), sv, dv, AnnotationMatrixDuplicateKeys, MatrixDuplicateKeysFirst)
		}
	}
	return nil
}
