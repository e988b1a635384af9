// Package web measures a metric with an HTTP request whose answer, or a
// part of it picked by a JSONPath, is the result, as Argo Rollouts' web
// metric provider.
package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/jsonpath"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis"
)

// DefaultTimeout of a request when the metric sets none (or 0), as in Argo.
const DefaultTimeout = 10 * time.Second

// maxBody bounds what is read of an answer.
const maxBody = 16 << 20

// Options configure the provider.
type Options struct {
	// AllowedHosts are the hosts requests may go to; empty allows any.
	AllowedHosts analysis.AllowedHosts
}

// Provider calls web endpoints. It is safe for concurrent use.
type Provider struct {
	opts Options
}

var _ analysis.Provider = (*Provider)(nil)

// New returns a provider.
func New(opts Options) *Provider {
	return &Provider{opts: opts}
}

// Measure sends the metric's request and judges the answer, as Argo does:
// a JSON answer is read with jsonPath (default {$}, the whole document)
// and its first match is the result, recorded as JSON; an answer that is
// not JSON (plain text, or empty) is the result as a string. A status
// outside 2xx is an Error measurement.
func (p *Provider) Measure(ctx context.Context, _ *v1alpha1.AnalysisRun, metric v1alpha1.Metric) (v1alpha1.Measurement, error) {
	spec := metric.Provider.Web
	if spec == nil {
		return v1alpha1.Measurement{}, fmt.Errorf("metric %q: %w", metric.Name, analysis.ErrWrongProvider)
	}
	started := metav1.Now()
	req, err := p.request(spec)
	if err != nil {
		return analysis.Errored(started, "", err), nil
	}
	timeout := DefaultTimeout
	if spec.TimeoutSeconds > 0 {
		timeout = time.Duration(spec.TimeoutSeconds) * time.Second
	}
	reqCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	body, err := send(analysis.NewHTTPClient(p.opts.AllowedHosts, spec.Insecure), req.WithContext(reqCtx))
	if err != nil {
		if ctx.Err() != nil {
			return v1alpha1.Measurement{}, fmt.Errorf("web request: %w", ctx.Err())
		}
		return analysis.Errored(started, "", fmt.Errorf("web request: %w", err)), nil
	}
	result, value, err := pick(body, spec.JSONPath)
	if err != nil {
		return analysis.Errored(started, "", err), nil
	}
	phase, err := analysis.Evaluate(metric.SuccessCondition, metric.FailureCondition, result)
	if err != nil {
		return analysis.Errored(started, value, err), nil
	}
	return analysis.Measured(started, value, phase, ""), nil
}

// request builds the request with Argo's rules: GET by default; body or
// jsonBody, not both, and only with POST or PUT; jsonBody sets the
// Content-Type to application/json over any header. The URL must be in
// the allowed hosts.
func (p *Provider) request(spec *v1alpha1.WebMetric) (*http.Request, error) {
	if err := p.opts.AllowedHosts.CheckURL(spec.URL); err != nil {
		return nil, err
	}
	if spec.Authentication.OAuth2.TokenURL != "" {
		return nil, errors.New("web oauth2 authentication is not supported yet")
	}
	method := spec.Method
	if method == "" {
		method = v1alpha1.WebMetricMethodGet
	}
	hasJSON := len(spec.JSONBody) > 0 && string(spec.JSONBody) != "null"
	var body io.Reader
	switch {
	case spec.Body != "" && hasJSON:
		return nil, errors.New("set body or jsonBody, not both")
	case (spec.Body != "" || hasJSON) && method == v1alpha1.WebMetricMethodGet:
		return nil, errors.New("body and jsonBody need method POST or PUT")
	case spec.Body != "":
		body = bytes.NewBufferString(spec.Body)
	case hasJSON:
		body = bytes.NewReader(spec.JSONBody)
	}
	req, err := http.NewRequest(string(method), spec.URL, body)
	if err != nil {
		return nil, fmt.Errorf("web request: %w", err)
	}
	if basic := spec.Authentication.BasicAuth; basic.Username != "" || basic.Password != "" {
		req.SetBasicAuth(basic.Username, basic.Password)
	}
	for _, h := range spec.Headers {
		req.Header.Set(h.Key, h.Value)
	}
	if hasJSON {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// send does the request and returns a 2xx answer's body.
func send(client *http.Client, req *http.Request) ([]byte, error) {
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("status %d, want 2xx", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	return body, nil
}

// pick is the result and its text: the first jsonPath match of a JSON
// answer (the text its JSON), or the whole answer as a string when it is
// not JSON.
func pick(body []byte, path string) (any, string, error) {
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		return string(body), string(body), nil
	}
	if path == "" {
		path = "{$}"
	}
	jp := jsonpath.New("metric")
	if err := jp.Parse(path); err != nil {
		return nil, "", fmt.Errorf("jsonPath %q: %w", path, err)
	}
	matches, err := jp.FindResults(doc)
	if err != nil {
		return nil, "", fmt.Errorf("jsonPath %q: %w", path, err)
	}
	for _, group := range matches {
		for _, v := range group {
			result := v.Interface()
			text, err := json.Marshal(result)
			if err != nil {
				return nil, "", fmt.Errorf("jsonPath %q: %w", path, err)
			}
			return result, string(text), nil
		}
	}
	return nil, "", fmt.Errorf("jsonPath %q matched nothing in the answer", path)
}
