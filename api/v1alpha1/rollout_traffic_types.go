package v1alpha1

import "encoding/json"

// RolloutTrafficRouting is how a canary's traffic weight is applied: through
// one or more meshes, ingress controllers or traffic router plugins.
type RolloutTrafficRouting struct {
	// Istio shifts weight in VirtualService routes.
	// +optional
	Istio *IstioTrafficRouting `json:"istio,omitempty"`
	// Nginx shifts weight with a canary copy of the stable Ingress.
	// +optional
	Nginx *NginxTrafficRouting `json:"nginx,omitempty"`
	// ALB shifts weight with AWS Load Balancer Controller actions.
	// +optional
	ALB *ALBTrafficRouting `json:"alb,omitempty"`
	// SMI shifts weight with an SMI TrafficSplit.
	// +optional
	SMI *SMITrafficRouting `json:"smi,omitempty"`
	// Ambassador shifts weight with canary Mappings.
	// +optional
	Ambassador *AmbassadorTrafficRouting `json:"ambassador,omitempty"`
	// AppMesh shifts weight in AWS App Mesh routes.
	// +optional
	AppMesh *AppMeshTrafficRouting `json:"appMesh,omitempty"`
	// Traefik shifts weight in a weighted TraefikService.
	// +optional
	Traefik *TraefikTrafficRouting `json:"traefik,omitempty"`
	// ManagedRoutes are the header and mirror routes steps may set, in
	// order of precedence.
	// +optional
	ManagedRoutes []ManagedRoute `json:"managedRoutes,omitempty"`
	// Apisix shifts weight in an ApisixRoute.
	// +optional
	Apisix *ApisixTrafficRouting `json:"apisix,omitempty"`
	// Plugins configure traffic router plugins by name, for example
	// argoproj-labs/gatewayAPI; each value is passed to its plugin as it is.
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:validation:Type=object
	Plugins map[string]json.RawMessage `json:"plugins,omitempty"`
	// MaxTrafficWeight is the weight that means all traffic (default 100).
	// +optional
	MaxTrafficWeight *int32 `json:"maxTrafficWeight,omitempty"`
}

// ManagedRoute names a route the controller may add and remove.
type ManagedRoute struct {
	// Name of the route.
	Name string `json:"name"`
}

// NginxTrafficRouting configures ingress-nginx canary Ingresses.
type NginxTrafficRouting struct {
	// AnnotationPrefix of the nginx annotations (default nginx.ingress.kubernetes.io).
	// +optional
	AnnotationPrefix string `json:"annotationPrefix,omitempty"`
	// StableIngress is the Ingress whose canary copy gets the weight.
	// +optional
	StableIngress string `json:"stableIngress,omitempty"`
	// AdditionalIngressAnnotations are added to the canary Ingress, for
	// header or cookie based canaries.
	// +optional
	AdditionalIngressAnnotations map[string]string `json:"additionalIngressAnnotations,omitempty"`
	// StableIngresses are several stable Ingresses, each given a canary copy.
	// +optional
	StableIngresses []string `json:"stableIngresses,omitempty"`
	// CanaryIngressAnnotations are added to the canary Ingress as they are.
	// +optional
	CanaryIngressAnnotations map[string]string `json:"canaryIngressAnnotations,omitempty"`
}

// IstioTrafficRouting configures Istio VirtualServices and DestinationRules.
type IstioTrafficRouting struct {
	// VirtualService whose routes get the weights.
	// +optional
	VirtualService *IstioVirtualService `json:"virtualService,omitempty"`
	// DestinationRule whose subsets select the canary and the stable pods,
	// for subset-level splitting with one Service.
	// +optional
	DestinationRule *IstioDestinationRule `json:"destinationRule,omitempty"`
	// VirtualServices are several VirtualServices, instead of VirtualService.
	// +optional
	VirtualServices []IstioVirtualService `json:"virtualServices,omitempty"`
}

// IstioVirtualService is a VirtualService and the routes in it to change.
type IstioVirtualService struct {
	// Name of the VirtualService, in the Rollout's namespace.
	Name string `json:"name"`
	// Routes are the names of its HTTP routes; optional when it has one.
	// +optional
	Routes []string `json:"routes,omitempty"`
	// TLSRoutes are its TLS routes to change.
	// +optional
	TLSRoutes []TLSRoute `json:"tlsRoutes,omitempty"`
	// TCPRoutes are its TCP routes to change.
	// +optional
	TCPRoutes []TCPRoute `json:"tcpRoutes,omitempty"`
}

// TLSRoute picks a VirtualService TLS route by its match.
type TLSRoute struct {
	// Port the route matches.
	// +optional
	Port int64 `json:"port,omitempty"`
	// SNIHosts the route matches.
	// +optional
	SNIHosts []string `json:"sniHosts,omitempty"`
}

// TCPRoute picks a VirtualService TCP route by its match.
type TCPRoute struct {
	// Port the route matches.
	// +optional
	Port int64 `json:"port,omitempty"`
}

// IstioDestinationRule is a DestinationRule with stable and canary subsets.
type IstioDestinationRule struct {
	// Name of the DestinationRule.
	Name string `json:"name"`
	// CanarySubsetName is the subset labelled with the canary's hash.
	CanarySubsetName string `json:"canarySubsetName"`
	// StableSubsetName is the subset labelled with the stable hash.
	StableSubsetName string `json:"stableSubsetName"`
	// AdditionalSubsetNames are subsets that experiments may use.
	// +optional
	AdditionalSubsetNames []string `json:"additionalSubsetNames,omitempty"`
}

// ALBTrafficRouting configures AWS Load Balancer Controller Ingresses.
type ALBTrafficRouting struct {
	// Ingress whose action annotation gets the weights.
	// +optional
	Ingress string `json:"ingress,omitempty"`
	// ServicePort of the Services in the action.
	ServicePort int32 `json:"servicePort"`
	// RootService is the Service the Ingress rule names (default: the stable Service).
	// +optional
	RootService string `json:"rootService,omitempty"`
	// AnnotationPrefix of the ALB annotations (default alb.ingress.kubernetes.io).
	// +optional
	AnnotationPrefix string `json:"annotationPrefix,omitempty"`
	// StickinessConfig turns on target-group stickiness.
	// +optional
	StickinessConfig *StickinessConfig `json:"stickinessConfig,omitempty"`
	// Ingresses are several Ingresses, instead of Ingress.
	// +optional
	Ingresses []string `json:"ingresses,omitempty"`
}

// StickinessConfig is ALB target-group stickiness.
type StickinessConfig struct {
	// Enabled turns it on.
	Enabled bool `json:"enabled"`
	// DurationSeconds a client sticks to a target group.
	DurationSeconds int64 `json:"durationSeconds"`
}

// SMITrafficRouting configures an SMI TrafficSplit.
type SMITrafficRouting struct {
	// RootService is the Service clients call (default: the stable Service).
	// +optional
	RootService string `json:"rootService,omitempty"`
	// TrafficSplitName is the TrafficSplit to write (default: the Rollout's name).
	// +optional
	TrafficSplitName string `json:"trafficSplitName,omitempty"`
}

// AmbassadorTrafficRouting configures Ambassador (Emissary) Mappings.
type AmbassadorTrafficRouting struct {
	// Mappings are the stable Mappings, each given a canary copy.
	Mappings []string `json:"mappings"`
}

// AppMeshTrafficRouting configures AWS App Mesh.
type AppMeshTrafficRouting struct {
	// VirtualService whose routes get the weights.
	// +optional
	VirtualService *AppMeshVirtualService `json:"virtualService,omitempty"`
	// VirtualNodeGroup is the canary and stable virtual nodes.
	// +optional
	VirtualNodeGroup *AppMeshVirtualNodeGroup `json:"virtualNodeGroup,omitempty"`
}

// AppMeshVirtualService is an App Mesh virtual service and its routes.
type AppMeshVirtualService struct {
	// Name of the virtual service.
	Name string `json:"name"`
	// Routes to change; all when empty.
	// +optional
	Routes []string `json:"routes,omitempty"`
}

// AppMeshVirtualNodeGroup is the two virtual nodes of a canary.
type AppMeshVirtualNodeGroup struct {
	// CanaryVirtualNodeRef is the canary's virtual node.
	CanaryVirtualNodeRef *AppMeshVirtualNodeReference `json:"canaryVirtualNodeRef"`
	// StableVirtualNodeRef is the stable revision's virtual node.
	StableVirtualNodeRef *AppMeshVirtualNodeReference `json:"stableVirtualNodeRef"`
}

// AppMeshVirtualNodeReference names a virtual node.
type AppMeshVirtualNodeReference struct {
	// Name of the virtual node.
	Name string `json:"name"`
}

// TraefikTrafficRouting configures a weighted TraefikService.
type TraefikTrafficRouting struct {
	// WeightedTraefikServiceName is the TraefikService to write.
	WeightedTraefikServiceName string `json:"weightedTraefikServiceName"`
}

// ApisixTrafficRouting configures an Apache APISIX route.
type ApisixTrafficRouting struct {
	// Route to change.
	// +optional
	Route *ApisixRoute `json:"route,omitempty"`
}

// ApisixRoute is an ApisixRoute and the rules in it to change.
type ApisixRoute struct {
	// Name of the ApisixRoute.
	Name string `json:"name"`
	// Rules to change, by name.
	// +optional
	Rules []string `json:"rules,omitempty"`
}
