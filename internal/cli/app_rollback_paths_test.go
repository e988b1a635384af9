package cli

import (
	"reflect"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func TestRevertPaths(t *testing.T) {
	tests := []struct {
		name string
		src  v1alpha1.ApplicationSource
		want []string
	}{
		{"plain path", v1alpha1.ApplicationSource{Path: "app"}, []string{"app"}},
		{"value files beside the chart", v1alpha1.ApplicationSource{Path: "charts/microservice", Helm: &v1alpha1.ApplicationSourceHelm{
			ValueFiles: []string{"values-prod.yaml", "../../environments/production/order-service/values.yaml"}}},
			[]string{"charts/microservice", "charts/microservice/values-prod.yaml", "environments/production/order-service/values.yaml"}},
		{"outside the repository, URLs and refs left out", v1alpha1.ApplicationSource{Path: "chart", Helm: &v1alpha1.ApplicationSourceHelm{
			ValueFiles: []string{"../../../etc/values.yaml", "https://example.com/values.yaml", "$values/env/values.yaml"}}},
			[]string{"chart"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := revertPaths(&tt.src); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("revertPaths = %v, want %v", got, tt.want)
			}
		})
	}
}
