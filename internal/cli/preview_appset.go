package cli

import (
	"context"
	"fmt"
	"io"
	"io/fs"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/applicationset"
	"github.com/tiphys/tiphys/internal/diff"
)

// previewSets runs the namespace's ApplicationSets that read the
// repository with its Git generators reading the revision, and returns the
// Applications they would create, change or delete.
func previewSets(ctx context.Context, o *previewOptions, c client.Client, repo *previewRepo, stderr io.Writer) ([]previewApp, error) {
	var list v1alpha1.ApplicationSetList
	if err := c.List(ctx, &list, client.InNamespace(o.namespace)); err != nil {
		return nil, fmt.Errorf("list applicationsets in %s: %w", o.namespace, err)
	}
	var out []previewApp
	for i := range list.Items {
		set := &list.Items[i]
		if !setReadsRepo(set, repo) {
			continue
		}
		apps, err := previewSet(ctx, o, c, set, repo, stderr)
		if err != nil {
			return nil, err
		}
		out = append(out, apps...)
	}
	return out, nil
}

func previewSet(ctx context.Context, o *previewOptions, c client.Client, set *v1alpha1.ApplicationSet, repo *previewRepo, stderr io.Writer) ([]previewApp, error) {
	in := &generateInputs{cacheDir: o.cacheDir, client: c, namespace: o.namespace}
	env, err := in.env()
	if err != nil {
		return nil, err
	}
	read := env.Git
	env.Git = func(ctx context.Context, repoURL, revision string) (fs.FS, string, error) {
		if repo.owns(repoURL) {
			repoURL, revision = repo.fileURL(), repo.revision.Hash.String()
		}
		return read(ctx, repoURL, revision)
	}
	gen, err := applicationset.Generate(ctx, set, env)
	if err != nil {
		return nil, fmt.Errorf("applicationset %s/%s at %s: %w", set.Namespace, set.Name, repo.revision.Hash, err)
	}
	var apps []*v1alpha1.Application
	problems := len(gen.ElementErrors)
	for _, app := range gen.Applications {
		err := applicationset.ValidateStatic(set, app)
		if err == nil {
			err = applicationset.Validate(ctx, c, o.namespace, set, app)
		}
		if err != nil {
			problems++
			fmt.Fprintf(stderr, "warning: applicationset %s/%s: application %q: %v\n", set.Namespace, set.Name, app.Name, err)
			continue
		}
		apps = append(apps, app)
	}
	for _, err := range gen.ElementErrors {
		fmt.Fprintf(stderr, "warning: applicationset %s/%s: %v\n", set.Namespace, set.Name, err)
	}
	owned, err := ownedBy(ctx, c, set)
	if err != nil {
		return nil, err
	}
	plan, err := planAppset(set, apps, owned)
	if err != nil {
		return nil, fmt.Errorf("applicationset %s/%s: %w", set.Namespace, set.Name, err)
	}
	if problems > 0 {
		plan.dropDeletes() // as the controller: deletions wait while elements fail
	}
	via := "applicationset " + set.Name
	var out []previewApp
	for _, ch := range plan.changes {
		obj := previewObject{Group: v1alpha1.Group, Kind: "Application", Namespace: ch.namespace, Name: ch.name}
		a := previewApp{Name: ch.name, Via: via}
		switch ch.action {
		case actionCreate:
			a.Change, obj.Change = changeAdded, changeAdded
		case actionDelete:
			a.Change, obj.Change = changeDeleted, changeDeleted
		default:
			a.Change, obj.Change = changeModified, changeModified
		}
		if ch.action != actionDelete {
			obj.Diff = diff.Unified("live", "desired", ch.live, ch.desired, 3)
		}
		a.Objects = []previewObject{obj}
		out = append(out, a)
	}
	return out, nil
}

// setReadsRepo says whether a set's Git generators read the repository;
// a nested matrix or merge (kept as raw JSON) may, so it counts.
func setReadsRepo(set *v1alpha1.ApplicationSet, repo *previewRepo) bool {
	nested := func(gs []v1alpha1.ApplicationSetNestedGenerator) bool {
		for _, g := range gs {
			if g.Git != nil && repo.owns(g.Git.RepoURL) || g.Matrix != nil || g.Merge != nil {
				return true
			}
		}
		return false
	}
	for _, g := range set.Spec.Generators {
		switch {
		case g.Git != nil && repo.owns(g.Git.RepoURL):
			return true
		case g.Matrix != nil && nested(g.Matrix.Generators), g.Merge != nil && nested(g.Merge.Generators):
			return true
		}
	}
	return false
}
