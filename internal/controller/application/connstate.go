package application

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/internal/cluster"
)

// connStates records whether each destination cluster answers, in the
// ConfigMap `tiphys cluster list` reads (cluster.ConnectionStatusConfigMap).
// It writes only when a cluster's status or message changes, so a quiet
// controller makes no request for it.
type connStates struct {
	client    client.Client
	namespace string

	mu   sync.Mutex
	last map[string]string // by key: status and message
}

// record notes a cluster's state after a reconcile looked at it: down is
// nil when it answered.
func (c *connStates) record(ctx context.Context, d *cluster.Destination, down error) {
	key := d.SecretName
	if key == "" {
		key = cluster.InClusterName
	}
	st := cluster.ConnectionState{Name: d.Name, Server: d.Server, Status: cluster.ConnectionSuccessful, At: time.Now()}
	if down != nil {
		st.Status, st.Message = cluster.ConnectionFailed, down.Error()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last[key] == string(st.Status)+"\x00"+st.Message {
		return
	}
	value, err := st.Marshal()
	if err != nil {
		return
	}
	if err := c.write(ctx, key, value); err != nil {
		return // the next change tries again
	}
	if c.last == nil {
		c.last = map[string]string{}
	}
	c.last[key] = string(st.Status) + "\x00" + st.Message
}

// write sets one key of the ConfigMap, creating it when missing.
func (c *connStates) write(ctx context.Context, key, value string) error {
	patch, _ := json.Marshal(map[string]any{"data": map[string]string{key: value}})
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: c.namespace, Name: cluster.ConnectionStatusConfigMap}}
	err := c.client.Patch(ctx, cm, client.RawPatch(types.MergePatchType, patch))
	if !apierrors.IsNotFound(err) {
		return err
	}
	cm.Data = map[string]string{key: value}
	return c.client.Create(ctx, cm)
}
