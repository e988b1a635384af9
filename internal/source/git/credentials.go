package git

import (
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Credentials open a private repository. The zero value is anonymous access.
type Credentials struct {
	// Username and Password (or a token as Password) for HTTPS.
	Username, Password string
	// SSHPrivateKey is a PEM private key for SSH URLs.
	SSHPrivateKey string
	// KnownHosts is known_hosts content that SSH host keys are checked against.
	KnownHosts string
	// TLSClientCert and TLSClientKey are a PEM client certificate for HTTPS.
	TLSClientCert, TLSClientKey string
	// Insecure skips TLS verification and SSH host key checks.
	Insecure bool
}

// String never shows secrets.
func (c Credentials) String() string {
	var parts []string
	if c.Username != "" {
		parts = append(parts, "username="+c.Username)
	}
	if c.Password != "" {
		parts = append(parts, "password=<redacted>")
	}
	if c.SSHPrivateKey != "" {
		parts = append(parts, "sshPrivateKey=<redacted>")
	}
	if c.TLSClientCert != "" {
		parts = append(parts, "tlsClientCert=<set>")
	}
	if c.Insecure {
		parts = append(parts, "insecure")
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// GoString never shows secrets either.
func (c Credentials) GoString() string { return c.String() }

// key identifies the credentials without showing them, so that only calls
// with the same credentials share a listing of a repository's refs.
func (c Credentials) key() string {
	h := sha256.New()
	for _, f := range []string{c.Username, c.Password, c.SSHPrivateKey, c.KnownHosts, c.TLSClientCert, c.TLSClientKey, strconv.FormatBool(c.Insecure)} {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	return string(h.Sum(nil))
}

func isSSH(url string) bool {
	return strings.HasPrefix(url, "ssh://") || (!strings.Contains(url, "://") && strings.Contains(url, "@"))
}

// auth returns the transport authentication for url.
func (c Credentials) auth(url string) (transport.AuthMethod, error) {
	if isSSH(url) {
		if c.SSHPrivateKey == "" {
			return nil, nil
		}
		user := "git"
		if i := strings.Index(strings.TrimPrefix(url, "ssh://"), "@"); i > 0 {
			user = strings.TrimPrefix(url, "ssh://")[:i]
		}
		keys, err := gitssh.NewPublicKeys(user, []byte(c.SSHPrivateKey), "")
		if err != nil {
			// The parse error may quote the key; say only what is wrong.
			return nil, errors.New("ssh private key cannot be parsed")
		}
		callback, err := c.hostKeyCallback()
		if err != nil {
			return nil, err
		}
		keys.HostKeyCallback = callback
		return keys, nil
	}
	if c.Username == "" && c.Password == "" {
		return nil, nil
	}
	user := c.Username
	if user == "" {
		user = "x-access-token" // token-only: any user name works with most servers
	}
	return &githttp.BasicAuth{Username: user, Password: c.Password}, nil
}

func (c Credentials) hostKeyCallback() (ssh.HostKeyCallback, error) {
	if c.Insecure {
		return ssh.InsecureIgnoreHostKey(), nil //nolint:gosec // asked for with insecure: true
	}
	if c.KnownHosts == "" {
		return nil, errors.New("ssh: no known hosts for the server (add them to the repository Secret or argocd-ssh-known-hosts-cm, or set insecure)")
	}
	var keys []knownHostKey
	for _, line := range strings.Split(c.KnownHosts, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		_, hosts, key, _, _, err := ssh.ParseKnownHosts([]byte(line))
		if err != nil {
			return nil, fmt.Errorf("ssh known hosts: %w", err)
		}
		keys = append(keys, knownHostKey{hosts: hosts, key: key})
	}
	return func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		for _, k := range keys {
			for _, h := range k.hosts {
				if matchHost(h, hostname) && string(k.key.Marshal()) == string(key.Marshal()) {
					return nil
				}
			}
		}
		return fmt.Errorf("ssh: host key of %s is not in known hosts", knownhosts.Normalize(hostname))
	}, nil
}

type knownHostKey struct {
	hosts []string
	key   ssh.PublicKey
}

func matchHost(pattern, hostname string) bool {
	return knownhosts.Normalize(pattern) == knownhosts.Normalize(hostname)
}

// tlsOptions returns client certificate bytes for go-git's options.
func (c Credentials) tlsOptions() (cert, key []byte, err error) {
	if c.TLSClientCert == "" && c.TLSClientKey == "" {
		return nil, nil, nil
	}
	if _, err := tls.X509KeyPair([]byte(c.TLSClientCert), []byte(c.TLSClientKey)); err != nil {
		return nil, nil, errors.New("tls client certificate and key do not form a pair")
	}
	return []byte(c.TLSClientCert), []byte(c.TLSClientKey), nil
}
