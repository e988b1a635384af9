package analysisrun

import (
	"encoding/json"
	"errors"
	"testing"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis/provider/web"
)

func TestFieldValue(t *testing.T) {
	rollout := map[string]any{
		"metadata": map[string]any{
			"name":   "checkout",
			"labels": map[string]any{"app": "checkout", "app.kubernetes.io/part-of": "shop"},
		},
		"spec": map[string]any{"replicas": int64(4), "strategy": map[string]any{"canary": map[string]any{"stableService": "checkout-stable"}}},
	}
	tests := []struct {
		path    string
		want    string
		wantErr error
	}{
		{path: "metadata.name", want: "checkout"},
		{path: "metadata.labels['app']", want: "checkout"},
		{path: `metadata.labels["app.kubernetes.io/part-of"]`, want: "shop"},
		{path: "spec.strategy.canary.stableService", want: "checkout-stable"},
		{path: "spec.replicas", want: "4"},
		{path: "metadata.labels['team']", wantErr: errNoField},
		{path: "metadata.name.first", wantErr: errNoField},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, err := fieldValue(rollout, tt.path)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("fieldValue = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestProvidersFor(t *testing.T) {
	webProvider := web.New(web.Options{})
	providers := Providers{"web": webProvider}
	tests := []struct {
		name     string
		provider v1alpha1.MetricProvider
		wantKind string
		wantErr  string
	}{
		{name: "registered", provider: v1alpha1.MetricProvider{Web: &v1alpha1.WebMetric{}}, wantKind: "web"},
		{name: "not registered", provider: v1alpha1.MetricProvider{Datadog: &v1alpha1.DatadogMetric{}}, wantKind: "datadog", wantErr: "provider datadog not supported"},
		{name: "plugin", provider: v1alpha1.MetricProvider{Plugin: map[string]json.RawMessage{"acme/metrics": nil}}, wantKind: "plugin/acme/metrics", wantErr: "provider plugin/acme/metrics not supported"},
		{name: "none", wantErr: `metric "m" has no provider`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, kind, err := providers.For(v1alpha1.Metric{Name: "m", Provider: tt.provider})
			if kind != tt.wantKind {
				t.Errorf("kind = %q, want %q", kind, tt.wantKind)
			}
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || p != webProvider {
				t.Errorf("For = %v, %v", p, err)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	web := v1alpha1.MetricProvider{Web: &v1alpha1.WebMetric{}}
	tests := []struct {
		name    string
		metrics []v1alpha1.Metric
		wantErr string
	}{
		{name: "valid", metrics: []v1alpha1.Metric{{Name: "a", Interval: "1s", Count: num(3), Provider: web}}},
		{name: "none", wantErr: "no metrics specified"},
		{name: "duplicate", metrics: []v1alpha1.Metric{{Name: "a", Provider: web}, {Name: "a", Provider: web}}, wantErr: `metrics[1]: duplicate name "a"`},
		{name: "count without interval", metrics: []v1alpha1.Metric{{Name: "a", Count: num(2), Provider: web}}, wantErr: `metrics[0] "a": interval must be set when count > 1`},
		{name: "bad interval", metrics: []v1alpha1.Metric{{Name: "a", Interval: "soon", Provider: web}}, wantErr: `metrics[0] "a": interval: time: invalid duration "soon"`},
		{name: "two providers", metrics: []v1alpha1.Metric{{Name: "a", Provider: v1alpha1.MetricProvider{Web: &v1alpha1.WebMetric{}, Job: &v1alpha1.JobMetric{}}}}, wantErr: `metrics[0] "a": multiple providers specified: [job web]`},
		{name: "no provider", metrics: []v1alpha1.Metric{{Name: "a"}}, wantErr: `metrics[0] "a": no provider specified`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validate(tt.metrics)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Errorf("validate = %q, want %q", got, tt.wantErr)
			}
		})
	}
}
