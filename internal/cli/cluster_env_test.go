package cli

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"

	"github.com/tiphys/tiphys/internal/testenv"
)

// env is the one control plane of this package's cluster tests (nil with
// -short, which skips them).
var env *testenv.Env

func TestMain(m *testing.M) { os.Exit(testenv.Main(m, &env)) }

// runIn runs the command line as Main does, with stdin.
func runIn(stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	root := NewRootCmd(&out, &errb)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(args)
	code = exitCodeOf(root.ExecuteContext(context.Background()), &errb)
	return code, out.String(), errb.String()
}

// testNamespace makes a namespace of its own for one test (so tests can
// run twice in a row) and returns the flags that point a verb at it.
func testNamespace(t *testing.T) (ns string, flags []string) {
	t.Helper()
	env.Require(t)
	ns = "cli-" + rand.String(6)
	if err := env.Client.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = env.Client.Delete(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
	})
	return ns, []string{"--kubeconfig", env.Cluster.Kubeconfig, "-N", ns}
}

// mustRun runs a command that must succeed and returns its output.
func mustRun(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	code, out, stderr := runIn(stdin, args...)
	if code != 0 {
		t.Fatalf("%s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	return out
}

// mustFail runs a command that must fail with want in its error.
func mustFail(t *testing.T, want string, args ...string) {
	t.Helper()
	code, _, stderr := runIn("", args...)
	if code == 0 || !strings.Contains(stderr, want) {
		t.Errorf("%s: exit %d, stderr %q; want a failure with %q", strings.Join(args, " "), code, stderr, want)
	}
}
