package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/source/git"
)

type repoAddOptions struct {
	coreFlags
	repoType      string
	name          string
	project       string
	username      string
	passwordStdin bool
	sshKeyPath    string
	insecure      bool
	enableOCI     bool
	upsert        bool
}

func newRepoAddCmd() *cobra.Command {
	o := &repoAddOptions{}
	cmd := &cobra.Command{
		Use:   "add URL",
		Short: "Add a repository: write its repository Secret",
		Long: `Write a repository Secret (label argocd.argoproj.io/secret-type: repository) for URL.
Secrets never come from the command line: the password (or token) is read from standard
input with --password-stdin, an SSH key from the file --ssh-private-key-path names.
A Secret for the same URL and project is an error unless --upsert.`,
		Example: `  tiphys repo add https://github.com/org/platform.git --username bot --password-stdin < token
  tiphys repo add git@github.com:org/platform.git --ssh-private-key-path ~/.ssh/deploy
  tiphys repo add https://charts.example.com --type helm --name example`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd.Context(), args[0], cmd.InOrStdin(), cmd.OutOrStdout())
		},
	}
	o.register(cmd, "")
	fl := cmd.Flags()
	fl.StringVar(&o.repoType, "type", "git", "repository type: git or helm")
	fl.StringVar(&o.name, "name", "", "repository name (required for helm)")
	fl.StringVar(&o.project, "project", "", "scope the repository to this AppProject")
	fl.StringVar(&o.username, "username", "", "user name for HTTPS")
	fl.BoolVar(&o.passwordStdin, "password-stdin", false, "read the password or token from standard input")
	fl.StringVar(&o.sshKeyPath, "ssh-private-key-path", "", "file holding the SSH private key")
	fl.BoolVar(&o.insecure, "insecure-skip-server-verification", false, "skip the server's TLS certificate or SSH host key check")
	fl.BoolVar(&o.enableOCI, "enable-oci", false, "a Helm repository in an OCI registry")
	fl.BoolVar(&o.upsert, "upsert", false, "replace the Secret of the same URL and project when there is one")
	return cmd
}

// validate checks the flags before anything is read.
func (o *repoAddOptions) validate(url string) error {
	if strings.TrimSpace(url) == "" {
		return errors.New("repository URL is empty")
	}
	// An OCI Helm repository is written without a scheme, as in Argo CD.
	if !repoURLForms(url) && !(o.enableOCI && strings.Contains(url, "/")) {
		return fmt.Errorf("repository %s: not a repository URL: want https://, http://, ssh://, git@host:path, file:// or oci://", git.RedactURL(url))
	}
	switch o.repoType {
	case "git", "helm":
	default:
		return fmt.Errorf("repository %s: --type %q: want git or helm", url, o.repoType)
	}
	if o.repoType == "helm" && o.name == "" {
		return fmt.Errorf("repository %s: a helm repository needs --name", url)
	}
	if o.enableOCI && o.repoType != "helm" {
		return fmt.Errorf("repository %s: --enable-oci is for --type helm", url)
	}
	if o.passwordStdin && o.username == "" {
		return fmt.Errorf("repository %s: --password-stdin needs --username", url)
	}
	if o.username != "" && !o.passwordStdin {
		return fmt.Errorf("repository %s: --username needs --password-stdin", url)
	}
	if o.sshKeyPath != "" && o.username != "" {
		return fmt.Errorf("repository %s: give --ssh-private-key-path or --username, not both", url)
	}
	return nil
}

// secret builds the repository Secret from the flags and the secrets read.
func (o *repoAddOptions) secret(url, password, sshKey string) *corev1.Secret {
	data := map[string][]byte{"url": []byte(url), "type": []byte(o.repoType)}
	set := func(k, v string) {
		if v != "" {
			data[k] = []byte(v)
		}
	}
	set("name", o.name)
	set("project", o.project)
	set("username", o.username)
	set("password", password)
	set("sshPrivateKey", sshKey)
	if o.insecure {
		data["insecure"] = []byte("true")
	}
	if o.enableOCI {
		data["enableOCI"] = []byte("true")
	}
	return &corev1.Secret{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: repoSecretName(url, o.project), Namespace: o.namespace,
			Labels: map[string]string{git.SecretTypeLabel: git.SecretTypeRepository}},
		Type: corev1.SecretTypeOpaque,
		Data: data,
	}
}

// readSecrets reads the password from stdin and the SSH key from its file.
func (o *repoAddOptions) readSecrets(url string, stdin io.Reader) (password, sshKey string, err error) {
	if o.passwordStdin {
		b, err := io.ReadAll(stdin)
		if err != nil {
			return "", "", fmt.Errorf("repository %s: read password from standard input: %w", url, err)
		}
		if password = strings.TrimRight(string(b), "\r\n"); password == "" {
			return "", "", fmt.Errorf("repository %s: the password on standard input is empty", url)
		}
	}
	if o.sshKeyPath != "" {
		b, err := os.ReadFile(o.sshKeyPath)
		if err != nil {
			return "", "", fmt.Errorf("repository %s: ssh private key: %w", url, err)
		}
		if !strings.Contains(string(b), "PRIVATE KEY-----") {
			return "", "", fmt.Errorf("repository %s: ssh private key %s: not a PEM or OpenSSH private key", url, o.sshKeyPath)
		}
		sshKey = string(b)
	}
	return password, sshKey, nil
}

// repoURLForms reports whether url has one of the forms repositories are
// reached by: a URL with a known scheme and a host (a path for file://), or
// scp-style user@host:path.
func repoURLForms(url string) bool {
	for _, scheme := range []string{"https://", "http://", "ssh://", "oci://", "file://"} {
		if rest, ok := strings.CutPrefix(url, scheme); ok {
			return strings.TrimLeft(rest, "/") != ""
		}
	}
	at, colon := strings.Index(url, "@"), strings.Index(url, ":")
	return at > 0 && colon > at+1 && colon < len(url)-1 && !strings.Contains(url[:colon], "/")
}

func (o *repoAddOptions) run(ctx context.Context, url string, stdin io.Reader, out io.Writer) error {
	if err := o.validate(url); err != nil {
		return err
	}
	password, sshKey, err := o.readSecrets(url, stdin)
	if err != nil {
		return err
	}
	s := o.secret(url, password, sshKey)
	c, err := o.client()
	if err != nil {
		return err
	}
	// A scope changes what a project allows: a project that does not
	// exist is a typo, not a choice.
	if o.project != "" {
		if err := c.Get(ctx, client.ObjectKey{Namespace: o.namespace, Name: o.project}, &v1alpha1.AppProject{}); err != nil {
			return fmt.Errorf("repository %s: --project %s: %w", git.RedactURL(url), o.project, err)
		}
	}
	existing, err := repoSecrets(ctx, c, o.namespace)
	if err != nil {
		return err
	}
	shown := git.RedactURL(url)
	for i := range existing {
		e := &existing[i]
		if !sameRepo(e, url, o.project) {
			continue
		}
		if !o.upsert {
			return fmt.Errorf("repository %s: repository secret %s/%s already holds it: use --upsert to replace it", shown, e.Namespace, e.Name)
		}
		e.Data = s.Data
		if err := c.Update(ctx, e); err != nil {
			return fmt.Errorf("update repository secret %s/%s for %s: %w", e.Namespace, e.Name, shown, err)
		}
		fmt.Fprintf(out, "repository %s updated: secret %s/%s\n", shown, e.Namespace, e.Name)
		return nil
	}
	if err := c.Create(ctx, s); err != nil {
		return fmt.Errorf("create repository secret %s/%s for %s: %w", s.Namespace, s.Name, shown, err)
	}
	fmt.Fprintf(out, "repository %s added: secret %s/%s\n", shown, s.Namespace, s.Name)
	return nil
}
