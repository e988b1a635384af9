package webhook

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/go-logr/logr"
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

// refresh annotates the Applications of the watched namespaces and the
// ApplicationSets of Argo CD's namespace (where the ApplicationSet
// controller reads them) that the push concerns. A failed patch is
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
			if app := &apps.Items[i]; AppMatches(app, p) {
				h.request(ctx, log, &res, app, "application", RefreshAnnotation, "normal", &res.Refreshed.Applications)
			}
		}
	}
	sets := &v1alpha1.ApplicationSetList{}
	if err := h.opts.Client.List(ctx, sets, client.InNamespace(h.opts.Namespace)); err != nil {
		return res, fmt.Errorf("list applicationsets in %s: %w", h.opts.Namespace, err)
	}
	for i := range sets.Items {
		if set := &sets.Items[i]; AppSetMatches(set, p) {
			h.request(ctx, log, &res, set, "applicationSet", AppSetRefreshAnnotation, "true", &res.Refreshed.ApplicationSets)
		}
	}
	sort.Strings(res.Refreshed.Applications)
	sort.Strings(res.Refreshed.ApplicationSets)
	return res, nil
}

// request sets the refresh annotation key on obj and records the outcome
// in res: the object's name in done, or the error.
func (h *Handler) request(ctx context.Context, log logr.Logger, res *Result, obj client.Object, kind, key, value string, done *[]string) {
	name := obj.GetNamespace() + "/" + obj.GetName()
	ok, err := h.annotate(ctx, obj, key, value)
	if err != nil {
		log.Error(err, "refresh request failed", kind, name)
		res.Errors = append(res.Errors, fmt.Sprintf("%s %s: %v", kind, name, err))
	}
	if ok {
		log.Info("refresh requested", kind, name)
		*done = append(*done, name)
	}
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
