package project

import (
	"fmt"
	"strings"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Cluster is a destination cluster resolved from an application's
// destination, so both its name and server are known.
type Cluster struct {
	// Name and Server of the cluster, as in its Secret (or in-cluster's).
	Name, Server string
	// Project is the cluster Secret's "project" key, "" if none.
	Project string
	// Namespaces is the cluster Secret's "namespaces" key: when the cluster
	// is scoped to a project, its implicit destinations are these
	// namespaces instead of all.
	Namespaces []string
}

// CheckDestination returns a *Violation unless the project lets an
// application deploy to namespace of cluster c.
//
// Each destinations entry names the cluster by server or by name (either
// matches the resolved cluster) and a namespace, all globs. An entry allows
// when its cluster and its namespace both match; a "!" pattern matches what
// its glob does not. A deny wins wherever it stands: an entry whose negated
// server or name hits c denies when its namespace matches, and one whose
// negated namespace hits denies when its cluster matches, so a negation is
// bound to its own entry, as in Argo CD.
//
// projectClusters are the clusters whose Secret has project: <this
// project> (others are ignored). Each adds an implicit entry for its server
// and every namespace (or its Namespaces), as Argo CD adds them. With
// permitOnlyProjectScopedClusters, c must also be one of them, by server.
func CheckDestination(p *v1alpha1.AppProject, c Cluster, namespace string, projectClusters []Cluster) error {
	subject := fmt.Sprintf("destination cluster %q (%s) namespace %q", c.Name, c.Server, namespace)
	entries := append([]v1alpha1.ApplicationDestination(nil), p.Spec.Destinations...)
	for _, pc := range ownClusters(p, projectClusters) {
		if len(pc.Namespaces) == 0 {
			entries = append(entries, v1alpha1.ApplicationDestination{Server: pc.Server, Namespace: "*"})
		}
		for _, ns := range pc.Namespaces {
			entries = append(entries, v1alpha1.ApplicationDestination{Server: pc.Server, Namespace: ns})
		}
	}
	allowed := false
	for _, e := range entries {
		allows, denies := matchDestination(e, c, namespace)
		if denies {
			return violation(p.Name, RuleDestinations, subject, "is denied by "+describeDestination(e))
		}
		allowed = allowed || allows
	}
	if !allowed {
		return violation(p.Name, RuleDestinations, subject, "matches no entry of destinations")
	}
	if p.Spec.PermitOnlyProjectScopedClusters {
		for _, pc := range ownClusters(p, projectClusters) {
			if pc.Server == c.Server {
				return nil
			}
		}
		return violation(p.Name, RulePermitOnlyProjectScopedClusters, subject,
			fmt.Sprintf("is on a cluster not scoped to project %q", p.Name))
	}
	return nil
}

// ownClusters keeps the clusters scoped to project p.
func ownClusters(p *v1alpha1.AppProject, clusters []Cluster) []Cluster {
	var out []Cluster
	for _, c := range clusters {
		if c.Project == p.Name {
			out = append(out, c)
		}
	}
	return out
}

// matchDestination reports whether entry e allows or denies namespace ns of
// cluster c.
func matchDestination(e v1alpha1.ApplicationDestination, c Cluster, ns string) (allows, denies bool) {
	server, serverDeny := negated(e.Server)
	name, nameDeny := negated(e.Name)
	nsGlob, nsDeny := negated(e.Namespace)
	serverHit := e.Server != "" && globHit(server, serverDeny, c.Server)
	nameHit := e.Name != "" && globHit(name, nameDeny, c.Name)
	nsHit := globHit(nsGlob, nsDeny, ns)

	clusterOK := (e.Server != "" && serverHit != serverDeny) || (e.Name != "" && nameHit != nameDeny)
	nsOK := nsHit != nsDeny
	switch {
	case (serverDeny && serverHit || nameDeny && nameHit) && nsOK:
		return false, true
	case nsDeny && nsHit && clusterOK:
		return false, true
	}
	return clusterOK && nsOK, false
}

func describeDestination(e v1alpha1.ApplicationDestination) string {
	var parts []string
	if e.Server != "" {
		parts = append(parts, fmt.Sprintf("server: %q", e.Server))
	}
	if e.Name != "" {
		parts = append(parts, fmt.Sprintf("name: %q", e.Name))
	}
	parts = append(parts, fmt.Sprintf("namespace: %q", e.Namespace))
	return "{" + strings.Join(parts, ", ") + "}"
}
