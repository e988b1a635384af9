package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

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
	if err := c.List(ctx, &list, client.InNamespace(namespace), client.MatchingLabels{SecretTypeLabel: SecretTypeCluster}); err != nil {
		return nil, fmt.Errorf("list cluster secrets: %w", err)
	}
	var found []*corev1.Secret
	for i := range list.Items {
		s := &list.Items[i]
		if (d.Server != "" && string(s.Data["server"]) == d.Server) || (d.Name != "" && string(s.Data["name"]) == d.Name) {
			found = append(found, s)
		}
	}
	// Two clusters of one name (or server) are ambiguous: refuse rather than
	// deploy to whichever lists first, as Argo CD refuses.
	if len(found) > 1 {
		names := make([]string, 0, len(found))
		for _, s := range found {
			names = append(names, s.Name)
		}
		sort.Strings(names)
		what := "name " + d.Name
		if d.Server != "" {
			what = "URL " + d.Server
		}
		return nil, fmt.Errorf("there are %d clusters with the %s (cluster Secrets %s)", len(found), what, strings.Join(names, ", "))
	}
	if len(found) == 1 {
		return found[0], nil
	}
	if d.Server != "" {
		return nil, fmt.Errorf("unable to find destination server: there are no clusters with this URL: %s", d.Server)
	}
	return nil, fmt.Errorf("unable to find destination server: there are no clusters with this name: %s", d.Name)
}

// SecretConfig is the client configuration of a cluster Secret: its server
// and what its config key says (see Config). It does not connect.
func SecretConfig(s *corev1.Secret) (*rest.Config, error) {
	server := string(s.Data["server"])
	if server == "" {
		return nil, secretError(s, "server", errors.New("empty"))
	}
	c, err := SecretConfigData(s)
	if err != nil {
		return nil, err
	}
	t := c.TLSClientConfig
	cfg := &rest.Config{
		Host: server,
		TLSClientConfig: rest.TLSClientConfig{Insecure: t.Insecure, ServerName: t.ServerName,
			CAData: t.CAData, CertData: t.CertData, KeyData: t.KeyData},
		DisableCompression: c.DisableCompression,
		QPS:                -1, Burst: -1,
	}
	switch {
	case c.AWSAuthConfig != nil:
		cfg.ExecProvider = c.AWSAuthConfig.execConfig()
	case c.ExecProviderConfig != nil:
		cfg.ExecProvider = c.ExecProviderConfig.execConfig()
	default:
		cfg.Username, cfg.Password, cfg.BearerToken = c.Username, c.Password, c.BearerToken
	}
	if c.ProxyURL != "" {
		u, err := parseProxyURL(c.ProxyURL) // checked by SecretConfigData
		if err != nil {
			return nil, secretError(s, "config", err)
		}
		cfg.Proxy = http.ProxyURL(u)
	}
	return cfg, nil
}

// SecretConfigData reads and checks the config key of a cluster Secret; a
// Secret without one has the zero Config.
func SecretConfigData(s *corev1.Secret) (Config, error) {
	var c Config
	raw := s.Data["config"]
	if len(raw) == 0 {
		return c, nil
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, secretError(s, "config", fmt.Errorf("not a JSON cluster config: %w", err))
	}
	if err := c.validate(); err != nil {
		return c, secretError(s, "config", err)
	}
	return c, nil
}

// secretError names a cluster Secret and its key in an error.
func secretError(s *corev1.Secret, key string, err error) error {
	return fmt.Errorf("cluster secret %s/%s: %s: %w", s.Namespace, s.Name, key, err)
}
