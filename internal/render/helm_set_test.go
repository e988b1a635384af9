package render_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/render"
)

// Helm parameters reach the chart as Argo CD passes them to helm template:
// commas escaped (a parameter is one value, wherever its commas are), a
// {a,b} value a list, a backslash escaping the next character as helm's
// parser reads it, dots and brackets in names as paths, and every --set
// applied before every --set-string.
func TestHelmParameters(t *testing.T) {
	tree := badRepo(t, map[string]string{
		"chart/Chart.yaml":        chartYAML,
		"chart/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: values\ndata:\n  values: {{ toJson .Values | quote }}\n",
	}, nil)
	set := func(name, value string) []v1alpha1.HelmParameter {
		return []v1alpha1.HelmParameter{{Name: name, Value: value}}
	}
	setString := func(name, value string) []v1alpha1.HelmParameter {
		return []v1alpha1.HelmParameter{{Name: name, Value: value, ForceString: true}}
	}
	tests := []struct {
		name   string
		params []v1alpha1.HelmParameter
		want   string // the chart's .Values as JSON, or the error
	}{
		{"comma", set("v", "a,b"), `{"v":"a,b"}`},
		{"run of commas", set("v", "a,,,b"), `{"v":"a,,,b"}`},
		{"only commas", set("v", ",,"), `{"v":",,"}`},
		{"leading comma", set("v", ",a"), `{"v":",a"}`},
		{"trailing comma", set("v", "a,"), `{"v":"a,"}`},
		{"comma and spaces", set("v", "a, b,,c"), `{"v":"a, b,,c"}`},
		{"escaped comma", set("v", `a\,b`), `{"v":"a,b"}`},
		// helm reads `\\` as one backslash, so the comma after it, not
		// escaped by Argo CD either, splits the value.
		{"comma after a backslash pair", set("v", `a\\,b`), `error: key "b" has no value`},
		{"backslash", set("v", `C:\temp`), `{"v":"C:temp"}`},
		{"double backslash", set("v", `a\\b`), `{"v":"a\\b"}`},
		{"trailing backslash", set("v", `a\`), `{"v":"a"}`},
		{"equals sign in the value", set("v", "k=v=w"), `{"v":"k=v=w"}`},
		{"spaces", set("v", "hello world"), `{"v":"hello world"}`},
		{"empty", set("v", ""), `{"v":""}`},
		{"list", set("v", "{a,b}"), `{"v":["a","b"]}`},
		{"braces with text after", set("v", "{a,b}c"), `error: key "c" has no value`},
		{"integer", set("v", "123"), `{"v":123}`},
		{"leading zero", set("v", "0123"), `{"v":"0123"}`},
		{"boolean", set("v", "true"), `{"v":true}`},
		{"version", set("v", "1.10"), `{"v":"1.10"}`},
		{"forceString integer", setString("v", "123"), `{"v":"123"}`},
		{"forceString boolean", setString("v", "true"), `{"v":"true"}`},
		{"forceString commas", setString("v", ",a,,b,"), `{"v":",a,,b,"}`},
		{"forceString list", setString("v", "{1,2}"), `{"v":["1","2"]}`},
		{"dots in the name", set("image.tag", "1.0"), `{"image":{"tag":"1.0"}}`},
		{"escaped dot in the name", set(`annotations.example\.com/team`, "shop"), `{"annotations":{"example.com/team":"shop"}}`},
		{"index in the name", set("hosts[1]", "b.example.com"), `{"hosts":[null,"b.example.com"]}`},
		{"set before set-string", append(setString("v", "1"), set("v", "2")...), `{"v":"1"}`},
		{"later parameter wins", append(set("v", "1"), set("v", "2")...), `{"v":2}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := render.Render(context.Background(), render.Request{
				AppName: "set", Namespace: "web", Repo: tree,
				Source: v1alpha1.ApplicationSource{Path: "chart", Helm: &v1alpha1.ApplicationSourceHelm{Parameters: tt.params}},
			})
			if want, ok := strings.CutPrefix(tt.want, "error: "); ok {
				if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), `helm parameter "`) {
					t.Fatalf("err = %v, want one naming the parameter and %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := nested(t, res.Objects, "ConfigMap", "values", "data", "values"); got != tt.want {
				t.Errorf("values = %s, want %s", got, tt.want)
			}
		})
	}
}
