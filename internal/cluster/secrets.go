package cluster

import (
	"context"
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Destinations as Argo CD declares them.
const (
	// InCluster is the server URL of the cluster the controller runs in.
	InCluster = "https://kubernetes.default.svc"
	// InClusterName is the name of that cluster.
	InClusterName = "in-cluster"
	// SecretTypeLabel with the value "cluster" marks a cluster Secret.
	SecretTypeLabel = "argocd.argoproj.io/secret-type"
)

// secretConfig is the config key of a cluster Secret.
type secretConfig struct {
	Username        string `json:"username,omitempty"`
	Password        string `json:"password,omitempty"`
	BearerToken     string `json:"bearerToken,omitempty"`
	TLSClientConfig struct {
		Insecure   bool   `json:"insecure,omitempty"`
		ServerName string `json:"serverName,omitempty"`
		CAData     []byte `json:"caData,omitempty"`
		CertData   []byte `json:"certData,omitempty"`
		KeyData    []byte `json:"keyData,omitempty"`
	} `json:"tlsClientConfig"`
}

// FindSecret returns the cluster Secret of an application destination, or
// nil for the in-cluster destination. The destination names its cluster by
// server URL or by name, never both.
func FindSecret(ctx context.Context, c client.Reader, namespace string, d v1alpha1.ApplicationDestination) (*corev1.Secret, error) {
	if d.Server != "" && d.Name != "" {
		return nil, fmt.Errorf("application destination can't have both name %q and server %q defined", d.Name, d.Server)
	}
	if d.Server == InCluster || d.Name == InClusterName {
		return nil, nil
	}
	if d.Server == "" && d.Name == "" {
		return nil, fmt.Errorf("application destination has neither a server nor a name")
	}
	var list corev1.SecretList
	if err := c.List(ctx, &list, client.InNamespace(namespace), client.MatchingLabels{SecretTypeLabel: "cluster"}); err != nil {
		return nil, fmt.Errorf("list cluster secrets: %w", err)
	}
	for i := range list.Items {
		s := &list.Items[i]
		if (d.Server != "" && string(s.Data["server"]) == d.Server) || (d.Name != "" && string(s.Data["name"]) == d.Name) {
			return s, nil
		}
	}
	if d.Server != "" {
		return nil, fmt.Errorf("unable to find destination server: there are no clusters with this URL: %s", d.Server)
	}
	return nil, fmt.Errorf("unable to find destination server: there are no clusters with this name: %s", d.Name)
}

// SecretConfig is the client configuration of a cluster Secret: its server
// and the credentials of its config key (bearer token or basic auth, TLS
// client certificate, CA, insecure, server name).
func SecretConfig(s *corev1.Secret) (*rest.Config, error) {
	server := string(s.Data["server"])
	if server == "" {
		return nil, fmt.Errorf("cluster secret %s/%s: no server", s.Namespace, s.Name)
	}
	var sc secretConfig
	if raw := s.Data["config"]; len(raw) > 0 {
		if err := json.Unmarshal(raw, &sc); err != nil {
			return nil, fmt.Errorf("cluster secret %s/%s: config: %w", s.Namespace, s.Name, err)
		}
	}
	t := sc.TLSClientConfig
	return &rest.Config{
		Host: server, Username: sc.Username, Password: sc.Password, BearerToken: sc.BearerToken,
		TLSClientConfig: rest.TLSClientConfig{Insecure: t.Insecure, ServerName: t.ServerName,
			CAData: t.CAData, CertData: t.CertData, KeyData: t.KeyData},
		QPS: -1, Burst: -1,
	}, nil
}
