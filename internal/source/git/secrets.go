package git

import (
	"context"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Argo CD's Secret labels and types for repositories.
const (
	SecretTypeLabel      = "argocd.argoproj.io/secret-type"
	SecretTypeRepository = "repository"
	SecretTypeRepoCreds  = "repo-creds"
)

// CredentialsFor picks the credentials for url from Argo CD repository
// Secrets: a "repository" Secret whose url matches exactly (after
// normalization) wins; else the "repo-creds" Secret with the longest url
// that is a prefix of url. The zero Credentials mean anonymous access.
func CredentialsFor(url string, secrets []corev1.Secret) Credentials {
	want := NormalizeURL(url)
	var best *corev1.Secret
	bestLen := -1
	for i := range secrets {
		s := &secrets[i]
		secretURL := string(s.Data["url"])
		switch s.Labels[SecretTypeLabel] {
		case SecretTypeRepository:
			if NormalizeURL(secretURL) == want {
				return credentialsOf(s)
			}
		case SecretTypeRepoCreds:
			if secretURL != "" && strings.HasPrefix(url, secretURL) && len(secretURL) > bestLen {
				best, bestLen = s, len(secretURL)
			}
		}
	}
	if best == nil {
		return Credentials{}
	}
	return credentialsOf(best)
}

func credentialsOf(s *corev1.Secret) Credentials {
	d := func(k string) string { return string(s.Data[k]) }
	return Credentials{
		Username:      d("username"),
		Password:      d("password"),
		SSHPrivateKey: d("sshPrivateKey"),
		KnownHosts:    d("sshKnownHosts"),
		TLSClientCert: d("tlsClientCertData"),
		TLSClientKey:  d("tlsClientCertKey"),
		Insecure:      d("insecure") == "true",
	}
}

// SortSecrets orders Secrets by namespace and name, so a choice between
// equals is stable.
func SortSecrets(secrets []corev1.Secret) {
	sort.Slice(secrets, func(i, j int) bool {
		if secrets[i].Namespace != secrets[j].Namespace {
			return secrets[i].Namespace < secrets[j].Namespace
		}
		return secrets[i].Name < secrets[j].Name
	})
}

// SecretCredentials returns a lookup of repository credentials from the
// Argo CD repository Secrets (label argocd.argoproj.io/secret-type) in
// namespace, read through c (a cache in the controller, the API server in
// the CLI) at each call and sorted, so every caller picks the same Secret.
// A Secret list that fails is an error, never anonymous access.
func SecretCredentials(c client.Reader, namespace string) func(ctx context.Context, url string) (Credentials, error) {
	return func(ctx context.Context, url string) (Credentials, error) {
		var list corev1.SecretList
		if err := c.List(ctx, &list, client.InNamespace(namespace), client.HasLabels{SecretTypeLabel}); err != nil {
			return Credentials{}, fmt.Errorf("repository %s: list repository secrets in %s: %w", RedactURL(url), namespace, err)
		}
		SortSecrets(list.Items)
		return CredentialsFor(url, list.Items), nil
	}
}
