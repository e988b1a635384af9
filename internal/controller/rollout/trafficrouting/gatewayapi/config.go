// Package gatewayapi splits a canary's traffic with Gateway API routes, as
// the Argo Rollouts plugin argoproj-labs/gatewayAPI does (configured under
// trafficRouting.plugins): in every rule of the configured HTTPRoutes and
// GRPCRoutes that is not a managed header route, the backendRef to the
// canary Service gets the canary weight and the one to the stable Service
// the rest. Gateway API splits a rule's traffic in proportion to its
// backendRefs' weights. setHeaderRoute adds named rules sending matching
// requests to the canary only.
package gatewayapi

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// PluginName is the key of the plugin's configuration in
// trafficRouting.plugins.
const PluginName = "argoproj-labs/gatewayAPI"

// The plugin's defaults for the label it puts on routes while a canary
// receives traffic.
const (
	DefaultInProgressLabelKey   = "rollouts.argoproj.io/gatewayapi-canary"
	DefaultInProgressLabelValue = "in-progress"
)

// The route resources, gateway.networking.k8s.io/v1.
var (
	HTTPRouteGVR = schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1", Resource: "httproutes"}
	GRPCRouteGVR = schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1", Resource: "grpcroutes"}
)

// Config is the plugin's configuration, with the plugin's field names.
// TCP and TLS routes and route selectors are not supported yet.
type Config struct {
	// HTTPRoute is one HTTPRoute, which also gets header routes.
	HTTPRoute string `json:"httpRoute,omitempty"`
	// GRPCRoute is one GRPCRoute, which also gets header routes.
	GRPCRoute string `json:"grpcRoute,omitempty"`
	// HTTPRoutes are several HTTPRoutes.
	HTTPRoutes []Route `json:"httpRoutes,omitempty"`
	// GRPCRoutes are several GRPCRoutes.
	GRPCRoutes []Route `json:"grpcRoutes,omitempty"`
	// Namespace of the routes (default: the Rollout's).
	Namespace string `json:"namespace,omitempty"`
	// DisableInProgressLabel leaves the routes' labels alone.
	DisableInProgressLabel bool `json:"disableInProgressLabel,omitempty"`
	// InProgressLabelKey overrides the in-progress label's key.
	InProgressLabelKey string `json:"inProgressLabelKey,omitempty"`
	// InProgressLabelValue overrides the in-progress label's value.
	InProgressLabelValue string `json:"inProgressLabelValue,omitempty"`

	// TCPRoute is read only to refuse it: not supported yet.
	TCPRoute string `json:"tcpRoute,omitempty"`
	// TLSRoute is read only to refuse it: not supported yet.
	TLSRoute string `json:"tlsRoute,omitempty"`
	// TCPRoutes is read only to refuse it: not supported yet.
	TCPRoutes json.RawMessage `json:"tcpRoutes,omitempty"`
	// TLSRoutes is read only to refuse it: not supported yet.
	TLSRoutes json.RawMessage `json:"tlsRoutes,omitempty"`
	// HTTPRouteSelector is read only to refuse it: not supported yet.
	HTTPRouteSelector json.RawMessage `json:"httpRouteSelector,omitempty"`
	// GRPCRouteSelector is read only to refuse it: not supported yet.
	GRPCRouteSelector json.RawMessage `json:"grpcRouteSelector,omitempty"`
	// TCPRouteSelector is read only to refuse it: not supported yet.
	TCPRouteSelector json.RawMessage `json:"tcpRouteSelector,omitempty"`
	// TLSRouteSelector is read only to refuse it: not supported yet.
	TLSRouteSelector json.RawMessage `json:"tlsRouteSelector,omitempty"`
}

// Route names one route and whether setHeaderRoute adds rules to it.
type Route struct {
	// Name of the route.
	Name string `json:"name"`
	// UseHeaderRoutes lets setHeaderRoute add rules to this route.
	UseHeaderRoutes bool `json:"useHeaderRoutes,omitempty"`
}

// target is one route to change.
type target struct {
	gvr   schema.GroupVersionResource
	kind  string
	route Route
}

// parseConfig reads the plugin's configuration from the Rollout; the
// single httpRoute and grpcRoute take header routes, as in the plugin.
func parseConfig(ro *v1alpha1.Rollout, tr *v1alpha1.RolloutTrafficRouting) (*Config, []target, error) {
	raw, ok := tr.Plugins[PluginName]
	if !ok {
		return nil, nil, fmt.Errorf("rollout %s/%s: no trafficRouting.plugins[%q]", ro.Namespace, ro.Name, PluginName)
	}
	cfg := &Config{}
	if err := json.Unmarshal(raw, cfg); err != nil {
		return nil, nil, fmt.Errorf("rollout %s/%s: trafficRouting.plugins[%q]: %w", ro.Namespace, ro.Name, PluginName, err)
	}
	if cfg.TCPRoute != "" || cfg.TLSRoute != "" || len(cfg.TCPRoutes) > 0 || len(cfg.TLSRoutes) > 0 {
		return nil, nil, fmt.Errorf("rollout %s/%s: plugin %s: tcp and tls routes are not supported yet", ro.Namespace, ro.Name, PluginName)
	}
	if len(cfg.HTTPRouteSelector) > 0 || len(cfg.GRPCRouteSelector) > 0 || len(cfg.TCPRouteSelector) > 0 || len(cfg.TLSRouteSelector) > 0 {
		return nil, nil, fmt.Errorf("rollout %s/%s: plugin %s: route selectors are not supported yet", ro.Namespace, ro.Name, PluginName)
	}
	if cfg.Namespace == "" {
		cfg.Namespace = ro.Namespace
	}
	var targets []target
	http := cfg.HTTPRoutes
	if cfg.HTTPRoute != "" {
		http = append(http, Route{Name: cfg.HTTPRoute, UseHeaderRoutes: true})
	}
	for _, r := range http {
		targets = append(targets, target{gvr: HTTPRouteGVR, kind: "httproute", route: r})
	}
	grpc := cfg.GRPCRoutes
	if cfg.GRPCRoute != "" {
		grpc = append(grpc, Route{Name: cfg.GRPCRoute, UseHeaderRoutes: true})
	}
	for _, r := range grpc {
		targets = append(targets, target{gvr: GRPCRouteGVR, kind: "grpcroute", route: r})
	}
	if len(targets) == 0 {
		return nil, nil, fmt.Errorf("rollout %s/%s: plugin %s: no httpRoute(s) or grpcRoute(s)", ro.Namespace, ro.Name, PluginName)
	}
	return cfg, targets, nil
}
