package project

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func TestCheckResource(t *testing.T) {
	deployment := schema.GroupKind{Group: "apps", Kind: "Deployment"}
	configMap := schema.GroupKind{Kind: "ConfigMap"}
	namespace := schema.GroupKind{Kind: "Namespace"}
	crd := schema.GroupKind{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}
	item := func(g, k, n string) v1alpha1.ClusterResourceRestrictionItem {
		return v1alpha1.ClusterResourceRestrictionItem{Group: g, Kind: k, Name: n}
	}
	for _, tc := range []struct {
		name       string
		spec       v1alpha1.AppProjectSpec
		gk         schema.GroupKind
		objName    string
		namespaced bool
		rule       string
		texts      []string
	}{
		{"namespaced, no whitelist allows all", v1alpha1.AppProjectSpec{}, deployment, "web", true, "", nil},
		{"namespaced, empty whitelist allows none", v1alpha1.AppProjectSpec{NamespaceResourceWhitelist: []metav1.GroupKind{}}, deployment, "web", true,
			RuleNamespaceResourceWhitelist, []string{`apps/Deployment "web"`, "namespaceResourceWhitelist is empty"}},
		{"namespaced, whitelisted", v1alpha1.AppProjectSpec{NamespaceResourceWhitelist: []metav1.GroupKind{{Group: "apps", Kind: "Deployment"}}}, deployment, "web", true, "", nil},
		{"namespaced, kind wildcard", v1alpha1.AppProjectSpec{NamespaceResourceWhitelist: []metav1.GroupKind{{Group: "", Kind: "*"}}}, configMap, "cfg", true, "", nil},
		{"namespaced, not whitelisted", v1alpha1.AppProjectSpec{NamespaceResourceWhitelist: []metav1.GroupKind{{Group: "", Kind: "*"}}}, deployment, "web", true,
			RuleNamespaceResourceWhitelist, []string{`apps/Deployment "web" is not in namespaceResourceWhitelist`}},
		{"namespaced, blacklisted", v1alpha1.AppProjectSpec{NamespaceResourceBlacklist: []metav1.GroupKind{{Group: "", Kind: "ConfigMap"}}}, configMap, "cfg", true,
			RuleNamespaceResourceBlacklist, []string{`ConfigMap "cfg" is in namespaceResourceBlacklist`}},
		{"namespaced, group wildcard in blacklist", v1alpha1.AppProjectSpec{NamespaceResourceBlacklist: []metav1.GroupKind{{Group: "*", Kind: "Deployment"}}}, deployment, "web", true,
			RuleNamespaceResourceBlacklist, nil},
		{"namespaced, whitelist then blacklist", v1alpha1.AppProjectSpec{
			NamespaceResourceWhitelist: []metav1.GroupKind{{Group: "*", Kind: "*"}},
			NamespaceResourceBlacklist: []metav1.GroupKind{{Group: "apps", Kind: "*"}}}, deployment, "web", true, RuleNamespaceResourceBlacklist, nil},
		{"cluster-scoped, no whitelist allows none", v1alpha1.AppProjectSpec{}, crd, "widgets.example.com", false,
			RuleClusterResourceWhitelist, []string{`apiextensions.k8s.io/CustomResourceDefinition "widgets.example.com"`, "clusterResourceWhitelist is empty"}},
		{"cluster-scoped, wildcards", v1alpha1.AppProjectSpec{ClusterResourceWhitelist: []v1alpha1.ClusterResourceRestrictionItem{item("*", "*", "")}}, crd, "w", false, "", nil},
		{"CreateNamespace's Namespace, not whitelisted", v1alpha1.AppProjectSpec{ClusterResourceWhitelist: []v1alpha1.ClusterResourceRestrictionItem{item("apiextensions.k8s.io", "*", "")}}, namespace, "team-a", false,
			RuleClusterResourceWhitelist, []string{`Namespace "team-a" is not in clusterResourceWhitelist`}},
		{"Namespace name glob allows", v1alpha1.AppProjectSpec{ClusterResourceWhitelist: []v1alpha1.ClusterResourceRestrictionItem{item("", "Namespace", "team-a-*")}}, namespace, "team-a-web", false, "", nil},
		{"Namespace name glob refuses", v1alpha1.AppProjectSpec{ClusterResourceWhitelist: []v1alpha1.ClusterResourceRestrictionItem{item("", "Namespace", "team-a-*")}}, namespace, "team-b", false,
			RuleClusterResourceWhitelist, []string{`Namespace "team-b"`}},
		{"cluster blacklist by name", v1alpha1.AppProjectSpec{
			ClusterResourceWhitelist: []v1alpha1.ClusterResourceRestrictionItem{item("", "Namespace", "")},
			ClusterResourceBlacklist: []v1alpha1.ClusterResourceRestrictionItem{item("", "Namespace", "kube-*")}}, namespace, "kube-system", false,
			RuleClusterResourceBlacklist, []string{`Namespace "kube-system" is in clusterResourceBlacklist`}},
		{"cluster blacklist by name leaves others", v1alpha1.AppProjectSpec{
			ClusterResourceWhitelist: []v1alpha1.ClusterResourceRestrictionItem{item("", "Namespace", "")},
			ClusterResourceBlacklist: []v1alpha1.ClusterResourceRestrictionItem{item("", "Namespace", "kube-*")}}, namespace, "team-a", false, "", nil},
		{"cluster lists ignore namespaced", v1alpha1.AppProjectSpec{ClusterResourceBlacklist: []v1alpha1.ClusterResourceRestrictionItem{item("*", "*", "")}}, deployment, "web", true, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantViolation(t, CheckResource(proj(tc.spec), tc.gk, tc.objName, tc.namespaced), tc.rule, tc.texts...)
		})
	}
}
