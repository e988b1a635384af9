package cluster_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/internal/cluster"
)

// SecretInfo reads a cluster Secret's name, project, namespaces and
// clusterResources as Argo CD does; bad values name the key.
func TestSecretInfo(t *testing.T) {
	tests := []struct {
		name string
		data map[string]string
		want cluster.ClusterInfo
		err  string
	}{
		{"all keys", map[string]string{"name": "prod", "server": "https://p", "project": "team-a",
			"namespaces": " a, b ,,c", "clusterResources": "true"},
			cluster.ClusterInfo{Name: "prod", Server: "https://p", Project: "team-a", Namespaces: []string{"a", "b", "c"},
				ClusterResources: true, SecretName: "prod"}, ""},
		{"name defaults to the server", map[string]string{"server": "https://p", "clusterResources": "false"},
			cluster.ClusterInfo{Name: "https://p", Server: "https://p", SecretName: "prod"}, ""},
		{"clusterResources not a boolean", map[string]string{"server": "https://p", "clusterResources": "yes"},
			cluster.ClusterInfo{}, `cluster secret argocd/prod: clusterResources: "yes" is not true or false`},
		{"bad config", map[string]string{"server": "https://p", "config": "{"},
			cluster.ClusterInfo{}, "cluster secret argocd/prod: config: not a JSON cluster config"},
		{"no server", map[string]string{"name": "prod"}, cluster.ClusterInfo{}, "cluster secret argocd/prod: server: empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cluster.SecretInfo(clusterSecret(tt.data))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("error %v; want %q", err, tt.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

// NewSecret writes what SecretInfo and SecretConfig read back, under the
// name Argo CD's CLI would choose.
func TestNewSecretRoundTrip(t *testing.T) {
	info := cluster.ClusterInfo{Name: "prod", Server: "https://Prod.example.com:6443", Project: "team-a",
		Namespaces: []string{"a", "b"}, ClusterResources: true}
	c := cluster.Config{BearerToken: "t0k", TLSClientConfig: cluster.TLSClientConfig{CAData: []byte("CA")}}
	s, err := cluster.NewSecret("argocd", info, c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.Name, "cluster-prod.example.com-") || s.Namespace != "argocd" ||
		s.Labels[cluster.SecretTypeLabel] != cluster.SecretTypeCluster {
		t.Errorf("secret %s/%s labels %v", s.Namespace, s.Name, s.Labels)
	}
	got, err := cluster.SecretInfo(s)
	info.SecretName = s.Name
	if err != nil || !reflect.DeepEqual(got, info) {
		t.Errorf("SecretInfo = %+v, %v; want %+v", got, err, info)
	}
	cfg, err := cluster.SecretConfig(s)
	if err != nil || cfg.BearerToken != "t0k" || string(cfg.CAData) != "CA" || cfg.Host != info.Server {
		t.Errorf("SecretConfig = %+v, %v", cfg, err)
	}
	if _, err := cluster.NewSecret("argocd", info, cluster.Config{ExecProviderConfig: &cluster.ExecProviderConfig{}}); err == nil ||
		!strings.Contains(err.Error(), "execProviderConfig: no command") {
		t.Errorf("an exec provider without command: %v", err)
	}
}

// Secret names follow Argo CD's CLI: host without port, lower case, and a
// hash of the whole URL, so two ports of one host differ.
func TestSecretName(t *testing.T) {
	a, _ := cluster.SecretName("https://10.0.0.1:6443")
	b, _ := cluster.SecretName("https://10.0.0.1:7443")
	v6, _ := cluster.SecretName("https://[fd00::1]:6443")
	if !strings.HasPrefix(a, "cluster-10.0.0.1-") || a == b || !strings.HasPrefix(v6, "cluster-fd00--1-") {
		t.Errorf("names %q %q %q", a, b, v6)
	}
	if _, err := cluster.SecretName("not a url"); err == nil {
		t.Error("a server that is not a URL was named")
	}
}
