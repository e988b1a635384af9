package cluster_test

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/internal/cluster"
)

// A connection state survives the ConfigMap, in the agreed JSON; bad
// values are errors naming the ConfigMap key.
func TestConnectionState(t *testing.T) {
	at := time.Date(2026, 11, 30, 10, 5, 0, 123, time.FixedZone("CET", 3600))
	s := cluster.ConnectionState{Name: "prod", Server: "https://p", Status: cluster.ConnectionFailed, Message: "dial tcp: refused", At: at}
	v, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"prod","server":"https://p","status":"Failed","message":"dial tcp: refused","at":"2026-11-30T09:05:00Z"}`
	if v != want {
		t.Errorf("Marshal = %s; want %s", v, want)
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: cluster.ConnectionStatusConfigMap, Namespace: "argocd"},
		Data: map[string]string{cluster.StateKey(nil): `{"name":"in-cluster","server":"https://kubernetes.default.svc","status":"Successful","message":"","at":"2026-11-30T09:00:00Z"}`,
			"prod": v}}
	states, err := cluster.ConnectionStates(cm)
	if err != nil {
		t.Fatal(err)
	}
	if got := states["prod"]; got.Status != cluster.ConnectionFailed || !got.At.Equal(at.Truncate(time.Second)) || got.Message != s.Message {
		t.Errorf("prod = %+v", got)
	}
	if got := states["in-cluster"]; got.Status != cluster.ConnectionSuccessful || got.Server != cluster.InCluster {
		t.Errorf("in-cluster = %+v", got)
	}
	bad := []struct{ value, want string }{
		{"nope", "key x: connection state: invalid character"},
		{`{"server":"https://p","status":"Maybe"}`, `key x: connection state of cluster https://p: status "Maybe" is not Successful or Failed`},
		{`{"server":"https://p","status":"Failed","at":"yesterday"}`, "key x: connection state of cluster https://p: at:"},
	}
	for _, b := range bad {
		cm.Data = map[string]string{"x": b.value, "prod": v}
		states, err := cluster.ConnectionStates(cm)
		if err == nil || !strings.Contains(err.Error(), "configmap argocd/tiphys-cluster-status: "+b.want) || len(states) != 1 {
			t.Errorf("%s: %d states, error %v; want %q", b.value, len(states), err, b.want)
		}
	}
}
