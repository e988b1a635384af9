package health

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// crdHealth is a CustomResourceDefinition's health as Argo CD assesses it
// (resource_customizations/apiextensions.k8s.io/CustomResourceDefinition):
// the conditions in order, where Terminating True is Progressing, names
// not accepted or a non-structural schema Degraded, Established False with
// reason Installing Progressing; established is Healthy, else Degraded.
// Without conditions it is Progressing.
func crdHealth(obj *unstructured.Unstructured) (*Status, error) {
	conds := conditions(obj)
	if len(conds) == 0 {
		return progressing("Status conditions not found"), nil
	}
	established := false
	for _, c := range conds {
		switch {
		case c.Type == "Terminating" && c.Status == "True":
			return progressing("CRD is terminating: " + c.Message), nil
		case c.Type == "NamesAccepted" && c.Status == "False":
			return degraded("CRD names have not been accepted: " + c.Message), nil
		case c.Type == "NonStructuralSchema" && c.Status == "True":
			return degraded("Schema violations found: " + c.Message), nil
		case c.Type == "Established" && c.Status == "True":
			established = true
		case c.Type == "Established" && c.Reason == "Installing":
			return progressing("CRD is being installed"), nil
		}
	}
	if !established {
		return degraded("CRD is not established"), nil
	}
	return healthy("CRD is healthy"), nil
}
