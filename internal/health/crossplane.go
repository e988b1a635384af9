package health

import (
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Crossplane, as Argo CD assesses it: every kind of *.crossplane.io and
// *.upbound.io (resource_customizations/_.crossplane.io/_ and
// _.upbound.io/_), and the kinds with their own scripts (the provider-aws
// managed resources, pkg.crossplane.io Provider, stacks.crossplane.io).
func init() {
	registerWildcard("*.crossplane.io", "*", crossplaneRule{
		NoStatus: []string{"Composition", "CompositionRevision", "DeploymentRuntimeConfig", "ClusterProviderConfig",
			"ProviderConfig", "ProviderConfigUsage", "ControllerConfig"},
		Ready: []string{"Ready", "Healthy", "Offered", "Established", "ValidPipeline", "RevisionHealthy"},
	}.check)
	registerWildcard("*.upbound.io", "*", crossplaneRule{
		NoStatus: []string{"ClusterProviderConfig", "ProviderConfig", "ProviderConfigUsage"},
		Ready:    []string{"Ready"},
	}.check)
	managed := func(group string, kinds map[string]string) {
		m := map[string]Check{}
		for kind, noun := range kinds {
			m[kind] = managedResourceRule{Noun: noun}.check
		}
		register(group, m)
	}
	managed("cloudfront.aws.crossplane.io", map[string]string{"Distribution": "distribution"})
	managed("iam.aws.crossplane.io", map[string]string{"Policy": "Policy", "Role": "Role", "RolePolicyAttachment": "RolePolicyAttachment"})
	managed("rds.aws.crossplane.io", map[string]string{"DBCluster": "DBCluster", "DBInstance": "DBInstance"})
	// The misspelt noun is Argo CD's message.
	managed("route53.aws.crossplane.io", map[string]string{"ResourceRecordSet": "resourcrecordset"})
	managed("s3.aws.crossplane.io", map[string]string{"Bucket": "Bucket"})
	register("pkg.crossplane.io", map[string]Check{"Provider": crossplaneProviderHealth})
	register("stacks.crossplane.io", map[string]Check{"ClusterStackInstall": clusterStackInstallHealth})
}

// crossplaneRule is the health Crossplane's documentation recommends: an
// object without status is Healthy ("Resource is up-to-date."), as is one
// with an empty status when its kind has none (NoStatus); a ProviderConfig
// in use (status.users) without conditions is Healthy ("Resource is in
// use."); the first LastAsyncOperation or Synced condition that is False
// is Degraded with its message; any Ready type that is True makes it
// Healthy; else Progressing "Provisioning ...".
type crossplaneRule struct {
	NoStatus, Ready []string
}

func (r crossplaneRule) check(obj *unstructured.Unstructured) (*Status, error) {
	const upToDate = "Resource is up-to-date."
	status, ok := obj.Object["status"].(map[string]any)
	if !ok || len(status) == 0 && slices.Contains(r.NoStatus, obj.GetKind()) {
		return healthy(upToDate), nil
	}
	if _, hasConds := status["conditions"]; !hasConds {
		if k := obj.GetKind(); (k == "ProviderConfig" || k == "ClusterProviderConfig") && status["users"] != nil {
			return healthy("Resource is in use."), nil
		}
		return progressing("Provisioning ..."), nil
	}
	st := progressing("Provisioning ...")
	for _, c := range conditions(obj) {
		if (c.Type == "LastAsyncOperation" || c.Type == "Synced") && c.Status == "False" {
			return degraded(c.Message), nil
		}
		if slices.Contains(r.Ready, c.Type) && c.Status == "True" {
			st = healthy(upToDate)
		}
	}
	return st, nil
}

// managedResourceRule is the provider-aws managed resources' health
// (resource_customizations/<service>.aws.crossplane.io/<Kind>): the last
// Ready and Synced conditions decide. Both True: Healthy with Ready's
// reason; Synced not True with reason ReconcilePaused: Suspended; Ready
// not True while Synced is: Progressing "Waiting for <noun> to be
// available"; otherwise Degraded with Synced's message when its reason is
// ReconcileError. Without conditions: Progressing "Waiting for <noun> to be
// created".
type managedResourceRule struct{ Noun string }

func (r managedResourceRule) check(obj *unstructured.Unstructured) (*Status, error) {
	if _, ok := nestedList(obj.Object, "status", "conditions"); !ok {
		return progressing("Waiting for " + r.Noun + " to be created"), nil
	}
	var ready, synced, paused bool
	var readyMsg, syncedMsg string
	for _, c := range conditions(obj) {
		switch c.Type {
		case "Ready":
			ready, readyMsg = c.Status == "True", c.Reason
		case "Synced":
			synced = c.Status == "True"
			switch c.Reason {
			case "ReconcileError":
				syncedMsg = c.Message
			case "ReconcilePaused":
				paused = true
			}
		}
	}
	switch {
	case ready && synced:
		return healthy(readyMsg), nil
	case !synced && paused:
		return suspended("ReconcilePaused"), nil
	case !ready && synced && !paused:
		return progressing("Waiting for " + r.Noun + " to be available"), nil
	}
	return degraded(syncedMsg), nil
}

// crossplaneProviderHealth (resource_customizations/pkg.crossplane.io/
// Provider): Installed and Healthy both True is Healthy, else Degraded,
// with their reasons as the message; without conditions Progressing.
// Argo CD's script fails (Unknown) when one of the two is missing.
func crossplaneProviderHealth(obj *unstructured.Unstructured) (*Status, error) {
	if _, ok := nestedList(obj.Object, "status", "conditions"); !ok {
		return progressing("Waiting for provider to be installed"), nil
	}
	installed, isHealthy := condition{}, condition{}
	var hasInstalled, hasHealthy bool
	for _, c := range conditions(obj) {
		switch c.Type {
		case "Installed":
			installed, hasInstalled = c, true
		case "Healthy":
			isHealthy, hasHealthy = c, true
		}
	}
	if !hasInstalled || !hasHealthy {
		return &Status{Code: "Unknown", Message: "provider has no Installed or no Healthy condition"}, nil
	}
	msg := installed.Reason + " " + isHealthy.Reason
	if installed.Status == "True" && isHealthy.Status == "True" {
		return healthy(msg), nil
	}
	return degraded(msg), nil
}

// clusterStackInstallHealth (resource_customizations/stacks.crossplane.io/
// ClusterStackInstall): the Ready conditions of status.conditionedStatus,
// the first True one Healthy, with the last read's reason as the message;
// else Progressing.
func clusterStackInstallHealth(obj *unstructured.Unstructured) (*Status, error) {
	st := progressing("Waiting for stack to be installed")
	raw, _ := nestedList(obj.Object, "status", "conditionedStatus", "conditions")
	for _, c := range conditionsOf(raw) {
		if c.Type != "Ready" {
			continue
		}
		st.Message = c.Reason
		if c.Status == "True" {
			return healthy(c.Reason), nil
		}
	}
	return st, nil
}
