package application_test

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

const clusterScopedCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: issuers.scope.example.com}
spec:
  group: scope.example.com
  scope: Cluster
  names: {plural: issuers, singular: issuer, kind: Issuer, listKind: IssuerList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
`

// Given an app that installed the CRD of a cluster-scoped kind moments ago
// (the platform's cert-manager before kubeflow-cert-manager's
// ClusterIssuer),
// when another app with a destination namespace renders an object of that
// kind,
// then the object is cluster-scoped in the app's resources and tracking id
// (no destination namespace guessed for a kind discovery had not seen yet)
// and the app is Synced and Healthy.
func TestNewClusterScopedKindGetsNoNamespace(t *testing.T) {
	env.Require(t)
	repo := gittest.New(t)
	sha := repo.Commit("crd", map[string]string{
		"crd/crd.yaml": clusterScopedCRD,
		"cr/cr.yaml":   "apiVersion: scope.example.com/v1\nkind: Issuer\nmetadata: {name: letsencrypt}\nspec: {acme: true}\n",
	})
	newApp(t, "scopecrd", repo.URL(), "crd", automated(true, false))
	waitSyncedHealthy(t, "scopecrd", sha)

	newApp(t, "scopecr", repo.URL(), "cr", automated(true, false))
	app := waitSyncedHealthy(t, "scopecr", sha)
	if len(app.Status.Resources) != 1 || app.Status.Resources[0].Namespace != "" {
		t.Errorf("resources %+v, want the Issuer without a namespace", app.Status.Resources)
	}
	issuer := &unstructured.Unstructured{}
	issuer.SetGroupVersionKind(schema.GroupVersionKind{Group: "scope.example.com", Version: "v1", Kind: "Issuer"})
	if _, err := exists(issuer, "", "letsencrypt"); err != nil {
		t.Fatal(err)
	}
	if id, want := issuer.GetAnnotations()["argocd.argoproj.io/tracking-id"], "scopecr:scope.example.com/Issuer:/letsencrypt"; id != want {
		t.Errorf("tracking id %q, want %q", id, want)
	}
}
