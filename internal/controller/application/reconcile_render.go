package application

import (
	"context"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/render"
)

// reconcileRender renders every source at its target revision through the
// render cache. An error leaves the targets empty and the caller stops: a
// render error never leads to a prune.
func (r *Reconciler) reconcileRender(ctx context.Context, st *state) error {
	kubeVersion, err := r.disc.KubeVersion()
	if err != nil {
		return err
	}
	apiVersions, err := r.disc.APIVersions()
	if err != nil {
		return err
	}
	req := r.appRequest(ctx, st, st.app.Spec)
	req.KubeVersion, req.APIVersions = kubeVersion, apiVersions
	res, err := render.RenderApp(ctx, req)
	if err != nil {
		return err
	}
	st.targets, st.revisions = res.Objects, res.Revisions
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
	kubeVersion, _ := r.disc.KubeVersion()
	apiVersions, _ := r.disc.APIVersions()
	return render.AppRequest{
		AppName:     st.instance,
		Spec:        spec,
		Open:        r.opener(ctx),
		KubeVersion: kubeVersion,
		APIVersions: apiVersions,
		Namespaced:  r.disc.Namespaced,
		Charts:      r.charts,
		Render:      r.renders.Render,
	}
}
