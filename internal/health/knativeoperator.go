package health

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// operator.knative.dev, as Argo CD assesses it
// (resource_customizations/operator.knative.dev).
func init() {
	register("operator.knative.dev", map[string]Check{
		"KnativeServing": knativeOperatorRule{Kind: "KnativeServing",
			Done:   []string{"Ready", "InstallSucceeded", "DependenciesInstalled", "DeploymentsAvailable"},
			Failed: []string{"Ready", "DeploymentsAvailable"}}.check,
		"KnativeEventing": knativeOperatorRule{Kind: "KnativeEventing",
			Done:   []string{"Ready", "InstallSucceeded"},
			Failed: []string{"Ready"}}.check,
	})
}

// knativeOperatorRule: any Failed type that is False, or any other
// condition that is Unknown, is Progressing; every Done type True is
// Healthy ("<Kind> is healthy."); anything else Degraded. The message
// lists the conditions, one "<n>: <Type> | <Status>" line each (n from 1).
type knativeOperatorRule struct {
	Kind         string
	Done, Failed []string
}

func (r knativeOperatorRule) check(obj *unstructured.Unstructured) (*Status, error) {
	if _, ok := nestedList(obj.Object, "status", "conditions"); !ok {
		return progressing("Waiting for " + r.Kind), nil
	}
	var msg strings.Builder
	done, failed := 0, 0
	for i, c := range conditions(obj) {
		fmt.Fprintf(&msg, "%d: %s | %s\n", i+1, c.Type, c.Status)
		switch {
		case c.Status == "True" && slices.Contains(r.Done, c.Type):
			done++
		case c.Status == "False" && slices.Contains(r.Failed, c.Type), c.Status == "Unknown":
			failed++
		}
	}
	switch {
	case failed > 0:
		return progressing(msg.String()), nil
	case done == len(r.Done):
		return healthy(r.Kind + " is healthy."), nil
	}
	return degraded(msg.String()), nil
}
