package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// previewOptions are the flags of tiphys preview.
type previewOptions struct {
	appFlags
	repoDir, revision, base string
	repoURLs                []string
	exitCode                bool
	cacheDir                string
	stderr                  io.Writer
}

// previewApp is one Application the revision would add, change or delete,
// and how: its objects' changes, or the set or root app it comes from; or
// one that failed to render at the revision (change failed), and why.
type previewApp struct {
	Name    string          `json:"name"`
	Change  string          `json:"change"`
	Via     string          `json:"via,omitempty"`
	Error   string          `json:"error,omitempty"`
	Objects []previewObject `json:"objects"`
}

// counts are the app's objects added, modified and deleted.
func (a previewApp) counts() (added, modified, deleted int) {
	for _, o := range a.Objects {
		switch o.Change {
		case changeAdded:
			added++
		case changeModified:
			modified++
		case changeDeleted:
			deleted++
		}
	}
	return added, modified, deleted
}

// previewReport is what the revision would change.
type previewReport struct {
	Revision string       `json:"revision"`
	Commit   string       `json:"commit"`
	Apps     []previewApp `json:"applications"`
}

// failed names the applications that failed to render at the revision.
func (r *previewReport) failed() []string {
	var names []string
	for _, a := range r.Apps {
		if a.Change == changeFailed {
			names = append(names, a.Name)
		}
	}
	return names
}

func newPreviewCmd() *cobra.Command {
	o := &previewOptions{}
	cmd := &cobra.Command{
		Use:   "preview --repo DIR --revision BRANCH_OR_SHA",
		Short: "Show what a branch of the GitOps repository would change in the cluster's Applications (a PR preview)",
		Long: `For every Application of the namespace whose source is the repository in DIR and whose
inputs the revision changes, show what a sync at the revision would change, object by
object (as app diff --revision). The ApplicationSets whose Git generators read the
repository run at the revision, to list the Applications it would add or delete; an
Application manifest added to or deleted from an app-of-apps' path shows as an
Application that would come or go.

An app's inputs are its source paths and Helm value files in the repository (all of a
multi-source app's); a Kustomize overlay that names files outside its path counts the
whole repository. They are compared between the base (--base, else the revision the app
is synced to, else the merge base of the revision and the app's target revision) and the
revision; an app with no known base is included.

An app that fails to render at the revision (say, a values file the branch deletes) is
listed with its error, after which the others' diffs are still shown; an app that a set
or a root app would delete at the revision is not rendered or shown itself.

The repository is named by --repo-url, else by its remote origin's URLs (and its own
file:// URL). The revision is read from the local clone: it need not be pushed.

Exit codes: 0 nothing would change, 1 changes (with --exit-code), 2 an error or an app
that failed to render (after the whole preview is printed).`,
		Example: `  tiphys preview --repo . --revision feature/order-1.4.2
  tiphys preview --repo . --revision "$GITHUB_HEAD_REF" --base origin/main -o markdown --exit-code`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.stderr = cmd.ErrOrStderr()
			report, err := o.run(cmd.Context(), cmd.OutOrStdout())
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if failed := report.failed(); len(failed) > 0 {
				return &exitError{code: 2, err: fmt.Errorf("revision %s: %d applications failed to render: %s",
					o.revision, len(failed), strings.Join(failed, ", "))}
			}
			if len(report.Apps) > 0 && o.exitCode {
				return exitWith(1) // a difference is the answer, not an error
			}
			return nil
		},
	}
	o.register(cmd, "text|markdown|json")
	fl := cmd.Flags()
	fl.StringVar(&o.repoDir, "repo", ".", "the local clone of the repository")
	fl.StringVar(&o.revision, "revision", "", "the branch, tag or SHA to preview")
	fl.StringVar(&o.base, "base", "", "compare inputs from this revision (default: each app's synced revision, else the merge base)")
	fl.StringArrayVar(&o.repoURLs, "repo-url", nil, "a URL Applications name the repository by (repeatable; default: origin's URLs)")
	fl.BoolVar(&o.exitCode, "exit-code", false, "exit with 1 when anything would change")
	fl.StringVar(&o.cacheDir, "cache-dir", defaultCacheDir("repos"), "where repositories are cloned")
	return cmd
}

// run prints the preview and returns it: the caller turns its changes
// and failures into the exit code.
func (o *previewOptions) run(ctx context.Context, out io.Writer) (*previewReport, error) {
	if o.revision == "" {
		return nil, errors.New("--revision is required")
	}
	switch o.output {
	case "", "text", "markdown", "json":
	default:
		return nil, fmt.Errorf("-o %s: want text, markdown or json", o.output)
	}
	report, err := o.preview(ctx)
	if err != nil {
		return nil, err
	}
	if err := report.print(out, o.output); err != nil {
		return nil, err
	}
	return report, nil
}

// appDiff is an affected app's objects at the revision, or why they
// could not be computed.
type appDiff struct {
	app     *v1alpha1.Application
	objects []previewObject
	err     error
}

// preview collects what the revision would change.
func (o *previewOptions) preview(ctx context.Context) (*previewReport, error) {
	repo, err := openPreviewRepo(o.repoDir, o.revision, o.repoURLs)
	if err != nil {
		return nil, err
	}
	c, err := o.client()
	if err != nil {
		return nil, err
	}
	var list v1alpha1.ApplicationList
	if err := c.List(ctx, &list, client.InNamespace(o.namespace)); err != nil {
		return nil, fmt.Errorf("list applications in %s: %w", o.namespace, err)
	}
	d, err := newPreviewDiffer(ctx, o, c, repo, o.stderr)
	if err != nil {
		return nil, err
	}
	report := &previewReport{Revision: o.revision, Commit: repo.revision.Hash.String()}
	// The sets first: an Application they would delete is not rendered
	// (its path may be gone).
	sets, err := previewSets(ctx, o, c, repo, o.stderr)
	if err != nil {
		return nil, err
	}
	going := map[string]bool{}
	for _, a := range sets {
		going[a.Name] = a.Change == changeDeleted
	}
	sort.Slice(list.Items, func(i, j int) bool { return list.Items[i].Name < list.Items[j].Name })
	var diffs []appDiff
	for i := range list.Items {
		app := &list.Items[i]
		affected, err := o.affected(app, repo)
		if err != nil {
			return nil, err
		}
		if !affected || going[app.Name] {
			continue
		}
		// One app failing to render does not hide the others' diffs.
		objects, err := d.diff(ctx, app)
		diffs = append(diffs, appDiff{app: app, objects: objects, err: err})
	}
	// An app of apps: the Applications it would delete are going too,
	// whatever their own render says (the branch may delete their files).
	for _, ad := range diffs {
		for _, obj := range ad.objects {
			if isApplication(obj) && obj.Change == changeDeleted && (obj.Namespace == "" || obj.Namespace == o.namespace) {
				going[obj.Name] = true
			}
		}
	}
	for _, ad := range diffs {
		name := ad.app.Name
		switch {
		case going[name]:
			continue
		case ad.err != nil:
			report.Apps = append(report.Apps, previewApp{Name: name, Change: changeFailed, Error: ad.err.Error(), Objects: []previewObject{}})
			continue
		case len(ad.objects) == 0:
			continue
		}
		report.Apps = append(report.Apps, previewApp{Name: name, Change: changeModified, Objects: ad.objects})
		// An app of apps: its Applications that would come or go.
		for _, obj := range ad.objects {
			if isApplication(obj) && obj.Change != changeModified {
				report.Apps = append(report.Apps, previewApp{Name: obj.Name, Change: obj.Change, Via: "application " + name,
					Objects: []previewObject{obj}})
			}
		}
	}
	report.Apps = append(report.Apps, sets...)
	return report, nil
}

// affected says whether the revision changes an app's inputs: a source of
// the repository whose read paths hold a changed file since the base.
func (o *previewOptions) affected(app *v1alpha1.Application, repo *previewRepo) (bool, error) {
	paths := repo.readPaths(&app.Spec)
	if len(paths) == 0 {
		return false, nil
	}
	synced := app.Status.Sync.Revision
	target := ""
	for i, s := range appSources(&app.Spec) {
		if !repo.owns(s.RepoURL) {
			continue
		}
		target = s.TargetRevision
		if i < len(app.Status.Sync.Revisions) && synced == "" {
			synced = app.Status.Sync.Revisions[i]
		}
		break
	}
	base := repo.base(o.base, synced, target)
	if base == nil {
		fmt.Fprintf(o.stderr, "note: application %s: no base revision known in the clone; included\n", app.Name)
		return true, nil
	}
	files, err := repo.changed(base)
	if err != nil {
		return false, fmt.Errorf("application %s: %w", app.Name, err)
	}
	return touches(paths, files), nil
}

// isApplication says whether an object of a diff is an Application (of
// an app of apps).
func isApplication(obj previewObject) bool {
	return obj.Group == v1alpha1.Group && obj.Kind == "Application"
}
