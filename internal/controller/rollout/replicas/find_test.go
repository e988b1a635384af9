package replicas

import (
	"encoding/json"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/rollout/hash"
)

func webTemplate(image string) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "web", Image: image,
			Ports:          []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
			ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz"}}},
		}}},
	}
}

// liveTemplate is template as the API server stores it in a ReplicaSet
// that Argo Rollouts created: labelled with h and defaulted.
func liveTemplate(template corev1.PodTemplateSpec, h string) corev1.PodTemplateSpec {
	t := *template.DeepCopy()
	t.Labels[v1alpha1.LabelPodTemplateHash] = h
	defaultPodTemplate(&t)
	return t
}

// createdBy is a ReplicaSet for template labelled with h, created age
// minutes after epoch.
func createdBy(name string, template corev1.PodTemplateSpec, h string, age int) *appsv1.ReplicaSet {
	rs := replicaSet(name, h, 1, 1, age)
	rs.Spec.Template = liveTemplate(template, h)
	return rs
}

func TestFindNew(t *testing.T) {
	blue, green := webTemplate("registry.example.com/web:1.4.2"), webTemplate("registry.example.com/web:1.5.0")
	ro := &v1alpha1.Rollout{Spec: v1alpha1.RolloutSpec{Template: green, Strategy: v1alpha1.RolloutStrategy{
		Canary: &v1alpha1.CanaryStrategy{AntiAffinity: &v1alpha1.AntiAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: &v1alpha1.RequiredDuringSchedulingIgnoredDuringExecution{},
		}},
	}}}
	current := hash.PodTemplateHash(&green, nil)      // Rollouts 1.9
	legacy := hash.LegacyPodTemplateHash(&green, nil) // Rollouts 1.8
	if current == legacy {
		t.Fatalf("the 1.8 and 1.9 hashes should differ for a template, both %s", current)
	}
	blueRS := createdBy("web-blue", blue, hash.PodTemplateHash(&blue, nil), 0)

	// A ReplicaSet with a foreign hash label whose template is green once
	// the controller's additions are set aside.
	adopted := createdBy("web-adopted", green, "5d8f6c9b7", 3)
	stableMeta, _ := json.Marshal(v1alpha1.PodTemplateMetadata{Labels: map[string]string{"role": "stable"}})
	adopted.Annotations = map[string]string{AnnotationEphemeralMetadata: string(stableMeta)}
	adopted.Spec.Template.Labels["role"] = "stable"
	adopted.Spec.Template.Spec.Affinity = &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{
			LabelSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
				Key: v1alpha1.LabelPodTemplateHash, Operator: metav1.LabelSelectorOpIn, Values: []string{"previous"},
			}}},
			TopologyKey: "kubernetes.io/hostname",
		}},
	}}

	cases := []struct {
		name     string
		rss      []*appsv1.ReplicaSet
		wantName string
		wantHow  Match
	}{
		{name: "created by Rollouts 1.9", rss: []*appsv1.ReplicaSet{blueRS, createdBy("web-19", green, current, 1)}, wantName: "web-19", wantHow: MatchHash},
		{name: "created by Rollouts 1.8", rss: []*appsv1.ReplicaSet{blueRS, createdBy("web-18", green, legacy, 1)}, wantName: "web-18", wantHow: MatchLegacyHash},
		{
			// The 1.9 label wins over an older ReplicaSet with the 1.8 label.
			name:     "both: the current hash first",
			rss:      []*appsv1.ReplicaSet{createdBy("web-18", green, legacy, 1), createdBy("web-19", green, current, 2)},
			wantName: "web-19", wantHow: MatchHash,
		},
		{
			// Two ReplicaSets with the same label: the older is the revision.
			name:     "oldest first",
			rss:      []*appsv1.ReplicaSet{createdBy("web-b", green, current, 5), createdBy("web-a", green, current, 4)},
			wantName: "web-a", wantHow: MatchHash,
		},
		{name: "equal template", rss: []*appsv1.ReplicaSet{blueRS, adopted}, wantName: "web-adopted", wantHow: MatchTemplate},
		{name: "no match", rss: []*appsv1.ReplicaSet{blueRS, nil}, wantHow: MatchNone},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs, how := FindNew(ro, c.rss)
			name := ""
			if rs != nil {
				name = rs.Name
			}
			if name != c.wantName || how != c.wantHow {
				t.Errorf("FindNew = %q by %q, want %q by %q", name, how, c.wantName, c.wantHow)
			}
		})
	}
}

func TestFindNewCollisionCount(t *testing.T) {
	// After a collision the hash takes status.collisionCount: the ReplicaSet
	// labelled with the count's hash is the revision; one labelled with the
	// plain hash but another template (the collision) is not.
	green := webTemplate("registry.example.com/web:1.5.0")
	cc := int32(1)
	ro := &v1alpha1.Rollout{Spec: v1alpha1.RolloutSpec{Template: green}, Status: v1alpha1.RolloutStatus{CollisionCount: &cc}}
	other := createdBy("web-collided", webTemplate("registry.example.com/other:1"), hash.PodTemplateHash(&green, nil), 0)
	mine := createdBy("web-new", green, hash.PodTemplateHash(&green, &cc), 1)
	rs, how := FindNew(ro, []*appsv1.ReplicaSet{other, mine})
	if rs == nil || rs.Name != "web-new" || how != MatchHash {
		t.Fatalf("FindNew = %v by %q, want web-new by hash", rs, how)
	}
}

func TestTemplateEqual(t *testing.T) {
	green := webTemplate("registry.example.com/web:1.5.0")
	ro := &v1alpha1.Rollout{Spec: v1alpha1.RolloutSpec{Template: green}}
	cases := []struct {
		name string
		edit func(*corev1.PodTemplateSpec)
		want bool
	}{
		{name: "as the API server stores it", want: true},
		// An empty list and none are alike, as in Argo's semantic comparison.
		{name: "empty requests", want: true, edit: func(t *corev1.PodTemplateSpec) {
			t.Spec.Containers[0].Resources.Requests = corev1.ResourceList{}
		}},
		{name: "another image", edit: func(t *corev1.PodTemplateSpec) { t.Spec.Containers[0].Image = "web:2" }},
		// A value set explicitly to other than the default is a change.
		{name: "pull policy changed", edit: func(t *corev1.PodTemplateSpec) { t.Spec.Containers[0].ImagePullPolicy = corev1.PullNever }},
		// Metadata not recorded as ephemeral is the template's own.
		{name: "unrecorded label", edit: func(t *corev1.PodTemplateSpec) { t.Labels["role"] = "canary" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs := createdBy("web", green, "6f7b9c5d8", 0)
			if c.edit != nil {
				c.edit(&rs.Spec.Template)
			}
			if got := TemplateEqual(ro, rs); got != c.want {
				t.Errorf("TemplateEqual = %v, want %v", got, c.want)
			}
		})
	}
}

func TestImagePullPolicyDefault(t *testing.T) {
	cases := map[string]corev1.PullPolicy{
		"nginx":                             corev1.PullAlways,       // no tag: latest
		"nginx:latest":                      corev1.PullAlways,       // latest
		"nginx:1.27":                        corev1.PullIfNotPresent, // a tag
		"registry:5000/nginx":               corev1.PullAlways,       // the port is not a tag
		"nginx@sha256:0123456789abcdef":     corev1.PullIfNotPresent, // a digest
		"registry:5000/nginx:1.27@sha256:0": corev1.PullIfNotPresent,
	}
	for image, want := range cases {
		c := corev1.Container{Image: image}
		defaultContainer(&c)
		if c.ImagePullPolicy != want {
			t.Errorf("%s: imagePullPolicy %s, want %s", image, c.ImagePullPolicy, want)
		}
	}
}

func TestFindOldStableOthers(t *testing.T) {
	stable, canary, older := replicaSet("s", stableHash, 5, 5, 0), replicaSet("c", canaryHash, 1, 1, 2), replicaSet("o", "older", 0, 0, 1)
	all := []*appsv1.ReplicaSet{stable, canary, older}
	ro := canaryRollout(5, nil, 0, nil, nil)
	if got := FindOld(all, canary); len(got) != 2 || got[0] != stable || got[1] != older {
		t.Errorf("FindOld = %v, want stable and older", names(got))
	}
	if got := Stable(ro, canary, all); got != stable {
		t.Errorf("Stable = %v, want s", got)
	}
	if got := Others(all, canary, stable); len(got) != 1 || got[0] != older {
		t.Errorf("Others = %v, want [o]", names(got))
	}
	if got := ActiveReplicaSets(all); len(got) != 2 {
		t.Errorf("ActiveReplicaSets = %v, want [s c]", names(got))
	}
}

func names(rss []*appsv1.ReplicaSet) []string {
	var n []string
	for _, rs := range rss {
		n = append(n, rs.Name)
	}
	return n
}
