package health

import (
	"path"
	"sort"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// register adds the checks of one API group to the built-in ones.
func register(group string, kinds map[string]Check) {
	for kind, c := range kinds {
		checks[schema.GroupKind{Group: group, Kind: kind}] = c
	}
}

// wildcard is a built-in check for every kind of the API groups a glob
// matches, as Argo CD's resource_customizations/_.<domain>/_ directories
// (`*.crossplane.io`: every kind of every group under crossplane.io).
type wildcard struct {
	// Group is a path.Match pattern over the group, Kind over the kind.
	Group, Kind string
	Check       Check
}

// wildcards are consulted after the exact checks, in registration order
// sorted by pattern, as Argo CD looks up an exact script before a glob.
var wildcards []wildcard

// registerWildcard adds a check for every kind matching the globs.
func registerWildcard(group, kind string, c Check) {
	wildcards = append(wildcards, wildcard{Group: group, Kind: kind, Check: c})
	sort.SliceStable(wildcards, func(i, j int) bool { return wildcards[i].Group < wildcards[j].Group })
}

func wildcardCheck(gk schema.GroupKind) (Check, bool) {
	for _, w := range wildcards {
		if g, _ := path.Match(w.Group, gk.Group); !g {
			continue
		}
		if k, _ := path.Match(w.Kind, gk.Kind); k {
			return w.Check, true
		}
	}
	return nil, false
}

// BuiltIn lists the kinds with a built-in check as "group/Kind" (core
// kinds as "Kind"), wildcards as their globs ("*.crossplane.io/*"), sorted.
func BuiltIn() []string {
	out := make([]string, 0, len(checks)+len(wildcards))
	for gk := range checks {
		if gk.Group == "" {
			out = append(out, gk.Kind)
			continue
		}
		out = append(out, gk.Group+"/"+gk.Kind)
	}
	for _, w := range wildcards {
		out = append(out, w.Group+"/"+w.Kind)
	}
	sort.Strings(out)
	return out
}
