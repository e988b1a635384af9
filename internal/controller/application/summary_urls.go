package application

import (
	"net/url"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Annotations that give an object's links in the app summary, as in Argo CD.
const (
	// linkPrefix starts annotations whose value is an external link of the
	// object ("https://grafana.example.com" or "Dashboard|https://...").
	linkPrefix = "link.argocd.argoproj.io/"
	// ignoreDefaultLinks drops the links an Ingress gets from its rules.
	ignoreDefaultLinks = "argocd.argoproj.io/ignore-default-links"
)

// externalURLs are the links of an object in the app summary, as Argo CD
// finds them: its link annotations, and for an Ingress one URL per rule
// and path, https when the Ingress has TLS, the rule's host or else the
// load balancer's address, and the path without a trailing "*"
// ("http://shop.example.com/"). The object should be the live one, whose
// status has the address.
func externalURLs(o *unstructured.Unstructured) []string {
	var out []string
	for k, v := range o.GetAnnotations() {
		if strings.HasPrefix(k, linkPrefix) && validLink(v) {
			out = append(out, v)
		}
	}
	gvk := o.GroupVersionKind()
	if gvk.Kind != "Ingress" || (gvk.Group != "networking.k8s.io" && gvk.Group != "extensions") {
		return out
	}
	if ignore, err := strconv.ParseBool(o.GetAnnotations()[ignoreDefaultLinks]); err == nil && ignore {
		return out
	}
	scheme := "http"
	tls, _, _ := unstructured.NestedSlice(o.Object, "spec", "tls")
	for _, t := range tls {
		if m, ok := t.(map[string]any); ok && m["secretName"] != nil {
			scheme = "https"
		}
	}
	address := ""
	lbs, _, _ := unstructured.NestedSlice(o.Object, "status", "loadBalancer", "ingress")
	for _, lb := range lbs {
		if m, ok := lb.(map[string]any); ok && address == "" {
			address, _ = m["hostname"].(string)
			if address == "" {
				address, _ = m["ip"].(string)
			}
		}
	}
	rules, _, _ := unstructured.NestedSlice(o.Object, "spec", "rules")
	for _, r := range rules {
		rule, ok := r.(map[string]any)
		if !ok {
			continue
		}
		host, _ := rule["host"].(string)
		if host == "" {
			host = address
		}
		paths, _, _ := unstructured.NestedSlice(rule, "http", "paths")
		for _, p := range paths {
			path, ok := p.(map[string]any)
			if !ok || host == "" {
				continue
			}
			sub, _ := path["path"].(string)
			out = append(out, scheme+"://"+host+strings.TrimSuffix(sub, "*"))
		}
	}
	return out
}

// validLink keeps a link annotation's URL ("title|url" or "url") to http
// and https, as Argo CD refuses javascript: and data: links.
func validLink(v string) bool {
	if i := strings.Index(v, "|"); i >= 0 {
		v = v[i+1:]
	}
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
