package project

import (
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func TestOrphanIgnored(t *testing.T) {
	p := proj(v1alpha1.AppProjectSpec{OrphanedResources: &v1alpha1.OrphanedResourcesMonitorSettings{
		Ignore: []v1alpha1.OrphanedResourceKey{
			{Kind: "ConfigMap", Name: "istio-*"},
			{Group: "cert-manager.io"},
			{Group: "apps", Kind: "Deploy*", Name: "legacy"},
		},
	}})
	for _, tc := range []struct {
		gk   schema.GroupKind
		name string
		want bool
	}{
		{schema.GroupKind{Kind: "ConfigMap"}, "istio-ca-root-cert", true},
		{schema.GroupKind{Kind: "ConfigMap"}, "app-config", false},
		{schema.GroupKind{Group: "cert-manager.io", Kind: "Certificate"}, "web", true},
		{schema.GroupKind{Group: "apps", Kind: "Deployment"}, "legacy", true},
		{schema.GroupKind{Group: "apps", Kind: "Deployment"}, "web", false},
		{schema.GroupKind{Group: "other", Kind: "ConfigMap"}, "istio-x", false}, // "" is the core group only
	} {
		if got := OrphanIgnored(p, tc.gk, tc.name); got != tc.want {
			t.Errorf("OrphanIgnored(%v, %q) = %v, want %v", tc.gk, tc.name, got, tc.want)
		}
	}
	if OrphanIgnored(proj(v1alpha1.AppProjectSpec{}), schema.GroupKind{Kind: "ConfigMap"}, "x") {
		t.Error("no orphanedResources ignores nothing")
	}
}

func TestNeverOrphaned(t *testing.T) {
	for _, tc := range []struct {
		gk        schema.GroupKind
		namespace string
		name      string
		want      bool
	}{
		{schema.GroupKind{Kind: "ServiceAccount"}, "web", "default", true},
		{schema.GroupKind{Kind: "ConfigMap"}, "web", "kube-root-ca.crt", true},
		{schema.GroupKind{Kind: "Service"}, "default", "kubernetes", true},
		{schema.GroupKind{Kind: "Service"}, "web", "kubernetes", false},
		{schema.GroupKind{Kind: "ServiceAccount"}, "web", "builder", false},
		{schema.GroupKind{Group: "x.io", Kind: "ConfigMap"}, "web", "kube-root-ca.crt", false},
	} {
		if got := NeverOrphaned(tc.gk, tc.namespace, tc.name); got != tc.want {
			t.Errorf("NeverOrphaned(%v, %q, %q) = %v, want %v", tc.gk, tc.namespace, tc.name, got, tc.want)
		}
	}
}

func TestWarnOrphans(t *testing.T) {
	yes, no := true, false
	for _, tc := range []struct {
		name     string
		settings *v1alpha1.OrphanedResourcesMonitorSettings
		want     bool
	}{
		{"not monitored", nil, false},
		{"monitored, warn unset", &v1alpha1.OrphanedResourcesMonitorSettings{}, false},
		{"warn true", &v1alpha1.OrphanedResourcesMonitorSettings{Warn: &yes}, true},
		{"warn false", &v1alpha1.OrphanedResourcesMonitorSettings{Warn: &no}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := WarnOrphans(proj(v1alpha1.AppProjectSpec{OrphanedResources: tc.settings})); got != tc.want {
				t.Errorf("WarnOrphans = %v, want %v", got, tc.want)
			}
		})
	}
}
