package analysis

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

func TestResolveMetric(t *testing.T) {
	metric := v1alpha1.Metric{
		Name:             "error-ratio",
		Interval:         "1m",
		Count:            ptrStr("{{args.checks}}"),
		FailureLimit:     ptrStr("{{ args.tolerated }}"),
		SuccessCondition: "result[0] < {{args.max-ratio}}",
		Provider: v1alpha1.MetricProvider{
			Prometheus: &v1alpha1.PrometheusMetric{
				Address: "http://prometheus.monitoring:9090",
				Query:   `sum(rate(http_requests_total{service="{{args.service}}",code=~"5.."}[5m]))`,
				Headers: []v1alpha1.WebMetricHeader{{Key: "Authorization", Value: "Bearer {{args.token}}"}},
			},
		},
	}
	values := map[string]string{
		"checks": "5", "tolerated": "1", "max-ratio": "0.05", "service": "checkout",
		"token": `se"cr\et` + "\n",
	}
	got, err := ResolveMetric(metric, values)
	if err != nil {
		t.Fatal(err)
	}
	want := metric
	want.Count = ptrStr("5")
	want.FailureLimit = ptrStr("1")
	want.SuccessCondition = "result[0] < 0.05"
	want.Provider.Prometheus = &v1alpha1.PrometheusMetric{
		Address: "http://prometheus.monitoring:9090",
		Query:   `sum(rate(http_requests_total{service="checkout",code=~"5.."}[5m]))`,
		Headers: []v1alpha1.WebMetricHeader{{Key: "Authorization", Value: "Bearer se\"cr\\et\n"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ResolveMetric (-want +got):\n%s", diff)
	}
	if c := EffectiveCount(got); c == nil || *c != 5 {
		t.Errorf("count from an argument = %v", c)
	}
	if metric.Provider.Prometheus.Query == got.Provider.Prometheus.Query {
		t.Error("the input metric was changed")
	}
}

func TestResolveMetricJSONBody(t *testing.T) {
	metric := v1alpha1.Metric{
		Name: "web",
		Provider: v1alpha1.MetricProvider{Web: &v1alpha1.WebMetric{
			URL:      "https://metrics.example.com/{{args.service}}",
			JSONBody: []byte(`{"service":"{{args.service}}","window":{"minutes":5}}`),
		}},
	}
	got, err := ResolveMetric(metric, map[string]string{"service": `api "v2"`})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"service":"api \"v2\"","window":{"minutes":5}}`; string(got.Provider.Web.JSONBody) != want {
		t.Errorf("jsonBody = %s, want %s", got.Provider.Web.JSONBody, want)
	}
	if want := `https://metrics.example.com/api "v2"`; got.Provider.Web.URL != want {
		t.Errorf("url = %s", got.Provider.Web.URL)
	}
}

func TestResolveMetricErrors(t *testing.T) {
	tests := []struct {
		name   string
		metric v1alpha1.Metric
	}{
		{name: "missing argument", metric: v1alpha1.Metric{Name: "m", SuccessCondition: "result < {{args.max}}"}},
		{name: "not an argument", metric: v1alpha1.Metric{Name: "m", SuccessCondition: "result < {{max}}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ResolveMetric(tt.metric, map[string]string{"other": "1"})
			if !errors.Is(err, ErrArgNotResolved) {
				t.Fatalf("err = %v, want ErrArgNotResolved", err)
			}
			if !strings.Contains(err.Error(), `metric "m"`) {
				t.Errorf("error does not name the metric: %v", err)
			}
		})
	}
}

func TestArgValues(t *testing.T) {
	v := "checkout"
	got, err := ArgValues([]v1alpha1.Argument{{Name: "service", Value: &v}})
	if err != nil || got["service"] != "checkout" {
		t.Errorf("ArgValues = %v, %v", got, err)
	}
	_, err = ArgValues([]v1alpha1.Argument{{Name: "token", ValueFrom: &v1alpha1.ValueFrom{
		SecretKeyRef: &v1alpha1.SecretKeyRef{Name: "s", Key: "k"},
	}}})
	if !errors.Is(err, ErrArgNotResolved) || !strings.Contains(err.Error(), "args.token") {
		t.Errorf("unresolved valueFrom: err = %v", err)
	}
}
