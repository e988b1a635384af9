package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/project"
	"github.com/tiphys/tiphys/internal/render"
)

type projCreateOptions struct {
	coreFlags
	file   string
	upsert bool
}

func newProjCreateCmd() *cobra.Command {
	o := &projCreateOptions{}
	cmd := &cobra.Command{
		Use:   "create -f FILE",
		Short: "Create an AppProject from a YAML or JSON file",
		Long: `Create the AppProject a file holds (-f - reads standard input). The file must hold
exactly one argoproj.io/v1alpha1 AppProject; a misspelt field is an error, as the API
server would reject it. The project goes to -N (the controller's namespace): a file
naming another namespace is refused, and so is a project whose patterns or sync windows
do not parse. An existing project is an error unless --upsert, which replaces its spec,
labels and annotations.`,
		Example: `  tiphys proj create -f team-a.yaml
  tiphys proj create -f team-a.yaml --upsert`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.run(cmd.Context(), cmd.InOrStdin(), cmd.OutOrStdout())
		},
	}
	o.register(cmd, "")
	o.registerServer(cmd)
	o.kubeOnlyVerb(cmd)
	cmd.Flags().StringVarP(&o.file, "file", "f", "", "the AppProject file (- for standard input)")
	cmd.Flags().BoolVar(&o.upsert, "upsert", false, "update the project when it exists")
	_ = cmd.MarkFlagRequired("file")
	return cmd
}

func (o *projCreateOptions) run(ctx context.Context, stdin io.Reader, out io.Writer) error {
	p, err := readProject(o.file, stdin)
	if err != nil {
		return err
	}
	switch {
	case p.Namespace == "":
		p.Namespace = o.namespace
	case p.Namespace != o.namespace:
		// The controller reads projects from its own namespace only.
		return fmt.Errorf("appproject file %s: namespace %q is not the controller's namespace %q (-N)", o.file, p.Namespace, o.namespace)
	}
	if err := project.Validate(p); err != nil {
		return fmt.Errorf("appproject file %s: %w", o.file, err)
	}
	c, err := o.client()
	if err != nil {
		return err
	}
	err = c.Create(ctx, p)
	if err == nil {
		fmt.Fprintf(out, "appproject %s/%s created\n", p.Namespace, p.Name)
		return nil
	}
	if !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create appproject %s/%s: %w", p.Namespace, p.Name, err)
	}
	if !o.upsert {
		return fmt.Errorf("appproject %s/%s already exists: use --upsert to replace its spec", p.Namespace, p.Name)
	}
	live := &v1alpha1.AppProject{}
	if err := c.Get(ctx, client.ObjectKeyFromObject(p), live); err != nil {
		return fmt.Errorf("appproject %s/%s: %w", p.Namespace, p.Name, err)
	}
	live.Spec, live.Labels, live.Annotations = p.Spec, p.Labels, p.Annotations
	if err := c.Update(ctx, live); err != nil {
		return fmt.Errorf("update appproject %s/%s: %w", p.Namespace, p.Name, err)
	}
	fmt.Fprintf(out, "appproject %s/%s updated\n", p.Namespace, p.Name)
	return nil
}

// readProject reads the one AppProject of a file, strictly.
func readProject(file string, stdin io.Reader) (*v1alpha1.AppProject, error) {
	var b []byte
	var err error
	if file == "-" {
		b, err = io.ReadAll(stdin)
	} else {
		b, err = os.ReadFile(file)
	}
	if err != nil {
		return nil, fmt.Errorf("appproject file: %w", err)
	}
	objs, err := render.ParseManifests(b)
	if err != nil {
		return nil, fmt.Errorf("appproject file %s: %w", file, err)
	}
	if len(objs) != 1 {
		return nil, fmt.Errorf("appproject file %s: holds %d objects, want one AppProject", file, len(objs))
	}
	obj := objs[0]
	if obj.GetKind() != "AppProject" || obj.GetAPIVersion() != v1alpha1.SchemeGroupVersion.String() {
		return nil, fmt.Errorf("appproject file %s: %s %s %q is not an argoproj.io/v1alpha1 AppProject", file,
			obj.GetAPIVersion(), obj.GetKind(), obj.GetName())
	}
	j, err := json.Marshal(obj.Object)
	if err != nil {
		return nil, fmt.Errorf("appproject file %s: %w", file, err)
	}
	p := &v1alpha1.AppProject{}
	if err := yaml.UnmarshalStrict(j, p); err != nil {
		return nil, fmt.Errorf("appproject file %s: %w", file, err)
	}
	if p.Name == "" {
		return nil, fmt.Errorf("appproject file %s: metadata.name is empty", file)
	}
	return p, nil
}
