package render_test

import (
	"context"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/distribution/distribution/v3/configuration"
	dregistry "github.com/distribution/distribution/v3/registry"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/inmemory" // registry storage for the test
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/registry"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/render"
)

// serveOCIRegistry runs a real OCI registry (CNCF distribution) in memory on
// loopback and pushes the fixture chart to it, at two versions, with Helm's
// registry client.
func serveOCIRegistry(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	cfg := &configuration.Configuration{}
	cfg.HTTP.Addr = addr
	cfg.Storage = configuration.Storage{"inmemory": configuration.Parameters{}}
	cfg.Log.AccessLog.Disabled = true
	cfg.Log.Level = "fatal" // 404s while pushing are expected
	ctx, cancel := context.WithCancel(context.Background())
	reg, err := dregistry.NewRegistry(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = reg.ListenAndServe() }()
	t.Cleanup(func() {
		_ = reg.Shutdown(context.Background())
		cancel()
	})

	client, err := registry.NewClient(registry.ClientOptPlainHTTP(), registry.ClientOptWriter(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	for _, version := range []string{"1.4.0", "1.4.2"} {
		c, err := loader.LoadDir("testdata/repo/charts/web")
		if err != nil {
			t.Fatal(err)
		}
		c.Metadata.Version = version
		dir := t.TempDir()
		archive, err := chartutil.Save(c, dir)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(archive)
		if err != nil {
			t.Fatal(err)
		}
		var pushErr error
		for range 50 { // the registry may still be starting
			if _, pushErr = client.Push(data, addr+"/charts/web:"+version); pushErr == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if pushErr != nil {
			t.Fatalf("push %s: %v", version, pushErr)
		}
	}
	return addr + "/charts"
}

// A chart from an OCI registry renders; a version constraint picks the
// highest matching tag; a missing chart fails clearly.
func TestHelmOCIChart(t *testing.T) {
	repo := serveOCIRegistry(t)
	charts := &render.HTTPCharts{PlainHTTP: true}
	for _, repoURL := range []string{repo, "oci://" + repo} {
		res, err := render.Render(context.Background(), render.Request{
			AppName: "web", Namespace: "web", Charts: charts,
			Source: v1alpha1.ApplicationSource{RepoURL: repoURL, Chart: "web", TargetRevision: "~1.4.0",
				Helm: &v1alpha1.ApplicationSourceHelm{Parameters: []v1alpha1.HelmParameter{{Name: "replicaCount", Value: "2"}}}},
		})
		if err != nil {
			t.Fatalf("%s: %v", repoURL, err)
		}
		var replicas int64
		for _, o := range res.Objects {
			if o.GetKind() == "Deployment" {
				replicas, _, _ = unstructured.NestedInt64(o.Object, "spec", "replicas")
			}
		}
		if replicas != 2 {
			t.Errorf("%s: Deployment replicas = %d, want 2", repoURL, replicas)
		}
	}
	_, err := render.Render(context.Background(), render.Request{
		AppName: "web", Namespace: "web", Charts: charts,
		Source: v1alpha1.ApplicationSource{RepoURL: repo, Chart: "missing", TargetRevision: "1.0.0"},
	})
	if err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing chart: err = %v", err)
	}
}
