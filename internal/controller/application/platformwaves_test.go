package application_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

// installCRD makes a kind served as its operator's CRD would: any fields,
// a status subresource, namespaced.
func installCRD(t *testing.T, group, kind, plural string) {
	t.Helper()
	ctx := context.Background()
	crd := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": plural + "." + group},
		"spec": map[string]any{
			"group": group, "scope": "Namespaced",
			"names": map[string]any{"plural": plural, "kind": kind, "listKind": kind + "List", "singular": strings.ToLower(kind)},
			"versions": []any{map[string]any{"name": "v1", "served": true, "storage": true,
				"subresources": map[string]any{"status": map[string]any{}},
				"schema":       map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}},
		},
	}}
	if err := env.Client.Create(ctx, crd); err != nil && !strings.Contains(err.Error(), "already exists") {
		t.Fatal(err)
	}
	eventually(t, kind+" served", func() (bool, error) {
		_, err := env.Client.RESTMapper().RESTMapping(schema.GroupKind{Group: group, Kind: kind}, "v1")
		return err == nil, nil
	})
}

// setReady writes a Ready condition into a custom resource's status, as
// its operator would.
func setReady(t *testing.T, gvk schema.GroupVersionKind, ns, name, message string) {
	t.Helper()
	obj := &unstructured.Unstructured{}
	obj.SetGroupVersionKind(gvk)
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, obj); err != nil {
		t.Fatal(err)
	}
	_ = unstructured.SetNestedSlice(obj.Object, []any{map[string]any{"type": "Ready", "status": "True", "reason": "Ready", "message": message}}, "status", "conditions")
	if err := env.Client.Status().Update(context.Background(), obj); err != nil {
		t.Fatal(err)
	}
}

var (
	certificateGVK    = schema.GroupVersionKind{Group: "cert-manager.io", Version: "v1", Kind: "Certificate"}
	externalSecretGVK = schema.GroupVersionKind{Group: "external-secrets.io", Version: "v1", Kind: "ExternalSecret"}
)

// Given an app of apps over infrastructure apps in waves (wave 0 a
// cert-manager Certificate, wave 1 an ExternalSecret, wave 2 the service
// that needs both), with the CRDs installed and no operators running,
// when the root syncs,
// then each wave waits until its custom resource is Healthy by its
// built-in check (the test writes the status as the operator would): the
// ExternalSecret's app is not created while the Certificate is issuing,
// the service's app not while the ExternalSecret waits, and all are Synced
// and Healthy at the end.
func TestPlatformWavesWaitForCustomResourceHealth(t *testing.T) {
	env.Require(t)
	installCRD(t, certificateGVK.Group, certificateGVK.Kind, "certificates")
	installCRD(t, externalSecretGVK.Group, externalSecretGVK.Kind, "externalsecrets")
	repo := gittest.New(t)
	child := func(name, wave string) string {
		return strings.NewReplacer("NAME", name, "WAVE", wave, "REPO", repo.URL(), "namespace: parent", "namespace: platform").Replace(childApp)
	}
	sha := repo.Commit("platform", map[string]string{
		"apps/certs.yaml":   child("infra-certs", "0"),
		"apps/secrets.yaml": child("infra-secrets", "1"),
		"apps/web.yaml":     child("infra-web", "2"),
		"children/infra-certs/cert.yaml": "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: web-tls}\n" +
			"spec: {secretName: web-tls, dnsNames: [web.example.com], issuerRef: {name: letsencrypt}}\n",
		"children/infra-secrets/es.yaml": "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: db}\n" +
			"spec: {secretStoreRef: {name: vault}, target: {name: db}}\n",
		"children/infra-web/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata: {tls: web-tls}\n",
	})
	newApp(t, "platform", repo.URL(), "apps", automated(true, false), func(a *v1alpha1.Application) {
		a.Spec.Destination.Namespace = "argocd"
	})

	eventually(t, "the Certificate applied and its wave waiting", func() (bool, error) {
		ok, err := exists(&unstructured.Unstructured{Object: map[string]any{"apiVersion": "cert-manager.io/v1", "kind": "Certificate"}}, "platform", "web-tls")
		if !ok || err != nil {
			return false, err
		}
		app := getApp(t, "infra-certs")
		return app.Status.Health.Status == v1alpha1.HealthStatusProgressing, fmt.Errorf("infra-certs health %s", app.Status.Health.Status)
	})
	if ok, _ := exists(&v1alpha1.Application{}, "argocd", "infra-secrets"); ok {
		t.Fatal("wave 1 started while the Certificate of wave 0 was still issuing")
	}
	setReady(t, certificateGVK, "platform", "web-tls", "Certificate is up to date and has not expired")

	eventually(t, "the ExternalSecret applied and its wave waiting", func() (bool, error) {
		ok, err := exists(&unstructured.Unstructured{Object: map[string]any{"apiVersion": "external-secrets.io/v1", "kind": "ExternalSecret"}}, "platform", "db")
		return ok, err
	})
	if ok, _ := exists(&v1alpha1.Application{}, "argocd", "infra-web"); ok {
		t.Fatal("wave 2 started while the ExternalSecret of wave 1 was not synced")
	}
	setReady(t, externalSecretGVK, "platform", "db", "Secret was synced")

	waitSyncedHealthy(t, "platform", sha)
	if ok, _ := exists(&corev1.ConfigMap{}, "platform", "web"); !ok {
		t.Error("wave 2's ConfigMap is missing")
	}
	for _, name := range []string{"infra-certs", "infra-secrets", "infra-web"} {
		if h := getApp(t, name).Status.Health.Status; h != v1alpha1.HealthStatusHealthy {
			t.Errorf("%s health %s", name, h)
		}
	}
	ctx := context.Background()
	for _, name := range []string{"infra-certs", "infra-secrets", "infra-web"} {
		t.Cleanup(func() {
			_ = env.Client.Delete(ctx, &v1alpha1.Application{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "argocd"}})
		})
	}
}
