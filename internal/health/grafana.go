package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// grafana.integreatly.org, as Argo CD assesses it
// (resource_customizations/grafana.integreatly.org).
func init() {
	register("grafana.integreatly.org", map[string]Check{
		"Grafana":           grafanaHealth,
		"GrafanaDashboard":  grafanaSyncHealth,
		"GrafanaFolder":     grafanaSyncHealth,
		"GrafanaDatasource": grafanaDatasourceHealth,
	})
}

// grafanaHealth: status.stageStatus failed is Degraded at status.stage;
// stage complete with success Healthy; else Progressing with the stage.
// Follows resource_customizations/grafana.integreatly.org/Grafana.
func grafanaHealth(obj *unstructured.Unstructured) (*Status, error) {
	stageStatus, ok := lookStr(obj.Object, "status", "stageStatus")
	if !ok {
		return progressing("Waiting for Grafana status info"), nil
	}
	stage, _ := lookStr(obj.Object, "status", "stage")
	switch {
	case stageStatus == "failed":
		return degraded("Failed at stage " + stage), nil
	case stage == "complete" && stageStatus == "success":
		return healthy(""), nil
	}
	return progressing(stage), nil
}

// grafanaSyncHealth: every condition with a status adds "<reason> for
// <type> because <message>" to a comma-separated message; a False one
// makes the object Degraded there, a True one Healthy; else Progressing.
// Follows resource_customizations/grafana.integreatly.org/GrafanaDashboard
// and GrafanaFolder.
func grafanaSyncHealth(obj *unstructured.Unstructured) (*Status, error) {
	st := progressing("")
	raw, _ := lookList(obj.Object, "status", "conditions")
	for _, r := range raw {
		c, _ := r.(map[string]any)
		status, ok := c["status"].(string)
		if !ok {
			continue
		}
		if st.Message != "" {
			st.Message += ", "
		}
		if reason, ok := c["reason"].(string); ok {
			st.Message += reason
			if t, ok := c["type"].(string); ok {
				st.Message += " for " + t
				if m, ok := c["message"].(string); ok {
					st.Message += " because " + m
				}
			}
		}
		switch status {
		case "False":
			st.Code = codeDegraded
			return st, nil
		case "True":
			st.Code = codeHealthy
		}
	}
	return st, nil
}

// grafanaDatasourceHealth: Progressing until status.uid is set, Degraded
// when status.NoMatchingInstances is set, else Healthy. Follows
// resource_customizations/grafana.integreatly.org/GrafanaDatasource.
func grafanaDatasourceHealth(obj *unstructured.Unstructured) (*Status, error) {
	status, ok := lookMap(obj.Object, "status")
	if uid, _ := status["uid"].(string); !ok || (status["uid"] != nil && uid == "") {
		return progressing(""), nil
	}
	if v, set := status["NoMatchingInstances"]; set && v != nil && v != false {
		return degraded("can't find matching grafana instance"), nil
	}
	return healthy(""), nil
}
