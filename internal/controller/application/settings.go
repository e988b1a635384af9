package application

import (
	"context"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/internal/settings"
)

// settingsCache reads argocd-cm from the manager's cache and parses it once
// per resourceVersion.
type settingsCache struct {
	client    client.Reader
	namespace string

	mu      sync.Mutex
	version string
	parsed  *settings.Settings
	err     error
}

// noSettings are the defaults, one value so that an unchanged setting is
// the same pointer from one reconcile to the next.
var noSettings = &settings.Settings{}

// get returns the current settings; without argocd-cm, the defaults. A key
// that does not parse is named in the error and left out of the settings.
func (c *settingsCache) get(ctx context.Context) (*settings.Settings, error) {
	var cm corev1.ConfigMap
	err := c.client.Get(ctx, client.ObjectKey{Namespace: c.namespace, Name: settings.ConfigMapName}, &cm)
	if apierrors.IsNotFound(err) {
		return noSettings, nil
	}
	if err != nil {
		return &settings.Settings{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.parsed == nil || c.version != cm.ResourceVersion {
		c.parsed, c.err = settings.Parse(cm.Data)
		c.version = cm.ResourceVersion
	}
	return c.parsed, c.err
}
