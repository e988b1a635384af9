package v1alpha1

import (
	"encoding/json"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// MetricProvider is where a metric's measurements come from; one field is set.
type MetricProvider struct {
	// Prometheus runs a PromQL query.
	// +optional
	Prometheus *PrometheusMetric `json:"prometheus,omitempty"`
	// Kayenta runs a Kayenta canary judgement.
	// +optional
	Kayenta *KayentaMetric `json:"kayenta,omitempty"`
	// Web calls an HTTP endpoint and reads its JSON answer.
	// +optional
	Web *WebMetric `json:"web,omitempty"`
	// Datadog runs a Datadog metrics query.
	// +optional
	Datadog *DatadogMetric `json:"datadog,omitempty"`
	// Wavefront runs a Wavefront query.
	// +optional
	Wavefront *WavefrontMetric `json:"wavefront,omitempty"`
	// NewRelic runs an NRQL query.
	// +optional
	NewRelic *NewRelicMetric `json:"newRelic,omitempty"`
	// Job runs a Kubernetes Job: success if it completes, failure if it fails.
	// +optional
	Job *JobMetric `json:"job,omitempty"`
	// CloudWatch runs AWS CloudWatch metric data queries.
	// +optional
	CloudWatch *CloudWatchMetric `json:"cloudWatch,omitempty"`
	// Graphite runs a Graphite query.
	// +optional
	Graphite *GraphiteMetric `json:"graphite,omitempty"`
	// Influxdb runs a Flux query.
	// +optional
	Influxdb *InfluxdbMetric `json:"influxdb,omitempty"`
	// SkyWalking runs a SkyWalking GraphQL query.
	// +optional
	SkyWalking *SkyWalkingMetric `json:"skywalking,omitempty"`
	// Plugin configures metric provider plugins by name; each value is
	// passed to its plugin as it is.
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:validation:Type=object
	Plugin map[string]json.RawMessage `json:"plugin,omitempty"`
}

// PrometheusMetric is a PromQL query against a Prometheus server.
type PrometheusMetric struct {
	// Address of the server, for example http://prometheus.monitoring:9090.
	// +optional
	Address string `json:"address,omitempty"`
	// Query in PromQL; {{args.NAME}} is replaced by arguments.
	// +optional
	Query string `json:"query,omitempty"`
	// Authentication to the server.
	// +optional
	Authentication Authentication `json:"authentication,omitempty"`
	// Timeout of the query in seconds.
	// +optional
	Timeout *int64 `json:"timeout,omitempty"`
	// Insecure skips TLS certificate verification.
	// +optional
	Insecure bool `json:"insecure,omitempty"`
	// Headers added to the request.
	// +optional
	Headers []WebMetricHeader `json:"headers,omitempty"`
	// RangeQuery makes it a range query.
	// +optional
	RangeQuery *PrometheusRangeQueryArgs `json:"rangeQuery,omitempty"`
}

// PrometheusRangeQueryArgs are the bounds and step of a range query.
type PrometheusRangeQueryArgs struct {
	// Start is an expression giving the start time, for example "now() - duration('5m')".
	// +optional
	Start string `json:"start,omitempty"`
	// End is an expression giving the end time, for example "now()".
	// +optional
	End string `json:"end,omitempty"`
	// Step between points ("1m").
	// +optional
	Step DurationString `json:"step,omitempty"`
}

// Authentication is how a provider authenticates; one field is set.
type Authentication struct {
	// Sigv4 signs requests for Amazon Managed Prometheus.
	// +optional
	Sigv4 Sigv4Config `json:"sigv4,omitempty"`
	// OAuth2 gets a token with client credentials.
	// +optional
	OAuth2 OAuth2Config `json:"oauth2,omitempty"`
	// BasicAuth sends a user name and password.
	// +optional
	BasicAuth BasicAuthConfig `json:"basicAuth,omitempty"`
}

// Sigv4Config is AWS Signature Version 4 signing.
type Sigv4Config struct {
	// Region of the endpoint.
	// +optional
	Region string `json:"region,omitempty"`
	// Profile in the AWS credentials.
	// +optional
	Profile string `json:"profile,omitempty"`
	// RoleARN to assume.
	// +optional
	RoleARN string `json:"roleArn,omitempty"`
}

// OAuth2Config is the OAuth 2 client-credentials flow.
type OAuth2Config struct {
	// TokenURL of the authorization server.
	// +optional
	TokenURL string `json:"tokenUrl,omitempty"`
	// ClientID of the client.
	// +optional
	ClientID string `json:"clientId,omitempty"`
	// ClientSecret of the client; usually {{args.NAME}} from a Secret.
	// +optional
	ClientSecret string `json:"clientSecret,omitempty"`
	// Scopes requested.
	// +optional
	Scopes []string `json:"scopes,omitempty"`
}

// BasicAuthConfig is HTTP basic authentication.
type BasicAuthConfig struct {
	// Username to send.
	// +optional
	Username string `json:"username,omitempty"`
	// Password to send; usually {{args.NAME}} from a Secret.
	// +optional
	Password string `json:"password,omitempty"`
}

// WebMetric is an HTTP request whose JSON answer is the measurement.
type WebMetric struct {
	// Method of the request: GET (default), POST or PUT.
	// +optional
	Method WebMetricMethod `json:"method,omitempty"`
	// URL of the request; {{args.NAME}} is replaced by arguments.
	URL string `json:"url"`
	// Headers added to the request.
	// +optional
	Headers []WebMetricHeader `json:"headers,omitempty"`
	// Body of a POST or PUT, as text.
	// +optional
	Body string `json:"body,omitempty"`
	// TimeoutSeconds of the request (default 10).
	// +optional
	TimeoutSeconds int64 `json:"timeoutSeconds,omitempty"`
	// JSONPath picks the result in the answer, for example {$.data.ok}.
	// +optional
	JSONPath string `json:"jsonPath,omitempty"`
	// Insecure skips TLS certificate verification.
	// +optional
	Insecure bool `json:"insecure,omitempty"`
	// JSONBody is the body of a POST or PUT as JSON, instead of Body.
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:validation:Type=object
	JSONBody json.RawMessage `json:"jsonBody,omitempty"`
	// Authentication to the endpoint.
	// +optional
	Authentication Authentication `json:"authentication,omitempty"`
}

// WebMetricMethod is the HTTP method of a web metric.
type WebMetricMethod string

// The HTTP methods of a web metric.
const (
	// WebMetricMethodGet is GET.
	WebMetricMethodGet WebMetricMethod = "GET"
	// WebMetricMethodPost is POST.
	WebMetricMethodPost WebMetricMethod = "POST"
	// WebMetricMethodPut is PUT.
	WebMetricMethodPut WebMetricMethod = "PUT"
)

// WebMetricHeader is an HTTP header.
type WebMetricHeader struct {
	// Key is the header's name.
	Key string `json:"key"`
	// Value is the header's value.
	Value string `json:"value"`
}

// KayentaMetric is a Kayenta canary analysis.
type KayentaMetric struct {
	// Address of Kayenta.
	Address string `json:"address"`
	// Application name in Kayenta.
	Application string `json:"application"`
	// CanaryConfigName is the canary configuration to use.
	CanaryConfigName string `json:"canaryConfigName"`
	// MetricsAccountName is the account metrics are read with.
	MetricsAccountName string `json:"metricsAccountName"`
	// ConfigurationAccountName is the account the configuration is read with.
	ConfigurationAccountName string `json:"configurationAccountName"`
	// StorageAccountName is the account results are stored with.
	StorageAccountName string `json:"storageAccountName"`
	// Threshold are the scores that pass and that are marginal.
	Threshold KayentaThreshold `json:"threshold"`
	// Scopes compare control and experiment.
	Scopes []KayentaScope `json:"scopes"`
	// Lookback judges the whole interval instead of its end.
	// +optional
	Lookback bool `json:"lookback,omitempty"`
}

// KayentaThreshold is the scores of a Kayenta judgement.
type KayentaThreshold struct {
	// Pass is the lowest passing score.
	Pass int64 `json:"pass"`
	// Marginal is the lowest inconclusive score.
	Marginal int64 `json:"marginal"`
}

// KayentaScope is a control and an experiment scope.
type KayentaScope struct {
	// Name of the scope.
	Name string `json:"name"`
	// ControlScope is the baseline.
	ControlScope ScopeDetail `json:"controlScope"`
	// ExperimentScope is the canary.
	ExperimentScope ScopeDetail `json:"experimentScope"`
}

// ScopeDetail is a Kayenta scope.
type ScopeDetail struct {
	// Scope is the query scope, for example a label selector.
	Scope string `json:"scope"`
	// Region of the metrics.
	Region string `json:"region"`
	// Step between points in seconds.
	Step int64 `json:"step"`
	// Start time (RFC 3339).
	// +optional
	Start string `json:"start,omitempty"`
	// End time (RFC 3339).
	// +optional
	End string `json:"end,omitempty"`
}

// DatadogMetric is a Datadog metrics query.
type DatadogMetric struct {
	// Interval the query covers, back from now (default 5m; v1 API only).
	// +optional
	// +kubebuilder:default="5m"
	Interval DurationString `json:"interval,omitempty"`
	// Query in Datadog's syntax.
	// +optional
	Query string `json:"query,omitempty"`
	// Queries are named queries combined by Formula (v2 API).
	// +optional
	// +kubebuilder:validation:Type=object
	Queries map[string]string `json:"queries,omitempty"`
	// Formula combines Queries by name.
	// +optional
	Formula string `json:"formula,omitempty"`
	// ApiVersion of the Datadog API: v1 (default) or v2.
	// +optional
	// +kubebuilder:validation:Enum=v1;v2
	// +kubebuilder:default=v1
	ApiVersion string `json:"apiVersion,omitempty"`
	// Aggregator reduces a series to one value (v2 API).
	// +optional
	// +kubebuilder:validation:Enum=avg;min;max;sum;last;percentile;mean;l2norm;area
	Aggregator string `json:"aggregator,omitempty"`
	// SecretRef is the Secret holding the API and app keys.
	// +optional
	SecretRef DatadogSecretRef `json:"secretRef,omitempty"`
	// RequestTimeout of the API call (default 10s).
	// +optional
	// +kubebuilder:default="10s"
	RequestTimeout DurationString `json:"requestTimeout,omitempty"`
}

// DatadogSecretRef names the Secret with Datadog credentials.
type DatadogSecretRef struct {
	// Name of the Secret.
	// +optional
	Name string `json:"name,omitempty"`
	// Namespaced says the Secret is in the run's namespace, not the controller's.
	// +optional
	Namespaced bool `json:"namespaced,omitempty"`
}

// WavefrontMetric is a Wavefront query.
type WavefrontMetric struct {
	// Address of Wavefront.
	// +optional
	Address string `json:"address,omitempty"`
	// Query in Wavefront's language.
	// +optional
	Query string `json:"query,omitempty"`
}

// NewRelicMetric is a New Relic NRQL query.
type NewRelicMetric struct {
	// Profile is the Secret holding the account's credentials.
	// +optional
	Profile string `json:"profile,omitempty"`
	// Query in NRQL.
	Query string `json:"query"`
	// Timeout of the query in seconds.
	// +optional
	Timeout *int64 `json:"timeout,omitempty"`
}

// JobMetric is a Job run for each measurement.
type JobMetric struct {
	// Metadata of the Job.
	// +optional
	Metadata metav1.ObjectMeta `json:"metadata,omitempty"`
	// Spec of the Job.
	Spec batchv1.JobSpec `json:"spec"`
}

// GraphiteMetric is a Graphite query.
type GraphiteMetric struct {
	// Address of Graphite.
	// +optional
	Address string `json:"address,omitempty"`
	// Query in Graphite's language.
	// +optional
	Query string `json:"query,omitempty"`
}

// InfluxdbMetric is an InfluxDB Flux query.
type InfluxdbMetric struct {
	// Profile is the Secret holding the InfluxDB address and token.
	// +optional
	Profile string `json:"profile,omitempty"`
	// Query in Flux.
	// +optional
	Query string `json:"query,omitempty"`
}

// SkyWalkingMetric is an Apache SkyWalking query.
type SkyWalkingMetric struct {
	// Address of the SkyWalking OAP server.
	// +optional
	Address string `json:"address,omitempty"`
	// Query in GraphQL.
	// +optional
	Query string `json:"query,omitempty"`
	// Interval the query covers.
	// +optional
	Interval DurationString `json:"interval,omitempty"`
}

// CloudWatchMetric is AWS CloudWatch metric data queries.
type CloudWatchMetric struct {
	// Interval the queries cover, back from now (default 5m).
	// +optional
	Interval DurationString `json:"interval,omitempty"`
	// MetricDataQueries as the GetMetricData API takes them.
	MetricDataQueries []CloudWatchMetricDataQuery `json:"metricDataQueries"`
}

// CloudWatchMetricDataQuery is one query of GetMetricData.
type CloudWatchMetricDataQuery struct {
	// Id of the query, used in expressions.
	// +optional
	Id string `json:"id,omitempty"`
	// Expression over other queries.
	// +optional
	Expression *string `json:"expression,omitempty"`
	// Label of the result.
	// +optional
	Label *string `json:"label,omitempty"`
	// MetricStat is a metric and statistic.
	// +optional
	MetricStat *CloudWatchMetricStat `json:"metricStat,omitempty"`
	// Period of the points in seconds.
	// +optional
	Period *intstr.IntOrString `json:"period,omitempty"`
	// ReturnData says whether the result is returned.
	// +optional
	ReturnData *bool `json:"returnData,omitempty"`
}

// CloudWatchMetricStat is a CloudWatch metric, period and statistic.
type CloudWatchMetricStat struct {
	// Metric to read.
	// +optional
	Metric CloudWatchMetricStatMetric `json:"metric,omitempty"`
	// Period of the points in seconds.
	// +optional
	Period intstr.IntOrString `json:"period,omitempty"`
	// Stat is the statistic, for example Average or p99.
	// +optional
	Stat string `json:"stat,omitempty"`
	// Unit of the values.
	// +optional
	Unit string `json:"unit,omitempty"`
}

// CloudWatchMetricStatMetric is a CloudWatch metric.
type CloudWatchMetricStatMetric struct {
	// Dimensions of the metric.
	// +optional
	Dimensions []CloudWatchMetricStatMetricDimension `json:"dimensions,omitempty"`
	// MetricName of the metric.
	// +optional
	MetricName string `json:"metricName,omitempty"`
	// Namespace of the metric, for example AWS/ApplicationELB.
	// +optional
	Namespace *string `json:"namespace,omitempty"`
}

// CloudWatchMetricStatMetricDimension is a dimension of a CloudWatch metric.
type CloudWatchMetricStatMetricDimension struct {
	// Name of the dimension.
	// +optional
	Name string `json:"name,omitempty"`
	// Value of the dimension.
	// +optional
	Value string `json:"value,omitempty"`
}
