package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

// The argocd-cm keys of single sign-on, as Argo CD names them.
const (
	oidcConfigKey = "oidc.config"
	urlKey        = "url"
)

// defaultOIDCScopes are the scopes asked for when oidc.config has no
// requestedScopes, Argo CD's default.
var defaultOIDCScopes = []string{"openid", "profile", "email", "groups"}

// oidcConfig is argocd-cm's oidc.config, the fields Tiphys reads of Argo
// CD's OIDCConfig. Values written `$key` are read from argocd-secret's key,
// and `$secret:key` from that key of another Secret of the namespace
// labelled app.kubernetes.io/part-of: argocd, as Argo CD resolves them.
type oidcConfig struct {
	Name                   string                `json:"name,omitempty"`
	Issuer                 string                `json:"issuer,omitempty"`
	ClientID               string                `json:"clientID,omitempty"`
	ClientSecret           string                `json:"clientSecret,omitempty"`
	CLIClientID            string                `json:"cliClientID,omitempty"`
	RequestedScopes        []string              `json:"requestedScopes,omitempty"`
	RequestedIDTokenClaims map[string]*oidcClaim `json:"requestedIDTokenClaims,omitempty"`
	LogoutURL              string                `json:"logoutURL,omitempty"`
	AllowedAudiences       []string              `json:"allowedAudiences,omitempty"`
}

// oidcClaim is one entry of requestedIDTokenClaims, OpenID Connect's
// individual claim request (Core §5.5.1).
type oidcClaim struct {
	Essential bool     `json:"essential,omitempty"`
	Value     string   `json:"value,omitempty"`
	Values    []string `json:"values,omitempty"`
}

// scopes are the scopes the login asks for: requestedScopes, or Argo CD's
// default; openid is always among them, as OpenID Connect requires.
func (c *oidcConfig) scopes() []string {
	s := c.RequestedScopes
	if len(s) == 0 {
		s = defaultOIDCScopes
	}
	for _, v := range s {
		if v == "openid" {
			return s
		}
	}
	return append([]string{"openid"}, s...)
}

// audiences are the aud values a bearer token may carry: allowedAudiences,
// else the clientID and the cliClientID, as Argo CD's
// OAuth2AllowedAudiences.
func (c *oidcConfig) audiences() []string {
	if len(c.AllowedAudiences) > 0 {
		return c.AllowedAudiences
	}
	if c.CLIClientID != "" {
		return []string{c.ClientID, c.CLIClientID}
	}
	return []string{c.ClientID}
}

// sso is the single sign-on settings in force: argocd-cm's url (the
// server's external address, the base of the redirect URL) and its
// oidc.config (nil when absent).
type sso struct {
	url    string
	config *oidcConfig
}

// sso reads argocd-cm's url and oidc.config, with the secret references
// resolved. An oidc.config that does not parse, or lacks the issuer or
// clientID, is an error naming it (Argo CD logs it and runs without SSO;
// failing the login says why it does not work); the url is returned with
// it.
func (s *Server) sso(ctx context.Context) (*sso, error) {
	cm, err := s.configMap(ctx, settingsConfigMap)
	if err != nil {
		return nil, err
	}
	out := &sso{url: strings.TrimRight(cm[urlKey], "/")}
	raw := strings.TrimSpace(cm[oidcConfigKey])
	if raw == "" {
		return out, nil
	}
	var tree map[string]any
	if err := yaml.Unmarshal([]byte(raw), &tree); err != nil {
		return out, fmt.Errorf("configmap %s: %s: %w", settingsConfigMap, oidcConfigKey, err)
	}
	sec, err := s.secret(ctx, settingsSecret)
	if err != nil {
		return out, err
	}
	if err := s.resolveSecrets(ctx, tree, sec); err != nil {
		return out, fmt.Errorf("configmap %s: %s: %w", settingsConfigMap, oidcConfigKey, err)
	}
	b, err := json.Marshal(tree)
	if err != nil {
		return out, fmt.Errorf("configmap %s: %s: %w", settingsConfigMap, oidcConfigKey, err)
	}
	c := &oidcConfig{}
	if err := json.Unmarshal(b, c); err != nil {
		return out, fmt.Errorf("configmap %s: %s: %w", settingsConfigMap, oidcConfigKey, err)
	}
	if c.Issuer == "" || c.ClientID == "" {
		return out, fmt.Errorf("configmap %s: %s: issuer and clientID are required", settingsConfigMap, oidcConfigKey)
	}
	out.config = c
	return out, nil
}

// resolveSecrets replaces, in place, every string value of tree that
// starts with `$` by the secret value it names: `$key` in argocd-secret,
// `$secret:key` in another labelled Secret. A reference to a key that
// does not exist stays as written, as Argo CD leaves it.
func (s *Server) resolveSecrets(ctx context.Context, tree map[string]any, settings map[string][]byte) error {
	var walk func(v any) (any, error)
	walk = func(v any) (any, error) {
		switch v := v.(type) {
		case string:
			return s.resolveSecret(ctx, v, settings)
		case map[string]any:
			for k, e := range v {
				r, err := walk(e)
				if err != nil {
					return nil, err
				}
				v[k] = r
			}
		case []any:
			for i, e := range v {
				r, err := walk(e)
				if err != nil {
					return nil, err
				}
				v[i] = r
			}
		}
		return v, nil
	}
	_, err := walk(tree)
	return err
}

// resolveSecret is one value of resolveSecrets.
func (s *Server) resolveSecret(ctx context.Context, v string, settings map[string][]byte) (string, error) {
	ref, ok := strings.CutPrefix(v, "$")
	if !ok || ref == "" {
		return v, nil
	}
	name, key, other := strings.Cut(ref, ":")
	if !other {
		if val, ok := settings[ref]; ok {
			return strings.TrimSpace(string(val)), nil
		}
		return v, nil
	}
	sec := &corev1.Secret{}
	if err := s.opts.Client.Get(ctx, client.ObjectKey{Namespace: s.opts.Namespace, Name: name}, sec); err != nil {
		return "", fmt.Errorf("secret reference %q: %w", v, err)
	}
	if sec.Labels["app.kubernetes.io/part-of"] != "argocd" {
		return "", fmt.Errorf("secret reference %q: secret %s lacks the label app.kubernetes.io/part-of: argocd", v, name)
	}
	if val, ok := sec.Data[key]; ok {
		return strings.TrimSpace(string(val)), nil
	}
	return v, nil
}

// getSettings is GET /api/v1/settings, unauthenticated as Argo CD's:
// {"url", "oidcConfig": {"name", "issuer", "clientID", "cliClientID",
// "scopes", "idTokenClaims"}}, without the client secret, so that a UI
// can offer "Log in via <name>". oidcConfig is absent without SSO.
func (s *Server) getSettings(w http.ResponseWriter, r *http.Request) {
	cfg, err := s.sso(r.Context())
	if cfg == nil {
		writeError(w, err)
		return
	}
	if err != nil {
		s.opts.Log.Error(err, "settings: single sign-on left out")
	}
	out := map[string]any{"url": cfg.url}
	if c := cfg.config; c != nil {
		o := map[string]any{"name": c.Name, "issuer": c.Issuer, "clientID": c.ClientID, "scopes": c.scopes()}
		if c.CLIClientID != "" {
			o["cliClientID"] = c.CLIClientID
		}
		if len(c.RequestedIDTokenClaims) > 0 {
			o["idTokenClaims"] = c.RequestedIDTokenClaims
		}
		out["oidcConfig"] = o
	}
	writeJSON(w, http.StatusOK, out)
}
