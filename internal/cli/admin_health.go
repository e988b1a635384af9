package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/tiphys/tiphys/internal/health"
	"github.com/tiphys/tiphys/internal/render"
)

type adminHealthOptions struct {
	file     string
	argocdCM string
	output   string
	// argocdRepo, group, messages and minMatch are the conformance run's.
	argocdRepo string
	group      string
	messages   bool
	minMatch   float64
}

// objectHealth is one object's health as -o json|yaml prints it.
type objectHealth struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
	// Status is left out for an object without health.
	Status  string `json:"status,omitempty"`
	Message string `json:"message,omitempty"`
}

func newAdminHealthCmd() *cobra.Command {
	o := &adminHealthOptions{}
	cmd := &cobra.Command{
		Use:   "health (-f OBJECTS.yaml [--argocd-cm FILE] [-o json|yaml] | --argocd-repo DIR)",
		Short: "Print the health each object would get, with the Lua checks of an argocd-cm",
		Long: `Print the health status and message Tiphys gives each object in a YAML file (live objects,
say from 'kubectl get -o yaml'; - reads standard input), using the built-in checks and, with
--argocd-cm, the Lua health customizations (resource.customizations.health.<group>_<kind>) of
that ConfigMap. Use it to debug a custom health check before you install it: a script that does
not compile is reported and its kind's objects get Unknown, as the controller gives them. With
-o json or yaml it prints a list of {apiVersion, kind, namespace, name, status, message} for
scripts; status is left out for an object without health (a kind without a check, or a check
that gave none), which does not count in its application's health.

With --argocd-repo it measures the built-in checks against Argo CD's own: every fixture named by
the resource_customizations/<group>/<kind>/health_test.yaml files of an Argo CD checkout (the
repository's root directory) is assessed, and a summary per group prints how many get Argo CD's
status and message, then each fixture whose status differs (with --messages, also those whose
message differs). --group keeps the groups matching a glob; --min-match makes it fail when fewer
than that percentage of fixtures get Argo CD's status.`,
		Example: `  kubectl get certificates -A -o yaml > certs.yaml
  tiphys admin health -f certs.yaml --argocd-cm argocd-cm.yaml
  kubectl get deploy -n web -o yaml | tiphys admin health -f - -o json

  git clone --depth 1 https://github.com/argoproj/argo-cd /tmp/argo-cd
  tiphys admin health --argocd-repo /tmp/argo-cd --group 'cert-manager.io' --messages`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.validate(cmd); err != nil {
				return err
			}
			if o.argocdRepo != "" {
				return o.conformance(cmd.OutOrStdout())
			}
			return o.run(cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVarP(&o.file, "file", "f", "", "YAML or JSON file of objects (- for standard input)")
	cmd.Flags().StringVar(&o.argocdCM, "argocd-cm", "", "argocd-cm ConfigMap file with Lua health checks")
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "output format: json|yaml (default: a table)")
	cmd.Flags().StringVar(&o.argocdRepo, "argocd-repo", "", "root of an Argo CD checkout whose resource_customizations fixtures to run")
	cmd.Flags().StringVar(&o.group, "group", "", "with --argocd-repo: only the groups matching this glob")
	cmd.Flags().BoolVar(&o.messages, "messages", false, "with --argocd-repo: list message mismatches too")
	cmd.Flags().Float64Var(&o.minMatch, "min-match", 0, "with --argocd-repo: fail below this percentage (0-100) of matching statuses")
	return cmd
}

// validate refuses flags of the other mode, so none is silently ignored.
func (o *adminHealthOptions) validate(cmd *cobra.Command) error {
	set := func(names ...string) []string {
		var out []string
		for _, n := range names {
			if cmd.Flags().Changed(n) {
				out = append(out, "--"+n)
			}
		}
		return out
	}
	switch {
	case o.file != "" && o.argocdRepo != "":
		return errors.New("use either -f FILE (assess objects) or --argocd-repo DIR (run Argo CD's fixtures), not both")
	case o.file == "" && o.argocdRepo == "":
		return errors.New("one of -f FILE or --argocd-repo DIR is required")
	case o.argocdRepo != "":
		if f := set("argocd-cm", "output"); len(f) > 0 {
			return fmt.Errorf("%s can only be used with -f", strings.Join(f, ", "))
		}
		if o.minMatch < 0 || o.minMatch > 100 {
			return fmt.Errorf("--min-match %g: a percentage from 0 to 100", o.minMatch)
		}
	default:
		if f := set("group", "messages", "min-match"); len(f) > 0 {
			return fmt.Errorf("%s can only be used with --argocd-repo", strings.Join(f, ", "))
		}
	}
	return nil
}

func (o *adminHealthOptions) run(in io.Reader, out, errOut io.Writer) error {
	overrides, err := o.luaOverrides(errOut)
	if err != nil {
		return err
	}
	b, err := readFileOrStdin(o.file, in)
	if err != nil {
		return fmt.Errorf("objects: %w", err)
	}
	objs, err := render.ParseManifests(b)
	if err != nil {
		return fmt.Errorf("objects %s: %w", o.file, err)
	}
	if len(objs) == 0 {
		return fmt.Errorf("objects %s: no objects in the file", o.file)
	}
	results := make([]objectHealth, 0, len(objs))
	for _, it := range objs {
		r := objectHealth{APIVersion: it.GetAPIVersion(), Kind: it.GetKind(), Namespace: it.GetNamespace(), Name: it.GetName()}
		if st, _ := health.Of(it, overrides); st != nil {
			r.Status, r.Message = string(st.Code), st.Message
		}
		results = append(results, r)
	}
	if ok, err := printStructured(out, o.output, results); ok || err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "KIND\tNAMESPACE\tNAME\tHEALTH\tMESSAGE")
	for _, r := range results {
		code, msg := r.Status, r.Message
		if code == "" {
			code, msg = "-", "no health: does not count in its application's health"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.Kind, r.Namespace, r.Name, code, oneLine(msg))
	}
	return w.Flush()
}

// luaOverrides reads --argocd-cm: one ConfigMap. A script that does not
// compile is a warning, its kind's objects get Unknown.
func (o *adminHealthOptions) luaOverrides(errOut io.Writer) (health.Overrides, error) {
	if o.argocdCM == "" {
		return nil, nil
	}
	b, err := os.ReadFile(o.argocdCM)
	if err != nil {
		return nil, fmt.Errorf("argocd-cm: %w", err)
	}
	objs, err := render.ParseManifests(b)
	if err != nil {
		return nil, fmt.Errorf("argocd-cm %s: %w", o.argocdCM, err)
	}
	if len(objs) != 1 || objs[0].GetKind() != "ConfigMap" || objs[0].GetAPIVersion() != "v1" {
		return nil, fmt.Errorf("argocd-cm %s: want one v1 ConfigMap, the file holds %s", o.argocdCM, describeObjects(objs))
	}
	var cm corev1.ConfigMap
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(objs[0].Object, &cm); err != nil {
		return nil, fmt.Errorf("argocd-cm %s: %w", o.argocdCM, err)
	}
	overrides, err := health.LuaOverrides(cm.Data)
	if err != nil {
		fmt.Fprintf(errOut, "warning: %v\n", err)
	}
	return overrides, nil
}

func describeObjects(objs []*unstructured.Unstructured) string {
	if len(objs) == 0 {
		return "no object"
	}
	kinds := make([]string, 0, len(objs))
	for _, o := range objs {
		kinds = append(kinds, o.GetKind()+" "+o.GetName())
	}
	return strings.Join(kinds, ", ")
}

// readFileOrStdin reads a file, or standard input for "-".
func readFileOrStdin(name string, in io.Reader) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(in)
	}
	return os.ReadFile(name)
}

// oneLine folds a message of several lines into one table cell.
func oneLine(s string) string {
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, "; ")
}
