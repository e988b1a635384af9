package render_test

import (
	"context"
	"io/fs"
	"os"
	"testing"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/render"
	"github.com/tiphys/tiphys/internal/source/git/gittest"
)

const testRevision = "0123456789abcdef0123456789abcdef01234567"

// envRequest is a request whose build environment has a value for every variable.
func envRequest() render.Request {
	return render.Request{
		AppName: "guestbook", Namespace: "web", Project: "shop", Revision: testRevision,
		Source: v1alpha1.ApplicationSource{RepoURL: "https://git.example.com/shop.git", Path: "apps/guestbook", TargetRevision: "main"},
	}
}

// Expand follows Argo CD (os.Expand): $NAME and ${NAME}, unknown names
// expand to nothing, $$ is a literal $, and the process environment is
// never read.
func TestBuildEnvExpand(t *testing.T) {
	t.Setenv("TIPHYS_LEAK", "from the process")
	env := render.NewBuildEnv(envRequest())
	tests := []struct{ in, want string }{
		{"$ARGOCD_APP_NAME", "guestbook"},
		{"${ARGOCD_APP_NAME}", "guestbook"},
		{"$ARGOCD_APP_NAMESPACE", "web"},
		{"$ARGOCD_APP_PROJECT_NAME", "shop"},
		{"$ARGOCD_APP_REVISION", testRevision},
		{"$ARGOCD_APP_REVISION_SHORT", "0123456"},
		{"$ARGOCD_APP_REVISION_SHORT_8", "01234567"},
		{"$ARGOCD_APP_SOURCE_REPO_URL", "https://git.example.com/shop.git"},
		{"$ARGOCD_APP_SOURCE_PATH", "apps/guestbook"},
		{"$ARGOCD_APP_SOURCE_TARGET_REVISION", "main"},
		{"$ARGOCD_APP_NAME-config", "guestbook-config"},
		{"${ARGOCD_APP_NAME}config", "guestbookconfig"},
		{"pre-$ARGOCD_APP_NAMESPACE/$ARGOCD_APP_PROJECT_NAME.yaml", "pre-web/shop.yaml"},
		{"$ARGOCD_APP_NAMEconfig", ""}, // one longer, unknown name
		{"$UNKNOWN", ""},
		{"a${UNKNOWN}b", "ab"},
		{"$TIPHYS_LEAK", ""},
		{"$KUBE_VERSION $KUBE_API_VERSIONS", " "}, // plugins only, in Argo CD
		{"$1", ""},
		{"$$", "$"},
		{"$$ARGOCD_APP_NAME", "$ARGOCD_APP_NAME"},
		{"$${ARGOCD_APP_NAME}", "${ARGOCD_APP_NAME}"},
		{"5$$ a month", "5$ a month"},
		{"$$$ARGOCD_APP_NAME", "$guestbook"},
		{"trailing $", "trailing $"},
		{"$ alone", "$ alone"},
		{"${}", ""},
		{"${ARGOCD_APP_NAME", "ARGOCD_APP_NAME"}, // unterminated: os.Expand drops "${"
		{"no variables, a, b", "no variables, a, b"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := env.Expand(tt.in); got != tt.want {
				t.Errorf("Expand(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// An application without a project is in "default"; a revision shorter
// than the short forms is used whole.
func TestBuildEnvDefaults(t *testing.T) {
	req := envRequest()
	req.Project, req.Revision = "", "1.4.2"
	env := render.NewBuildEnv(req)
	for in, want := range map[string]string{
		"$ARGOCD_APP_PROJECT_NAME":     "default",
		"$ARGOCD_APP_REVISION_SHORT":   "1.4.2",
		"$ARGOCD_APP_REVISION_SHORT_8": "1.4.2",
	} {
		if got := env.Expand(in); got != want {
			t.Errorf("Expand(%q) = %q, want %q", in, got, want)
		}
	}
}

// nested returns the string at fields of the object of kind and name.
func nested(t *testing.T, objs []*unstructured.Unstructured, kind, name string, fields ...string) string {
	t.Helper()
	for _, o := range objs {
		if o.GetKind() == kind && o.GetName() == name {
			v, _, err := unstructured.NestedString(o.Object, fields...)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
	}
	t.Fatalf("no %s %q among %d objects", kind, name, len(objs))
	return ""
}

// Build variables expand in every place Argo CD expands them, and only there.
func TestBuildVariables(t *testing.T) {
	chart := map[string]string{
		"charts/web/Chart.yaml":        chartYAML,
		"charts/web/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  value: {{ .Values.value | quote }}\n",
	}
	kustomization := map[string]string{
		"apps/guestbook/kustomization.yaml": "resources:\n- deploy.yaml\n",
		"apps/guestbook/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ui\nspec:\n" +
			"  selector:\n    matchLabels:\n      app: ui\n  template:\n    metadata:\n      labels:\n        app: ui\n" +
			"    spec:\n      containers:\n      - name: ui\n        image: registry.example.com/ui:1.0\n",
	}
	with := func(base, more map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range base {
			out[k] = v
		}
		for k, v := range more {
			out[k] = v
		}
		return out
	}
	helm := func(h v1alpha1.ApplicationSourceHelm) v1alpha1.ApplicationSource {
		return v1alpha1.ApplicationSource{Path: "charts/web", Helm: &h}
	}
	kustomize := func(k v1alpha1.ApplicationSourceKustomize) v1alpha1.ApplicationSource {
		return v1alpha1.ApplicationSource{Path: "apps/guestbook", Kustomize: &k}
	}
	jsonnet := func(j v1alpha1.ApplicationSourceJsonnet) v1alpha1.ApplicationSource {
		return v1alpha1.ApplicationSource{Path: "apps/guestbook", Directory: &v1alpha1.ApplicationSourceDirectory{Jsonnet: j}}
	}
	webValue := at("ConfigMap", "web", "data", "value")
	tests := []struct {
		name   string
		files  map[string]string
		source v1alpha1.ApplicationSource
		refs   bool
		get    getter
		want   string
	}{
		{
			name:  "helm parameter",
			files: chart,
			source: helm(v1alpha1.ApplicationSourceHelm{Parameters: []v1alpha1.HelmParameter{
				{Name: "value", Value: "$ARGOCD_APP_NAME-${ARGOCD_APP_REVISION_SHORT}"}}}),
			get: webValue, want: "guestbook-0123456",
		},
		{
			name:  "helm parameter with forceString",
			files: chart,
			source: helm(v1alpha1.ApplicationSourceHelm{Parameters: []v1alpha1.HelmParameter{
				{Name: "value", Value: "$ARGOCD_APP_REVISION_SHORT_8", ForceString: true}}}),
			get: webValue, want: "01234567",
		},
		{
			name:   "helm values are not expanded",
			files:  chart,
			source: helm(v1alpha1.ApplicationSourceHelm{Values: "value: $ARGOCD_APP_NAME\n"}),
			get:    webValue, want: "$ARGOCD_APP_NAME",
		},
		{
			name:   "helm value file path",
			files:  with(chart, map[string]string{"charts/web/values-guestbook.yaml": "value: per app\n"}),
			source: helm(v1alpha1.ApplicationSourceHelm{ValueFiles: []string{"values-$ARGOCD_APP_NAME.yaml"}}),
			get:    webValue, want: "per app",
		},
		{
			name:   "helm value file path in another source",
			files:  with(chart, map[string]string{"envs/web/guestbook.yaml": "value: per namespace\n"}),
			source: helm(v1alpha1.ApplicationSourceHelm{ValueFiles: []string{"$values/envs/${ARGOCD_APP_NAMESPACE}/$ARGOCD_APP_NAME.yaml"}}),
			refs:   true,
			get:    webValue, want: "per namespace",
		},
		{
			name:  "helm file parameter path",
			files: with(chart, map[string]string{"charts/web/files/shop.txt": "per project"}),
			source: helm(v1alpha1.ApplicationSourceHelm{FileParameters: []v1alpha1.HelmFileParameter{
				{Name: "value", Path: "files/$ARGOCD_APP_PROJECT_NAME.txt"}}}),
			get: webValue, want: "per project",
		},
		{
			name:   "kustomize image",
			files:  kustomization,
			source: kustomize(v1alpha1.ApplicationSourceKustomize{Images: v1alpha1.KustomizeImages{"registry.example.com/ui:$ARGOCD_APP_REVISION_SHORT"}}),
			get:    imageOf("ui"),
			want:   "registry.example.com/ui:0123456",
		},
		{
			name:   "kustomize common label",
			files:  kustomization,
			source: kustomize(v1alpha1.ApplicationSourceKustomize{CommonLabels: map[string]string{"revision": "${ARGOCD_APP_REVISION_SHORT}"}}),
			get:    at("Deployment", "ui", "metadata", "labels", "revision"), want: "0123456",
		},
		{
			name:  "kustomize common label without selector",
			files: kustomization,
			source: kustomize(v1alpha1.ApplicationSourceKustomize{CommonLabels: map[string]string{"project": "$ARGOCD_APP_PROJECT_NAME"},
				LabelWithoutSelector: true}),
			get: at("Deployment", "ui", "metadata", "labels", "project"), want: "shop",
		},
		{
			name:   "kustomize common annotation without commonAnnotationsEnvsubst",
			files:  kustomization,
			source: kustomize(v1alpha1.ApplicationSourceKustomize{CommonAnnotations: map[string]string{"source": "$ARGOCD_APP_SOURCE_REPO_URL"}}),
			get:    at("Deployment", "ui", "metadata", "annotations", "source"), want: "$ARGOCD_APP_SOURCE_REPO_URL",
		},
		{
			name:  "kustomize common annotation with commonAnnotationsEnvsubst",
			files: kustomization,
			source: kustomize(v1alpha1.ApplicationSourceKustomize{CommonAnnotations: map[string]string{"source": "$ARGOCD_APP_SOURCE_REPO_URL"},
				CommonAnnotationsEnvsubst: true}),
			get: at("Deployment", "ui", "metadata", "annotations", "source"), want: "https://git.example.com/shop.git",
		},
		{
			name:   "jsonnet extVar",
			files:  map[string]string{"apps/guestbook/cm.jsonnet": jsonnetCM("cm", "std.extVar('rev')")},
			source: jsonnet(v1alpha1.ApplicationSourceJsonnet{ExtVars: []v1alpha1.JsonnetVar{{Name: "rev", Value: "$ARGOCD_APP_SOURCE_TARGET_REVISION"}}}),
			get:    at("ConfigMap", "cm", "data", "value"), want: "main",
		},
		{
			name:   "jsonnet extVar code",
			files:  map[string]string{"apps/guestbook/cm.jsonnet": jsonnetCM("cm", "std.extVar('path')")},
			source: jsonnet(v1alpha1.ApplicationSourceJsonnet{ExtVars: []v1alpha1.JsonnetVar{{Name: "path", Value: "'$ARGOCD_APP_SOURCE_PATH'", Code: true}}}),
			get:    at("ConfigMap", "cm", "data", "value"), want: "apps/guestbook",
		},
		{
			name:   "jsonnet TLA",
			files:  map[string]string{"apps/guestbook/cm.jsonnet": "function(app) " + jsonnetCM("cm", "app")},
			source: jsonnet(v1alpha1.ApplicationSourceJsonnet{TLAs: []v1alpha1.JsonnetVar{{Name: "app", Value: "$ARGOCD_APP_NAME-config"}}}),
			get:    at("ConfigMap", "cm", "data", "value"), want: "guestbook-config",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree := badRepo(t, tt.files, nil)
			req := envRequest()
			req.Source.Path = tt.source.Path
			req.Source.Helm, req.Source.Kustomize, req.Source.Directory = tt.source.Helm, tt.source.Kustomize, tt.source.Directory
			req.Repo = tree
			if tt.refs {
				req.Refs = map[string]fs.FS{"values": tree}
			}
			res, err := render.Render(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.get(t, res.Objects); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// getter reads one value of a render.
type getter func(*testing.T, []*unstructured.Unstructured) string

// at reads the string at fields of the object of kind and name.
func at(kind, name string, fields ...string) getter {
	return func(t *testing.T, objs []*unstructured.Unstructured) string {
		t.Helper()
		return nested(t, objs, kind, name, fields...)
	}
}

// imageOf reads the first container image of the Deployment called name.
func imageOf(name string) getter {
	return func(t *testing.T, objs []*unstructured.Unstructured) string {
		t.Helper()
		for _, o := range objs {
			if o.GetKind() == "Deployment" && o.GetName() == name {
				cs, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "containers")
				if len(cs) > 0 {
					img, _, _ := unstructured.NestedString(cs[0].(map[string]any), "image")
					return img
				}
			}
		}
		t.Fatalf("no Deployment %q with a container", name)
		return ""
	}
}

// RenderApp fills the build environment from the application: its project,
// and each source's repository, path, target revision and resolved revision.
func TestRenderAppBuildEnvironment(t *testing.T) {
	src := gittest.New(t)
	sha := src.Commit("app", map[string]string{"apps/guestbook/cm.jsonnet": "function(v) " + jsonnetCM("cm", "v")})
	tree := src.Tree(sha)
	res, err := render.RenderApp(context.Background(), render.AppRequest{
		AppName: "guestbook",
		Spec: v1alpha1.ApplicationSpec{
			Project:     "shop",
			Destination: v1alpha1.ApplicationDestination{Namespace: "web"},
			Source: &v1alpha1.ApplicationSource{RepoURL: src.URL(), Path: "apps/guestbook", TargetRevision: "main",
				Directory: &v1alpha1.ApplicationSourceDirectory{Jsonnet: v1alpha1.ApplicationSourceJsonnet{TLAs: []v1alpha1.JsonnetVar{{Name: "v",
					Value: "$ARGOCD_APP_NAME $ARGOCD_APP_NAMESPACE $ARGOCD_APP_PROJECT_NAME $ARGOCD_APP_REVISION " +
						"$ARGOCD_APP_SOURCE_REPO_URL $ARGOCD_APP_SOURCE_PATH $ARGOCD_APP_SOURCE_TARGET_REVISION"}}}}},
		},
		Open: func(context.Context, v1alpha1.ApplicationSource) (fs.FS, string, error) { return tree, sha, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "guestbook web shop " + sha + " " + src.URL() + " apps/guestbook main"
	if got := nested(t, res.Objects, "ConfigMap", "cm", "data", "value"); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// charts serves one in-memory chart at version 1.4.2, whatever the
// constraint asked for.
type charts struct{ archive []byte }

func (c charts) Fetch(context.Context, string, string, string) ([]byte, string, error) {
	return c.archive, "1.4.2", nil
}

// A chart source's ARGOCD_APP_REVISION is the chart version the target
// revision resolved to, as in Argo CD.
func TestBuildEnvChartVersion(t *testing.T) {
	c := &chart.Chart{
		Metadata:  &chart.Metadata{APIVersion: "v2", Name: "web", Version: "1.4.2"},
		Templates: []*chart.File{{Name: "templates/cm.yaml", Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  value: {{ .Values.value | quote }}\n")}},
	}
	dir := t.TempDir()
	path, err := chartutil.Save(c, dir)
	if err != nil {
		t.Fatal(err)
	}
	archive, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	req := envRequest()
	req.Revision = "1.4.*"
	req.Source = v1alpha1.ApplicationSource{RepoURL: "https://charts.example.com", Chart: "web", TargetRevision: "1.4.*",
		Helm: &v1alpha1.ApplicationSourceHelm{Parameters: []v1alpha1.HelmParameter{{Name: "value", Value: "$ARGOCD_APP_REVISION/$ARGOCD_APP_SOURCE_TARGET_REVISION"}}}}
	req.Charts = charts{archive: archive}
	res, err := render.Render(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got := nested(t, res.Objects, "ConfigMap", "web", "data", "value"); got != "1.4.2/1.4.*" {
		t.Errorf("got %q, want 1.4.2/1.4.*", got)
	}
}
