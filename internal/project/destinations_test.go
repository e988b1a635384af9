package project

import (
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

var (
	prod    = Cluster{Name: "prod", Server: "https://prod.example.com"}
	staging = Cluster{Name: "staging", Server: "https://staging.example.com"}
	team1   = Cluster{Name: "team1-eu", Server: "https://team1-eu.example.com"}
)

func dest(server, name, ns string) v1alpha1.ApplicationDestination {
	return v1alpha1.ApplicationDestination{Server: server, Name: name, Namespace: ns}
}

func TestCheckDestination(t *testing.T) {
	for _, tc := range []struct {
		name    string
		dests   []v1alpha1.ApplicationDestination
		cluster Cluster
		ns      string
		rule    string
		texts   []string
	}{
		{"by server", []v1alpha1.ApplicationDestination{dest("https://prod.example.com", "", "web")}, prod, "web", "", nil},
		{"by name", []v1alpha1.ApplicationDestination{dest("", "prod", "web")}, prod, "web", "", nil},
		{"by name, other cluster", []v1alpha1.ApplicationDestination{dest("", "prod", "web")}, staging, "web",
			RuleDestinations, []string{`destination cluster "staging" (https://staging.example.com) namespace "web"`, "matches no entry of destinations"}},
		{"server glob", []v1alpha1.ApplicationDestination{dest("https://*.example.com", "", "*")}, staging, "x", "", nil},
		{"namespace glob", []v1alpha1.ApplicationDestination{dest("*", "", "team-a-*")}, prod, "team-a-web", "", nil},
		{"namespace glob misses", []v1alpha1.ApplicationDestination{dest("*", "", "team-a-*")}, prod, "team-b",
			RuleDestinations, []string{`namespace "team-b"`, "matches no entry"}},
		{"empty list", nil, prod, "web", RuleDestinations, []string{"matches no entry"}},
		{"namespace negation", []v1alpha1.ApplicationDestination{dest("*", "", "!kube-system")}, prod, "kube-system",
			RuleDestinations, []string{`namespace "kube-system"`, `is denied by {server: "*", namespace: "!kube-system"}`}},
		{"namespace negation allows the rest", []v1alpha1.ApplicationDestination{dest("*", "", "!kube-system")}, prod, "web", "", nil},
		{"namespace negation after an allow", []v1alpha1.ApplicationDestination{dest("*", "", "*"), dest("*", "", "!kube-*")}, prod, "kube-public",
			RuleDestinations, []string{`"!kube-*"`}},
		{"namespace negation before an allow", []v1alpha1.ApplicationDestination{dest("*", "", "!kube-*"), dest("*", "", "*")}, prod, "kube-public",
			RuleDestinations, []string{`"!kube-*"`}},
		{"namespace negation bound to its name entry", []v1alpha1.ApplicationDestination{dest("", "prod", "!kube-system"), dest("*", "", "*")}, prod, "kube-system",
			RuleDestinations, []string{`{name: "prod", namespace: "!kube-system"}`}},
		{"namespace negation of another cluster", []v1alpha1.ApplicationDestination{dest("", "prod", "!kube-system"), dest("*", "", "*")}, staging, "kube-system", "", nil},
		{"server negation", []v1alpha1.ApplicationDestination{dest("!https://team1-*", "", "*"), dest("*", "", "*")}, team1, "web",
			RuleDestinations, []string{`is denied by {server: "!https://team1-*", namespace: "*"}`}},
		{"server negation leaves others", []v1alpha1.ApplicationDestination{dest("*", "", "*"), dest("!https://team1-*", "", "*")}, prod, "web", "", nil},
		{"name negation", []v1alpha1.ApplicationDestination{dest("*", "", "*"), dest("", "!team1-*", "*")}, team1, "web",
			RuleDestinations, []string{`{name: "!team1-*", namespace: "*"}`}},
		{"cluster negation limited to its namespace", []v1alpha1.ApplicationDestination{dest("*", "", "*"), dest("", "!prod", "web")}, prod, "api", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := proj(v1alpha1.AppProjectSpec{Destinations: tc.dests})
			wantViolation(t, CheckDestination(p, tc.cluster, tc.ns, nil), tc.rule, tc.texts...)
		})
	}
}

func TestCheckDestinationProjectClusters(t *testing.T) {
	scopedProd := prod
	scopedProd.Project = "team-a"
	scopedStaging := staging
	scopedStaging.Project = "team-a"
	scopedStaging.Namespaces = []string{"web", "api"}
	otherTeam1 := team1
	otherTeam1.Project = "team-b"
	clusters := []Cluster{scopedProd, scopedStaging, otherTeam1}

	for _, tc := range []struct {
		name    string
		spec    v1alpha1.AppProjectSpec
		cluster Cluster
		ns      string
		rule    string
		texts   []string
	}{
		{"implicit destination, every namespace", v1alpha1.AppProjectSpec{}, prod, "anything", "", nil},
		{"implicit destination, the Secret's namespaces", v1alpha1.AppProjectSpec{}, staging, "api", "", nil},
		{"implicit destination, not its namespaces", v1alpha1.AppProjectSpec{}, staging, "db", RuleDestinations, nil},
		{"another project's cluster", v1alpha1.AppProjectSpec{}, team1, "web", RuleDestinations, nil},
		{"deny still wins over implicit", v1alpha1.AppProjectSpec{Destinations: []v1alpha1.ApplicationDestination{dest("*", "", "!kube-system")}},
			prod, "kube-system", RuleDestinations, []string{`"!kube-system"`}},
		{"permit only scoped: scoped", v1alpha1.AppProjectSpec{PermitOnlyProjectScopedClusters: true,
			Destinations: []v1alpha1.ApplicationDestination{dest("*", "", "*")}}, prod, "web", "", nil},
		{"permit only scoped: not scoped", v1alpha1.AppProjectSpec{PermitOnlyProjectScopedClusters: true,
			Destinations: []v1alpha1.ApplicationDestination{dest("*", "", "*")}}, team1, "web",
			RulePermitOnlyProjectScopedClusters, []string{`destination cluster "team1-eu" (https://team1-eu.example.com) namespace "web"`, `is on a cluster not scoped to project "team-a"`}},
		{"permit only scoped: same name, other server", v1alpha1.AppProjectSpec{PermitOnlyProjectScopedClusters: true,
			Destinations: []v1alpha1.ApplicationDestination{dest("*", "", "*")}}, Cluster{Name: "prod", Server: "https://impostor"}, "web",
			RulePermitOnlyProjectScopedClusters, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantViolation(t, CheckDestination(proj(tc.spec), tc.cluster, tc.ns, clusters), tc.rule, tc.texts...)
		})
	}
}
