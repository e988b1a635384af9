package cluster

import (
	"errors"
	"fmt"
	"net/url"
	"sort"

	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// AWSAuthCommand is the program an awsAuthConfig runs for a token, as
// Argo CD does; it must be on the PATH of the controller and the CLI.
const AWSAuthCommand = "argocd-k8s-auth"

// execAPIVersion is the ExecCredential version asked of a plugin when the
// config names none; credential plugins in use today speak it.
const execAPIVersion = "client.authentication.k8s.io/v1beta1"

// Config is the JSON of a cluster Secret's config key, with Argo CD's
// field names. Credentials come from the first of: awsAuthConfig,
// execProviderConfig, then bearerToken or username and password.
type Config struct {
	// Username and Password are basic authentication.
	Username string `json:"username,omitempty"`
	// Password goes with Username.
	Password string `json:"password,omitempty"`
	// BearerToken authenticates as a service account or user token.
	BearerToken string `json:"bearerToken,omitempty"`
	// TLSClientConfig is the TLS side: CA, client certificate, server name.
	TLSClientConfig TLSClientConfig `json:"tlsClientConfig"`
	// AWSAuthConfig gets a token for an EKS cluster from AWSAuthCommand.
	AWSAuthConfig *AWSAuthConfig `json:"awsAuthConfig,omitempty"`
	// ExecProviderConfig gets credentials from a credential plugin.
	ExecProviderConfig *ExecProviderConfig `json:"execProviderConfig,omitempty"`
	// DisableCompression asks the server for uncompressed responses.
	DisableCompression bool `json:"disableCompression,omitempty"`
	// ProxyURL is an http, https or socks5 proxy for every request.
	ProxyURL string `json:"proxyUrl,omitempty"`
}

// TLSClientConfig is the TLS part of a cluster Secret's config.
type TLSClientConfig struct {
	// Insecure skips the verification of the server's certificate.
	Insecure bool `json:"insecure"`
	// ServerName is the name checked in the server's certificate, when it
	// is not the host of the server URL.
	ServerName string `json:"serverName,omitempty"`
	// CAData is the PEM of the CA that signed the server's certificate.
	CAData []byte `json:"caData,omitempty"`
	// CertData is the PEM of a client certificate.
	CertData []byte `json:"certData,omitempty"`
	// KeyData is the PEM of the client certificate's key.
	KeyData []byte `json:"keyData,omitempty"`
}

// AWSAuthConfig names an EKS cluster and how to authenticate to AWS.
type AWSAuthConfig struct {
	// ClusterName is the EKS cluster's name.
	ClusterName string `json:"clusterName,omitempty"`
	// RoleARN is a role to assume first (optional).
	RoleARN string `json:"roleARN,omitempty"`
	// Profile is an AWS profile to use (optional).
	Profile string `json:"profile,omitempty"`
}

// ExecProviderConfig is a credential plugin, run as kubectl runs one.
type ExecProviderConfig struct {
	// Command is the program to run.
	Command string `json:"command,omitempty"`
	// Args are its arguments.
	Args []string `json:"args,omitempty"`
	// Env are variables added to the process environment.
	Env map[string]string `json:"env,omitempty"`
	// APIVersion is the ExecCredential version the plugin speaks
	// (default client.authentication.k8s.io/v1beta1).
	APIVersion string `json:"apiVersion,omitempty"`
	// InstallHint is shown when the command is not found.
	InstallHint string `json:"installHint,omitempty"`
	// ProvideClusterInfo passes the server and CA to the plugin in
	// KUBERNETES_EXEC_INFO.
	ProvideClusterInfo bool `json:"provideClusterInfo,omitempty"`
}

// validate refuses a config that cannot give a client.
func (c *Config) validate() error {
	if c.AWSAuthConfig != nil && c.AWSAuthConfig.ClusterName == "" {
		return errors.New("awsAuthConfig: no clusterName")
	}
	if c.AWSAuthConfig == nil && c.ExecProviderConfig != nil && c.ExecProviderConfig.Command == "" {
		return errors.New("execProviderConfig: no command")
	}
	if c.ProxyURL != "" {
		if _, err := parseProxyURL(c.ProxyURL); err != nil {
			return fmt.Errorf("proxyUrl: %w", err)
		}
	}
	return nil
}

// execConfig is the credential plugin of an awsAuthConfig.
func (a *AWSAuthConfig) execConfig() *clientcmdapi.ExecConfig {
	args := []string{"aws", "--cluster-name", a.ClusterName}
	if a.RoleARN != "" {
		args = append(args, "--role-arn", a.RoleARN)
	}
	if a.Profile != "" {
		args = append(args, "--profile", a.Profile)
	}
	return &clientcmdapi.ExecConfig{
		Command: AWSAuthCommand, Args: args, APIVersion: execAPIVersion,
		InstallHint:     AWSAuthCommand + " (from the Argo CD release) must be on the PATH for awsAuthConfig",
		InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
	}
}

// execConfig is client-go's form of the plugin; it never reads stdin.
func (e *ExecProviderConfig) execConfig() *clientcmdapi.ExecConfig {
	version := e.APIVersion
	if version == "" {
		version = execAPIVersion
	}
	names := make([]string, 0, len(e.Env))
	for k := range e.Env {
		names = append(names, k)
	}
	sort.Strings(names) // a stable order: the config is compared and logged
	var env []clientcmdapi.ExecEnvVar
	for _, k := range names {
		env = append(env, clientcmdapi.ExecEnvVar{Name: k, Value: e.Env[k]})
	}
	return &clientcmdapi.ExecConfig{
		Command: e.Command, Args: e.Args, Env: env, APIVersion: version,
		InstallHint: e.InstallHint, ProvideClusterInfo: e.ProvideClusterInfo,
		InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
	}
}

// parseProxyURL accepts the proxy schemes Go's transport knows.
func parseProxyURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	switch u.Scheme {
	case "http", "https", "socks5":
	default:
		return nil, fmt.Errorf("%q: scheme %q is not http, https or socks5", s, u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%q: no host", s)
	}
	return u, nil
}
