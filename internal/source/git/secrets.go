package git

import (
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
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
