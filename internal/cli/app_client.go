package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// appFlags are the connection flags shared by the app verbs, which talk to
// Kubernetes directly (Argo CD's core mode), or with --server to an API
// server.
type appFlags struct {
	kubeconfig string
	namespace  string
	output     string
	server     string
	authToken  string
}

func (f *appFlags) register(cmd *cobra.Command, outputs string) {
	cmd.Flags().StringVar(&f.kubeconfig, "kubeconfig", "", "path of the kubeconfig (default: $KUBECONFIG or ~/.kube/config)")
	cmd.Flags().StringVarP(&f.namespace, "app-namespace", "N", "argocd", "namespace of the Applications")
	f.registerServer(cmd)
	if outputs != "" {
		cmd.Flags().StringVarP(&f.output, "output", "o", "", "output format: "+outputs)
	}
}

// client connects to the cluster of the kubeconfig, or with --server to the
// API server (apiClient) with --auth-token or the token tiphys login kept.
func (f *appFlags) client() (client.Client, error) {
	if f.server != "" {
		return f.api(), nil
	}
	return f.watchClient()
}

// watchClient is client, able to watch as well (for `rollout get --watch`).
func (f *appFlags) watchClient() (client.WithWatch, error) {
	cfg, err := loadKubeconfig(f.kubeconfig)
	if err != nil {
		return nil, err
	}
	c, err := client.NewWithWatch(cfg, client.Options{Scheme: cliScheme()})
	if err != nil {
		return nil, fmt.Errorf("kubernetes client: %w", err)
	}
	return c, nil
}

// cliScheme knows the Kubernetes built-in kinds and the argoproj.io ones.
func cliScheme() *runtime.Scheme {
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = v1alpha1.AddToScheme(scheme)
	return scheme
}

func (f *appFlags) getApp(ctx context.Context, c client.Client, name string) (*v1alpha1.Application, error) {
	app := &v1alpha1.Application{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: f.namespace, Name: name}, app); err != nil {
		return nil, fmt.Errorf("application %s/%s: %w", f.namespace, name, err)
	}
	return app, nil
}

// loadApp connects and reads one Application.
func (f *appFlags) loadApp(ctx context.Context, name string) (client.Client, *v1alpha1.Application, error) {
	c, err := f.client()
	if err != nil {
		return nil, nil, err
	}
	app, err := f.getApp(ctx, c, name)
	return c, app, err
}

// printStructured prints v as JSON or YAML; ok is false for other formats.
func printStructured(out io.Writer, format string, v any) (bool, error) {
	switch format {
	case "json":
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return true, err
		}
		_, err = fmt.Fprintln(out, string(b))
		return true, err
	case "yaml":
		b, err := yaml.Marshal(v)
		if err != nil {
			return true, err
		}
		_, err = out.Write(b)
		return true, err
	case "", "wide":
		return false, nil
	}
	return true, fmt.Errorf("unknown output format %q: use json, yaml or wide", format)
}
