package application

import (
	"context"

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
	res, err := render.RenderApp(ctx, render.AppRequest{
		AppName:     st.instance,
		Spec:        st.app.Spec,
		Open:        r.opener(ctx),
		KubeVersion: kubeVersion,
		APIVersions: apiVersions,
		Namespaced:  r.disc.Namespaced,
		Charts:      r.charts,
		Render:      r.renders.Render,
	})
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
