package generators

import (
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func TestMerge(t *testing.T) {
	clusters := &v1alpha1.ClusterGenerator{Values: map[string]string{"kafka": "true", "redis": "false"}}
	tests := []struct {
		name       string
		goTemplate bool
		merge      v1alpha1.MergeGenerator
		want       []Params
		wantErr    string
	}{{
		name: "clusters with overrides by server; unmatched overrides dropped",
		merge: v1alpha1.MergeGenerator{
			MergeKeys: []string{"server"},
			Generators: []v1alpha1.ApplicationSetNestedGenerator{
				{Clusters: clusters},
				{List: listOf(t,
					map[string]any{"server": "https://dev.example.com", "values": map[string]any{"redis": "true"}},
					map[string]any{"server": "https://gone.example.com", "values": map[string]any{"redis": "true"}})},
				{List: listOf(t, map[string]any{"server": inClusterServer, "values": map[string]any{"kafka": "false"}})},
			},
		},
		want: []Params{
			{
				"name": "Prod_EU", "nameNormalized": "prod-eu", "server": "https://prod-eu.example.com", "project": "platform",
				"metadata.labels.env": "production", "metadata.labels.argocd.argoproj.io/secret-type": "cluster",
				"metadata.annotations.team": "sre", "values.kafka": "true", "values.redis": "false",
			},
			{
				"name": "dev", "nameNormalized": "dev", "server": "https://dev.example.com", "project": "",
				"metadata.labels.env": "staging", "metadata.labels.argocd.argoproj.io/secret-type": "cluster",
				"values.kafka": "true", "values.redis": "true",
			},
			{"name": "in-cluster", "nameNormalized": "in-cluster", "server": inClusterServer, "project": "", "values.kafka": "false", "values.redis": "false"},
		},
	}, {
		name:       "goTemplate: two merge keys, nested maps merged key by key",
		goTemplate: true,
		merge: v1alpha1.MergeGenerator{
			MergeKeys: []string{"app", "env"},
			Generators: []v1alpha1.ApplicationSetNestedGenerator{
				{List: listOf(t,
					map[string]any{"app": "web", "env": "prod", "helm": map[string]any{"replicas": 2, "image": "web:1"}},
					map[string]any{"app": "web", "env": "dev", "helm": map[string]any{"replicas": 1, "image": "web:1"}})},
				{List: listOf(t, map[string]any{"app": "web", "env": "prod", "helm": map[string]any{"replicas": 5}})},
			},
		},
		want: []Params{
			{"app": "web", "env": "prod", "helm": map[string]any{"replicas": float64(5), "image": "web:1"}},
			{"app": "web", "env": "dev", "helm": map[string]any{"replicas": float64(1), "image": "web:1"}},
		},
	}, {
		name: "a nested matrix as a child",
		merge: v1alpha1.MergeGenerator{
			MergeKeys: []string{"env"},
			Generators: []v1alpha1.ApplicationSetNestedGenerator{
				{Matrix: &apiextensionsv1.JSON{Raw: rawJSON(t, map[string]any{"generators": []any{
					map[string]any{"list": map[string]any{"elements": []any{map[string]any{"env": "staging"}, map[string]any{"env": "production"}}}},
					map[string]any{"list": map[string]any{"elements": []any{map[string]any{"app": "web"}}}},
				}})}},
				{List: listOf(t, map[string]any{"env": "production", "replicas": "3"})},
			},
		},
		want: []Params{{"env": "staging", "app": "web"}, {"env": "production", "app": "web", "replicas": "3"}},
	}, {
		name: "duplicate merge key values",
		merge: v1alpha1.MergeGenerator{
			MergeKeys: []string{"env"},
			Generators: []v1alpha1.ApplicationSetNestedGenerator{
				{List: environments(t)},
				{List: listOf(t, map[string]any{"env": "staging"}, map[string]any{"env": "staging"})},
			},
		},
		wantErr: `generator 1: sets 0 and 1 have the same mergeKeys values {"env":"staging"}`,
	}, {
		name:    "no merge keys",
		merge:   v1alpha1.MergeGenerator{Generators: []v1alpha1.ApplicationSetNestedGenerator{{List: environments(t)}, {List: environments(t)}}},
		wantErr: "mergeKeys is empty",
	}, {
		name:    "one generator",
		merge:   v1alpha1.MergeGenerator{MergeKeys: []string{"env"}, Generators: []v1alpha1.ApplicationSetNestedGenerator{{List: environments(t)}}},
		wantErr: "a merge takes two generators or more, this one has 1",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			merge := tt.merge
			g := v1alpha1.ApplicationSetGenerator{Merge: &merge}
			if tt.wantErr != "" {
				_, err := generate(t, g, appSet(tt.goTemplate, nil), clustersEnv())
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			mustGenerate(t, g, appSet(tt.goTemplate, nil), clustersEnv(), tt.want)
		})
	}
}
