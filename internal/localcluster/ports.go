package localcluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
)

// ports are the loopback ports of a plane.
type ports struct {
	EtcdClient int `json:"etcdClient"`
	EtcdPeer   int `json:"etcdPeer"`
	APIServer  int `json:"apiServer"`
	Kwok       int `json:"kwok"`
}

// choosePorts re-uses the ports a directory used before where they are still
// free, so that an earlier kubeconfig keeps working, and picks free ports for
// the rest. The choice is written back to the directory.
func choosePorts(dir string) (ports, error) {
	path := filepath.Join(dir, "ports.json")
	var p ports
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &p); err != nil {
			return p, fmt.Errorf("read %s: %w", path, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return p, fmt.Errorf("read %s: %w", path, err)
	}
	taken := map[int]bool{}
	for _, port := range []*int{&p.EtcdClient, &p.EtcdPeer, &p.APIServer, &p.Kwok} {
		if *port != 0 && !taken[*port] && portFree(*port) {
			taken[*port] = true
			continue
		}
		free, err := freePort(taken)
		if err != nil {
			return p, err
		}
		*port = free
		taken[free] = true
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return p, fmt.Errorf("encode ports: %w", err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return p, fmt.Errorf("write %s: %w", path, err)
	}
	return p, nil
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}

func freePort(taken map[int]bool) (int, error) {
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, fmt.Errorf("find a free loopback port: %w", err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		_ = l.Close()
		if !taken[port] {
			return port, nil
		}
	}
	return 0, errors.New("find a free loopback port: none found")
}
