package example

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/cluster"
	"github.com/tiphys/tiphys/internal/project"
)

// checkProject checks an app as the controller does against its project:
// the project exists, every source and chart dependency repository is
// allowed, the destination (resolved to name and server) is allowed, and
// every rendered object (and the Namespace CreateNamespace=true makes) is
// an allowed kind in an allowed namespace.
func (p *platform) checkProject(t *testing.T, app *v1alpha1.Application) {
	t.Helper()
	proj := p.projects[app.Spec.Project]
	if proj == nil {
		t.Errorf("app %s: project %q does not exist", app.Name, app.Spec.Project)
		return
	}
	sources := app.Spec.Sources
	if app.Spec.Source != nil {
		sources = append(sources, *app.Spec.Source)
	}
	for _, src := range sources {
		if src.RepoURL != p.repoURL {
			t.Errorf("app %s: source %s is not this repository (REPO_URL)", app.Name, src.RepoURL)
		}
		if err := project.CheckSource(proj, src.RepoURL); err != nil {
			t.Errorf("app %s: %v", app.Name, err)
		}
	}
	res := p.renders[app.Name]
	for _, d := range res.Dependencies {
		if err := project.CheckSource(proj, d.RepoURL); err != nil {
			t.Errorf("app %s: %s %q in %s: %v", app.Name, d.Kind, d.Name, d.File, err)
		}
	}
	dest := app.Spec.Destination
	var c project.Cluster
	switch dest.Name {
	case cluster.InClusterName:
		c = project.Cluster{Name: cluster.InClusterName, Server: cluster.InCluster}
	case "workload":
		c = project.Cluster{Name: "workload", Server: workloadServer}
	default:
		t.Errorf("app %s: destination %+v: name one of in-cluster, workload", app.Name, dest)
		return
	}
	if err := project.CheckDestination(proj, c, dest.Namespace, nil); err != nil {
		t.Errorf("app %s: %v", app.Name, err)
	}
	if app.Spec.SyncPolicy != nil && slices.Contains(app.Spec.SyncPolicy.SyncOptions, "CreateNamespace=true") {
		if err := project.CheckResource(proj, schema.GroupKind{Kind: "Namespace"}, dest.Namespace, false); err != nil {
			t.Errorf("app %s: CreateNamespace: %v", app.Name, err)
		}
	}
	for _, o := range res.Objects {
		gk := o.GroupVersionKind().GroupKind()
		namespaced := o.GetNamespace() != ""
		if err := project.CheckResource(proj, gk, o.GetName(), namespaced); err != nil {
			t.Errorf("app %s: %v", app.Name, err)
		}
		if namespaced {
			if err := project.CheckDestination(proj, c, o.GetNamespace(), nil); err != nil {
				t.Errorf("app %s: %s %s: %v", app.Name, gk, o.GetName(), err)
			}
		}
	}
}

// checkMicroservices checks the 8 microservice apps: their objects, the
// Rollout's canary steps and analysis, the HPA, the shared AnalysisTemplate
// and the ignoreDifferences that let the HPA own the replicas.
func (p *platform) checkMicroservices(t *testing.T) {
	var templates []*unstructured.Unstructured
	for _, app := range p.generated["microservices"] {
		svc := app.Labels["service"]
		env := app.Labels["env"]
		if app.Name != svc+"-"+env || app.Spec.Project != env {
			t.Errorf("app %s: labels service=%q env=%q, project %q", app.Name, svc, env, app.Spec.Project)
		}
		if want := svc + "-" + env; app.Spec.Destination.Namespace != want {
			t.Errorf("app %s: destination namespace %q, want %q", app.Name, app.Spec.Destination.Namespace, want)
		}
		if want := map[string]string{"staging": cluster.InClusterName, "production": "workload"}[env]; app.Spec.Destination.Name != want {
			t.Errorf("app %s: destination cluster %q, want %q", app.Name, app.Spec.Destination.Name, want)
		}
		if vf := app.Spec.Source.Helm.ValueFiles; len(vf) != 1 || !strings.HasSuffix(vf[0], "environments/"+env+"/"+svc+"/values.yaml") {
			t.Errorf("app %s: valueFiles %v", app.Name, vf)
		}
		ignored := false
		for _, d := range app.Spec.IgnoreDifferences {
			if d.Group == "argoproj.io" && d.Kind == "Rollout" && d.Name == svc && slices.Contains(d.JSONPointers, "/spec/replicas") {
				ignored = true
			}
		}
		if !ignored || !slices.Contains(app.Spec.SyncPolicy.SyncOptions, "RespectIgnoreDifferences=true") {
			t.Errorf("app %s: the Rollout's /spec/replicas must be ignored with RespectIgnoreDifferences=true (the HPA owns it)", app.Name)
		}

		byKind := map[string][]*unstructured.Unstructured{}
		for _, o := range p.renders[app.Name].Objects {
			byKind[o.GetKind()] = append(byKind[o.GetKind()], o)
			if o.GetNamespace() != app.Spec.Destination.Namespace {
				t.Errorf("app %s: %s %s in namespace %q", app.Name, o.GetKind(), o.GetName(), o.GetNamespace())
			}
		}
		counts := map[string]int{}
		for k, v := range byKind {
			counts[k] = len(v)
		}
		want := map[string]int{"Rollout": 1, "Service": 2, "HorizontalPodAutoscaler": 1, "AnalysisTemplate": 1, "ServiceAccount": 1}
		if !reflect.DeepEqual(counts, want) {
			t.Errorf("app %s renders %v, want %v", app.Name, counts, want)
			continue
		}
		ro, hpa, at := byKind["Rollout"][0], byKind["HorizontalPodAutoscaler"][0], byKind["AnalysisTemplate"][0]

		if ro.GetName() != svc {
			t.Errorf("app %s: Rollout %q, want %q", app.Name, ro.GetName(), svc)
		}
		canary, _, _ := unstructured.NestedMap(ro.Object, "spec", "strategy", "canary")
		if canary["stableService"] != svc+"-stable" || canary["canaryService"] != svc+"-canary" {
			t.Errorf("app %s: canary services %v/%v", app.Name, canary["stableService"], canary["canaryService"])
		}
		services := []string{byKind["Service"][0].GetName(), byKind["Service"][1].GetName()}
		slices.Sort(services)
		if !reflect.DeepEqual(services, []string{svc + "-canary", svc + "-stable"}) {
			t.Errorf("app %s: Services %v", app.Name, services)
		}
		p.checkSteps(t, app.Name, svc, canary)

		ref, _, _ := unstructured.NestedStringMap(hpa.Object, "spec", "scaleTargetRef")
		if hpa.GetAPIVersion() != "autoscaling/v2" || ref["kind"] != "Rollout" || ref["name"] != svc || ref["apiVersion"] != "argoproj.io/v1alpha1" {
			t.Errorf("app %s: HPA %s scaleTargetRef %v", hpa.GetAPIVersion(), app.Name, ref)
		}

		if at.GetName() != "success-rate" {
			t.Errorf("app %s: AnalysisTemplate %q, want success-rate", app.Name, at.GetName())
		}
		args, _, _ := unstructured.NestedSlice(at.Object, "spec", "args")
		if len(args) == 0 || args[0].(map[string]any)["name"] != "service-name" || args[0].(map[string]any)["value"] != svc {
			t.Errorf("app %s: AnalysisTemplate args %v, want service-name=%s first", app.Name, args, svc)
		}
		templates = append(templates, at)
	}
	if len(templates) != 8 {
		t.Fatalf("%d AnalysisTemplates, want 8", len(templates))
	}
	// The shared template is the same for every service but the service arg.
	norm := func(o *unstructured.Unstructured) map[string]any {
		c := o.DeepCopy()
		c.SetNamespace("")
		c.SetAnnotations(nil)
		args, _, _ := unstructured.NestedSlice(c.Object, "spec", "args")
		args[0].(map[string]any)["value"] = "<service>"
		_ = unstructured.SetNestedSlice(c.Object, args, "spec", "args")
		return c.Object
	}
	first := norm(templates[0])
	for _, at := range templates[1:] {
		if got := norm(at); !reflect.DeepEqual(got, first) {
			t.Errorf("AnalysisTemplate in %s differs from the one in %s beyond the service arg:\n%v\n%v", at.GetNamespace(), templates[0].GetNamespace(), got, first)
		}
	}
	metric, _, _ := unstructured.NestedSlice(first, "spec", "metrics")
	m := metric[0].(map[string]any)
	prom := m["provider"].(map[string]any)["prometheus"].(map[string]any)
	if prom["address"] != "http://prometheus.monitoring.svc:9090" ||
		!strings.Contains(prom["query"].(string), `http_requests_total{service="{{args.service-name}}",code!~"5.."}`) ||
		!strings.Contains(m["successCondition"].(string), "{{args.success-threshold}}") {
		t.Errorf("AnalysisTemplate metric %v: want the Prometheus success rate of http_requests_total by code, judged against the success-threshold arg", m)
	}
}

// checkSteps checks a Rollout's canary steps: setWeight and pause as the
// values give them, and at least one analysis step running success-rate with
// this service's name and a threshold.
func (p *platform) checkSteps(t *testing.T, app, svc string, canary map[string]any) {
	t.Helper()
	steps, _ := canary["steps"].([]any)
	analyses, weights := 0, 0
	for i, s := range steps {
		step := s.(map[string]any)
		if len(step) != 1 {
			t.Errorf("app %s: step %d %v: want one kind of step", app, i, step)
		}
		if _, ok := step["setWeight"]; ok {
			weights++
		}
		a, ok := step["analysis"].(map[string]any)
		if !ok {
			continue
		}
		analyses++
		tmpls, _ := a["templates"].([]any)
		if len(tmpls) != 1 || tmpls[0].(map[string]any)["templateName"] != "success-rate" {
			t.Errorf("app %s: step %d templates %v, want success-rate", app, i, tmpls)
		}
		args := map[string]any{}
		for _, arg := range a["args"].([]any) {
			args[arg.(map[string]any)["name"].(string)] = arg.(map[string]any)["value"]
		}
		thr, _ := args["success-threshold"].(string)
		if args["service-name"] != svc || thr == "" || !strings.HasPrefix(thr, "0.") {
			t.Errorf("app %s: step %d args %v, want service-name=%s and a success-threshold", app, i, args, svc)
		}
	}
	if analyses == 0 || weights == 0 {
		t.Errorf("app %s: steps %v: want setWeight and analysis steps", app, steps)
	}
}
