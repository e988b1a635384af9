package settings

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func TestParse(t *testing.T) {
	s, err := Parse(map[string]string{
		"resource.customizations.ignoreDifferences.apps_Deployment":  "jsonPointers: [/spec/replicas]\nmanagedFieldsManagers: [hpa]\n",
		"resource.customizations.ignoreDifferences.all":              "managedFieldsManagers: [kube-controller-manager]\n",
		"resource.customizations.ignoreDifferences.Service":          "jqPathExpressions: ['.spec.clusterIP']\n",
		"resource.customizations.health.cert-manager.io_Certificate": "hs = {}\nhs.status = 'Healthy'\nreturn hs\n",
		"resource.exclusions":    "- apiGroups: ['*.k8s.io']\n  kinds: ['*']\n  clusters: ['https://prod-*']\n",
		"resource.inclusions":    "- apiGroups: ['', apps, '*.k8s.io']\n",
		"timeout.reconciliation": "180s",
		"url":                    "https://argocd.example.com",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []v1alpha1.ResourceIgnoreDifferences{
		{Group: "", Kind: "Service", JQPathExpressions: []string{".spec.clusterIP"}},
		{Group: "*", Kind: "*", ManagedFieldsManagers: []string{"kube-controller-manager"}},
		{Group: "apps", Kind: "Deployment", JSONPointers: []string{"/spec/replicas"}, ManagedFieldsManagers: []string{"hpa"}},
	}
	if d := cmp.Diff(want, s.IgnoreDifferences); d != "" {
		t.Errorf("IgnoreDifferences (-want +got):\n%s", d)
	}
	if s.Health[schema.GroupKind{Group: "cert-manager.io", Kind: "Certificate"}] == nil {
		t.Error("the Lua health check was not read")
	}
	if s.Reconciliation != 180*time.Second {
		t.Errorf("Reconciliation = %s", s.Reconciliation)
	}
	for _, tc := range []struct {
		group, kind, cluster string
		want                 bool
	}{
		{"apps", "Deployment", "https://prod-eu", true},
		{"networking.k8s.io", "Ingress", "https://kubernetes.default.svc", true},
		{"networking.k8s.io", "Ingress", "https://prod-eu", false},
		{"cert-manager.io", "Certificate", "https://kubernetes.default.svc", false},
	} {
		if got := s.Managed(tc.group, tc.kind, tc.cluster); got != tc.want {
			t.Errorf("Managed(%s, %s, %s) = %v, want %v", tc.group, tc.kind, tc.cluster, got, tc.want)
		}
	}
}

func TestParseBadKeysAreNamedAndSkipped(t *testing.T) {
	s, err := Parse(map[string]string{
		"resource.customizations.ignoreDifferences.apps_Deployment": "jsonPointers: /spec/replicas\n",
		"resource.customizations.ignoreDifferences.Service":         "jsonPointers: [/spec/clusterIP]\n",
		"resource.customizations.health.example.com_Widget":         "return {",
		"resource.customizations.health.example.com_Gadget":         "return {status = 'Healthy'}",
		"resource.exclusions":    "apiGroups: nope",
		"timeout.reconciliation": "soon",
	})
	for _, key := range []string{"ignoreDifferences.apps_Deployment", "health.example.com_Widget", "resource.exclusions", "timeout.reconciliation"} {
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("error %v does not name %s", err, key)
		}
	}
	if len(s.IgnoreDifferences) != 1 || s.IgnoreDifferences[0].Kind != "Service" {
		t.Errorf("the good ignore rule was not kept: %+v", s.IgnoreDifferences)
	}
	if s.Health[schema.GroupKind{Group: "example.com", Kind: "Gadget"}] == nil {
		t.Error("the good health check was not kept")
	}
}

// Tiphys' own keys: revert-on-abort for all apps and the author of the
// commits it writes, with the default author when unset; a bad value is
// named in the error.
func TestParseTiphysKeys(t *testing.T) {
	tests := []struct {
		name    string
		data    map[string]string
		revert  bool
		author  GitAuthor
		wantErr string
	}{
		{"unset", nil, false, DefaultGitAuthor, ""},
		{"set", map[string]string{"tiphys.revertOnAbort": "true", "tiphys.gitAuthor": "Release Bot <bot@example.com>"},
			true, GitAuthor{Name: "Release Bot", Email: "bot@example.com"}, ""},
		{"bad", map[string]string{"tiphys.revertOnAbort": "yes", "tiphys.gitAuthor": "bot@example.com"},
			false, DefaultGitAuthor, "argocd-cm tiphys.gitAuthor: \"bot@example.com\" is not \"Name <email>\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(tt.data)
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			if s.RevertOnAbort != tt.revert || s.Author() != tt.author {
				t.Errorf("RevertOnAbort = %v, Author = %+v; want %v, %+v", s.RevertOnAbort, s.Author(), tt.revert, tt.author)
			}
		})
	}
}
