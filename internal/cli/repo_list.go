package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"

	"github.com/tiphys/tiphys/internal/source/git"
)

// repoRow is a repository Secret without its secrets.
type repoRow struct {
	Name       string `json:"name,omitempty"`
	Type       string `json:"type"`
	URL        string `json:"url"`
	Project    string `json:"project,omitempty"`
	Insecure   bool   `json:"insecure,omitempty"`
	EnableOCI  bool   `json:"enableOCI,omitempty"`
	Creds      string `json:"creds,omitempty"`
	SecretName string `json:"secretName"`
}

func newRepoListCmd() *cobra.Command {
	f := &coreFlags{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List repository Secrets (never their credentials)",
		Long: `List the repository Secrets (label argocd.argoproj.io/secret-type: repository). CREDS
says which kind of credentials a Secret holds, never their values.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.listClient()
			if err != nil {
				return err
			}
			secrets, err := repoSecrets(cmd.Context(), c, f.namespace)
			if err != nil {
				return err
			}
			rows := make([]repoRow, 0, len(secrets))
			for i := range secrets {
				rows = append(rows, repoRowOf(&secrets[i]))
			}
			if ok, err := printStructured(cmd.OutOrStdout(), f.output, rows); ok {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "TYPE\tNAME\tREPO\tPROJECT\tINSECURE\tOCI\tCREDS")
			for _, r := range rows {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%v\t%v\t%s\n", r.Type, dash(r.Name), git.RedactURL(r.URL),
					dash(r.Project), r.Insecure, r.EnableOCI, dash(r.Creds))
			}
			return w.Flush()
		},
	}
	f.register(cmd, "json|yaml")
	return cmd
}

func repoRowOf(s *corev1.Secret) repoRow {
	d := func(k string) string { return string(s.Data[k]) }
	r := repoRow{Name: d("name"), Type: d("type"), URL: git.RedactURL(d("url")), Project: d("project"),
		Insecure: d("insecure") == "true", EnableOCI: d("enableOCI") == "true", SecretName: s.Name}
	if r.Type == "" {
		r.Type = "git"
	}
	switch {
	case d("sshPrivateKey") != "":
		r.Creds = "ssh key"
	case d("username") != "" || d("password") != "":
		r.Creds = "password"
	case d("tlsClientCertData") != "":
		r.Creds = "tls client cert"
	}
	return r
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
