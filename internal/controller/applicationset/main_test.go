package applicationset_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/application"
	"github.com/tiphys/tiphys/internal/controller/application/apptest"
	"github.com/tiphys/tiphys/internal/testenv"
)

var env *testenv.Env

// The ApplicationSet tests run on a plane of their own, with every
// controller (apptest.Main), beside the application controller's tests.
func TestMain(m *testing.M) {
	os.Exit(apptest.Main(m, &env, application.Options{Resync: 2 * time.Second, GitPoll: time.Second}))
}

// newSet creates an ApplicationSet from YAML in argocd; it and its
// Applications are gone after the test.
func newSet(t *testing.T, manifest string) *v1alpha1.ApplicationSet {
	t.Helper()
	ctx := context.Background()
	set := &v1alpha1.ApplicationSet{}
	if err := yaml.UnmarshalStrict([]byte(manifest), set); err != nil {
		t.Fatal(err)
	}
	set.Namespace = "argocd"
	eventually(t, "set "+set.Name+" of an earlier run gone", func() (bool, error) {
		err := env.Client.Get(ctx, client.ObjectKeyFromObject(set), &v1alpha1.ApplicationSet{})
		return apierrors.IsNotFound(err), nil
	})
	if err := env.Client.Create(ctx, set); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = env.Client.Delete(ctx, set, client.PropagationPolicy(metav1.DeletePropagationForeground))
		eventually(t, "set "+set.Name+"'s applications gone", func() (bool, error) {
			return len(apps(t, set)) == 0, nil
		})
	})
	return set
}

// apps are the Applications a set owns, by name.
func apps(t *testing.T, set *v1alpha1.ApplicationSet) map[string]*v1alpha1.Application {
	t.Helper()
	var list v1alpha1.ApplicationList
	if err := env.Client.List(context.Background(), &list, client.InNamespace("argocd")); err != nil {
		t.Fatal(err)
	}
	cur := &v1alpha1.ApplicationSet{}
	if err := env.Client.Get(context.Background(), client.ObjectKeyFromObject(set), cur); err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
	out := map[string]*v1alpha1.Application{}
	for i := range list.Items {
		for _, ref := range list.Items[i].OwnerReferences {
			if ref.Kind == "ApplicationSet" && ref.Name == set.Name {
				out[list.Items[i].Name] = &list.Items[i]
			}
		}
	}
	return out
}

// appNames are the sorted names of a set's Applications.
func appNames(t *testing.T, set *v1alpha1.ApplicationSet) []string {
	var out []string
	for n := range apps(t, set) {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// waitApps waits until the set owns exactly these Applications.
func waitApps(t *testing.T, set *v1alpha1.ApplicationSet, want ...string) map[string]*v1alpha1.Application {
	t.Helper()
	sort.Strings(want)
	eventually(t, fmt.Sprintf("set %s owns %v", set.Name, want), func() (bool, error) {
		got := appNames(t, set)
		return strings.Join(got, ",") == strings.Join(want, ","), fmt.Errorf("owns %v, conditions %+v", got, getSet(t, set).Status.Conditions)
	})
	return apps(t, set)
}

// getSet reads a set.
func getSet(t *testing.T, set *v1alpha1.ApplicationSet) *v1alpha1.ApplicationSet {
	t.Helper()
	cur := &v1alpha1.ApplicationSet{}
	if err := env.Client.Get(context.Background(), client.ObjectKeyFromObject(set), cur); err != nil {
		t.Fatal(err)
	}
	return cur
}

// waitCondition waits until the set has a condition of type ct with
// status, whose message holds every part.
func waitCondition(t *testing.T, set *v1alpha1.ApplicationSet, ct, status string, parts ...string) string {
	t.Helper()
	var msg string
	eventually(t, fmt.Sprintf("%s %s=%s naming %v", set.Name, ct, status, parts), func() (bool, error) {
		for _, c := range getSet(t, set).Status.Conditions {
			if c.Type != ct || string(c.Status) != status {
				continue
			}
			msg = c.Message
			for _, p := range parts {
				if !strings.Contains(msg, p) {
					return false, fmt.Errorf("message %q", msg)
				}
			}
			return true, nil
		}
		return false, fmt.Errorf("conditions %+v", getSet(t, set).Status.Conditions)
	})
	return msg
}

// uids are the UIDs of Applications by name.
func uids(m map[string]*v1alpha1.Application) map[string]string {
	out := map[string]string{}
	for n, a := range m {
		out[n] = string(a.UID)
	}
	return out
}

func eventually(t *testing.T, what string, cond func() (bool, error)) {
	t.Helper()
	var last error
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, 90*time.Second, true, func(context.Context) (bool, error) {
		ok, err := cond()
		last = err
		return ok, nil
	})
	if err != nil {
		t.Fatalf("%s: did not happen (last: %v)", what, last)
	}
}

// namespace is a Namespace object.
func namespace(name string) *corev1.Namespace {
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
}
