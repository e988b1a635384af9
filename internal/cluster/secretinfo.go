package cluster

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/url"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// SecretTypeCluster is the SecretTypeLabel value of a cluster Secret.
const SecretTypeCluster = "cluster"

// ClusterInfo is what a cluster Secret says of its cluster, besides how to
// connect to it (SecretConfig).
type ClusterInfo struct {
	// Name is the name key, or the server when the Secret has no name.
	Name string `json:"name"`
	// Server is the API server URL.
	Server string `json:"server"`
	// Project, when set, scopes the cluster to that AppProject.
	Project string `json:"project,omitempty"`
	// Namespaces, when set, are the only namespaces managed: a
	// namespace-scoped cluster.
	Namespaces []string `json:"namespaces,omitempty"`
	// ClusterResources allows cluster-scoped objects on a
	// namespace-scoped cluster.
	ClusterResources bool `json:"clusterResources,omitempty"`
	// SecretName is the name of the Secret ("" for the implicit in-cluster
	// destination).
	SecretName string `json:"secretName,omitempty"`
}

// InClusterInfo is the implicit in-cluster destination, which has no Secret.
func InClusterInfo() ClusterInfo { return ClusterInfo{Name: InClusterName, Server: InCluster} }

// SecretInfo reads the cluster a Secret describes: the keys name, server,
// project, namespaces (comma-separated) and clusterResources ("true" or
// "false"), and checks its config key.
func SecretInfo(s *corev1.Secret) (ClusterInfo, error) {
	info := ClusterInfo{
		Name: string(s.Data["name"]), Server: string(s.Data["server"]),
		Project: string(s.Data["project"]), SecretName: s.Name,
	}
	if info.Server == "" {
		return info, secretError(s, "server", fmt.Errorf("empty"))
	}
	if info.Name == "" {
		info.Name = info.Server
	}
	for _, ns := range strings.Split(string(s.Data["namespaces"]), ",") {
		if ns = strings.TrimSpace(ns); ns != "" {
			info.Namespaces = append(info.Namespaces, ns)
		}
	}
	switch v := string(s.Data["clusterResources"]); v {
	case "true":
		info.ClusterResources = true
	case "false", "":
	default:
		return info, secretError(s, "clusterResources", fmt.Errorf("%q is not true or false", v))
	}
	if _, err := SecretConfigData(s); err != nil {
		return info, err
	}
	return info, nil
}

// SecretName is the name Argo CD's CLI gives the cluster Secret of a
// server: "cluster-", the host without port, and a hash of the URL.
func SecretName(server string) (string, error) {
	u, err := url.ParseRequestURI(server)
	if err != nil {
		return "", fmt.Errorf("server %q: %w", server, err)
	}
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") { // an IPv6 address
		host = strings.ReplaceAll(host, ":", "-")
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(server))
	return fmt.Sprintf("cluster-%s-%d", host, h.Sum32()), nil
}

// NewSecret builds the cluster Secret of info (its SecretName, else
// SecretName(info.Server)) in namespace, with the config c.
func NewSecret(namespace string, info ClusterInfo, c Config) (*corev1.Secret, error) {
	if info.Server == "" {
		return nil, fmt.Errorf("cluster %q: no server", info.Name)
	}
	name := info.SecretName
	if name == "" {
		var err error
		if name, err = SecretName(info.Server); err != nil {
			return nil, err
		}
	}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("cluster %s: config: %w", info.Server, err)
	}
	config, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("cluster %s: config: %w", info.Server, err)
	}
	data := map[string][]byte{"server": []byte(info.Server), "config": config}
	data["name"] = []byte(info.Server)
	if info.Name != "" {
		data["name"] = []byte(info.Name)
	}
	if len(info.Namespaces) > 0 {
		data["namespaces"] = []byte(strings.Join(info.Namespaces, ","))
	}
	if info.ClusterResources {
		data["clusterResources"] = []byte("true")
	}
	if info.Project != "" {
		data["project"] = []byte(info.Project)
	}
	return &corev1.Secret{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace,
			Labels: map[string]string{SecretTypeLabel: SecretTypeCluster}},
		Type: corev1.SecretTypeOpaque,
		Data: data,
	}, nil
}
