package application

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/cluster"
	projectctl "github.com/tiphys/tiphys/internal/controller/project"
	"github.com/tiphys/tiphys/internal/project"
	"github.com/tiphys/tiphys/internal/render"
)

// reconcileProject reads the app's AppProject and checks the app's own
// fields against it: the namespace the app lives in (sourceNamespaces),
// every source's repository (sourceRepos) and the destination, resolved to
// a cluster whose name and server are both checked (destinations,
// permitOnlyProjectScopedClusters). A violation, or a project that does not
// exist, is an InvalidSpecError: nothing of the app is rendered, synced or
// pruned.
func (r *Reconciler) reconcileProject(ctx context.Context, st *state) error {
	name := projectctl.ProjectName(st.app)
	p := &v1alpha1.AppProject{}
	if err := r.client.Get(ctx, client.ObjectKey{Namespace: r.opts.Namespace, Name: name}, p); err != nil {
		if apierrors.IsNotFound(err) {
			return fmt.Errorf("application references project %s which does not exist", name)
		}
		return fmt.Errorf("project %s: %w", name, err)
	}
	st.project = p
	if err := project.CheckAppNamespace(p, st.app.Namespace, r.opts.Namespace); err != nil {
		return err
	}
	repos, err := r.repositorySecrets(ctx, p)
	if err != nil {
		return err
	}
	for _, rs := range repos {
		if rs.project == p.Name {
			st.projectRepos = append(st.projectRepos, rs.url)
		}
	}
	for _, src := range appSources(&st.app.Spec) {
		if err := st.checkSource(src.RepoURL); err != nil {
			return err
		}
		if err := repositoryScope(p, repos, src.RepoURL); err != nil {
			return err
		}
	}
	clusters, err := r.projectClusters(ctx, p)
	if err != nil {
		return err
	}
	st.projectClusters = clusters
	return project.CheckDestination(p, st.projectCluster(), st.app.Spec.Destination.Namespace, clusters)
}

// appSources are the sources of a spec: Sources, or Source.
func appSources(spec *v1alpha1.ApplicationSpec) v1alpha1.ApplicationSources {
	if len(spec.Sources) > 0 {
		return spec.Sources
	}
	if spec.Source != nil {
		return v1alpha1.ApplicationSources{*spec.Source}
	}
	return nil
}

// checkSource checks a repository against sourceRepos and the
// repositories scoped to the project.
func (s *state) checkSource(repoURL string) error {
	return project.CheckSourceScoped(s.project, repoURL, s.projectRepos)
}

// repositorySecret is a repository Secret's URL and project key.
type repositorySecret struct{ url, project string }

// repositorySecrets lists the repository Secrets: those scoped to the
// project (their project key) are sources its apps may use, as Argo CD
// allows; those of other projects may not serve them.
func (r *Reconciler) repositorySecrets(ctx context.Context, p *v1alpha1.AppProject) ([]repositorySecret, error) {
	var list corev1.SecretList
	if err := r.client.List(ctx, &list, client.InNamespace(r.opts.Namespace),
		client.MatchingLabels{cluster.SecretTypeLabel: "repository"}); err != nil {
		return nil, fmt.Errorf("project %s: list repository secrets: %w", p.Name, err)
	}
	out := make([]repositorySecret, 0, len(list.Items))
	for _, sec := range list.Items {
		if u := string(sec.Data["url"]); u != "" {
			out = append(out, repositorySecret{url: u, project: string(sec.Data["project"])})
		}
	}
	return out, nil
}

// repositoryScope refuses a source whose only repository Secrets are
// scoped to other projects (project.CheckRepositoryScope).
func repositoryScope(p *v1alpha1.AppProject, repos []repositorySecret, repoURL string) error {
	want := project.NormalizeRepoURL(repoURL)
	other := ""
	for _, rs := range repos {
		if project.NormalizeRepoURL(rs.url) != want {
			continue
		}
		if rs.project == "" || rs.project == p.Name {
			return nil
		}
		other = rs.project
	}
	if other == "" {
		return nil
	}
	return project.CheckRepositoryScope(p, other)
}

// projectClusters are the clusters scoped to the project (their Secret's
// project key), for permitOnlyProjectScopedClusters.
func (r *Reconciler) projectClusters(ctx context.Context, p *v1alpha1.AppProject) ([]project.Cluster, error) {
	if !p.Spec.PermitOnlyProjectScopedClusters {
		return nil, nil
	}
	infos, err := r.clusters.Scoped(ctx, p.Name)
	if err != nil {
		return nil, fmt.Errorf("project %s: %w", p.Name, err)
	}
	out := make([]project.Cluster, 0, len(infos))
	for _, c := range infos {
		out = append(out, project.Cluster{Name: c.Name, Server: c.Server, Project: c.Project})
	}
	return out, nil
}

// projectCluster is the destination cluster as the project sees it.
func (s *state) projectCluster() project.Cluster {
	return project.Cluster{Name: s.dest.Name, Server: s.dest.Server, Project: s.dest.Project}
}

// checkRendered checks what a render produced against the project: every
// dependency taken from outside the repository (sourceRepos), every
// object's kind (the resource white and black lists, a cluster-scoped kind
// by name) and every namespaced object's namespace (destinations), the
// Namespace that CreateNamespace=true creates included. The objects to
// prune are checked too: nothing is deleted outside the project's rules.
// The first violation is returned; the caller refuses the whole render.
func (s *state) checkRendered(deps []render.Dependency, objs ...[]*unstructured.Unstructured) error {
	p := s.project
	for _, d := range deps {
		if err := s.checkSource(d.RepoURL); err != nil {
			return fmt.Errorf("%s %q named in %s: %w", d.Kind, d.Name, d.File, err)
		}
	}
	c := s.projectCluster()
	check := func(o *unstructured.Unstructured) error {
		gk := o.GroupVersionKind().GroupKind()
		namespaced, known := s.dest.Discovery.Namespaced(gk)
		if !known {
			namespaced = o.GetNamespace() != ""
		}
		if err := project.CheckResource(p, gk, o.GetName(), namespaced); err != nil {
			return err
		}
		if ns := o.GetNamespace(); !s.dest.Live.InScope(ns) {
			if !namespaced {
				return fmt.Errorf("%s %q: cluster %s manages only namespaced objects (its Secret lists namespaces and no clusterResources)",
					gk.Kind, o.GetName(), clusterNames(s.dest))
			}
			return fmt.Errorf("%s %q: namespace %q is not one of the namespaces cluster %s manages (its Secret's namespaces key)",
				gk.Kind, o.GetName(), ns, clusterNames(s.dest))
		}
		if namespaced {
			if err := project.CheckDestination(p, c, o.GetNamespace(), s.projectClusters); err != nil {
				return fmt.Errorf("%s %q: %w", gk.Kind, o.GetName(), err)
			}
		}
		return nil
	}
	if ns := namespaceObject(s.app); ns != nil && createsNamespace(s.app) {
		if err := check(ns); err != nil {
			return fmt.Errorf("CreateNamespace=true: %w", err)
		}
	}
	for _, list := range objs {
		for _, o := range list {
			if err := check(o); err != nil {
				return err
			}
		}
	}
	return nil
}

// createsNamespace reports whether the app's sync options (or the
// requested operation's) ask for CreateNamespace=true.
func createsNamespace(app *v1alpha1.Application) bool {
	opts := syncPolicyOptions(app)
	if app.Operation != nil && app.Operation.Sync != nil {
		opts = append(opts, app.Operation.Sync.SyncOptions...)
	}
	for _, o := range opts {
		if strings.EqualFold(strings.TrimSpace(o), "CreateNamespace=true") {
			return true
		}
	}
	return false
}

// windowTarget is the app as sync windows match it.
func (s *state) windowTarget() project.WindowTarget {
	return project.WindowTarget{App: s.app.Name, Namespace: s.app.Spec.Destination.Namespace, Cluster: s.projectCluster()}
}

// errWindowBlocked is why an operation waits for a sync window.
var errWindowBlocked = errors.New("Sync operation blocked by sync window")

// windowAllows reports whether the project's sync windows let a sync
// start (manual for a user's request) or, for one that started at
// startedAt, go on; the error names the blocking windows or a window that
// does not parse (which blocks, as in Argo CD).
func (s *state) windowAllows(manual bool, startedAt *time.Time) error {
	now := time.Now()
	var ok bool
	var why string
	var err error
	switch {
	case startedAt != nil && manual:
		ok, why, err = project.MayContinueManual(s.project, s.windowTarget(), *startedAt, now)
	case startedAt != nil:
		ok, why, err = project.MayContinue(s.project, s.windowTarget(), *startedAt, now)
	default:
		ok, why, err = project.CanSync(s.project, s.windowTarget(), manual, now)
	}
	switch {
	case err != nil:
		return &invalidWindowError{project: s.project.Name, err: err}
	case !ok:
		return fmt.Errorf("%w: %s", errWindowBlocked, why)
	}
	return nil
}

// invalidWindowError is a sync window of the project that does not parse:
// it blocks the syncs it may apply to, and says so.
type invalidWindowError struct {
	project string
	err     error
}

func (e *invalidWindowError) Error() string {
	return fmt.Sprintf("project %q: sync window that does not parse: %v", e.project, e.err)
}

func (e *invalidWindowError) Unwrap() error { return e.err }

// clusterNames is for error messages: "name (server)".
func clusterNames(d *cluster.Destination) string {
	if d.Name == "" {
		return d.Server
	}
	return d.Name + " (" + d.Server + ")"
}

// orphanedResources warns, when the project asks (orphanedResources with
// warn), of the objects in the app's destination namespace that no
// application tracks and nothing owns, among the kinds the controller
// watches: an OrphanedResourceWarning with their count, as Argo CD words
// it. Orphans are only listed, never pruned.
func (s *state) orphanedResources() {
	p, ns := s.project, s.app.Spec.Destination.Namespace
	if p == nil || p.Spec.OrphanedResources == nil || ns == "" {
		return
	}
	var names []string
	for _, o := range s.dest.Live.Untracked(ns) {
		gk := o.GroupVersionKind().GroupKind()
		if !project.OrphanIgnored(p, gk, o.GetName()) && !project.NeverOrphaned(gk, o.GetNamespace(), o.GetName()) {
			names = append(names, gk.Kind+"/"+o.GetName())
		}
	}
	if len(names) == 0 || !project.WarnOrphans(p) {
		return
	}
	sort.Strings(names)
	shown := names
	if len(shown) > 5 {
		shown = append(shown[:5:5], "...")
	}
	s.condition(v1alpha1.ApplicationConditionOrphanedResourceWarning,
		fmt.Sprintf("Application has %d orphaned resources: %s", len(names), strings.Join(shown, ", ")))
}
