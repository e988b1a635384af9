package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/bench/internal/gitrepo"
	"github.com/tiphys/tiphys/bench/internal/measure"
	"github.com/tiphys/tiphys/internal/cluster"
	"github.com/tiphys/tiphys/internal/controller/applicationset"
	"github.com/tiphys/tiphys/internal/controller/applicationset/generators"
	"github.com/tiphys/tiphys/internal/localdemo"
	"github.com/tiphys/tiphys/internal/source"
)

// makeRepo copies the example to repo, its repository URL filled in as
// the demo does, and commits it on branch main.
func makeRepo(example, repo, repoURL string) error {
	if err := localdemo.CopyExample(example, repo, repoURL); err != nil {
		return err
	}
	_, err := gitrepo.Init(repo, "go-reliable-gitops: the example platform")
	return err
}

// expectedApps are the names of the Applications the platform makes: the
// root, every Application under argocd/apps, and what each ApplicationSet
// under argocd/appsets generates (with the controller's own generators,
// read from the working tree).
func expectedApps(ctx context.Context, repo, repoURL string) ([]string, error) {
	root, err := rootApp(repo)
	if err != nil {
		return nil, err
	}
	names := []string{root.Name}
	err = filepath.WalkDir(filepath.Join(repo, "argocd", "apps"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		objs, err := readObjects(p)
		for _, o := range objs {
			if o.GetKind() == "Application" {
				names = append(names, o.GetName())
			}
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("applications under argocd/apps: %w", err)
	}
	env := &generators.Env{
		Git: applicationset.GitFromOpener(&source.Opener{LocalPaths: map[string]string{repoURL: repo}}),
		Clusters: func(context.Context) ([]generators.Cluster, error) {
			return []generators.Cluster{{Name: cluster.InClusterName, Server: cluster.InCluster}, {Name: workloadName}}, nil
		},
	}
	files, _ := filepath.Glob(filepath.Join(repo, "argocd", "appsets", "*.yaml"))
	for _, f := range files {
		set := &v1alpha1.ApplicationSet{}
		if err := readObject(f, set); err != nil {
			return nil, err
		}
		gen, err := applicationset.Generate(ctx, set, env)
		if err == nil && len(gen.ElementErrors) > 0 {
			err = errors.Join(gen.ElementErrors...)
		}
		if err != nil {
			return nil, fmt.Errorf("applicationset %s (%s): %w", set.Name, f, err)
		}
		for _, a := range gen.Applications {
			names = append(names, a.Name)
		}
	}
	sort.Strings(names)
	return names, nil
}

// configure does what the demo does before it starts the controllers:
// the argocd-cm of the stand-ins, the cluster Secret of "workload" and the
// projects (argocd/projects/), which the root app needs to exist.
func configure(ctx context.Context, admin client.Client, repo string, work *workload, token string) error {
	cm := &corev1.ConfigMap{}
	if err := yaml.UnmarshalStrict([]byte(localdemo.ArgoCDCM), cm); err != nil {
		return fmt.Errorf("argocd-cm: %w", err)
	}
	err := admin.Create(ctx, cm)
	if apierrors.IsAlreadyExists(err) {
		live := &corev1.ConfigMap{}
		if err = admin.Get(ctx, client.ObjectKeyFromObject(cm), live); err == nil {
			live.Labels, live.Data = cm.Labels, cm.Data
			err = admin.Update(ctx, live)
		}
	}
	if err != nil {
		return fmt.Errorf("argocd-cm: %w", err)
	}
	secret, err := work.secret(appNamespace, token)
	if err != nil {
		return err
	}
	if err := admin.Create(ctx, secret); err != nil {
		return fmt.Errorf("cluster secret %s: %w", secret.Name, err)
	}
	files, _ := filepath.Glob(filepath.Join(repo, "argocd", "projects", "*.yaml"))
	for _, f := range files {
		p := &v1alpha1.AppProject{}
		if err := readObject(f, p); err != nil {
			return err
		}
		if err := admin.Create(ctx, p); err != nil {
			return fmt.Errorf("appproject %s: %w", p.Name, err)
		}
	}
	return nil
}

// rootApp is argocd/root-app.yaml, the one Application created by hand.
func rootApp(repo string) (*v1alpha1.Application, error) {
	app := &v1alpha1.Application{}
	return app, readObject(filepath.Join(repo, "argocd", "root-app.yaml"), app)
}

// readObject reads a file of one object.
func readObject(path string, into any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(b, into); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}

// readObjects reads the objects of a YAML stream.
func readObjects(path string) ([]*unstructured.Unstructured, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := utilyaml.NewYAMLOrJSONDecoder(f, 4096)
	var out []*unstructured.Unstructured
	for {
		u := &unstructured.Unstructured{}
		err := dec.Decode(&u.Object)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("read %s: %w", path, err)
		}
		if len(u.Object) > 0 {
			out = append(out, u)
		}
	}
}

// missing are the expected apps that do not exist or of which cond does
// not hold.
func missing(apps map[string]measure.App, expected []string, cond func(measure.App) bool) []string {
	var out []string
	for _, name := range expected {
		if a, ok := apps[name]; !ok || !cond(a) {
			out = append(out, name)
		}
	}
	return out
}

// appTime is when an app became Synced and Healthy (for the last time),
// and what its status says of the way there.
type appTime struct {
	name string
	at   time.Duration
	// detail is when the app was created and its last sync operation
	// started and finished (whole seconds, from the root's creation), and
	// its retries.
	detail string
}

// explainDone fills in the details of apps from their status; start is
// the root's creation.
func explainDone(ctx context.Context, admin client.Client, apps []appTime, start time.Time) {
	since := func(t metav1.Time) string {
		if t.IsZero() {
			return "-"
		}
		return fmt.Sprintf("%+.0fs", t.Sub(start.Truncate(time.Second)).Seconds())
	}
	for i := range apps {
		a := &v1alpha1.Application{}
		if err := admin.Get(ctx, client.ObjectKey{Namespace: appNamespace, Name: apps[i].name}, a); err != nil {
			continue
		}
		apps[i].detail = "created " + since(a.CreationTimestamp)
		if op := a.Status.OperationState; op != nil {
			finished := metav1.Time{}
			if op.FinishedAt != nil {
				finished = *op.FinishedAt
			}
			apps[i].detail += fmt.Sprintf(", sync %s to %s, %d retries", since(op.StartedAt), since(finished), op.RetryCount)
		}
	}
}

// lastDone are the n apps that became Synced and Healthy last.
func lastDone(doneAt map[string]time.Duration, n int) []appTime {
	out := make([]appTime, 0, len(doneAt))
	for name, at := range doneAt {
		out = append(out, appTime{name: name, at: at})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].at > out[j].at })
	return out[:min(n, len(out))]
}

// managedObjects is the number of objects the apps manage, from their
// status (the root's child Applications and the sets included).
func managedObjects(ctx context.Context, admin client.Client) (int, error) {
	var list v1alpha1.ApplicationList
	if err := admin.List(ctx, &list, client.InNamespace(appNamespace)); err != nil {
		return 0, fmt.Errorf("list applications: %w", err)
	}
	n := 0
	for _, a := range list.Items {
		n += len(a.Status.Resources)
	}
	return n, nil
}

// explain says, for an error, where each named app stands: sync and
// health status, the health message, conditions and the last operation's
// message.
func explain(ctx context.Context, admin client.Client, names []string) string {
	var b strings.Builder
	for _, name := range names {
		a := &v1alpha1.Application{}
		if err := admin.Get(ctx, client.ObjectKey{Namespace: appNamespace, Name: name}, a); err != nil {
			fmt.Fprintf(&b, "\n  %s: %v", name, err)
			continue
		}
		fmt.Fprintf(&b, "\n  %s: %s %s %s", name, a.Status.Sync.Status, a.Status.Health.Status, a.Status.Health.Message)
		for _, c := range a.Status.Conditions {
			fmt.Fprintf(&b, "; %s: %s", c.Type, c.Message)
		}
		if op := a.Status.OperationState; op != nil {
			fmt.Fprintf(&b, "; operation %s: %s", op.Phase, op.Message)
		}
	}
	return b.String()
}
