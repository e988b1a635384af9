package cli

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/tiphys/tiphys/internal/cluster"
)

// writeKubeconfig writes a kubeconfig with one context per user: the
// cluster "prod" (with CA and proxy) and users of every kind.
func writeKubeconfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	tokenFile := writeFile(t, dir, "token", "from-file\n")
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["prod"] = &clientcmdapi.Cluster{Server: "https://prod.example.com:6443", CertificateAuthorityData: []byte("CA"),
		TLSServerName: "api.prod", ProxyURL: "http://proxy:3128"}
	users := map[string]*clientcmdapi.AuthInfo{
		"cert":  {ClientCertificateData: []byte("CERT"), ClientKeyData: []byte("KEY")},
		"token": {Token: "t0k"},
		"file":  {TokenFile: tokenFile},
		"basic": {Username: "u", Password: "p"},
		"exec": {Exec: &clientcmdapi.ExecConfig{Command: "gke-auth", Args: []string{"-v"}, APIVersion: "client.authentication.k8s.io/v1", Env: []clientcmdapi.ExecEnvVar{{Name: "A", Value: "1"}},
			InteractiveMode: clientcmdapi.NeverExecInteractiveMode}},
		"oidc":    {AuthProvider: &clientcmdapi.AuthProviderConfig{Name: "oidc"}},
		"nothing": {},
	}
	for name, u := range users {
		cfg.AuthInfos[name] = u
		cfg.Contexts[name] = &clientcmdapi.Context{Cluster: "prod", AuthInfo: name}
	}
	cfg.CurrentContext = "cert"
	path := filepath.Join(dir, "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// Given a kubeconfig context, `cluster add` builds the Secret with the
// context's server, CA, server name and proxy, and the credentials the
// flags give, else the context's own; without a cluster.
func TestClusterAddSecret(t *testing.T) {
	kubeconfig := writeKubeconfig(t)
	tests := []struct {
		context string
		auth    clusterAuth
		want    cluster.Config // TLSClientConfig's CA, server name and the proxy are checked for all
		err     string
	}{
		{context: "cert", want: cluster.Config{TLSClientConfig: cluster.TLSClientConfig{CertData: []byte("CERT"), KeyData: []byte("KEY")}}},
		{context: "token", want: cluster.Config{BearerToken: "t0k"}},
		{context: "file", want: cluster.Config{BearerToken: "from-file"}},
		{context: "basic", want: cluster.Config{Username: "u", Password: "p"}},
		{context: "exec", want: cluster.Config{ExecProviderConfig: &cluster.ExecProviderConfig{Command: "gke-auth", Args: []string{"-v"},
			APIVersion: "client.authentication.k8s.io/v1", Env: map[string]string{"A": "1"}}}},
		{context: "cert", auth: clusterAuth{bearerToken: "given"}, want: cluster.Config{BearerToken: "given"}},
		{context: "oidc", auth: clusterAuth{execCommand: "plugin", execArgs: []string{"a", "b"}, execEnv: []string{"X=1=2"}},
			want: cluster.Config{ExecProviderConfig: &cluster.ExecProviderConfig{Command: "plugin", Args: []string{"a", "b"}, Env: map[string]string{"X": "1=2"}}}},
		{context: "nothing", auth: clusterAuth{awsClusterName: "eks", awsProfile: "ops"},
			want: cluster.Config{AWSAuthConfig: &cluster.AWSAuthConfig{ClusterName: "eks", Profile: "ops"}}},
		{context: "oidc", err: `kubeconfig context oidc: auth-provider "oidc" cannot be copied`},
		{context: "nothing", err: "kubeconfig context nothing: no credentials"},
		{context: "missing", err: `kubeconfig: context "missing" not found`},
	}
	for _, tt := range tests {
		t.Run(tt.context+" "+tt.err, func(t *testing.T) {
			o := &clusterAddOptions{auth: tt.auth, kubeconfigFile: kubeconfig, project: "team-a", namespaces: []string{"a", "b"}}
			o.namespace = "argocd"
			s, err := o.secret(tt.context)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v; want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			info, err := cluster.SecretInfo(s)
			if err != nil || info.Name != tt.context || info.Server != "https://prod.example.com:6443" || info.Project != "team-a" ||
				!reflect.DeepEqual(info.Namespaces, []string{"a", "b"}) || s.Namespace != "argocd" {
				t.Errorf("secret %s/%s: %+v, %v", s.Namespace, s.Name, info, err)
			}
			got, err := cluster.SecretConfigData(s)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			want.ProxyURL = "http://proxy:3128"
			want.TLSClientConfig.CAData, want.TLSClientConfig.ServerName = []byte("CA"), "api.prod"
			if !reflect.DeepEqual(got, want) {
				t.Errorf("config\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

// Flags that contradict each other are refused before anything is read.
func TestClusterAddFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--bearer-token", "t", "--exec-command", "p"}, "--bearer-token and --exec-command: give one way to authenticate"},
		{[]string{"--exec-arg", "x"}, "--exec-arg, --exec-env and --exec-api-version need --exec-command"},
		{[]string{"--exec-command", "p", "--exec-env", "novalue"}, `--exec-env "novalue": want NAME=VALUE`},
		{[]string{"--aws-profile", "ops"}, "--aws-role-arn and --aws-profile need --aws-cluster-name"},
		{[]string{"--cluster-resources"}, "--cluster-resources applies to a namespace-scoped cluster: give --namespace"},
		{[]string{"--bearer-token", ""}, "--bearer-token is empty"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			args := append([]string{"cluster", "add", "ctx", "--kubeconfig", "/nonexistent"}, tt.args...)
			code, _, stderr := run(args...)
			if code != 1 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %q", code, stderr, tt.want)
			}
		})
	}
}
