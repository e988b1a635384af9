package analysisrun

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/controller/analysis"
)

// Providers maps a provider kind — the JSON name of the MetricProvider
// field a metric sets: "prometheus", "web", "job", ... — to the provider
// that measures it.
type Providers map[string]analysis.Provider

// For picks the provider of a metric by the MetricProvider field it sets.
// A kind with no provider here is an error "provider <kind> not supported",
// which the controller records as an Error measurement, as Argo does for
// a provider it cannot build.
func (p Providers) For(metric v1alpha1.Metric) (analysis.Provider, string, error) {
	kinds := providerKinds(metric.Provider)
	if len(kinds) == 0 {
		return nil, "", fmt.Errorf("metric %q has no provider", metric.Name)
	}
	kind := kinds[0]
	if provider := p[kind]; provider != nil {
		return provider, kind, nil
	}
	return nil, kind, fmt.Errorf("provider %s not supported", kind)
}

// providerKinds are the JSON names of the MetricProvider fields that are
// set, sorted; a plugin counts as "plugin/<name>" per configured plugin.
func providerKinds(p v1alpha1.MetricProvider) []string {
	var kinds []string
	v := reflect.ValueOf(p)
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		f := v.Field(i)
		switch f.Kind() {
		case reflect.Pointer:
			if !f.IsNil() {
				kinds = append(kinds, name)
			}
		case reflect.Map:
			for _, k := range f.MapKeys() {
				kinds = append(kinds, name+"/"+k.String())
			}
		}
	}
	sort.Strings(kinds)
	return kinds
}
