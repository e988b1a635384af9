package health

import (
	"strings"
	"testing"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

const certificateCheck = `
hs = {status = "Progressing", message = "Waiting for certificate"}
if obj.status ~= nil and obj.status.conditions ~= nil then
  for i, c in ipairs(obj.status.conditions) do
    if c.type == "Ready" and c.status == "True" then
      hs.status = "Healthy"
      hs.message = c.message
    end
    if c.type == "Ready" and c.status == "False" then
      hs.status = "Degraded"
      hs.message = c.message
    end
  end
end
return hs
`

func TestLuaOverrides(t *testing.T) {
	overrides, err := LuaOverrides(map[string]string{
		"resource.customizations.health.cert-manager.io_Certificate": certificateCheck,
		"resource.customizations.health.ConfigMap":                   `return {status = "Suspended", message = obj.metadata.name}`,
		"unrelated.key": "x",
	})
	if err != nil {
		t.Fatal(err)
	}
	cert := parse(t, `{apiVersion: cert-manager.io/v1, kind: Certificate, metadata: {name: c},
		status: {conditions: [{type: Ready, status: "False", message: "issuer not found"}]}}`)
	st, err := Of(cert, overrides)
	if err != nil || st.Code != v1alpha1.HealthStatusDegraded || st.Message != "issuer not found" {
		t.Errorf("certificate: %v, %v", st, err)
	}
	cm := parse(t, `{apiVersion: v1, kind: ConfigMap, metadata: {name: settings}}`)
	if st, err := Of(cm, overrides); err != nil || st.Code != v1alpha1.HealthStatusSuspended || st.Message != "settings" {
		t.Errorf("configmap: %v, %v", st, err)
	}
}

func TestLuaSandbox(t *testing.T) {
	tests := map[string]string{
		"no os":        `os.execute("touch /tmp/pwned") return {status = "Healthy"}`,
		"no io":        `io.open("/etc/passwd") return {status = "Healthy"}`,
		"no files":     `dofile("/etc/passwd") return {status = "Healthy"}`,
		"no modules":   `require("os") return {status = "Healthy"}`,
		"endless loop": `while true do end`,
		"no table":     `return "Healthy"`,
		"huge string":  `local s = string.rep("x", 3000000000) return {status = "Healthy"}`,
	}
	for name, script := range tests {
		t.Run(name, func(t *testing.T) {
			overrides, err := LuaOverrides(map[string]string{"resource.customizations.health.ConfigMap": script})
			if err != nil {
				t.Fatal(err)
			}
			st, err := Of(parse(t, `{apiVersion: v1, kind: ConfigMap, metadata: {name: c}}`), overrides)
			if err == nil || st.Code != v1alpha1.HealthStatusUnknown {
				t.Errorf("script ran: %v, %v", st, err)
			}
		})
	}
	overrides, err := LuaOverrides(map[string]string{"resource.customizations.health.ConfigMap": "return {"})
	if err == nil || !strings.Contains(err.Error(), "resource.customizations.health.ConfigMap") {
		t.Errorf("syntax error not reported with its key: %v", err)
	}
	if st, _ := Of(parse(t, `{apiVersion: v1, kind: ConfigMap, metadata: {name: c}}`), overrides); st == nil ||
		st.Code != v1alpha1.HealthStatusUnknown || !strings.Contains(st.Message, "resource.customizations.health.ConfigMap") {
		t.Errorf("a script that does not compile: %+v, want Unknown with the error", st)
	}
}

// What a script returns, read as Argo CD reads it (util/lua ExecuteHealthLua).
func TestLuaResults(t *testing.T) {
	tests := []struct {
		script string
		want   *Status // nil: no health
	}{
		{`return nil`, nil},
		{`local hs = {} if obj.status ~= nil then hs.status = "Healthy" end return hs`, nil},
		{``, nil},
		{`return {status = "Great"}`, &Status{Code: v1alpha1.HealthStatusUnknown, Message: "Lua returned an invalid health status"}},
		{`return {message = "only a message"}`, &Status{Code: v1alpha1.HealthStatusUnknown, Message: "Lua returned an invalid health status"}},
		{`return {status = "Missing", message = "gone"}`, &Status{Code: v1alpha1.HealthStatusMissing, Message: "gone"}},
	}
	for _, tt := range tests {
		t.Run(tt.script, func(t *testing.T) {
			script := tt.script
			if script == "" {
				script = "local x = 1"
			}
			overrides, err := LuaOverrides(map[string]string{"resource.customizations.health.example.com_Widget": script})
			if err != nil {
				t.Fatal(err)
			}
			st, err := Of(parse(t, `{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}}`), overrides)
			if err != nil {
				t.Fatal(err)
			}
			if (st == nil) != (tt.want == nil) || st != nil && *st != *tt.want {
				t.Errorf("health %+v, want %+v", st, tt.want)
			}
		})
	}
}
