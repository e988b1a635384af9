package generators

import (
	"context"
	"errors"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// placements are two PlacementDecisions, listed out of name order; one
// names a cluster Tiphys does not know, one has no status yet.
func duckEnv(cm map[string]string) (*Env, *[]string) {
	var asked []string
	env := clustersEnv()
	env.ConfigMap = func(_ context.Context, name string) (map[string]string, error) {
		if name != "ocm-placement" {
			return nil, errors.New("not found")
		}
		return cm, nil
	}
	env.Resources = func(_ context.Context, resource, name, selector string) ([]map[string]any, error) {
		asked = append(asked, resource+" name="+name+" selector="+selector)
		return []map[string]any{
			{"metadata": map[string]any{"name": "placement-b"}, "status": map[string]any{"decisions": []any{
				map[string]any{"clusterName": "Prod_EU", "reason": "capacity", "weight": float64(3)},
			}}},
			{"metadata": map[string]any{"name": "placement-a"}, "status": map[string]any{"decisions": []any{
				map[string]any{"clusterName": "dev", "reason": "default"},
				map[string]any{"clusterName": "unknown", "reason": "default"},
				map[string]any{"reason": "no cluster"},
			}}},
			{"metadata": map[string]any{"name": "placement-c"}},
		}, nil
	}
	return env, &asked
}

var placementCM = map[string]string{
	"apiVersion": "cluster.open-cluster-management.io/v1beta1", "kind": "placementdecisions",
	"statusListKey": "decisions", "matchKey": "clusterName",
}

func TestClusterDecisionResource(t *testing.T) {
	tests := []struct {
		name       string
		goTemplate bool
		gen        v1alpha1.DuckTypeGenerator
		wantAsk    string
		want       []Params
	}{{
		name:    "by label selector, resources in name order, unknown clusters skipped",
		gen:     v1alpha1.DuckTypeGenerator{LabelSelector: metav1.LabelSelector{MatchLabels: map[string]string{"placement": "web"}}, Values: map[string]string{"tier": "{{name}}"}},
		wantAsk: "cluster.open-cluster-management.io/v1beta1/placementdecisions name= selector=placement=web",
		want: []Params{
			{"name": "dev", "server": "https://dev.example.com", "clusterName": "dev", "reason": "default", "values.tier": "{{name}}"},
			{"name": "Prod_EU", "server": "https://prod-eu.example.com", "clusterName": "Prod_EU", "reason": "capacity", "weight": "3", "values.tier": "{{name}}"},
		},
	}, {
		name:       "by name, goTemplate",
		goTemplate: true,
		gen:        v1alpha1.DuckTypeGenerator{Name: "placement-a", Values: map[string]string{"tier": "gold"}},
		wantAsk:    "cluster.open-cluster-management.io/v1beta1/placementdecisions name=placement-a selector=",
		want: []Params{
			{"name": "dev", "server": "https://dev.example.com", "clusterName": "dev", "reason": "default", "values": map[string]any{"tier": "gold"}},
			{"name": "Prod_EU", "server": "https://prod-eu.example.com", "clusterName": "Prod_EU", "reason": "capacity", "weight": "3", "values": map[string]any{"tier": "gold"}},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, asked := duckEnv(placementCM)
			gen := tt.gen
			gen.ConfigMapRef = "ocm-placement"
			mustGenerate(t, v1alpha1.ApplicationSetGenerator{ClusterDecisionResource: &gen}, appSet(tt.goTemplate, nil), env, tt.want)
			if len(*asked) != 1 || (*asked)[0] != tt.wantAsk {
				t.Fatalf("asked %v, want %q", *asked, tt.wantAsk)
			}
		})
	}
}

func TestClusterDecisionResourceErrors(t *testing.T) {
	byName := v1alpha1.DuckTypeGenerator{ConfigMapRef: "ocm-placement", Name: "placement-a"}
	tests := []struct {
		name    string
		cm      map[string]string
		gen     v1alpha1.DuckTypeGenerator
		env     func(*Env)
		wantErr string
	}{{
		name:    "ConfigMap without matchKey",
		cm:      map[string]string{"apiVersion": "a/v1", "kind": "things"},
		gen:     byName,
		wantErr: `configMap "ocm-placement": needs apiVersion (group/version), kind (the resource's plural name) and matchKey`,
	}, {
		name:    "ConfigMap missing",
		cm:      placementCM,
		gen:     v1alpha1.DuckTypeGenerator{ConfigMapRef: "other", Name: "x"},
		wantErr: `configMap "other": not found`,
	}, {
		name:    "neither name nor selector",
		cm:      placementCM,
		gen:     v1alpha1.DuckTypeGenerator{ConfigMapRef: "ocm-placement"},
		wantErr: "set either name or labelSelector",
	}, {
		name: "no resource found",
		cm:   placementCM,
		gen:  byName,
		env: func(e *Env) {
			e.Resources = func(context.Context, string, string, string) ([]map[string]any, error) { return nil, nil }
		},
		wantErr: `list cluster.open-cluster-management.io/v1beta1/placementdecisions: none named "placement-a"`,
	}, {
		name: "status list of the wrong type",
		cm:   placementCM,
		gen:  byName,
		env: func(e *Env) {
			e.Resources = func(context.Context, string, string, string) ([]map[string]any, error) {
				return []map[string]any{{"metadata": map[string]any{"name": "p"}, "status": map[string]any{"decisions": "dev"}}}, nil
			}
		},
		wantErr: "placementdecisions p: status.decisions is not a list",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _ := duckEnv(tt.cm)
			if tt.env != nil {
				tt.env(env)
			}
			gen := tt.gen
			_, err := generate(t, v1alpha1.ApplicationSetGenerator{ClusterDecisionResource: &gen}, appSet(false, nil), env)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}
