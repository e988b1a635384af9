package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// external-secrets.io, as Argo CD assesses it
// (resource_customizations/external-secrets.io).
func init() {
	register("external-secrets.io", map[string]Check{
		"ExternalSecret":        readyRule{Waiting: "Waiting for ExternalSecret"}.check,
		"SecretStore":           readyRule{Waiting: "Waiting for SecretStore"}.check,
		"ClusterSecretStore":    readyRule{Waiting: "Waiting for ClusterSecretStore"}.check,
		"PushSecret":            readyRule{Waiting: "Waiting for PushSecret"}.check,
		"ClusterExternalSecret": clusterExternalSecretHealth,
	})
}

// clusterExternalSecretHealth reads only the newest condition, the last
// one (the controller appends them): Ready True is Healthy, PartiallyReady
// or NotReady True is Degraded, anything else Progressing.
func clusterExternalSecretHealth(obj *unstructured.Unstructured) (*Status, error) {
	conds := conditions(obj)
	if len(conds) > 0 {
		last := conds[len(conds)-1]
		switch {
		case last.Status != "True":
		case last.Type == "Ready":
			return healthy(last.Message), nil
		case last.Type == "PartiallyReady" || last.Type == "NotReady":
			return degraded(last.Message), nil
		}
	}
	return progressing("Waiting for ClusterExternalSecret"), nil
}
