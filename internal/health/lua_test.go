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
		"bad status":   `return {status = "Great"}`,
		"no table":     `return "Healthy"`,
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
	if _, err := LuaOverrides(map[string]string{"resource.customizations.health.ConfigMap": "return {"}); err == nil ||
		!strings.Contains(err.Error(), "resource.customizations.health.ConfigMap") {
		t.Errorf("syntax error not reported with its key: %v", err)
	}
}
