package analysis

import (
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

func specs(t *testing.T, docs ...string) []*v1alpha1.AnalysisTemplateSpec {
	t.Helper()
	var out []*v1alpha1.AnalysisTemplateSpec
	for _, d := range docs {
		s := &v1alpha1.AnalysisTemplateSpec{}
		if err := yaml.UnmarshalStrict([]byte(d), s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func TestRunSpec(t *testing.T) {
	successRate := `{args: [{name: service}, {name: window, value: 5m}], metrics: [{name: success-rate, provider: {web: {url: "http://x/{{args.service}}"}}}], dryRun: [{metricName: latency}]}`
	latency := `{args: [{name: service}], metrics: [{name: latency, provider: {web: {url: "http://y"}}}]}`
	tests := []struct {
		name    string
		docs    []string
		given   map[string]string
		want    string // args as name=value, metrics, dryRun
		wantErr string
	}{
		{"merged with given values", []string{successRate, latency}, map[string]string{"service": "shop"},
			"service=shop window=5m | success-rate latency | latency extra", ""},
		{"given overrides a default", []string{successRate}, map[string]string{"service": "a", "window": "1m"},
			"service=a window=1m | success-rate | latency extra", ""},
		{"unresolved", []string{successRate}, nil, "", "args.service was not resolved"},
		{"duplicate metric", []string{latency, latency}, map[string]string{"service": "a"}, "", `two metrics are named "latency"`},
		{"conflicting defaults", []string{`{args: [{name: w, value: "1"}], metrics: [{name: a, provider: {web: {url: u}}}]}`,
			`{args: [{name: w, value: "2"}], metrics: [{name: b, provider: {web: {url: u}}}]}`}, nil, "", `argument "w" has two values`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec, err := RunSpec(specs(t, tt.docs...), tt.given, []v1alpha1.DryRun{{MetricName: "extra"}}, nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var args, metrics, dry []string
			for _, a := range spec.Args {
				args = append(args, a.Name+"="+*a.Value)
			}
			for _, m := range spec.Metrics {
				metrics = append(metrics, m.Name)
			}
			for _, d := range spec.DryRun {
				dry = append(dry, d.MetricName)
			}
			got := strings.Join(args, " ") + " | " + strings.Join(metrics, " ") + " | " + strings.Join(dry, " ")
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
