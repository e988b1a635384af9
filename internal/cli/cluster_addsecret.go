package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/tiphys/tiphys/internal/cluster"
)

// clusterAuth is how `cluster add` makes the cluster Secret authenticate.
type clusterAuth struct {
	bearerToken    string
	execCommand    string
	execArgs       []string
	execEnv        []string // NAME=VALUE
	execAPIVersion string
	awsClusterName string
	awsRoleARN     string
	awsProfile     string
}

// validate refuses flags that contradict each other, before any I/O.
func (a *clusterAuth) validate() error {
	var set []string
	if a.bearerToken != "" {
		set = append(set, "--bearer-token")
	}
	if a.execCommand != "" {
		set = append(set, "--exec-command")
	}
	if a.awsClusterName != "" {
		set = append(set, "--aws-cluster-name")
	}
	if len(set) > 1 {
		return fmt.Errorf("%s: give one way to authenticate", strings.Join(set, " and "))
	}
	if a.execCommand == "" && (len(a.execArgs) > 0 || len(a.execEnv) > 0 || a.execAPIVersion != "") {
		return errors.New("--exec-arg, --exec-env and --exec-api-version need --exec-command")
	}
	if a.awsClusterName == "" && (a.awsRoleARN != "" || a.awsProfile != "") {
		return errors.New("--aws-role-arn and --aws-profile need --aws-cluster-name")
	}
	for _, e := range a.execEnv {
		if k, _, ok := strings.Cut(e, "="); !ok || k == "" {
			return fmt.Errorf("--exec-env %q: want NAME=VALUE", e)
		}
	}
	return nil
}

// ownCredentials is true when the Secret gets the context's credentials.
func (a *clusterAuth) ownCredentials() bool {
	return a.bearerToken == "" && a.execCommand == "" && a.awsClusterName == ""
}

// contextConfig reads a kubeconfig context as kubectl would resolve it,
// with its cluster's proxy-url; file "" follows $KUBECONFIG, then
// ~/.kube/config.
func contextConfig(file, context string) (*rest.Config, string, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = file
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: context})
	raw, err := cc.RawConfig()
	if err != nil {
		return nil, "", fmt.Errorf("kubeconfig: %w", err)
	}
	kc, ok := raw.Contexts[context]
	if !ok {
		return nil, "", fmt.Errorf("kubeconfig: context %q not found", context)
	}
	cfg, err := cc.ClientConfig()
	if err != nil {
		return nil, "", fmt.Errorf("kubeconfig context %s: %w", context, err)
	}
	if err := rest.LoadTLSFiles(cfg); err != nil {
		return nil, "", fmt.Errorf("kubeconfig context %s: %w", context, err)
	}
	proxy := ""
	if cl := raw.Clusters[kc.Cluster]; cl != nil {
		proxy = cl.ProxyURL
	}
	return cfg, proxy, nil
}

// clusterConfig is the config key of the Secret for a context: its CA and
// TLS settings, and the credentials auth says, else the context's own.
func clusterConfig(context string, cfg *rest.Config, proxy string, a clusterAuth) (cluster.Config, error) {
	c := cluster.Config{ProxyURL: proxy, TLSClientConfig: cluster.TLSClientConfig{
		Insecure: cfg.Insecure, ServerName: cfg.ServerName, CAData: cfg.CAData,
	}}
	switch {
	case a.bearerToken != "":
		c.BearerToken = a.bearerToken
	case a.awsClusterName != "":
		c.AWSAuthConfig = &cluster.AWSAuthConfig{ClusterName: a.awsClusterName, RoleARN: a.awsRoleARN, Profile: a.awsProfile}
	case a.execCommand != "":
		c.ExecProviderConfig = &cluster.ExecProviderConfig{Command: a.execCommand, Args: a.execArgs, APIVersion: a.execAPIVersion}
		for _, e := range a.execEnv {
			k, v, _ := strings.Cut(e, "=")
			if c.ExecProviderConfig.Env == nil {
				c.ExecProviderConfig.Env = map[string]string{}
			}
			c.ExecProviderConfig.Env[k] = v
		}
	default:
		return contextCredentials(context, cfg, c)
	}
	return c, nil
}

// contextCredentials copies the context's own credentials into c.
func contextCredentials(context string, cfg *rest.Config, c cluster.Config) (cluster.Config, error) {
	if cfg.AuthProvider != nil {
		return c, fmt.Errorf("kubeconfig context %s: auth-provider %q cannot be copied: use --bearer-token or --exec-command",
			context, cfg.AuthProvider.Name)
	}
	c.Username, c.Password = cfg.Username, cfg.Password
	// client-go reads a token file into BearerToken as it is, newline and all.
	c.BearerToken = strings.TrimSpace(cfg.BearerToken)
	if c.BearerToken == "" && cfg.BearerTokenFile != "" {
		b, err := os.ReadFile(cfg.BearerTokenFile)
		if err != nil {
			return c, fmt.Errorf("kubeconfig context %s: token file: %w", context, err)
		}
		c.BearerToken = strings.TrimSpace(string(b))
	}
	c.TLSClientConfig.CertData, c.TLSClientConfig.KeyData = cfg.CertData, cfg.KeyData
	if e := cfg.ExecProvider; e != nil {
		c.ExecProviderConfig = &cluster.ExecProviderConfig{Command: e.Command, Args: e.Args, APIVersion: e.APIVersion,
			InstallHint: e.InstallHint, ProvideClusterInfo: e.ProvideClusterInfo}
		for _, v := range e.Env {
			if c.ExecProviderConfig.Env == nil {
				c.ExecProviderConfig.Env = map[string]string{}
			}
			c.ExecProviderConfig.Env[v.Name] = v.Value
		}
	}
	if c.BearerToken == "" && c.Username == "" && len(c.TLSClientConfig.CertData) == 0 && c.ExecProviderConfig == nil {
		return c, fmt.Errorf("kubeconfig context %s: no credentials (token, basic auth, client certificate or exec plugin) to copy", context)
	}
	return c, nil
}
