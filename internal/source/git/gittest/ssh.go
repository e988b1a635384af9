package gittest

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"

	gliderssh "github.com/gliderlabs/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// SSHServer serves repositories over SSH by running git-upload-pack for the
// path a client asks for. Only the client key it made is accepted.
type SSHServer struct {
	// Addr is host:port.
	Addr string
	// ClientKey is the PEM private key that the server accepts.
	ClientKey string
	// KnownHosts is a known_hosts line for the server's host key.
	KnownHosts string
}

// ServeSSH starts an SSH server on loopback for the test.
func ServeSSH(t testing.TB) *SSHServer {
	t.Helper()
	clientPub, clientPriv, _ := ed25519.GenerateKey(rand.Reader)
	clientKey, err := gossh.MarshalPrivateKey(clientPriv, "")
	if err != nil {
		t.Fatal(err)
	}
	allowed, _ := gossh.NewPublicKey(clientPub)
	_, hostPriv, _ := ed25519.GenerateKey(rand.Reader)
	hostSigner, _ := gossh.NewSignerFromKey(hostPriv)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &gliderssh.Server{
		Handler: func(s gliderssh.Session) {
			args := s.Command()
			if len(args) != 2 || args[0] != "git-upload-pack" {
				fmt.Fprintln(s.Stderr(), "only git-upload-pack is served")
				_ = s.Exit(1)
				return
			}
			cmd := exec.Command("git-upload-pack", strings.Trim(args[1], "'"))
			cmd.Stdin, cmd.Stdout, cmd.Stderr = s, s, s.Stderr()
			if err := cmd.Run(); err != nil {
				_ = s.Exit(1)
				return
			}
			_ = s.Exit(0)
		},
		PublicKeyHandler: func(_ gliderssh.Context, key gliderssh.PublicKey) bool {
			return gliderssh.KeysEqual(key, allowed)
		},
	}
	srv.AddHostKey(hostSigner)
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	addr := l.Addr().String()
	host, port, _ := net.SplitHostPort(addr)
	known := fmt.Sprintf("[%s]:%s %s", host, port, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(hostSigner.PublicKey()))))
	return &SSHServer{Addr: addr, ClientKey: string(pem.EncodeToMemory(clientKey)), KnownHosts: known}
}

var _ io.Reader = (gliderssh.Session)(nil)
