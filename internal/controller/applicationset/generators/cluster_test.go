package generators

import (
	"context"
	"errors"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

const inClusterServer = "https://kubernetes.default.svc"

// clustersEnv lists the implicit in-cluster entry and two cluster Secrets.
func clustersEnv() *Env {
	return &Env{Clusters: func(context.Context) ([]Cluster, error) {
		return []Cluster{
			{Name: "in-cluster", Server: inClusterServer},
			{
				Name: "Prod_EU", Server: "https://prod-eu.example.com", SecretName: "cluster-prod-eu", Project: "platform",
				Labels:      map[string]string{"env": "production", "argocd.argoproj.io/secret-type": "cluster"},
				Annotations: map[string]string{"team": "sre"},
			},
			{
				Name: "dev", Server: "https://dev.example.com", SecretName: "cluster-dev",
				Labels: map[string]string{"env": "staging", "argocd.argoproj.io/secret-type": "cluster"},
			},
		}, nil
	}}
}

func TestClusters(t *testing.T) {
	dev := Params{
		"name": "dev", "nameNormalized": "dev", "server": "https://dev.example.com", "project": "",
		"metadata.labels.env": "staging", "metadata.labels.argocd.argoproj.io/secret-type": "cluster",
	}
	prod := Params{
		"name": "Prod_EU", "nameNormalized": "prod-eu", "server": "https://prod-eu.example.com", "project": "platform",
		"metadata.labels.env": "production", "metadata.labels.argocd.argoproj.io/secret-type": "cluster",
		"metadata.annotations.team": "sre",
	}
	inCluster := Params{"name": "in-cluster", "nameNormalized": "in-cluster", "server": inClusterServer, "project": ""}
	tests := []struct {
		name       string
		goTemplate bool
		gen        v1alpha1.ClusterGenerator
		want       []Params
	}{{
		name: "empty selector: every cluster, the implicit one last",
		want: []Params{prod, dev, inCluster},
	}, {
		name: "selector: Secrets only, never the implicit entry",
		gen: v1alpha1.ClusterGenerator{Selector: metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: "env", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"staging"}},
		}}},
		want: []Params{prod},
	}, {
		name: "values templated per cluster",
		gen: v1alpha1.ClusterGenerator{
			Selector: metav1.LabelSelector{MatchLabels: map[string]string{"env": "staging"}},
			Values:   map[string]string{"revision": "{{metadata.labels.env}}-{{name}}", "fixed": "x"},
		},
		want: []Params{{
			"name": "dev", "nameNormalized": "dev", "server": "https://dev.example.com", "project": "",
			"metadata.labels.env": "staging", "metadata.labels.argocd.argoproj.io/secret-type": "cluster",
			"values.revision": "staging-dev", "values.fixed": "x",
		}},
	}, {
		name:       "goTemplate: nested metadata and values",
		goTemplate: true,
		gen: v1alpha1.ClusterGenerator{
			Selector: metav1.LabelSelector{MatchLabels: map[string]string{"env": "production"}},
			Values:   map[string]string{"team": "{{ .metadata.annotations.team }}"},
		},
		want: []Params{{
			"name": "Prod_EU", "nameNormalized": "prod-eu", "server": "https://prod-eu.example.com", "project": "platform",
			"metadata": map[string]any{
				"labels":      map[string]any{"env": "production", "argocd.argoproj.io/secret-type": "cluster"},
				"annotations": map[string]any{"team": "sre"},
			},
			"values": map[string]any{"team": "sre"},
		}},
	}, {
		name: "flatList: one set holding every cluster",
		gen: v1alpha1.ClusterGenerator{
			FlatList: true,
			Selector: metav1.LabelSelector{MatchLabels: map[string]string{"argocd.argoproj.io/secret-type": "cluster"}},
		},
		want: []Params{{"clusters": []any{prod, dev}}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gen := tt.gen
			mustGenerate(t, v1alpha1.ApplicationSetGenerator{Clusters: &gen}, appSet(tt.goTemplate, nil), clustersEnv(), tt.want)
		})
	}
}

func TestClustersInClusterSecretReplacesImplicit(t *testing.T) {
	env := &Env{Clusters: func(context.Context) ([]Cluster, error) {
		return []Cluster{
			{Name: "in-cluster", Server: inClusterServer},
			{Name: "local", Server: inClusterServer, SecretName: "cluster-local"},
		}, nil
	}}
	mustGenerate(t, v1alpha1.ApplicationSetGenerator{Clusters: &v1alpha1.ClusterGenerator{}}, appSet(false, nil), env,
		[]Params{{"name": "local", "nameNormalized": "local", "server": inClusterServer, "project": ""}})
}

func TestClustersErrors(t *testing.T) {
	failing := &Env{Clusters: func(context.Context) ([]Cluster, error) {
		return nil, errors.New("secrets is forbidden")
	}}
	for name, env := range map[string]*Env{"list fails": failing, "no cluster source": {}} {
		t.Run(name, func(t *testing.T) {
			_, err := generate(t, v1alpha1.ApplicationSetGenerator{Clusters: &v1alpha1.ClusterGenerator{}}, appSet(false, nil), env)
			if err == nil || !strings.Contains(err.Error(), "list clusters") {
				t.Fatalf("error = %v", err)
			}
		})
	}
}
