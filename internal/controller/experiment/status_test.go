package experiment

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// spec is an experiment spec with one template and the given analyses.
func spec(analyses ...v1alpha1.ExperimentAnalysisTemplateRef) v1alpha1.ExperimentSpec {
	return v1alpha1.ExperimentSpec{Templates: []v1alpha1.TemplateSpec{{Name: "a"}}, Analyses: analyses}
}

// status is an experiment status with template a at code and the given
// analysis phases, by analysis name. As in Argo, a template's message is
// the experiment's only when the template is worse than Successful.
func status(code v1alpha1.TemplateStatusCode, runs map[string]v1alpha1.AnalysisPhase) v1alpha1.ExperimentStatus {
	s := v1alpha1.ExperimentStatus{TemplateStatuses: []v1alpha1.TemplateStatus{{Name: "a", Status: code, Message: "template says"}}}
	for name, p := range runs {
		s.AnalysisRuns = append(s.AnalysisRuns, v1alpha1.ExperimentAnalysisRunStatus{Name: name, Phase: p, Message: name + " says"})
	}
	return s
}

func TestDecidePhase(t *testing.T) {
	plain := v1alpha1.ExperimentAnalysisTemplateRef{Name: "x"}
	required := v1alpha1.ExperimentAnalysisTemplateRef{Name: "r", RequiredForCompletion: true}
	tests := []struct {
		name        string
		spec        v1alpha1.ExperimentSpec
		status      v1alpha1.ExperimentStatus
		wantPhase   v1alpha1.AnalysisPhase
		wantMessage string
	}{
		{"progressing template is pending", spec(), status(v1alpha1.TemplateStatusProgressing, nil), v1alpha1.AnalysisPhasePending, "template says"},
		{"running template", spec(), status(v1alpha1.TemplateStatusRunning, nil), v1alpha1.AnalysisPhaseRunning, "template says"},
		{"template done, no analyses", spec(), status(v1alpha1.TemplateStatusSuccessful, nil), v1alpha1.AnalysisPhaseSuccessful, ""},
		{"template failed", spec(), status(v1alpha1.TemplateStatusFailed, nil), v1alpha1.AnalysisPhaseFailed, "template says"},
		{"template in error", spec(), status(v1alpha1.TemplateStatusError, nil), v1alpha1.AnalysisPhaseError, "template says"},
		{"analysis failed while running", spec(plain),
			status(v1alpha1.TemplateStatusRunning, map[string]v1alpha1.AnalysisPhase{"x": v1alpha1.AnalysisPhaseFailed}), v1alpha1.AnalysisPhaseFailed, "x says"},
		{"analysis inconclusive while running", spec(plain),
			status(v1alpha1.TemplateStatusRunning, map[string]v1alpha1.AnalysisPhase{"x": v1alpha1.AnalysisPhaseInconclusive}), v1alpha1.AnalysisPhaseInconclusive, "x says"},
		{"analysis succeeded, template still running", spec(plain),
			status(v1alpha1.TemplateStatusRunning, map[string]v1alpha1.AnalysisPhase{"x": v1alpha1.AnalysisPhaseSuccessful}), v1alpha1.AnalysisPhaseRunning, "template says"},
		{"required analysis succeeded ends it", spec(required),
			status(v1alpha1.TemplateStatusRunning, map[string]v1alpha1.AnalysisPhase{"r": v1alpha1.AnalysisPhaseSuccessful}), v1alpha1.AnalysisPhaseSuccessful, requiredCompletedMessage},
		{"required analysis running keeps it running", spec(required, plain),
			status(v1alpha1.TemplateStatusRunning, map[string]v1alpha1.AnalysisPhase{"r": v1alpha1.AnalysisPhaseRunning, "x": v1alpha1.AnalysisPhaseSuccessful}), v1alpha1.AnalysisPhaseRunning, "template says"},
		{"template done, analysis still running: successful", spec(plain),
			status(v1alpha1.TemplateStatusSuccessful, map[string]v1alpha1.AnalysisPhase{"x": v1alpha1.AnalysisPhaseRunning}), v1alpha1.AnalysisPhaseSuccessful, ""},
		{"template done with a required analysis: the analyses decide", spec(required),
			status(v1alpha1.TemplateStatusSuccessful, map[string]v1alpha1.AnalysisPhase{"r": v1alpha1.AnalysisPhaseRunning}), v1alpha1.AnalysisPhaseRunning, "r says"},
		{"template done, analysis failed", spec(plain),
			status(v1alpha1.TemplateStatusSuccessful, map[string]v1alpha1.AnalysisPhase{"x": v1alpha1.AnalysisPhaseFailed}), v1alpha1.AnalysisPhaseFailed, "x says"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tPhase, tMsg := assessTemplates(tt.spec, tt.status)
			aPhase, aMsg := assessAnalyses(tt.spec, tt.status)
			phase, msg := decidePhase(tt.spec, tt.status, tPhase, tMsg, aPhase, aMsg)
			if phase != tt.wantPhase || msg != tt.wantMessage {
				t.Errorf("phase %s %q, want %s %q", phase, msg, tt.wantPhase, tt.wantMessage)
			}
		})
	}
}

func TestTerminatingAndDesiredReplicas(t *testing.T) {
	three := int32(3)
	tmpl := v1alpha1.TemplateSpec{Name: "a", Replicas: &three}
	tests := []struct {
		name   string
		spec   v1alpha1.ExperimentSpec
		status v1alpha1.ExperimentStatus
		want   int32
	}{
		{"running", spec(), status(v1alpha1.TemplateStatusRunning, nil), 3},
		{"terminate asked", v1alpha1.ExperimentSpec{Terminate: true}, status(v1alpha1.TemplateStatusRunning, nil), 0},
		{"finished", spec(), v1alpha1.ExperimentStatus{Phase: v1alpha1.AnalysisPhaseSuccessful}, 0},
		{"template done", spec(), status(v1alpha1.TemplateStatusSuccessful, nil), 0},
		{"template failed", spec(), status(v1alpha1.TemplateStatusFailed, nil), 0},
		{"analysis inconclusive", spec(), status(v1alpha1.TemplateStatusRunning, map[string]v1alpha1.AnalysisPhase{"x": v1alpha1.AnalysisPhaseInconclusive}), 0},
		{"required analyses succeeded", spec(v1alpha1.ExperimentAnalysisTemplateRef{Name: "r", RequiredForCompletion: true}),
			status(v1alpha1.TemplateStatusRunning, map[string]v1alpha1.AnalysisPhase{"r": v1alpha1.AnalysisPhaseSuccessful}), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := desiredReplicas(tt.spec, tt.status, tmpl); got != tt.want {
				t.Errorf("desired replicas %d, want %d", got, tt.want)
			}
		})
	}
	if got := desiredReplicas(spec(), v1alpha1.ExperimentStatus{}, v1alpha1.TemplateSpec{Name: "a"}); got != 1 {
		t.Errorf("default replicas %d, want 1", got)
	}
}

func TestNewReplicaSet(t *testing.T) {
	ex := &v1alpha1.Experiment{ObjectMeta: metav1.ObjectMeta{Name: "ro-abc-2-1", Namespace: "ns", UID: "u"}}
	tmpl := v1alpha1.TemplateSpec{
		Name:     "canary",
		Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web", v1alpha1.LabelPodTemplateHash: "old"}},
	}
	tmpl.Template.Labels = map[string]string{"app": "web", v1alpha1.LabelPodTemplateHash: "old"}
	rs := NewReplicaSet(ex, tmpl, nil, 2)
	h := rs.Labels[v1alpha1.LabelPodTemplateHash]
	tests := []struct{ what, got, want string }{
		{"name", rs.Name, "ro-abc-2-1-canary"},
		{"experiment annotation", rs.Annotations[v1alpha1.AnnotationExperimentName], "ro-abc-2-1"},
		{"template annotation", rs.Annotations[v1alpha1.AnnotationExperimentTemplateName], "canary"},
		{"pod hash label", rs.Spec.Template.Labels[v1alpha1.LabelPodTemplateHash], h},
		{"selector hash", rs.Spec.Selector.MatchLabels[v1alpha1.LabelPodTemplateHash], h},
		{"owner", rs.OwnerReferences[0].Kind + "/" + rs.OwnerReferences[0].Name, "Experiment/ro-abc-2-1"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %q, want %q", tt.what, tt.got, tt.want)
		}
	}
	if h == "" || h == "old" || *rs.Spec.Replicas != 2 {
		t.Errorf("hash %q replicas %d", h, *rs.Spec.Replicas)
	}
	if tmpl.Template.Labels[v1alpha1.LabelPodTemplateHash] != "old" {
		t.Error("the template was changed in place")
	}
}

func TestSubstitute(t *testing.T) {
	values := map[string]string{"templates.a.podTemplateHash": "123", "experiment.availableAt": "now"}
	tests := []struct{ in, want, wantErr string }{
		{"plain", "plain", ""},
		{"{{templates.a.podTemplateHash}}", "123", ""},
		{"h={{ templates.a.podTemplateHash }}&t={{experiment.availableAt}}", "h=123&t=now", ""},
		{"{{templates.b.podTemplateHash}}", "", "failed to resolve {{templates.b.podTemplateHash}}"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := substitute(tt.in, values)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q %v, want %q", got, err, tt.want)
			}
		})
	}
}
