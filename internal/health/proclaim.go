package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// proclaim.dogmatiq.io, as Argo CD assesses it (resource_customizations/proclaim.dogmatiq.io).
func init() {
	register("proclaim.dogmatiq.io", map[string]Check{"DNSSDServiceInstance": dnssdServiceInstanceHealth})
}

// dnssdServiceInstanceHealth reads the last Adopted, Advertised and
// Discoverable conditions: not adopted is Degraded, an advertise or
// unadvertise error Degraded, a discovery error Unknown, discoverable
// Healthy, else Progressing, each with that condition's message. Follows
// resource_customizations/proclaim.dogmatiq.io/DNSSDServiceInstance.
func dnssdServiceInstanceHealth(obj *unstructured.Unstructured) (*Status, error) {
	var adopted, advertised, discovered condition
	for _, c := range conditions(obj) {
		switch c.Type {
		case "Adopted":
			adopted = c
		case "Advertised":
			advertised = c
		case "Discoverable":
			discovered = c
		}
	}
	switch {
	case adopted.Status == "False":
		return degraded(adopted.Message), nil
	case advertised.Reason == "AdvertiseError" || advertised.Reason == "UnadvertiseError":
		return degraded(advertised.Message), nil
	case discovered.Reason == "DiscoveryError":
		return statusOf(codeUnknown, discovered.Message), nil
	case discovered.Status == "True":
		return healthy(discovered.Message), nil
	}
	return progressing(discovered.Message), nil
}
