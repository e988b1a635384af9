package cluster_test

import (
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/tiphys/tiphys/internal/cluster"
)

// clusterSecret builds a cluster Secret named prod in argocd from keys.
func clusterSecret(data map[string]string) *corev1.Secret {
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "prod", Namespace: "argocd",
		Labels: map[string]string{cluster.SecretTypeLabel: cluster.SecretTypeCluster}}, Data: map[string][]byte{}}
	for k, v := range data {
		s.Data[k] = []byte(v)
	}
	return s
}

// Each way a cluster Secret can authenticate gives the client
// configuration Argo CD would build; proxy and compression are kept.
func TestSecretConfig(t *testing.T) {
	const server = "https://prod.example.com"
	tests := []struct {
		name   string
		config string
		check  func(t *testing.T, got testConfig)
	}{
		{"bearer token and CA", `{"bearerToken":"t0k","tlsClientConfig":{"caData":"Q0E=","serverName":"api"}}`, func(t *testing.T, c testConfig) {
			if c.BearerToken != "t0k" || string(c.CAData) != "CA" || c.ServerName != "api" || c.ExecProvider != nil {
				t.Errorf("got %+v", c)
			}
		}},
		{"basic auth and client certificate", `{"username":"u","password":"p","tlsClientConfig":{"insecure":true,"certData":"Q0VSVA==","keyData":"S0VZ"}}`, func(t *testing.T, c testConfig) {
			if c.Username != "u" || c.Password != "p" || !c.Insecure || string(c.CertData) != "CERT" || string(c.KeyData) != "KEY" {
				t.Errorf("got %+v", c)
			}
		}},
		{"exec provider", `{"bearerToken":"ignored","execProviderConfig":{"command":"gke-auth","args":["--x"],"env":{"B":"2","A":"1"},"installHint":"install it"}}`, func(t *testing.T, c testConfig) {
			want := &clientcmdapi.ExecConfig{Command: "gke-auth", Args: []string{"--x"}, APIVersion: "client.authentication.k8s.io/v1beta1",
				Env: []clientcmdapi.ExecEnvVar{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}}, InstallHint: "install it",
				InteractiveMode: clientcmdapi.NeverExecInteractiveMode}
			if !reflect.DeepEqual(c.ExecProvider, want) || c.BearerToken != "" {
				t.Errorf("exec provider %+v, token %q; want %+v and no token", c.ExecProvider, c.BearerToken, want)
			}
		}},
		{"aws", `{"awsAuthConfig":{"clusterName":"eks-1","roleARN":"arn:aws:iam::1:role/r","profile":"ops"},"execProviderConfig":{"command":"other"}}`, func(t *testing.T, c testConfig) {
			want := []string{"aws", "--cluster-name", "eks-1", "--role-arn", "arn:aws:iam::1:role/r", "--profile", "ops"}
			if c.ExecProvider == nil || c.ExecProvider.Command != cluster.AWSAuthCommand || !reflect.DeepEqual(c.ExecProvider.Args, want) ||
				c.ExecProvider.InteractiveMode != clientcmdapi.NeverExecInteractiveMode {
				t.Errorf("exec provider %+v; want %s %v", c.ExecProvider, cluster.AWSAuthCommand, want)
			}
		}},
		{"aws without role or profile", `{"awsAuthConfig":{"clusterName":"eks-1"}}`, func(t *testing.T, c testConfig) {
			if c.ExecProvider == nil || !reflect.DeepEqual(c.ExecProvider.Args, []string{"aws", "--cluster-name", "eks-1"}) {
				t.Errorf("exec provider %+v", c.ExecProvider)
			}
		}},
		{"proxy and compression", `{"proxyUrl":"socks5://proxy:1080","disableCompression":true}`, func(t *testing.T, c testConfig) {
			req, _ := http.NewRequest(http.MethodGet, server, nil)
			u, err := c.Proxy(req)
			if err != nil || u == nil || u.String() != "socks5://proxy:1080" || !c.DisableCompression {
				t.Errorf("proxy %v (%v), disableCompression %v", u, err, c.DisableCompression)
			}
		}},
		{"no config key", "", func(t *testing.T, c testConfig) {
			if c.Host != server || c.BearerToken != "" || c.ExecProvider != nil || c.Proxy != nil {
				t.Errorf("got %+v", c)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := map[string]string{"name": "prod", "server": server}
			if tt.config != "" {
				data["config"] = tt.config
			}
			cfg, err := cluster.SecretConfig(clusterSecret(data))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, testConfig{cfg.Host, cfg.Username, cfg.Password, cfg.BearerToken, cfg.Insecure, cfg.ServerName,
				cfg.CAData, cfg.CertData, cfg.KeyData, cfg.ExecProvider, cfg.Proxy, cfg.DisableCompression})
		})
	}
}

// testConfig is the part of a rest.Config the table checks.
type testConfig struct {
	Host, Username, Password, BearerToken string
	Insecure                              bool
	ServerName                            string
	CAData, CertData, KeyData             []byte
	ExecProvider                          *clientcmdapi.ExecConfig
	Proxy                                 func(*http.Request) (*url.URL, error)
	DisableCompression                    bool
}

// Bad cluster Secrets are errors naming the Secret, the key and the cause.
func TestSecretConfigBadInput(t *testing.T) {
	tests := []struct {
		name string
		data map[string]string
		want string
	}{
		{"no server", map[string]string{"config": "{}"}, "cluster secret argocd/prod: server: empty"},
		{"config not JSON", map[string]string{"server": "https://x", "config": "bearerToken: x"}, "cluster secret argocd/prod: config: not a JSON cluster config"},
		{"exec without command", map[string]string{"server": "https://x", "config": `{"execProviderConfig":{"args":["a"]}}`}, "cluster secret argocd/prod: config: execProviderConfig: no command"},
		{"aws without cluster name", map[string]string{"server": "https://x", "config": `{"awsAuthConfig":{"profile":"p"}}`}, "cluster secret argocd/prod: config: awsAuthConfig: no clusterName"},
		{"proxy scheme", map[string]string{"server": "https://x", "config": `{"proxyUrl":"ftp://proxy"}`}, `cluster secret argocd/prod: config: proxyUrl: "ftp://proxy": scheme "ftp" is not http, https or socks5`},
		{"proxy not a URL", map[string]string{"server": "https://x", "config": `{"proxyUrl":"http://[::1"}`}, "cluster secret argocd/prod: config: proxyUrl:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cluster.SecretConfig(clusterSecret(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v; want %q", err, tt.want)
			}
		})
	}
}

// Given a cluster Secret whose execProviderConfig runs a credential plugin
// (a shell script printing an ExecCredential), when a client built from it
// calls the cluster, then the token the plugin printed, made of its
// argument and its env, arrives as the bearer token.
func TestSecretConfigExecPlugin(t *testing.T) {
	var mu sync.Mutex
	var auth []string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth = append(auth, r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"major":"1","minor":"37","gitVersion":"v1.37.2"}`))
	}))
	defer srv.Close()
	plugin := filepath.Join(t.TempDir(), "credential-plugin")
	script := "#!/bin/sh\nprintf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"%s-%s\"}}' \"$1\" \"$PLUGIN_SUFFIX\"\n"
	if err := os.WriteFile(plugin, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	config := `{"execProviderConfig":{"command":"` + plugin + `","args":["from-plugin"],"env":{"PLUGIN_SUFFIX":"ok"},` +
		`"apiVersion":"client.authentication.k8s.io/v1"},"tlsClientConfig":{"caData":"` + base64.StdEncoding.EncodeToString(ca) + `"}}`
	cfg, err := cluster.SecretConfig(clusterSecret(map[string]string{"server": srv.URL, "config": config}))
	if err != nil {
		t.Fatal(err)
	}
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kube.Discovery().ServerVersion(); err != nil {
		t.Fatalf("server version through the plugin's credentials: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(auth) == 0 || auth[0] != "Bearer from-plugin-ok" {
		t.Errorf("Authorization headers %q; want Bearer from-plugin-ok", auth)
	}
}
