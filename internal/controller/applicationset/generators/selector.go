package generators

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/applicationset/template"
)

// selectParams keeps the parameter sets a generator's selector matches:
// the flattened parameters are the labels it matches against, as in Argo
// CD's post-generator selector.
func selectParams(g *v1alpha1.ApplicationSetGenerator, params []Params) ([]Params, error) {
	if g.Selector == nil {
		return params, nil
	}
	sel, err := metav1.LabelSelectorAsSelector(g.Selector)
	if err != nil {
		return nil, err
	}
	out := params[:0:0]
	for _, p := range params {
		if sel.Matches(labels.Set(template.Flatten(p))) {
			out = append(out, p)
		}
	}
	return out, nil
}

// templateOf is the template override a generator carries.
func templateOf(g *v1alpha1.ApplicationSetGenerator) v1alpha1.ApplicationSetTemplate {
	switch {
	case g.List != nil:
		return g.List.Template
	case g.Clusters != nil:
		return g.Clusters.Template
	case g.Git != nil:
		return g.Git.Template
	case g.SCMProvider != nil:
		return g.SCMProvider.Template
	case g.ClusterDecisionResource != nil:
		return g.ClusterDecisionResource.Template
	case g.PullRequest != nil:
		return g.PullRequest.Template
	case g.Matrix != nil:
		return g.Matrix.Template
	case g.Merge != nil:
		return g.Merge.Template
	case g.Plugin != nil:
		return g.Plugin.Template
	}
	return v1alpha1.ApplicationSetTemplate{}
}

// requeueAfter is a generator's requeueAfterSeconds; generators that poll
// an outside source without one get Argo CD's defaults (scmProvider and
// pullRequest and plugin 30 minutes, clusterDecisionResource 3 minutes).
func requeueAfter(g *v1alpha1.ApplicationSetGenerator) time.Duration {
	secs := func(p *int64, def time.Duration) time.Duration {
		if p != nil {
			return time.Duration(*p) * time.Second
		}
		return def
	}
	switch {
	case g.Git != nil:
		return secs(g.Git.RequeueAfterSeconds, 0)
	case g.SCMProvider != nil:
		return secs(g.SCMProvider.RequeueAfterSeconds, 30*time.Minute)
	case g.PullRequest != nil:
		return secs(g.PullRequest.RequeueAfterSeconds, 30*time.Minute)
	case g.ClusterDecisionResource != nil:
		return secs(g.ClusterDecisionResource.RequeueAfterSeconds, 3*time.Minute)
	case g.Plugin != nil:
		return secs(g.Plugin.RequeueAfterSeconds, 30*time.Minute)
	}
	return 0
}
