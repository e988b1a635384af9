package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/config"
	"github.com/spf13/cobra"

	"github.com/tiphys/tiphys/internal/source/git"
	"github.com/tiphys/tiphys/internal/yamledit"
)

// promoteOptions are the flags of tiphys promote.
type promoteOptions struct {
	repo, file, message, branch, author string
	sets                                []string
	push, asString                      bool
	document                            int
	username, password                  string
	sshKeyPath, knownHostsPath          string
	insecure                            bool
	stderr                              io.Writer
}

// promoteSet is one --set KEY=VALUE.
type promoteSet struct {
	path  yamledit.Path
	value string
}

func newPromoteCmd() *cobra.Command {
	o := &promoteOptions{}
	cmd := &cobra.Command{
		Use:   "promote --repo DIR|URL --file PATH --set KEY=VALUE... --message M",
		Short: "Change values in a YAML file of a Git repository and commit (and push) the change, as a CI promotion job does",
		Long: `Set values in one YAML file of a repository and commit the change. Only the changed
scalars' text changes: comments, key order, indentation, anchors, flow collections,
quoting and blank lines stay byte-for-byte as they were.

KEY is a dotted path: image.tag, containers[0].image, annotations."example.com/team".
A missing key is an error (promote never creates keys). Values keep their YAML type:
a quoted string stays quoted with the same quotes, a plain string that would read as a
number (1.10) is quoted; --string writes strings where a number or boolean was.

--repo DIR commits in a local clone (on --branch, or the branch checked out) and, with
--push, pushes the branch to origin. --repo URL clones into memory, commits and pushes
(--push is required). Credentials: --username/--password or TIPHYS_GIT_USERNAME and
TIPHYS_GIT_PASSWORD, or --ssh-private-key-path for SSH URLs.

Prints the commit SHA, or "no change" (exit code 0) when the file already has the values.`,
		Example: `  tiphys promote --repo . --file environments/production/order-service/values.yaml \
    --set image.tag=1.4.2 --message "promote order-service 1.4.2 to production" --push
  tiphys promote --repo https://git.example.com/platform/gitops.git --branch main --push \
    --file environments/staging/web/values.yaml --set 'podAnnotations."example.com/build"=1234' --string -m "web build 1234"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.stderr = cmd.ErrOrStderr()
			return o.run(cmd.Context(), cmd.OutOrStdout())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.repo, "repo", "", "a local clone (directory) or a repository URL")
	fl.StringVar(&o.file, "file", "", "the YAML file, as a path from the repository's root")
	fl.StringArrayVar(&o.sets, "set", nil, "KEY=VALUE to set (repeatable)")
	fl.StringVarP(&o.message, "message", "m", "", "the commit message")
	fl.StringVar(&o.branch, "branch", "", "the branch to commit on (default: the checked-out branch, or the remote's default branch)")
	fl.BoolVar(&o.push, "push", false, "push the commit (required with a URL)")
	fl.StringVar(&o.author, "author", "", `"Name <email>" (default: git config user.name and user.email, else "Tiphys <tiphys@localhost>")`)
	fl.IntVar(&o.document, "document", 0, "the document of a multi-document file, from 0")
	fl.BoolVar(&o.asString, "string", false, "write the values as strings")
	fl.StringVar(&o.username, "username", "", "user name for HTTPS (default $TIPHYS_GIT_USERNAME)")
	fl.StringVar(&o.password, "password", "", "password or token for HTTPS (default $TIPHYS_GIT_PASSWORD)")
	fl.StringVar(&o.sshKeyPath, "ssh-private-key-path", "", "file holding the SSH private key")
	fl.StringVar(&o.knownHostsPath, "ssh-known-hosts-path", "", "known_hosts file for SSH (default ~/.ssh/known_hosts)")
	fl.BoolVar(&o.insecure, "insecure-skip-server-verification", false, "skip the server's TLS certificate or SSH host key check")
	return cmd
}

// parse reads the --set flags.
func (o *promoteOptions) parse() ([]promoteSet, error) {
	if o.repo == "" || o.file == "" || o.message == "" || len(o.sets) == 0 {
		return nil, errors.New("--repo, --file, --set and --message are required")
	}
	var out []promoteSet
	for _, s := range o.sets {
		key, value, ok := strings.Cut(s, "=")
		if !ok {
			return nil, fmt.Errorf("--set %q: want KEY=VALUE", s)
		}
		p, err := yamledit.ParsePath(key)
		if err != nil {
			return nil, fmt.Errorf("--set %q: %w", s, err)
		}
		out = append(out, promoteSet{path: p, value: value})
	}
	return out, nil
}

func (o *promoteOptions) run(ctx context.Context, out io.Writer) error {
	sets, err := o.parse()
	if err != nil {
		return err
	}
	change := func(content []byte) ([]byte, error) {
		for _, s := range sets {
			next, _, err := yamledit.Set(content, s.path, s.value, yamledit.Options{Document: o.document, String: o.asString})
			if err != nil {
				return nil, err // git.Edit and EditWorktree name the file
			}
			content = next
		}
		return content, nil
	}
	creds, err := o.credentials()
	if err != nil {
		return err
	}
	var res *git.EditResult
	if isRepoURL(o.repo) {
		if !o.push {
			return fmt.Errorf("--repo %s is a URL: the commit is only kept when pushed, add --push", git.RedactURL(o.repo))
		}
		author, err := o.commitAuthor("")
		if err != nil {
			return err
		}
		res, err = git.Edit(ctx, git.EditOptions{URL: o.repo, Credentials: creds, Branch: o.branch, Path: o.file,
			Change: change, Author: author, Message: o.message})
		if err != nil {
			return err
		}
	} else {
		author, err := o.commitAuthor(o.repo)
		if err != nil {
			return err
		}
		res, err = git.EditWorktree(ctx, git.WorktreeEditOptions{Dir: o.repo, Branch: o.branch, Path: o.file, Change: change,
			Author: author, Message: o.message, Push: o.push, Credentials: creds})
		if err != nil {
			return err
		}
	}
	if res.UpToDate {
		_, err := fmt.Fprintln(out, "no change")
		return err
	}
	pushed := ""
	if o.push {
		pushed = ", pushed"
	}
	fmt.Fprintf(o.stderr, "committed %s on branch %s%s\n", o.file, res.Branch, pushed)
	_, err = fmt.Fprintln(out, res.Commit)
	return err
}

// isRepoURL tells a repository URL (https://, ssh://, file://, git@host:path)
// from a directory.
func isRepoURL(s string) bool {
	if strings.Contains(s, "://") {
		return true
	}
	at, colon := strings.Index(s, "@"), strings.Index(s, ":")
	return at > 0 && colon > at && !strings.Contains(s[:at], "/")
}

// credentials are the flags' credentials, with the environment's defaults.
func (o *promoteOptions) credentials() (git.Credentials, error) {
	c := git.Credentials{Username: o.username, Password: o.password, Insecure: o.insecure}
	if c.Username == "" {
		c.Username = os.Getenv("TIPHYS_GIT_USERNAME")
	}
	if c.Password == "" {
		c.Password = os.Getenv("TIPHYS_GIT_PASSWORD")
	}
	if o.sshKeyPath != "" {
		b, err := os.ReadFile(o.sshKeyPath)
		if err != nil {
			return c, fmt.Errorf("--ssh-private-key-path: %w", err)
		}
		c.SSHPrivateKey = string(b)
		path := o.knownHostsPath
		if path == "" {
			if home, err := os.UserHomeDir(); err == nil {
				path = filepath.Join(home, ".ssh", "known_hosts")
			}
		}
		if b, err := os.ReadFile(path); err == nil {
			c.KnownHosts = string(b)
		} else if o.knownHostsPath != "" {
			return c, fmt.Errorf("--ssh-known-hosts-path: %w", err)
		}
	}
	return c, nil
}

// commitAuthor is --author, else the git configuration's user (the
// clone's, then the global one), else Tiphys.
func (o *promoteOptions) commitAuthor(dir string) (git.Author, error) {
	if o.author != "" {
		a, err := mail.ParseAddress(o.author)
		if err != nil || a.Name == "" {
			return git.Author{}, fmt.Errorf("--author %q: want \"Name <email>\"", o.author)
		}
		return git.Author{Name: a.Name, Email: a.Address}, nil
	}
	name, email := gitConfigUser(dir)
	if name != "" && email != "" {
		return git.Author{Name: name, Email: email}, nil
	}
	return git.Author{Name: "Tiphys", Email: "tiphys@localhost"}, nil
}

// gitConfigUser reads user.name and user.email from the clone in dir's
// configuration, then the global one.
func gitConfigUser(dir string) (name, email string) {
	if dir != "" {
		if b, err := os.ReadFile(filepath.Join(dir, ".git", "config")); err == nil {
			c := config.NewConfig()
			if c.Unmarshal(b) == nil {
				name, email = c.User.Name, c.User.Email
			}
		}
	}
	if name != "" && email != "" {
		return name, email
	}
	if c, err := config.LoadConfig(config.GlobalScope); err == nil {
		if name == "" {
			name = c.User.Name
		}
		if email == "" {
			email = c.User.Email
		}
	}
	return name, email
}
