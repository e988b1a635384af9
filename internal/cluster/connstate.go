package cluster

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// ConnectionStatusConfigMap is the ConfigMap, in the controller's
// namespace, where the controller records whether it can reach each
// destination cluster: one key per cluster (StateKey), each value a
// ConnectionState as JSON.
const ConnectionStatusConfigMap = "tiphys-cluster-status"

// ConnectionStatus is the outcome of the last connection to a cluster.
type ConnectionStatus string

// Connection statuses, as Argo CD names them.
const (
	// ConnectionSuccessful means the cluster answered.
	ConnectionSuccessful ConnectionStatus = "Successful"
	// ConnectionFailed means it did not; the message says why.
	ConnectionFailed ConnectionStatus = "Failed"
	// ConnectionUnknown means nothing is recorded for the cluster yet.
	ConnectionUnknown ConnectionStatus = "Unknown"
)

// ConnectionState is the last known connection state of one cluster.
type ConnectionState struct {
	// Name is the cluster's name.
	Name string
	// Server is its API server URL.
	Server string
	// Status is Successful or Failed.
	Status ConnectionStatus
	// Message says why a connection failed.
	Message string
	// At is when the state was observed.
	At time.Time
}

// connectionStateJSON is the stored form: times in RFC 3339, to the second.
type connectionStateJSON struct {
	Name    string           `json:"name"`
	Server  string           `json:"server"`
	Status  ConnectionStatus `json:"status"`
	Message string           `json:"message"`
	At      string           `json:"at"`
}

// StateKey is the ConfigMap key of a cluster: its Secret's name, or
// InClusterName for the implicit in-cluster destination (secret nil).
func StateKey(secret *corev1.Secret) string {
	if secret == nil {
		return InClusterName
	}
	return secret.Name
}

// Marshal is the ConfigMap value of s.
func (s ConnectionState) Marshal() (string, error) {
	b, err := json.Marshal(connectionStateJSON{Name: s.Name, Server: s.Server, Status: s.Status,
		Message: s.Message, At: s.At.UTC().Format(time.RFC3339)})
	if err != nil {
		return "", fmt.Errorf("connection state of cluster %s: %w", s.Server, err)
	}
	return string(b), nil
}

// ParseConnectionState reads a ConfigMap value written by Marshal.
func ParseConnectionState(value string) (ConnectionState, error) {
	var j connectionStateJSON
	if err := json.Unmarshal([]byte(value), &j); err != nil {
		return ConnectionState{}, fmt.Errorf("connection state: %w", err)
	}
	s := ConnectionState{Name: j.Name, Server: j.Server, Status: j.Status, Message: j.Message}
	switch j.Status {
	case ConnectionSuccessful, ConnectionFailed:
	default:
		return s, fmt.Errorf("connection state of cluster %s: status %q is not Successful or Failed", j.Server, j.Status)
	}
	if j.At != "" {
		at, err := time.Parse(time.RFC3339, j.At)
		if err != nil {
			return s, fmt.Errorf("connection state of cluster %s: at: %w", j.Server, err)
		}
		s.At = at
	}
	return s, nil
}

// ConnectionStates reads every state in the status ConfigMap, by key. A
// value that does not parse is an error naming its key; the states read
// so far are returned with it.
func ConnectionStates(cm *corev1.ConfigMap) (map[string]ConnectionState, error) {
	states := make(map[string]ConnectionState, len(cm.Data))
	keys := make([]string, 0, len(cm.Data))
	for k := range cm.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var firstErr error
	for _, k := range keys {
		s, err := ParseConnectionState(cm.Data[k])
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("configmap %s/%s: key %s: %w", cm.Namespace, cm.Name, k, err)
			}
			continue
		}
		states[k] = s
	}
	return states, firstErr
}
