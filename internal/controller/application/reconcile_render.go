package application

import (
	"context"
	"fmt"
	"io/fs"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/render"
)

// reconcileRender renders every source at its target revision through the
// render cache. An error leaves the targets empty and the caller stops: a
// render error never leads to a prune.
func (r *Reconciler) reconcileRender(ctx context.Context, st *state) error {
	kubeVersion, err := st.dest.Discovery.KubeVersion()
	if err != nil {
		return fmt.Errorf("cluster %s: %w", st.dest.Server, err)
	}
	apiVersions, err := st.dest.Discovery.APIVersions()
	if err != nil {
		return fmt.Errorf("cluster %s: %w", st.dest.Server, err)
	}
	req := r.appRequest(ctx, st, st.app.Spec)
	req.KubeVersion, req.APIVersions = kubeVersion, apiVersions
	hold, err := ReadHold(ctx, r.client, r.opts.Namespace, st.app.Namespace, st.app.Name)
	if err != nil {
		return err
	}
	var res *render.AppResult
	if hold.Active() {
		st.hold = hold
		res, err = r.renderHeld(ctx, st, req, hold)
	} else {
		res, err = render.RenderApp(ctx, req)
	}
	if err != nil {
		return err
	}
	targets := managedOnly(st, res.Objects)
	// What the project does not allow is refused whole: no object of this
	// render is applied and nothing is pruned.
	if err := st.checkRendered(res.Dependencies, targets); err != nil {
		return err
	}
	st.targets, st.revisions, st.deps = targets, res.Revisions, res.Dependencies
	if len(res.SourceTypes) > 0 {
		st.app.Status.SourceType = res.SourceTypes[0]
	}
	if len(st.app.Spec.Sources) > 0 {
		st.app.Status.SourceTypes = res.SourceTypes
	}
	return nil
}

// appRequest is the render request of a spec of the app.
func (r *Reconciler) appRequest(ctx context.Context, st *state, spec v1alpha1.ApplicationSpec) render.AppRequest {
	kubeVersion, _ := st.dest.Discovery.KubeVersion()
	apiVersions, _ := st.dest.Discovery.APIVersions()
	opener := r.opener()
	// A user's refresh lists the repository's refs afresh; otherwise apps
	// of one repository share a listing made moments ago.
	opener.Refresh = st.refresh
	cached := r.renders.Render
	if st.hard {
		cached = nil
	}
	return render.AppRequest{
		AppName: st.instance,
		Spec:    spec,
		Open:    opener.Source,
		// A remote kustomize base from a repository the project does not
		// allow is refused before it is fetched.
		Remote: func(ctx context.Context, repoURL, revision string) (fs.FS, error) {
			if err := st.checkSource(repoURL); err != nil {
				return nil, err
			}
			return opener.Remote(ctx, repoURL, revision)
		},
		KubeVersion: kubeVersion,
		APIVersions: apiVersions,
		Namespaced:  st.dest.Namespaced,
		Charts:      r.charts,
		Render:      cached,
	}
}

// managedOnly drops the objects of kinds argocd-cm excludes (or does not
// include): the controller neither syncs nor prunes them, as Argo CD.
func managedOnly(st *state, objs []*unstructured.Unstructured) []*unstructured.Unstructured {
	out := objs[:0:0]
	for _, o := range objs {
		gvk := o.GroupVersionKind()
		if st.settings.Managed(gvk.Group, gvk.Kind, st.dest.Server) {
			out = append(out, o)
			continue
		}
		st.condition(v1alpha1.ApplicationConditionExcludedResourceWarning,
			fmt.Sprintf("Resource %s/%s %s is excluded in the settings (argocd-cm resource.exclusions or resource.inclusions)", gvk.Group, gvk.Kind, o.GetName()))
	}
	return out
}
