package v1alpha1_test

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// fixtures are the testdata files, one per kind, each setting every field.
var fixtures = []struct {
	file string
	typ  any
}{
	{"testdata/application.yaml", &v1alpha1.Application{}},
	{"testdata/applicationset.yaml", &v1alpha1.ApplicationSet{}},
	{"testdata/appproject.yaml", &v1alpha1.AppProject{}},
}

func readFixture(t *testing.T, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	j, err := yaml.YAMLToJSON(b)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return j
}

func unstructuredFixture(t *testing.T, file string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(readFixture(t, file)); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return u
}

// Every fixture decodes strictly into the Go types (no field the types lack),
// and together they set every field of every struct type, so the cluster
// round trip covers the whole API. (The Application fixture covers the
// ApplicationSpec that ApplicationSet templates share.)
func TestFixturesSetEveryField(t *testing.T) {
	var objs []any
	for _, f := range fixtures {
		dec := json.NewDecoder(bytes.NewReader(readFixture(t, f.file)))
		dec.DisallowUnknownFields()
		obj := reflect.New(reflect.TypeOf(f.typ).Elem()).Interface()
		if err := dec.Decode(obj); err != nil {
			t.Fatalf("%s: strict decode: %v", f.file, err)
		}
		objs = append(objs, obj)
	}
	if missing := unsetFields(objs...); len(missing) > 0 {
		t.Errorf("fields no fixture sets:\n  %v", missing)
	}
}

// unsetFields lists Type.Field of the v1alpha1 struct types reachable from
// the objects that are zero wherever they occur.
func unsetFields(objs ...any) []string {
	pkg := reflect.TypeOf(v1alpha1.Application{}).PkgPath()
	all, set := map[string]bool{}, map[string]bool{}
	var declare func(reflect.Type)
	declare = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || t.PkgPath() != pkg {
			return
		}
		for i := range t.NumField() {
			key := t.Name() + "." + t.Field(i).Name
			if all[key] {
				return
			}
			all[key] = true
			declare(t.Field(i).Type)
		}
	}
	var walk func(reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Map:
			for _, k := range v.MapKeys() {
				walk(v.MapIndex(k))
			}
		case reflect.Struct:
			t := v.Type()
			if t.PkgPath() != pkg {
				return
			}
			for i := range t.NumField() {
				if !v.Field(i).IsZero() {
					set[t.Name()+"."+t.Field(i).Name] = true
				}
				walk(v.Field(i))
			}
		}
	}
	for _, o := range objs {
		declare(reflect.TypeOf(o))
		walk(reflect.ValueOf(o))
	}
	var missing []string
	for k := range all {
		if !set[k] {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	return missing
}
