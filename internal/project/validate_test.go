package project

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		spec v1alpha1.AppProjectSpec
		want []string // parts of the error; none: valid
	}{
		{"valid", v1alpha1.AppProjectSpec{SourceRepos: []string{"https://github.com/acme/**", "!https://github.com/acme/secret"},
			Destinations:               []v1alpha1.ApplicationDestination{{Name: "prod", Namespace: "!kube-*"}},
			NamespaceResourceBlacklist: []metav1.GroupKind{{Group: "", Kind: "ResourceQuota"}},
			SyncWindows:                v1alpha1.SyncWindows{{Kind: "deny", Schedule: "0 22 * * *", Duration: "8h", TimeZone: "Europe/Berlin"}}}, nil},
		{"broken repo glob", v1alpha1.AppProjectSpec{SourceRepos: []string{"!https://github.com/[acme"}},
			[]string{"sourceRepos[0]", `"!https://github.com/[acme"`, "does not parse"}},
		{"broken namespace glob", v1alpha1.AppProjectSpec{Destinations: []v1alpha1.ApplicationDestination{{Server: "*", Namespace: "![p8-x"}}},
			[]string{"destinations[0].namespace"}},
		{"broken kind pattern", v1alpha1.AppProjectSpec{ClusterResourceWhitelist: []v1alpha1.ClusterResourceRestrictionItem{{Group: "*", Kind: "[Name"}}},
			[]string{"clusterResourceWhitelist[0].kind"}},
		{"bad window", v1alpha1.AppProjectSpec{SyncWindows: v1alpha1.SyncWindows{{Kind: "Deny", Schedule: "61 * * * *", Duration: "1h"}}},
			[]string{"syncWindows[0]", `kind "Deny"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(&v1alpha1.AppProject{ObjectMeta: metav1.ObjectMeta{Name: "team"}, Spec: tt.spec})
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want one with %q", tt.want)
			}
			for _, w := range append(tt.want, `project "team"`) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// A deny pattern that does not parse denies every repository, and the
// violation says so instead of claiming the repository matches it.
func TestBrokenDenyExplained(t *testing.T) {
	p := &v1alpha1.AppProject{ObjectMeta: metav1.ObjectMeta{Name: "team"},
		Spec: v1alpha1.AppProjectSpec{SourceRepos: []string{"https://github.com/acme/app", "!https://github.com/[acme"}}}
	err := CheckSource(p, "https://github.com/acme/app")
	if err == nil || !strings.Contains(err.Error(), "does not parse, so it denies everything") {
		t.Errorf("error %v", err)
	}
}
