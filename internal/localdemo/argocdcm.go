package localdemo

import "strings"

// ArgoCDCM is the argocd-cm (namespace argocd) that runs the example on a
// local plane: health overrides for the kinds whose controllers are
// stand-ins in the example (nothing writes their status offline, so Argo
// CD's checks would keep them Progressing) and for HorizontalPodAutoscalers
// (no metrics API on a local plane, so their ScalingActive condition is
// False). A real cluster needs none of them.
var ArgoCDCM = func() string {
	const standIn = `return {status = "Healthy", message = "tiphys local demo: no controller writes this status offline"}`
	const noMetrics = `return {status = "Healthy", message = "tiphys local demo: no metrics API on a local plane"}`
	keys := []struct{ kind, script string }{
		{"cert-manager.io_ClusterIssuer", standIn},
		{"cert-manager.io_Certificate", standIn},
		{"serving.kserve.io_InferenceService", standIn},
		{"external-secrets.io_ClusterSecretStore", standIn},
		{"external-secrets.io_ExternalSecret", standIn},
		{"autoscaling_HorizontalPodAutoscaler", noMetrics},
	}
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\n  namespace: argocd\n" +
		"  labels:\n    app.kubernetes.io/part-of: argocd\ndata:\n")
	for _, k := range keys {
		b.WriteString("  resource.customizations.health." + k.kind + ": |\n    " + k.script + "\n")
	}
	return b.String()
}()
