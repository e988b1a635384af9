// Package prometheus measures a metric with an instant PromQL query over
// Prometheus' HTTP API, as Argo Rollouts' prometheus metric provider.
package prometheus

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis"
)

// DefaultTimeout of a query when the metric sets none, as in Argo.
const DefaultTimeout = 30 * time.Second

// MetadataWarnings is the measurement metadata key under which the
// warnings Prometheus returned are kept, as in Argo.
const MetadataWarnings = "warnings"

// MetadataResolvedQuery is the metric result's metadata key under which
// the query with its arguments substituted is kept, as Argo's
// ResolvedPrometheusQuery.
const MetadataResolvedQuery = "ResolvedPrometheusQuery"

// Options configure the provider.
type Options struct {
	// AllowedHosts are the hosts queries may go to; empty allows any.
	AllowedHosts analysis.AllowedHosts
	// DefaultAddress is used by metrics without an address: Argo's
	// ARGO_ROLLOUTS_PROMETHEUS_ADDRESS.
	DefaultAddress string
}

// Provider queries Prometheus. It is safe for concurrent use.
type Provider struct {
	opts Options
}

var (
	_ analysis.Provider         = (*Provider)(nil)
	_ analysis.MetadataReporter = (*Provider)(nil)
)

// New returns a provider.
func New(opts Options) *Provider {
	return &Provider{opts: opts}
}

// Measure runs the metric's query at the current time and judges the
// result with the metric's conditions. As in Argo, a scalar result is a
// number (result > 0.9) and a vector a list of the samples' values
// (result[0] > 0.9), the value recorded as "0.95" or "[0.95,0.9]"; warnings
// go to the measurement's metadata. Beyond Argo: when the conditions cannot
// be evaluated because the query returned no samples, the measurement's
// message is "no data for query <query>". Conditions that allow for empty
// results, such as len(result) == 0 || result[0] > 0.9, work as in Argo.
func (p *Provider) Measure(ctx context.Context, _ *v1alpha1.AnalysisRun, metric v1alpha1.Metric) (v1alpha1.Measurement, error) {
	spec := metric.Provider.Prometheus
	if spec == nil {
		return v1alpha1.Measurement{}, fmt.Errorf("metric %q: %w", metric.Name, analysis.ErrWrongProvider)
	}
	started := metav1.Now()
	req, timeout, err := p.request(spec)
	if err != nil {
		return analysis.Errored(started, "", err), nil
	}
	queryCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, err := query(analysis.NewHTTPClient(p.opts.AllowedHosts, spec.Insecure), req.WithContext(queryCtx))
	if err != nil {
		if ctx.Err() != nil {
			return v1alpha1.Measurement{}, fmt.Errorf("query prometheus: %w", ctx.Err())
		}
		return analysis.Errored(started, "", fmt.Errorf("query prometheus: %w", err)), nil
	}
	m := judge(started, metric, res)
	if len(res.Warnings) > 0 {
		m.Metadata = map[string]string{MetadataWarnings: quoteJoin(res.Warnings)}
	}
	return m, nil
}

// ResultMetadata is the resolved query under [MetadataResolvedQuery], as
// Argo's GetMetadata; nothing for a metric without a prometheus query.
func (p *Provider) ResultMetadata(metric v1alpha1.Metric) map[string]string {
	if metric.Provider.Prometheus == nil || metric.Provider.Prometheus.Query == "" {
		return nil
	}
	return map[string]string{MetadataResolvedQuery: metric.Provider.Prometheus.Query}
}

// judge turns the query's result into a measurement.
func judge(started metav1.Time, metric v1alpha1.Metric, res *response) v1alpha1.Measurement {
	result, value, err := res.result()
	if err != nil {
		return analysis.Errored(started, "", err)
	}
	phase, err := analysis.Evaluate(metric.SuccessCondition, metric.FailureCondition, result)
	if err != nil {
		if errors.Is(err, analysis.ErrNoData) {
			err = fmt.Errorf("no data for query %s", metric.Provider.Prometheus.Query)
		}
		return analysis.Errored(started, value, err)
	}
	return analysis.Measured(started, value, phase, "")
}

// request builds the query request, checking what Argo checks: an address
// (the metric's or the default) that is a URL, a non-negative timeout, a
// complete basic authentication. The address must be in the allowed hosts.
func (p *Provider) request(spec *v1alpha1.PrometheusMetric) (*http.Request, time.Duration, error) {
	address := spec.Address
	if address == "" {
		address = p.opts.DefaultAddress
	}
	if address == "" {
		return nil, 0, errors.New("prometheus address is not configured")
	}
	base, err := url.Parse(address)
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, 0, fmt.Errorf("prometheus address %q is not a url", address)
	}
	if err := p.opts.AllowedHosts.CheckURL(address); err != nil {
		return nil, 0, err
	}
	if err := unsupported(spec, address); err != nil {
		return nil, 0, err
	}
	timeout := DefaultTimeout
	if spec.Timeout != nil {
		if *spec.Timeout < 0 {
			return nil, 0, errors.New("prometheus timeout must not be negative")
		}
		timeout = time.Duration(*spec.Timeout) * time.Second
	}
	form := url.Values{"query": {spec.Query}, "time": {time.Now().UTC().Format(time.RFC3339Nano)}}
	endpoint := base.JoinPath("api", "v1", "query")
	req, err := http.NewRequest(http.MethodPost, endpoint.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, 0, fmt.Errorf("prometheus request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic := spec.Authentication.BasicAuth; basic.Username != "" || basic.Password != "" {
		if basic.Username == "" || basic.Password == "" {
			return nil, 0, errors.New("basic authentication needs both username and password")
		}
		req.SetBasicAuth(basic.Username, basic.Password)
	}
	// Headers come last and win, as in Argo: an Authorization header
	// (a bearer token) replaces basic authentication.
	for _, h := range spec.Headers {
		req.Header.Set(h.Key, h.Value)
	}
	return req, timeout, nil
}

// unsupported reports the Argo fields this provider does not implement
// yet, so that such a metric errors instead of querying without them.
// Sigv4 counts only for Amazon Managed Prometheus addresses, the only ones
// Argo signs.
func unsupported(spec *v1alpha1.PrometheusMetric, address string) error {
	switch {
	case spec.RangeQuery != nil:
		return errors.New("prometheus rangeQuery is not supported yet")
	case spec.Authentication.OAuth2.TokenURL != "":
		return errors.New("prometheus oauth2 authentication is not supported yet")
	case spec.Authentication.Sigv4 != (v1alpha1.Sigv4Config{}) && strings.Contains(address, "aps-workspaces"):
		return errors.New("prometheus sigv4 authentication is not supported yet")
	}
	return nil
}

// quoteJoin writes warnings as Argo's metadata does: "a", "b".
func quoteJoin(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = `"` + s + `"`
	}
	return strings.Join(quoted, ", ")
}
