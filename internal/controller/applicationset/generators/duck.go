package generators

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func init() {
	register("clusterDecisionResource", func(g *v1alpha1.ApplicationSetGenerator) bool { return g.ClusterDecisionResource != nil }, duckGenerator{})
}

// duckGenerator yields one parameter set per cluster decision listed in a
// duck-typed resource's status (Argo CD's Generators-Cluster-Decision-
// Resource.md). The ConfigMap configMapRef says which resource:
// apiVersion (group/version) and kind (the resource's plural name, as
// Argo CD passes it to the dynamic client), statusListKey (the status
// list, default "clusters") and matchKey (the decision field holding a
// cluster name). The resource is picked by name or by labelSelector,
// exactly one of them.
//
// Each decision whose matchKey names a registered cluster yields name and
// server of the cluster, then every field of the decision as a string
// (clusterName, reason...), then values as written (not templated, as in
// Argo CD). A resource without status yet yields nothing; decisions
// naming no known cluster are skipped. Resources are read in name order.
type duckGenerator struct{}

func (duckGenerator) Generate(ctx context.Context, g *v1alpha1.ApplicationSetGenerator, set *v1alpha1.ApplicationSet, env *Env) ([]Params, error) {
	d := g.ClusterDecisionResource
	if env.ConfigMap == nil || env.Resources == nil || env.Clusters == nil {
		return nil, fmt.Errorf("configMap %q: %w", d.ConfigMapRef, ErrNotConfigured)
	}
	cm, err := env.ConfigMap(ctx, d.ConfigMapRef)
	if err != nil {
		return nil, fmt.Errorf("configMap %q: %w", d.ConfigMapRef, err)
	}
	apiVersion, kind, matchKey := cm["apiVersion"], cm["kind"], cm["matchKey"]
	if !strings.Contains(strings.Trim(apiVersion, "/"), "/") || kind == "" || matchKey == "" {
		return nil, fmt.Errorf("configMap %q: needs apiVersion (group/version), kind (the resource's plural name) and matchKey", d.ConfigMapRef)
	}
	listKey := cm["statusListKey"]
	if listKey == "" {
		listKey = "clusters"
	}
	selecting := len(d.LabelSelector.MatchLabels) > 0 || len(d.LabelSelector.MatchExpressions) > 0
	if (d.Name == "") == !selecting {
		return nil, fmt.Errorf("set either name or labelSelector, not both nor neither")
	}
	resource := apiVersion + "/" + kind
	selector := ""
	if selecting {
		selector = metav1.FormatLabelSelector(&d.LabelSelector)
	}
	objs, err := env.Resources(ctx, resource, d.Name, selector)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", resource, err)
	}
	if len(objs) == 0 {
		return nil, fmt.Errorf("list %s: none named %q or matching %q", resource, d.Name, selector)
	}
	clusters, err := env.Clusters(ctx)
	if err != nil {
		return nil, fmt.Errorf("list clusters: %w", err)
	}
	sort.SliceStable(objs, func(i, j int) bool { return objName(objs[i]) < objName(objs[j]) })

	out := []Params{}
	for _, obj := range objs {
		decisions, err := decisionsOf(obj, listKey)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", resource, objName(obj), err)
		}
		for _, dec := range decisions {
			match := dec[matchKey]
			if match == nil || fmt.Sprint(match) == "" {
				continue
			}
			i := slices.IndexFunc(clusters, func(c Cluster) bool { return c.Name == fmt.Sprint(match) })
			if i < 0 {
				continue
			}
			p := Params{"name": clusters[i].Name, "server": clusters[i].Server}
			for k, v := range dec {
				p[k] = fmt.Sprintf("%v", v)
			}
			addValues(p, d.Values, set.Spec.GoTemplate)
			out = append(out, p)
		}
	}
	return out, nil
}

// decisionsOf is status.<listKey> of a resource: none without a status.
func decisionsOf(obj map[string]any, listKey string) ([]map[string]any, error) {
	status, _ := obj["status"].(map[string]any)
	raw, ok := status[listKey]
	if !ok || raw == nil {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, fmt.Errorf("status.%s is not a list", listKey)
	}
	out := make([]map[string]any, 0, len(list))
	for i, it := range list {
		m, ok := it.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("status.%s[%d] is not an object", listKey, i)
		}
		out = append(out, m)
	}
	return out, nil
}

func objName(obj map[string]any) string {
	meta, _ := obj["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	return name
}

// addValues adds values as written: values.<key>, or a values map.
func addValues(p Params, values map[string]string, goTemplate bool) {
	if len(values) == 0 {
		return
	}
	if goTemplate {
		p["values"] = stringMap(values)
		return
	}
	for k, v := range values {
		p["values."+k] = v
	}
}
