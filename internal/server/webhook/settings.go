package webhook

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

const (
	// SecretName is Argo CD's Secret that holds the webhook secrets.
	SecretName = "argocd-secret"
	// ConfigMapName is Argo CD's settings ConfigMap.
	ConfigMapName = "argocd-cm"
	// maxPayloadKey is argocd-cm's limit of a webhook body, in MB.
	maxPayloadKey = "webhook.maxPayloadSizeMB"
	// DefaultMaxPayloadMB is Argo CD's default limit of a webhook body.
	DefaultMaxPayloadMB = 50
	// DefaultSettingsTTL is how long the Secret and ConfigMap read for one
	// request serve the next ones: a burst of webhooks (or of forged
	// requests) costs two API reads per interval, and a changed secret
	// counts within seconds.
	DefaultSettingsTTL = 5 * time.Second
)

// settings are what one request needs from argocd-secret and argocd-cm.
type settings struct {
	secrets    map[string][]byte
	maxPayload int64
}

// secret is the configured value of key; nil when unset or empty, which
// means the provider's requests are not checked.
func (s *settings) secret(key string) []byte {
	if v := s.secrets[key]; len(v) > 0 {
		return v
	}
	return nil
}

// settingsCache reads the settings at most once per ttl.
type settingsCache struct {
	client    client.Reader
	namespace string
	ttl       time.Duration

	mu   sync.Mutex
	at   time.Time
	last *settings
}

// get returns the settings, read again when older than the ttl. A Secret
// or ConfigMap that does not exist configures nothing; any other read
// error fails the request, so that an unreadable secret never lets
// unsigned payloads through.
func (c *settingsCache) get(ctx context.Context) (*settings, []string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last != nil && time.Since(c.at) < c.ttl {
		return c.last, nil, nil
	}
	s := &settings{secrets: map[string][]byte{}, maxPayload: DefaultMaxPayloadMB << 20}
	var warnings []string
	sec := &corev1.Secret{}
	if err := c.client.Get(ctx, client.ObjectKey{Namespace: c.namespace, Name: SecretName}, sec); err == nil {
		s.secrets = sec.Data
	} else if !apierrors.IsNotFound(err) {
		return nil, nil, fmt.Errorf("read secret %s/%s: %w", c.namespace, SecretName, err)
	}
	cm := &corev1.ConfigMap{}
	if err := c.client.Get(ctx, client.ObjectKey{Namespace: c.namespace, Name: ConfigMapName}, cm); err == nil {
		if v, ok := cm.Data[maxPayloadKey]; ok {
			mb, err := strconv.ParseInt(v, 10, 64)
			if err != nil || mb <= 0 || mb > 1<<20 {
				warnings = append(warnings, fmt.Sprintf("%s %s %q is not a positive number of MB: using %d", ConfigMapName, maxPayloadKey, v, DefaultMaxPayloadMB))
			} else {
				s.maxPayload = mb << 20
			}
		}
	} else if !apierrors.IsNotFound(err) {
		return nil, nil, fmt.Errorf("read configmap %s/%s: %w", c.namespace, ConfigMapName, err)
	}
	c.last, c.at = s, time.Now()
	return s, warnings, nil
}
