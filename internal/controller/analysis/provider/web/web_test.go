package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis"
)

// seen is what the test server received last.
type seen struct {
	mu     sync.Mutex
	method string
	body   string
	header http.Header
	hits   int
}

func newServer(t *testing.T, tls bool) (*httptest.Server, *seen) {
	s := &seen{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.method, s.body, s.header = r.Method, string(body), r.Header.Clone()
		s.hits++
		s.mu.Unlock()
		switch r.URL.Path {
		case "/health":
			fmt.Fprint(w, `{"data":{"ok":true,"successPercent":0.97,"pods":[{"name":"a","errors":0},{"name":"b","errors":3}]}}`)
		case "/text":
			fmt.Fprint(w, "I am OK")
		case "/empty":
		case "/number":
			fmt.Fprint(w, `42`)
		case "/echo":
			w.Write(body)
		case "/down":
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		case "/away":
			http.Redirect(w, r, "http://elsewhere.example/health", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	})
	srv := httptest.NewServer(h)
	if tls {
		srv.Close()
		srv = httptest.NewTLSServer(h)
	}
	t.Cleanup(srv.Close)
	return srv, s
}

func webMetric(spec v1alpha1.WebMetric, success, failure string) v1alpha1.Metric {
	return v1alpha1.Metric{
		Name: "web", SuccessCondition: success, FailureCondition: failure,
		Provider: v1alpha1.MetricProvider{Web: &spec},
	}
}

func TestMeasure(t *testing.T) {
	srv, _ := newServer(t, false)
	tests := []struct {
		name        string
		spec        v1alpha1.WebMetric
		success     string
		failure     string
		wantPhase   v1alpha1.AnalysisPhase
		wantValue   string
		wantMessage string
	}{
		{
			name: "jsonPath to an object", spec: v1alpha1.WebMetric{URL: "/health", JSONPath: "{$.data}"},
			success: "result.ok && result.successPercent >= 0.90", wantPhase: "Successful",
			wantValue: `{"ok":true,"pods":[{"errors":0,"name":"a"},{"errors":3,"name":"b"}],"successPercent":0.97}`,
		},
		{
			name: "jsonPath to a number", spec: v1alpha1.WebMetric{URL: "/health", JSONPath: "{$.data.successPercent}"},
			success: "asFloat(result) >= 0.99", wantPhase: "Failed", wantValue: "0.97",
		},
		{
			name: "jsonPath filter", spec: v1alpha1.WebMetric{URL: "/health", JSONPath: "{$.data.pods[?(@.name=='b')].errors}"},
			failure: "result > 0", wantPhase: "Failed", wantValue: "3",
		},
		{name: "default jsonPath is the document", spec: v1alpha1.WebMetric{URL: "/number"}, success: "result == 42", wantPhase: "Successful", wantValue: "42"},
		{name: "plain text", spec: v1alpha1.WebMetric{URL: "/text"}, success: `result == "I am OK"`, wantPhase: "Successful", wantValue: "I am OK"},
		{name: "plain text ignores jsonPath", spec: v1alpha1.WebMetric{URL: "/text", JSONPath: "{$.data}"}, success: `result == "I am OK"`, wantPhase: "Successful", wantValue: "I am OK"},
		{name: "empty answer is an empty string", spec: v1alpha1.WebMetric{URL: "/empty"}, success: `result == ""`, wantPhase: "Successful"},
		{
			name: "jsonPath missing", spec: v1alpha1.WebMetric{URL: "/health", JSONPath: "{$.data.absent}"},
			success: "result", wantPhase: "Error", wantMessage: `jsonPath "{$.data.absent}"`,
		},
		{name: "bad jsonPath", spec: v1alpha1.WebMetric{URL: "/health", JSONPath: "{$.data["}, wantPhase: "Error", wantMessage: "jsonPath"},
		{name: "status 503", spec: v1alpha1.WebMetric{URL: "/down"}, wantPhase: "Error", wantMessage: "status 503, want 2xx"},
		{
			name: "both bodies", spec: v1alpha1.WebMetric{URL: "/echo", Method: "POST", Body: "x", JSONBody: []byte(`{"a":1}`)},
			wantPhase: "Error", wantMessage: "set body or jsonBody, not both",
		},
		{name: "body with GET", spec: v1alpha1.WebMetric{URL: "/echo", Body: "x"}, wantPhase: "Error", wantMessage: "need method POST or PUT"},
		{name: "timeout", spec: v1alpha1.WebMetric{URL: "/slow", TimeoutSeconds: 1}, wantPhase: "Error", wantMessage: "context deadline exceeded"},
		{
			name: "oauth2 not supported yet", spec: v1alpha1.WebMetric{URL: "/health", Authentication: v1alpha1.Authentication{OAuth2: v1alpha1.OAuth2Config{TokenURL: "https://idp.example/token"}}},
			wantPhase: "Error", wantMessage: "oauth2 authentication is not supported yet",
		},
	}
	p := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.spec.URL = srv.URL + tt.spec.URL
			m, err := p.Measure(context.Background(), nil, webMetric(tt.spec, tt.success, tt.failure))
			if err != nil {
				t.Fatal(err)
			}
			if m.Phase != tt.wantPhase || m.Value != tt.wantValue || !strings.Contains(m.Message, tt.wantMessage) {
				t.Errorf("measurement = %s %q %q, want %s %q ~%q", m.Phase, m.Value, m.Message, tt.wantPhase, tt.wantValue, tt.wantMessage)
			}
			if m.StartedAt == nil || m.FinishedAt == nil {
				t.Error("timestamps missing")
			}
		})
	}
}

func TestMeasureSends(t *testing.T) {
	srv, got := newServer(t, false)
	tests := []struct {
		name        string
		spec        v1alpha1.WebMetric
		wantMethod  string
		wantBody    string
		wantHeaders map[string]string
	}{
		{
			name:       "GET with headers",
			spec:       v1alpha1.WebMetric{URL: "/echo", Headers: []v1alpha1.WebMetricHeader{{Key: "Authorization", Value: "Bearer t0ken"}}},
			wantMethod: "GET", wantHeaders: map[string]string{"Authorization": "Bearer t0ken"},
		},
		{
			name:       "POST body",
			spec:       v1alpha1.WebMetric{URL: "/echo", Method: "POST", Body: `"ok"`, Headers: []v1alpha1.WebMetricHeader{{Key: "Content-Type", Value: "text/plain"}}},
			wantMethod: "POST", wantBody: `"ok"`, wantHeaders: map[string]string{"Content-Type": "text/plain"},
		},
		{
			name:       "PUT jsonBody sets the content type",
			spec:       v1alpha1.WebMetric{URL: "/echo", Method: "PUT", JSONBody: []byte(`{"service":"api"}`), Headers: []v1alpha1.WebMetricHeader{{Key: "Content-Type", Value: "text/plain"}}},
			wantMethod: "PUT", wantBody: `{"service":"api"}`, wantHeaders: map[string]string{"Content-Type": "application/json"},
		},
		{
			name:       "basic authentication",
			spec:       v1alpha1.WebMetric{URL: "/echo", Authentication: v1alpha1.Authentication{BasicAuth: v1alpha1.BasicAuthConfig{Username: "u", Password: "p"}}},
			wantMethod: "GET", wantHeaders: map[string]string{"Authorization": "Basic dTpw"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.spec.URL = srv.URL + tt.spec.URL
			m, err := New(Options{}).Measure(context.Background(), nil, webMetric(tt.spec, "", ""))
			if err != nil || m.Phase != v1alpha1.AnalysisPhaseSuccessful {
				t.Fatalf("measurement %+v, %v", m, err)
			}
			got.mu.Lock()
			defer got.mu.Unlock()
			if got.method != tt.wantMethod || got.body != tt.wantBody {
				t.Errorf("sent %s %q, want %s %q", got.method, got.body, tt.wantMethod, tt.wantBody)
			}
			for k, v := range tt.wantHeaders {
				if got.header.Get(k) != v {
					t.Errorf("%s = %q, want %q", k, got.header.Get(k), v)
				}
			}
		})
	}
}

func TestMeasureAllowedHosts(t *testing.T) {
	srv, got := newServer(t, false)
	host := strings.TrimPrefix(srv.URL, "http://")

	refused := New(Options{AllowedHosts: []string{"metrics.example.com"}})
	m, err := refused.Measure(context.Background(), nil, webMetric(v1alpha1.WebMetric{URL: srv.URL + "/health"}, "", ""))
	if err != nil || m.Phase != v1alpha1.AnalysisPhaseError || !strings.Contains(m.Message, fmt.Sprintf("host %q", host)) {
		t.Errorf("outside the list: %s %q, %v", m.Phase, m.Message, err)
	}
	if got.hits != 0 {
		t.Errorf("the server was called %d times before the host was checked", got.hits)
	}

	allowed := New(Options{AllowedHosts: []string{"127.0.0.1"}})
	m, err = allowed.Measure(context.Background(), nil, webMetric(v1alpha1.WebMetric{URL: srv.URL + "/away"}, "", ""))
	if err != nil || m.Phase != v1alpha1.AnalysisPhaseError || !strings.Contains(m.Message, `host "elsewhere.example"`) {
		t.Errorf("redirect outside the list: %s %q, %v", m.Phase, m.Message, err)
	}
}

func TestMeasureInsecure(t *testing.T) {
	srv, _ := newServer(t, true)
	spec := v1alpha1.WebMetric{URL: srv.URL + "/number"}
	m, _ := New(Options{}).Measure(context.Background(), nil, webMetric(spec, "result == 42", ""))
	if m.Phase != v1alpha1.AnalysisPhaseError || !strings.Contains(m.Message, "certificate") {
		t.Errorf("self-signed certificate accepted: %s %q", m.Phase, m.Message)
	}
	spec.Insecure = true
	m, _ = New(Options{}).Measure(context.Background(), nil, webMetric(spec, "result == 42", ""))
	if m.Phase != v1alpha1.AnalysisPhaseSuccessful {
		t.Errorf("insecure: %s %q", m.Phase, m.Message)
	}
}

func TestMeasureWrongProvider(t *testing.T) {
	m := v1alpha1.Metric{Name: "p", Provider: v1alpha1.MetricProvider{Prometheus: &v1alpha1.PrometheusMetric{}}}
	if _, err := New(Options{}).Measure(context.Background(), nil, m); !errors.Is(err, analysis.ErrWrongProvider) {
		t.Errorf("err = %v", err)
	}
}
