package webhook

import (
	"context"
	"fmt"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

const (
	// RefreshAnnotation asks the application controller for a refresh
	// (Argo CD's argocd.argoproj.io/refresh); the webhook asks "normal".
	RefreshAnnotation = "argocd.argoproj.io/refresh"
	// AppSetRefreshAnnotation asks the ApplicationSet controller to run
	// its generators again (Argo CD's
	// argocd.argoproj.io/application-set-refresh).
	AppSetRefreshAnnotation = "argocd.argoproj.io/application-set-refresh"
)

// refresh lists the Applications and ApplicationSets of the watched
// namespaces and annotates those the push concerns. A failed patch is
// reported in the result and the others go on; a failed list fails all.
func (h *Handler) refresh(ctx context.Context, p *Push) (Result, error) {
	log := h.opts.Log.WithValues("provider", p.Provider, "repository", firstOr(p.URLs), "refs", refNames(p.Refs), "commit", p.Commit)
	log.Info("webhook push", "files", len(p.Files), "allFiles", p.AllFiles)
	var res Result
	for _, ns := range h.namespaces() {
		apps := &v1alpha1.ApplicationList{}
		if err := h.opts.Client.List(ctx, apps, client.InNamespace(ns)); err != nil {
			return res, fmt.Errorf("list applications in %s: %w", ns, err)
		}
		for i := range apps.Items {
			app := &apps.Items[i]
			if !AppMatches(app, p) {
				continue
			}
			name := app.Namespace + "/" + app.Name
			done, err := h.annotate(ctx, app, RefreshAnnotation, "normal")
			if err != nil {
				res.Errors = append(res.Errors, fmt.Sprintf("application %s: %v", name, err))
			}
			if !done {
				continue
			}
			log.Info("refresh requested", "application", name)
			res.Refreshed.Applications = append(res.Refreshed.Applications, name)
		}
		sets := &v1alpha1.ApplicationSetList{}
		if err := h.opts.Client.List(ctx, sets, client.InNamespace(ns)); err != nil {
			return res, fmt.Errorf("list applicationsets in %s: %w", ns, err)
		}
		for i := range sets.Items {
			set := &sets.Items[i]
			if !AppSetMatches(set, p) {
				continue
			}
			name := set.Namespace + "/" + set.Name
			done, err := h.annotate(ctx, set, AppSetRefreshAnnotation, "true")
			if err != nil {
				res.Errors = append(res.Errors, fmt.Sprintf("applicationset %s: %v", name, err))
			}
			if !done {
				continue
			}
			log.Info("refresh requested", "applicationSet", name)
			res.Refreshed.ApplicationSets = append(res.Refreshed.ApplicationSets, name)
		}
	}
	sort.Strings(res.Refreshed.Applications)
	sort.Strings(res.Refreshed.ApplicationSets)
	return res, nil
}

// annotate sets one annotation with a JSON merge patch, as Argo CD's
// RefreshApp does, and says whether the object now asks for a refresh: an
// object deleted in between does not, and is no error. A pending hard
// refresh is left as it is rather than turned into a normal one.
func (h *Handler) annotate(ctx context.Context, obj client.Object, key, value string) (bool, error) {
	if key == RefreshAnnotation && obj.GetAnnotations()[key] == "hard" {
		return true, nil
	}
	patch := fmt.Appendf(nil, `{"metadata":{"annotations":{%q:%q}}}`, key, value)
	err := h.opts.Client.Patch(ctx, obj, client.RawPatch(types.MergePatchType, patch))
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("set %s: %w", key, err)
	}
	return true, nil
}

// namespaces are Argo CD's namespace and the application namespaces, each once.
func (h *Handler) namespaces() []string {
	seen := map[string]bool{}
	var out []string
	for _, ns := range append([]string{h.opts.Namespace}, h.opts.ApplicationNamespaces...) {
		if ns != "" && !seen[ns] {
			seen[ns] = true
			out = append(out, ns)
		}
	}
	return out
}

func firstOr(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}

func refNames(refs []Ref) string {
	names := make([]string, len(refs))
	for i, r := range refs {
		names[i] = r.String()
	}
	return strings.Join(names, ",")
}
