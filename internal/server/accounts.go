package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// The Secrets and ConfigMap the server reads, as Argo CD names them.
const (
	settingsConfigMap  = "argocd-cm"
	settingsSecret     = "argocd-secret"
	initialAdminSecret = "argocd-initial-admin-secret"
	adminAccount       = "admin"
	secretKeyKey       = "server.secretkey"
)

// account is a local account of argocd-cm: `accounts.<name>: apiKey, login`
// and `accounts.<name>.enabled`, with the admin account built in
// (`admin.enabled`), as Argo CD's settings define them.
type account struct {
	name         string
	capabilities []string // "login", "apiKey"
	enabled      bool
	passwordHash string    // bcrypt, from argocd-secret
	passwordTime time.Time // when it was set (…passwordMtime); zero when unknown
	tokens       []apiToken
}

// apiToken is an API key an account holds: argocd-secret's
// accounts.<name>.tokens, a JSON list, as Argo CD stores it (the token
// itself is never stored).
type apiToken struct {
	ID        string `json:"id"`
	IssuedAt  int64  `json:"iat"`
	ExpiresAt int64  `json:"exp,omitempty"`
}

func (a *account) hasToken(id string) bool {
	return id != "" && slices.ContainsFunc(a.tokens, func(t apiToken) bool { return t.ID == id })
}

func (a *account) can(capability string) bool { return slices.Contains(a.capabilities, capability) }

// accounts reads the local accounts from argocd-cm and their password
// hashes from argocd-secret (`admin.password`, `accounts.<name>.password`).
func (s *Server) accounts(ctx context.Context) (map[string]*account, error) {
	cm, err := s.configMap(ctx, settingsConfigMap)
	if err != nil {
		return nil, err
	}
	sec, err := s.secret(ctx, settingsSecret)
	if err != nil {
		return nil, err
	}
	out := map[string]*account{adminAccount: {name: adminAccount, capabilities: []string{"login"},
		enabled: cm["admin.enabled"] != "false", passwordHash: string(sec["admin.password"]),
		passwordTime: mtime(sec["admin.passwordMtime"])}}
	for k, v := range cm {
		name, ok := strings.CutPrefix(k, "accounts.")
		if !ok || strings.Contains(name, ".") {
			continue
		}
		a := &account{name: name, enabled: cm["accounts."+name+".enabled"] != "false",
			passwordHash: string(sec["accounts."+name+".password"]), passwordTime: mtime(sec["accounts."+name+".passwordMtime"])}
		_ = json.Unmarshal(sec["accounts."+name+".tokens"], &a.tokens) // unreadable: no API keys
		for _, c := range strings.Split(v, ",") {
			if c = strings.TrimSpace(c); c != "" {
				a.capabilities = append(a.capabilities, c)
			}
		}
		out[name] = a
	}
	return out, nil
}

// mtime reads a passwordMtime value (RFC 3339); zero when absent or unreadable.
func mtime(b []byte) time.Time {
	t, _ := time.Parse(time.RFC3339, string(b))
	return t
}

// checkPassword verifies a login: the account exists, is enabled, may log
// in and its bcrypt hash matches. Every failure is the same error, so
// that a caller cannot tell which accounts exist.
func (s *Server) checkPassword(ctx context.Context, username, password string) error {
	accts, err := s.accounts(ctx)
	if err != nil {
		return err
	}
	a := accts[username]
	if a == nil || !a.enabled || !a.can("login") || a.passwordHash == "" ||
		bcrypt.CompareHashAndPassword([]byte(a.passwordHash), []byte(password)) != nil {
		return errorf(401, "Invalid username or password")
	}
	return nil
}

// ensureSecrets creates what Argo CD's first start creates: the server's
// signing key (`server.secretkey`) and, when the admin account has no
// password, a random one, stored bcrypt-hashed in argocd-secret and in
// clear in argocd-initial-admin-secret (`password`) for the first login.
// It returns the initial password when it made one.
func (s *Server) ensureSecrets(ctx context.Context) (string, error) {
	sec := &corev1.Secret{}
	err := s.opts.Client.Get(ctx, client.ObjectKey{Namespace: s.opts.Namespace, Name: settingsSecret}, sec)
	if apierrors.IsNotFound(err) {
		sec = &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: s.opts.Namespace, Name: settingsSecret,
			Labels: map[string]string{"app.kubernetes.io/part-of": "argocd"}}}
		if err := s.opts.Client.Create(ctx, sec); err != nil {
			return "", fmt.Errorf("create secret %s: %w", settingsSecret, err)
		}
	} else if err != nil {
		return "", fmt.Errorf("read secret %s: %w", settingsSecret, err)
	}
	patch := client.MergeFrom(sec.DeepCopy())
	if sec.Data == nil {
		sec.Data = map[string][]byte{}
	}
	var initial string
	if len(sec.Data[secretKeyKey]) == 0 {
		sec.Data[secretKeyKey] = []byte(randomString(32))
	}
	if len(sec.Data["admin.password"]) == 0 {
		initial = randomString(12)
		hash, err := bcrypt.GenerateFromPassword([]byte(initial), bcrypt.DefaultCost)
		if err != nil {
			return "", fmt.Errorf("hash the initial admin password: %w", err)
		}
		sec.Data["admin.password"] = hash
		sec.Data["admin.passwordMtime"] = []byte(time.Now().UTC().Format(time.RFC3339))
	}
	if err := s.opts.Client.Patch(ctx, sec, patch); err != nil {
		return "", fmt.Errorf("update secret %s: %w", settingsSecret, err)
	}
	if initial == "" {
		return "", nil
	}
	init := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: s.opts.Namespace, Name: initialAdminSecret,
		Labels: map[string]string{"app.kubernetes.io/part-of": "argocd"}},
		Data: map[string][]byte{"password": []byte(initial)}}
	err = s.opts.Client.Create(ctx, init)
	if apierrors.IsAlreadyExists(err) {
		// Left from an earlier install whose argocd-secret was reset.
		old := &corev1.Secret{}
		if err = s.opts.Client.Get(ctx, client.ObjectKeyFromObject(init), old); err == nil {
			old.Data = init.Data
			err = s.opts.Client.Update(ctx, old)
		}
	}
	if err != nil {
		return "", fmt.Errorf("write secret %s: %w", initialAdminSecret, err)
	}
	return initial, nil
}

// signingKey is the key tokens are signed with (argocd-secret's
// server.secretkey).
func (s *Server) signingKey(ctx context.Context) ([]byte, error) {
	sec, err := s.secret(ctx, settingsSecret)
	if err != nil {
		return nil, err
	}
	key := sec[secretKeyKey]
	if len(key) == 0 {
		return nil, fmt.Errorf("secret %s/%s has no %s", s.opts.Namespace, settingsSecret, secretKeyKey)
	}
	return key, nil
}

// configMap returns a ConfigMap's data in the server's namespace (empty
// when it does not exist).
func (s *Server) configMap(ctx context.Context, name string) (map[string]string, error) {
	cm := &corev1.ConfigMap{}
	if err := s.opts.Client.Get(ctx, client.ObjectKey{Namespace: s.opts.Namespace, Name: name}, cm); err != nil {
		if apierrors.IsNotFound(err) {
			return map[string]string{}, nil
		}
		return nil, fmt.Errorf("read configmap %s: %w", name, err)
	}
	if cm.Data == nil {
		return map[string]string{}, nil
	}
	return cm.Data, nil
}

// secret returns a Secret's data in the server's namespace (empty when it
// does not exist).
func (s *Server) secret(ctx context.Context, name string) (map[string][]byte, error) {
	sec := &corev1.Secret{}
	if err := s.opts.Client.Get(ctx, client.ObjectKey{Namespace: s.opts.Namespace, Name: name}, sec); err != nil {
		if apierrors.IsNotFound(err) {
			return map[string][]byte{}, nil
		}
		return nil, fmt.Errorf("read secret %s: %w", name, err)
	}
	return sec.Data, nil
}

// randomString is n random bytes, URL-safe base64 without padding.
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
