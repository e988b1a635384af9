package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// cliConfig is what `tiphys login` keeps: a token per API server, in
// $TIPHYS_CONFIG or ~/.config/tiphys/config.json (mode 0600), as argocd
// keeps ~/.config/argocd/config.
type cliConfig struct {
	Servers map[string]struct {
		Token string `json:"token"`
	} `json:"servers"`
}

func configPath() (string, error) {
	if p := os.Getenv("TIPHYS_CONFIG"); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("config directory: %w", err)
	}
	return filepath.Join(dir, "tiphys", "config.json"), nil
}

func readConfig() (*cliConfig, error) {
	c := &cliConfig{}
	p, err := configPath()
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	if err := json.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	return c, nil
}

func (c *cliConfig) write() error {
	p, err := configPath()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(p, b, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}

// serverKey is how a server is named in the config: its URL without a
// trailing slash, http:// when it has no scheme.
func serverKey(server string) string {
	if !strings.Contains(server, "://") {
		server = "http://" + server
	}
	return strings.TrimRight(server, "/")
}

// savedToken is the token `tiphys login` kept for server ("" for none).
func savedToken(server string) string {
	c, err := readConfig()
	if err != nil {
		return ""
	}
	return c.Servers[serverKey(server)].Token
}

func newLoginCmd() *cobra.Command {
	var username, password string
	var passwordStdin bool
	sso := &ssoLogin{}
	var useSSO bool
	cmd := &cobra.Command{
		Use:   "login SERVER",
		Short: "Log in to a Tiphys (or Argo CD-compatible) API server and keep the token",
		Long: `Log in with a local account (POST /api/v1/session) and keep the session token for SERVER
in ~/.config/tiphys/config.json ($TIPHYS_CONFIG), readable only by you. The app, appset, proj and
rollout verbs then talk to that server with --server SERVER (or $TIPHYS_SERVER) instead of
Kubernetes, with the same output.

--sso logs in through the OIDC provider of the server's oidc.config instead, as argocd login
--sso: the provider's login page opens in a browser (its URL is printed too), which comes back to
http://localhost:PORT/auth/callback (--sso-port, default 8085: register that redirect URI for the
cliClientID, or the clientID, as a public client with PKCE); the ID token is kept.`,
		Example: `  tiphys login localhost:8080 --username admin --password-stdin < password.txt
  tiphys login cd.example.com --sso
  tiphys app list --server localhost:8080`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if useSSO {
				sso.server, sso.out = args[0], cmd.OutOrStdout()
				token, name, err := sso.run(cmd.Context())
				if err != nil {
					return err
				}
				if err := keepToken(args[0], token); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "'%s' logged in successfully\n", name)
				return nil
			}
			if passwordStdin {
				line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
				if err != nil && !errors.Is(err, io.EOF) {
					return fmt.Errorf("read the password: %w", err)
				}
				password = strings.TrimRight(line, "\r\n")
			}
			if password == "" {
				return errors.New("a password is needed: --password or --password-stdin")
			}
			api := newAPIClient(args[0], "")
			var out struct{ Token string }
			if err := api.call(cmd.Context(), "POST", "/api/v1/session", map[string]string{"username": username, "password": password}, &out); err != nil {
				return err
			}
			if err := keepToken(args[0], out.Token); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "'%s' logged in successfully\n", username)
			return nil
		},
	}
	cmd.Flags().StringVar(&username, "username", "admin", "account to log in as")
	cmd.Flags().StringVar(&password, "password", "", "its password (prefer --password-stdin: a flag shows in the process list)")
	cmd.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the password from standard input")
	cmd.Flags().BoolVar(&useSSO, "sso", false, "log in through the server's OIDC provider in a browser instead of with a password")
	cmd.Flags().IntVar(&sso.port, "sso-port", 8085, "port of the local callback (http://localhost:PORT/auth/callback, to register with the provider)")
	cmd.Flags().BoolVar(&sso.launchBrowser, "sso-launch-browser", true, "open the login page in the browser (the URL is printed in any case)")
	cmd.Flags().DurationVar(&sso.timeout, "sso-timeout", 5*time.Minute, "how long to wait for the browser's login")
	return cmd
}

// keepToken keeps token for server in the config file.
func keepToken(server, token string) error {
	c, err := readConfig()
	if err != nil {
		return err
	}
	if c.Servers == nil {
		c.Servers = map[string]struct {
			Token string `json:"token"`
		}{}
	}
	entry := c.Servers[serverKey(server)]
	entry.Token = token
	c.Servers[serverKey(server)] = entry
	return c.write()
}

func newLogoutCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "logout SERVER",
		Short: "Forget the token kept for SERVER",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := readConfig()
			if err != nil {
				return err
			}
			delete(c.Servers, serverKey(args[0]))
			if err := c.write(); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "logged out from %s\n", serverKey(args[0]))
			return nil
		},
	}
}
