package prometheus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis"
)

// fakePrometheus answers /api/v1/query with the answer registered for the
// query, and records the last request.
type fakePrometheus struct {
	*httptest.Server
	mu      sync.Mutex
	answers map[string]string // query -> JSON body; status 200
	last    *http.Request
	form    url.Values
}

func newFakePrometheus(t *testing.T, answers map[string]string) *fakePrometheus {
	f := &fakePrometheus{answers: answers}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakePrometheus) serve(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f.mu.Lock()
	f.last, f.form = r, r.Form
	f.mu.Unlock()
	if !strings.HasSuffix(r.URL.Path, "/api/v1/query") {
		http.NotFound(w, r)
		return
	}
	q := r.Form.Get("query")
	if q == "sleep" {
		select { // until the client gives up
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}
	body, ok := f.answers[q]
	if !ok {
		w.WriteHeader(http.StatusBadRequest)
		msg, _ := json.Marshal("parse error: unexpected " + q)
		fmt.Fprintf(w, `{"status":"error","errorType":"bad_data","error":%s}`, msg)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, body)
}

func vector(values ...string) string {
	var items []string
	for i, v := range values {
		items = append(items, fmt.Sprintf(`{"metric":{"pod":"web-%d"},"value":[1767225600.5,%q]}`, i, v))
	}
	return `{"status":"success","data":{"resultType":"vector","result":[` + strings.Join(items, ",") + `]}}`
}

func metric(query, success, failure string) v1alpha1.Metric {
	return v1alpha1.Metric{
		Name: "ratio", SuccessCondition: success, FailureCondition: failure,
		Provider: v1alpha1.MetricProvider{Prometheus: &v1alpha1.PrometheusMetric{Query: query}},
	}
}

func TestMeasure(t *testing.T) {
	prom := newFakePrometheus(t, map[string]string{
		"scalar(ok)":   `{"status":"success","data":{"resultType":"scalar","result":[1767225600,"0.97"]}}`,
		"ok_ratio":     vector("0.97", "0.91"),
		"nan_ratio":    vector("NaN"),
		"inf_latency":  vector("+Inf"),
		"absent":       vector(),
		"range_select": `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,"2"]]},{"metric":{},"values":[[1,"3"]]}]}}`,
		"warned":       `{"status":"success","warnings":["too many samples","partial"],"data":{"resultType":"vector","result":[{"metric":{},"value":[1,"5"]}]}}`,
		"text":         `{"status":"success","data":{"resultType":"string","result":[1,"hello"]}}`,
	})
	tests := []struct {
		name        string
		metric      v1alpha1.Metric
		wantPhase   v1alpha1.AnalysisPhase
		wantValue   string
		wantMessage string // part of the message
	}{
		{name: "scalar", metric: metric("scalar(ok)", "result >= 0.95", ""), wantPhase: "Successful", wantValue: "0.97"},
		{name: "vector first", metric: metric("ok_ratio", "result[0] >= 0.95", ""), wantPhase: "Successful", wantValue: "[0.97,0.91]"},
		{name: "vector all", metric: metric("ok_ratio", "all(result, {# >= 0.95})", ""), wantPhase: "Failed", wantValue: "[0.97,0.91]"},
		{name: "NaN", metric: metric("nan_ratio", "", "isNaN(result[0])"), wantPhase: "Failed", wantValue: "[NaN]"},
		{name: "+Inf", metric: metric("inf_latency", "", "isInf(result[0])"), wantPhase: "Failed", wantValue: "[+Inf]"},
		{
			name: "empty vector", metric: metric("absent", "result[0] >= 0.95", ""),
			wantPhase: "Error", wantValue: "[]", wantMessage: "no data for query absent",
		},
		{name: "empty vector allowed by the condition", metric: metric("absent", "len(result) == 0 || result[0] >= 0.95", ""), wantPhase: "Successful", wantValue: "[]"},
		{name: "matrix flattened", metric: metric("range_select", "len(result) == 3 && result[2] == 3", ""), wantPhase: "Successful", wantValue: "[1,2,3]"},
		{name: "no conditions", metric: metric("ok_ratio", "", ""), wantPhase: "Successful", wantValue: "[0.97,0.91]"},
		{name: "query error", metric: metric("sum(", "result > 0", ""), wantPhase: "Error", wantMessage: `bad_data: parse error: unexpected sum(`},
		{name: "string result", metric: metric("text", "", ""), wantPhase: "Error", wantMessage: `result type "string" is not supported`},
		{name: "bad condition", metric: metric("ok_ratio", "result[0] >", ""), wantPhase: "Error", wantValue: "[0.97,0.91]", wantMessage: "evaluate successCondition"},
	}
	p := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.metric.Provider.Prometheus.Address = prom.URL
			m, err := p.Measure(context.Background(), &v1alpha1.AnalysisRun{}, tt.metric)
			if err != nil {
				t.Fatal(err)
			}
			if m.Phase != tt.wantPhase || m.Value != tt.wantValue || !strings.Contains(m.Message, tt.wantMessage) {
				t.Errorf("measurement = %s %q %q, want %s %q ~%q", m.Phase, m.Value, m.Message, tt.wantPhase, tt.wantValue, tt.wantMessage)
			}
			if tt.wantMessage == "" && m.Message != "" {
				t.Errorf("unexpected message %q", m.Message)
			}
			if m.StartedAt == nil || m.FinishedAt == nil || m.FinishedAt.Before(m.StartedAt) {
				t.Errorf("timestamps %v .. %v", m.StartedAt, m.FinishedAt)
			}
		})
	}
}

func TestMeasureWarnings(t *testing.T) {
	prom := newFakePrometheus(t, map[string]string{
		"warned": `{"status":"success","warnings":["too many samples","partial"],"data":{"resultType":"vector","result":[{"metric":{},"value":[1,"5"]}]}}`,
	})
	m := metric("warned", "result[0] == 5", "")
	m.Provider.Prometheus.Address = prom.URL
	got, err := New(Options{}).Measure(context.Background(), nil, m)
	if err != nil || got.Phase != "Successful" {
		t.Fatalf("measurement %+v, %v", got, err)
	}
	if want := `"too many samples", "partial"`; got.Metadata[MetadataWarnings] != want {
		t.Errorf("warnings = %q, want %q", got.Metadata[MetadataWarnings], want)
	}
}

func TestMeasureRequest(t *testing.T) {
	prom := newFakePrometheus(t, map[string]string{"up": vector("1")})
	tests := []struct {
		name     string
		spec     v1alpha1.PrometheusMetric
		wantAuth string
		wantHdr  map[string]string
	}{
		{
			name:     "basic authentication",
			spec:     v1alpha1.PrometheusMetric{Authentication: v1alpha1.Authentication{BasicAuth: v1alpha1.BasicAuthConfig{Username: "grafana", Password: "s3cret"}}},
			wantAuth: "Basic Z3JhZmFuYTpzM2NyZXQ=",
		},
		{
			name:     "bearer token in a header",
			spec:     v1alpha1.PrometheusMetric{Headers: []v1alpha1.WebMetricHeader{{Key: "Authorization", Value: "Bearer t0ken"}, {Key: "X-Scope-OrgID", Value: "team-a"}}},
			wantAuth: "Bearer t0ken",
			wantHdr:  map[string]string{"X-Scope-OrgID": "team-a"},
		},
		{
			name: "header wins over basic authentication",
			spec: v1alpha1.PrometheusMetric{
				Authentication: v1alpha1.Authentication{BasicAuth: v1alpha1.BasicAuthConfig{Username: "u", Password: "p"}},
				Headers:        []v1alpha1.WebMetricHeader{{Key: "Authorization", Value: "Bearer t0ken"}},
			},
			wantAuth: "Bearer t0ken",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := metric("up", "result[0] == 1", "")
			spec := tt.spec
			spec.Query, spec.Address = "up", prom.URL+"/prefix/"
			m.Provider.Prometheus = &spec
			got, err := New(Options{}).Measure(context.Background(), nil, m)
			if err != nil || got.Phase != "Successful" {
				t.Fatalf("measurement %+v, %v", got, err)
			}
			prom.mu.Lock()
			defer prom.mu.Unlock()
			if prom.last.URL.Path != "/prefix/api/v1/query" {
				t.Errorf("path = %s", prom.last.URL.Path)
			}
			if prom.form.Get("time") == "" {
				t.Error("no evaluation time sent")
			}
			if got := prom.last.Header.Get("Authorization"); got != tt.wantAuth {
				t.Errorf("Authorization = %q, want %q", got, tt.wantAuth)
			}
			for k, v := range tt.wantHdr {
				if got := prom.last.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestMeasureErrors(t *testing.T) {
	prom := newFakePrometheus(t, map[string]string{"up": vector("1")})
	host := strings.TrimPrefix(prom.URL, "http://")
	one := int64(1)
	negative := int64(-1)
	tests := []struct {
		name        string
		opts        Options
		spec        v1alpha1.PrometheusMetric
		wantMessage string
		wantRequest bool
	}{
		{name: "no address", spec: v1alpha1.PrometheusMetric{Query: "up"}, wantMessage: "prometheus address is not configured"},
		{name: "not a url", spec: v1alpha1.PrometheusMetric{Query: "up", Address: "prometheus:9090"}, wantMessage: "is not a url"},
		{
			name: "host not allowed", opts: Options{AllowedHosts: []string{"prometheus.monitoring"}},
			spec:        v1alpha1.PrometheusMetric{Query: "up", Address: prom.URL},
			wantMessage: fmt.Sprintf("host %q is not in the analysis allowed hosts", host),
		},
		{
			name: "default address not allowed", opts: Options{DefaultAddress: prom.URL, AllowedHosts: []string{"prometheus.monitoring"}},
			spec: v1alpha1.PrometheusMetric{Query: "up"}, wantMessage: "is not in the analysis allowed hosts",
		},
		{name: "negative timeout", spec: v1alpha1.PrometheusMetric{Query: "up", Address: prom.URL, Timeout: &negative}, wantMessage: "timeout must not be negative"},
		{name: "timeout", spec: v1alpha1.PrometheusMetric{Query: "sleep", Address: prom.URL, Timeout: &one}, wantMessage: "context deadline exceeded", wantRequest: true},
		{
			name:        "half a basic authentication",
			spec:        v1alpha1.PrometheusMetric{Query: "up", Address: prom.URL, Authentication: v1alpha1.Authentication{BasicAuth: v1alpha1.BasicAuthConfig{Username: "u"}}},
			wantMessage: "needs both username and password",
		},
		{name: "range query", spec: v1alpha1.PrometheusMetric{Query: "up", Address: prom.URL, RangeQuery: &v1alpha1.PrometheusRangeQueryArgs{Step: "1m"}}, wantMessage: "rangeQuery is not supported yet"},
		{name: "unreachable", spec: v1alpha1.PrometheusMetric{Query: "up", Address: "http://127.0.0.1:1"}, wantMessage: "query prometheus:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prom.mu.Lock()
			prom.last = nil
			prom.mu.Unlock()
			m := metric("", "result[0] == 1", "")
			spec := tt.spec
			m.Provider.Prometheus = &spec
			got, err := New(tt.opts).Measure(context.Background(), nil, m)
			if err != nil {
				t.Fatal(err)
			}
			if got.Phase != v1alpha1.AnalysisPhaseError || !strings.Contains(got.Message, tt.wantMessage) {
				t.Errorf("measurement = %s %q, want Error ~%q", got.Phase, got.Message, tt.wantMessage)
			}
			prom.mu.Lock()
			requested := prom.last != nil
			prom.mu.Unlock()
			if requested != tt.wantRequest {
				t.Errorf("request sent = %v, want %v", requested, tt.wantRequest)
			}
		})
	}
}

func TestMeasureCallerCancelled(t *testing.T) {
	prom := newFakePrometheus(t, map[string]string{})
	m := metric("sleep", "true", "")
	m.Provider.Prometheus.Address = prom.URL
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := New(Options{}).Measure(ctx, nil, m); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the caller's deadline: no measurement", err)
	}
}

func TestMeasureWrongProvider(t *testing.T) {
	m := v1alpha1.Metric{Name: "web", Provider: v1alpha1.MetricProvider{Web: &v1alpha1.WebMetric{URL: "http://x"}}}
	if _, err := New(Options{}).Measure(context.Background(), nil, m); !errors.Is(err, analysis.ErrWrongProvider) {
		t.Errorf("err = %v", err)
	}
}
