package v1alpha1_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// rolloutFixtures are Argo Rollouts objects as users and the Rollouts
// controller write them, one or more per kind. Unlike fixtures they do not
// set every field: they are real-world shapes, checked field by field
// against Argo Rollouts' types by the JSON comparison in the golden test.
var rolloutFixtures = []struct {
	file string
	typ  any
}{
	{"testdata/rollout-canary.yaml", &v1alpha1.Rollout{}},
	{"testdata/rollout-bluegreen.yaml", &v1alpha1.Rollout{}},
	{"testdata/analysistemplate.yaml", &v1alpha1.AnalysisTemplate{}},
	{"testdata/clusteranalysistemplate.yaml", &v1alpha1.ClusterAnalysisTemplate{}},
	{"testdata/analysisrun.yaml", &v1alpha1.AnalysisRun{}},
	{"testdata/experiment.yaml", &v1alpha1.Experiment{}},
}

// Given each Rollouts fixture, when it is decoded strictly into the Go
// types and encoded again, then every value the user wrote comes back
// unchanged. The only keys the encoding may add are empty ones ({} or
// null): Go writes struct fields that cannot be omitted, as Argo Rollouts'
// own types do (for example status.canary: {}).
func TestRolloutFixturesRoundTrip(t *testing.T) {
	for _, f := range rolloutFixtures {
		t.Run(f.file, func(t *testing.T) {
			in := readFixture(t, f.file)
			dec := json.NewDecoder(bytes.NewReader(in))
			dec.DisallowUnknownFields()
			obj := reflect.New(reflect.TypeOf(f.typ).Elem()).Interface()
			if err := dec.Decode(obj); err != nil {
				t.Fatalf("strict decode: %v", err)
			}
			out, err := json.Marshal(obj)
			if err != nil {
				t.Fatal(err)
			}
			var want, got any
			if err := json.Unmarshal(in, &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatal(err)
			}
			for _, d := range jsonDiff("", want, got) {
				t.Error(d)
			}
		})
	}
}

// jsonDiff lists where got differs from want, allowing got extra keys
// whose values are empty.
func jsonDiff(path string, want, got any) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: got %v, want an object", path, got)}
		}
		var diffs []string
		keys := make([]string, 0, len(w)+len(g))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			wv, inWant := w[k]
			gv, inGot := g[k]
			switch {
			case !inGot:
				diffs = append(diffs, fmt.Sprintf("%s.%s: lost (was %v)", path, k, wv))
			case !inWant && !empty(gv):
				diffs = append(diffs, fmt.Sprintf("%s.%s: added %v", path, k, gv))
			case inWant:
				diffs = append(diffs, jsonDiff(path+"."+k, wv, gv)...)
			}
		}
		return diffs
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: got %v, want %v", path, got, want)}
		}
		var diffs []string
		for i := range w {
			diffs = append(diffs, jsonDiff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i])...)
		}
		return diffs
	}
	if !reflect.DeepEqual(want, got) {
		return []string{fmt.Sprintf("%s: got %v, want %v", path, got, want)}
	}
	return nil
}

// empty reports whether v is null or an object of empty values.
func empty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case map[string]any:
		for _, e := range v {
			if !empty(e) {
				return false
			}
		}
		return true
	}
	return false
}
