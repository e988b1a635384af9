package rollout

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// revisionRS is a ReplicaSet of the app at image, as the Rollout makes it.
func revisionRS(image, podHash string) *appsv1.ReplicaSet {
	labels := map[string]string{"app": "web", v1alpha1.LabelPodTemplateHash: podHash}
	return &appsv1.ReplicaSet{Spec: appsv1.ReplicaSetSpec{
		MinReadySeconds: 3,
		Selector:        &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web", v1alpha1.LabelPodTemplateHash: podHash}},
		Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: image}}}},
	}}
}

func TestExperimentTemplate(t *testing.T) {
	stable, canary := revisionRS("web:v1", "s"), revisionRS("web:v2", "c")
	weight := int32(10)
	tests := []struct {
		name         string
		step         v1alpha1.RolloutExperimentTemplate
		wantImage    string
		wantSelector map[string]string
		wantLabel    string
		wantService  *v1alpha1.TemplateService
		wantErr      bool
	}{
		{name: "canary", step: v1alpha1.RolloutExperimentTemplate{Name: "c", SpecRef: v1alpha1.SpecRefCanary},
			wantImage: "web:v2", wantSelector: map[string]string{"app": "web", v1alpha1.LabelPodTemplateHash: "c"}},
		{name: "stable", step: v1alpha1.RolloutExperimentTemplate{Name: "s", SpecRef: v1alpha1.SpecRefStable},
			wantImage: "web:v1", wantSelector: map[string]string{"app": "web", v1alpha1.LabelPodTemplateHash: "s"}},
		{name: "own selector and metadata", step: v1alpha1.RolloutExperimentTemplate{Name: "b", SpecRef: v1alpha1.SpecRefStable,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Metadata: v1alpha1.PodTemplateMetadata{Labels: map[string]string{"role": "baseline"}}},
			wantImage: "web:v1", wantSelector: map[string]string{"app": "web", "role": "baseline"}, wantLabel: "baseline"},
		{name: "weight asks for a service", step: v1alpha1.RolloutExperimentTemplate{Name: "w", SpecRef: v1alpha1.SpecRefCanary, Weight: &weight},
			wantImage: "web:v2", wantSelector: map[string]string{"app": "web", v1alpha1.LabelPodTemplateHash: "c"}, wantService: &v1alpha1.TemplateService{}},
		{name: "named service", step: v1alpha1.RolloutExperimentTemplate{Name: "n", SpecRef: v1alpha1.SpecRefCanary, Service: &v1alpha1.TemplateService{Name: "svc"}},
			wantImage: "web:v2", wantSelector: map[string]string{"app": "web", v1alpha1.LabelPodTemplateHash: "c"}, wantService: &v1alpha1.TemplateService{Name: "svc"}},
		{name: "bad specRef", step: v1alpha1.RolloutExperimentTemplate{Name: "x", SpecRef: "preview"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := experimentTemplate(tt.step, stable, canary)
			if tt.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if img := got.Template.Spec.Containers[0].Image; img != tt.wantImage {
				t.Errorf("image %s, want %s", img, tt.wantImage)
			}
			if len(got.Selector.MatchLabels) != len(tt.wantSelector) {
				t.Errorf("selector %v, want %v", got.Selector.MatchLabels, tt.wantSelector)
			}
			for k, v := range tt.wantSelector {
				if got.Selector.MatchLabels[k] != v {
					t.Errorf("selector %v, want %v", got.Selector.MatchLabels, tt.wantSelector)
				}
			}
			if got.Template.Labels["role"] != tt.wantLabel || got.MinReadySeconds != 3 {
				t.Errorf("pod labels %v minReadySeconds %d", got.Template.Labels, got.MinReadySeconds)
			}
			if (got.Service == nil) != (tt.wantService == nil) || (got.Service != nil && *got.Service != *tt.wantService) {
				t.Errorf("service %+v, want %+v", got.Service, tt.wantService)
			}
		})
	}
	if stable.Spec.Selector.MatchLabels["role"] != "" || stable.Spec.Template.Labels["role"] != "" {
		t.Error("the stable ReplicaSet was changed in place")
	}
}

func TestExperimentName(t *testing.T) {
	tests := []struct {
		rollout, hash, revision string
		index                   int32
		want                    string
	}{
		{"web", "6cb88c6bcf", "2", 1, "web-6cb88c6bcf-2-1"},
		{"api", "abc", "10", 0, "api-abc-10-0"},
	}
	for _, tt := range tests {
		if got := ExperimentName(tt.rollout, tt.hash, tt.revision, tt.index); got != tt.want {
			t.Errorf("ExperimentName(%s, %s, %s, %d) = %s, want %s", tt.rollout, tt.hash, tt.revision, tt.index, got, tt.want)
		}
	}
}

func TestValidateExperimentStep(t *testing.T) {
	w := int32(5)
	tests := []struct {
		name string
		step *v1alpha1.RolloutExperimentStep
		tr   *v1alpha1.RolloutTrafficRouting
		want string
	}{
		{"no step", nil, nil, ""},
		{"canary", &v1alpha1.RolloutExperimentStep{Templates: []v1alpha1.RolloutExperimentTemplate{{Name: "a", SpecRef: "canary"}}}, nil, ""},
		{"bad specRef", &v1alpha1.RolloutExperimentStep{Templates: []v1alpha1.RolloutExperimentTemplate{{Name: "a", SpecRef: "x"}}}, nil,
			`templates[0].specRef: "x" must be canary or stable`},
		{"weight without routing", &v1alpha1.RolloutExperimentStep{Templates: []v1alpha1.RolloutExperimentTemplate{{Name: "a", SpecRef: "stable", Weight: &w}}}, nil,
			"templates[0].weight: Experiment template weight cannot be set unless TrafficRouting is enabled"},
		{"weight with routing", &v1alpha1.RolloutExperimentStep{Templates: []v1alpha1.RolloutExperimentTemplate{{Name: "a", SpecRef: "stable", Weight: &w}}},
			&v1alpha1.RolloutTrafficRouting{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := validateExperimentStep(tt.step, tt.tr); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
