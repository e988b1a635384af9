// Package testenv gives a test package a real local control plane with the
// Tiphys CRDs installed, started once in TestMain and torn down after:
//
//	var env *testenv.Env
//
//	func TestMain(m *testing.M) { os.Exit(testenv.Main(m, &env)) }
//
// The control plane binaries come from TIPHYS_BIN_DIR, else from bin/ at the
// module root (make tools puts them there).
package testenv

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/install"
	"github.com/tiphys/tiphys/internal/localcluster"
)

// Env is a running control plane and clients for it.
type Env struct {
	// Cluster is the plane.
	Cluster *localcluster.Cluster
	// Config is an admin client configuration.
	Config *rest.Config
	// Client is a controller-runtime client that knows the argoproj.io types.
	Client client.Client
	// Kube is a typed clientset.
	Kube kubernetes.Interface
	// Dynamic is a dynamic client.
	Dynamic dynamic.Interface
	// Dir is the plane's state directory.
	Dir string
}

// Scheme knows the Kubernetes built-in types and the argoproj.io types.
func Scheme() *runtime.Scheme {
	s := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(s)
	_ = v1alpha1.AddToScheme(s)
	return s
}

// Main starts a plane, runs the package's tests and stops the plane; it
// returns the exit code for os.Exit. With -short, cluster tests are skipped
// and no plane is started (*env stays nil).
func Main(m interface{ Run() int }, env **Env) int {
	flag.Parse()
	if testing.Short() {
		return m.Run()
	}
	e, err := Start(context.Background(), 1)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		return 1
	}
	*env = e
	code := m.Run()
	e.Stop()
	return code
}

// Start starts a plane with n nodes in a new temporary directory and installs the CRDs.
func Start(ctx context.Context, nodes int) (*Env, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "tiphys-testenv-")
	if err != nil {
		return nil, fmt.Errorf("create state directory: %w", err)
	}
	c, err := localcluster.Start(ctx, localcluster.Options{Dir: dir, BinDir: bin, Nodes: nodes})
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	cfg := rest.CopyConfig(c.Config)
	cfg.WarningHandler = rest.NoWarnings{}
	e := &Env{Cluster: c, Config: cfg, Dir: dir}
	if err := e.connect(ctx); err != nil {
		e.Stop()
		return nil, err
	}
	return e, nil
}

func (e *Env) connect(ctx context.Context) error {
	var err error
	if e.Client, err = client.New(e.Config, client.Options{Scheme: Scheme()}); err != nil {
		return fmt.Errorf("create client: %w", err)
	}
	if e.Kube, err = kubernetes.NewForConfig(e.Config); err != nil {
		return fmt.Errorf("create clientset: %w", err)
	}
	if e.Dynamic, err = dynamic.NewForConfig(e.Config); err != nil {
		return fmt.Errorf("create dynamic client: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if _, err := install.Apply(ctx, e.Config, install.Options{}); err != nil {
		return err
	}
	return nil
}

// Stop stops the plane and removes its directory.
func (e *Env) Stop() {
	e.Cluster.Stop()
	_ = os.RemoveAll(e.Dir)
}

// Require skips a test when no plane runs (go test -short).
func (e *Env) Require(t testing.TB) {
	t.Helper()
	if e == nil {
		t.Skip("cluster test: skipped with -short")
	}
}

// BinDir finds the control plane binaries: TIPHYS_BIN_DIR, else bin/ at the module root.
func BinDir() (string, error) {
	if d := os.Getenv("TIPHYS_BIN_DIR"); d != "" {
		return d, nil
	}
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(root, "bin")
	if _, err := os.Stat(filepath.Join(bin, "kube-apiserver")); err != nil {
		return "", fmt.Errorf("no control plane binaries in %s: run 'make tools' (or make test)", bin)
	}
	return bin, nil
}

// ModuleRoot is the directory of the go.mod above the working directory.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "cmd", "tiphys")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("module root not found above the working directory")
		}
		dir = parent
	}
}
