package analysisrun

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

func TestRetentionLimits(t *testing.T) {
	metrics := []v1alpha1.Metric{{Name: "success-rate"}, {Name: "latency"}, {Name: "smoke-job"}}
	tests := []struct {
		name    string
		rules   []v1alpha1.MeasurementRetention
		want    map[string]int
		wantErr error
	}{
		{name: "default 10", want: map[string]int{"success-rate": 10, "latency": 10, "smoke-job": 10}},
		{
			name:  "pattern and exact",
			rules: []v1alpha1.MeasurementRetention{{MetricName: ".*", Limit: 3}, {MetricName: "^latency$", Limit: 20}},
			want:  map[string]int{"success-rate": 3, "latency": 20, "smoke-job": 3},
		},
		{name: "limit 0 keeps the default", rules: []v1alpha1.MeasurementRetention{{MetricName: "job", Limit: 0}}, want: map[string]int{"success-rate": 10, "latency": 10, "smoke-job": 10}},
		{name: "matches nothing", rules: []v1alpha1.MeasurementRetention{{MetricName: "cpu", Limit: 1}}, wantErr: errRetentionMatchesNothing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := retentionLimits(tt.rules, metrics)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); tt.wantErr == nil && diff != "" {
				t.Errorf("limits (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTrim(t *testing.T) {
	ms := make([]v1alpha1.Measurement, 12)
	for i := range ms {
		ms[i].Value = string(rune('a' + i))
	}
	tests := []struct {
		name  string
		limit int
		want  string
	}{
		{name: "default history", limit: DefaultMeasurementHistoryLimit, want: "cdefghijkl"},
		{name: "keep 1", limit: 1, want: "l"},
		{name: "under the limit", limit: 20, want: "abcdefghijkl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			for _, m := range trim(ms, tt.limit) {
				got += m.Value
			}
			if got != tt.want {
				t.Errorf("trim = %q, want %q", got, tt.want)
			}
		})
	}
}
