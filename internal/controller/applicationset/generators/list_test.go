package generators

import (
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func listOf(t *testing.T, elements ...any) *v1alpha1.ListGenerator {
	l := &v1alpha1.ListGenerator{}
	for _, e := range elements {
		l.Elements = append(l.Elements, apiextensionsv1.JSON{Raw: rawJSON(t, e)})
	}
	return l
}

func TestList(t *testing.T) {
	element := map[string]any{
		"cluster": "engineering-dev", "url": "https://kubernetes.default.svc",
		"values": map[string]any{"tier": "gold"},
	}
	tests := []struct {
		name       string
		goTemplate bool
		list       *v1alpha1.ListGenerator
		want       []Params
		wantErr    string
	}{{
		name: "default language: strings, values flattened",
		list: listOf(t, element, map[string]any{"staging": "true"}),
		want: []Params{
			{"cluster": "engineering-dev", "url": "https://kubernetes.default.svc", "values.tier": "gold"},
			{"staging": "true"},
		},
	}, {
		name:       "goTemplate: elements as they are",
		goTemplate: true,
		list:       listOf(t, map[string]any{"name": "api", "replicas": 3, "tags": []any{"a", "b"}, "values": map[string]any{"tier": "gold"}}),
		want: []Params{{
			"name": "api", "replicas": float64(3), "tags": []any{"a", "b"},
			"values": map[string]any{"tier": "gold"},
		}},
	}, {
		name:    "default language: a number is an error naming the key",
		list:    listOf(t, map[string]any{"cluster": "dev"}, map[string]any{"replicas": 3}),
		wantErr: `element 1: "replicas" is a number (3), not a string`,
	}, {
		name:    "default language: a value that is not a string",
		list:    listOf(t, map[string]any{"values": map[string]any{"on": true}}),
		wantErr: `element 0: values.on is a boolean (true), not a string`,
	}, {
		name: "elementsYaml appended, as they are",
		list: func() *v1alpha1.ListGenerator {
			l := listOf(t, map[string]any{"name": "first"})
			l.ElementsYaml = "- name: second\n  version: \"6.3.2\"\n- name: third\n  replicas: 2\n"
			return l
		}(),
		want: []Params{{"name": "first"}, {"name": "second", "version": "6.3.2"}, {"name": "third", "replicas": float64(2)}},
	}, {
		name:    "elementsYaml that is not a list",
		list:    &v1alpha1.ListGenerator{ElementsYaml: "name: x"},
		wantErr: "elementsYaml: not a list of objects",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := v1alpha1.ApplicationSetGenerator{List: tt.list}
			if tt.wantErr != "" {
				_, err := generate(t, g, appSet(tt.goTemplate, nil), nil)
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			mustGenerate(t, g, appSet(tt.goTemplate, nil), nil, tt.want)
		})
	}
}

func TestListSelector(t *testing.T) {
	g := v1alpha1.ApplicationSetGenerator{
		List: listOf(t,
			map[string]any{"env": "staging", "values": map[string]any{"region": "eu"}},
			map[string]any{"env": "production", "values": map[string]any{"region": "eu"}},
			map[string]any{"env": "production", "values": map[string]any{"region": "us"}}),
		Selector: &metav1.LabelSelector{
			MatchLabels:      map[string]string{"env": "production"},
			MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "values.region", Operator: metav1.LabelSelectorOpIn, Values: []string{"eu"}}},
		},
	}
	mustGenerate(t, g, appSet(false, nil), nil, []Params{{"env": "production", "values.region": "eu"}})
}
