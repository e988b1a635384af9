package hash

import (
	"encoding/json"
	"hash/fnv"
	"strconv"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/rand"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// How to check the golden values below by hand (or with any FNV-32a tool):
//
//   - FNV-32a: h = 2166136261; for each byte: h ^= byte; h *= 16777619 (mod 2^32).
//   - collisionCount 0 appends the 8 bytes 00 00 00 00 00 00 00 00,
//     collisionCount 3 appends 03 00 00 00 00 00 00 00; nil appends nothing.
//   - The sum is written in decimal and each digit d becomes
//     "bcdfghjklmnpqrstvwxz2456789"[('0'+d) % 27], that is
//     0→4 1→5 2→6 3→7 4→8 5→9 6→b 7→c 8→d 9→f (rand.SafeEncodeString).
//     A sum below 10^9 gives a 9-character hash.
//
// The same values came out of an independent program running this
// algorithm on k8s.io/api v0.34.1 (Argo Rollouts 1.9.1's) for "current"
// and v0.29.3 (Rollouts 1.8.3's) for "legacy"; the demo template's two
// values are also the ones reported for Argo Rollouts' getting-started
// example under Rollouts 1.9 (5cd66ff7ff) and 1.8 (687d76d795).
var golden = []struct {
	name     string
	template string // the template as a user writes it (decoded, then re-encoded)
	// currentJSON and legacyJSON are the exact bytes hashed.
	currentJSON, legacyJSON string
	// want maps a collision count ("nil", "0", "3") to the current and legacy hashes.
	want map[string][2]string
}{
	{
		// Argo Rollouts' getting-started template. Map keys come out
		// sorted (requests: cpu before memory); omitted fields stay out.
		//
		//   current: FNV-32a = 1782299399 (0x6a3bbb07) → 1 7 8 2 2 9 9 3 9 9 → 5cd66ff7ff
		//     +cc 0: 1153545447 (0x44c1b4e7) → 559798988c
		//     +cc 3:  748525444 (0x2c9d9784) → c8d969888
		//   legacy:  FNV-32a = 2438328351 (0x9155f01f) → 2 4 3 8 3 2 8 3 5 1 → 687d76d795
		//     +cc 0: 3740169471 (0xdeee74ff) → 7c845bf8c5
		//     +cc 3: 3335149468 (0xc6ca579c) → 777958f8bd
		name: "getting-started demo",
		template: `{"metadata":{"labels":{"app":"rollouts-demo"}},"spec":{"containers":[{"name":"rollouts-demo",` +
			`"image":"argoproj/rollouts-demo:blue","ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],` +
			`"resources":{"requests":{"memory":"32Mi","cpu":"5m"}}}]}}`,
		currentJSON: `{"metadata":{"labels":{"app":"rollouts-demo"}},"spec":{"containers":[{"name":"rollouts-demo",` +
			`"image":"argoproj/rollouts-demo:blue","ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],` +
			`"resources":{"requests":{"cpu":"5m","memory":"32Mi"}}}]}}`,
		legacyJSON: `{"metadata":{"creationTimestamp":null,"labels":{"app":"rollouts-demo"}},"spec":{"containers":[{"name":"rollouts-demo",` +
			`"image":"argoproj/rollouts-demo:blue","ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],` +
			`"resources":{"requests":{"cpu":"5m","memory":"32Mi"}}}]}}`,
		want: map[string][2]string{
			"nil": {"5cd66ff7ff", "687d76d795"},
			"0":   {"559798988c", "7c845bf8c5"},
			"3":   {"c8d969888", "777958f8bd"},
		},
	},
	{
		// The smallest useful template. An empty ResourceRequirements is
		// still written ("resources":{}): the field is a struct, which
		// omitempty does not drop.
		//
		//   current: FNV-32a = 1039442272 (0x3df4a160) → 1 0 3 9 4 4 2 2 7 2 → 547f8866c6
		//     +cc 0: 3385552224 (0xc9cb6d60) → 77d9996668
		//     +cc 3: 3790572227 (0xe1ef8ac3) → 7cf49c666c
		//   legacy:  FNV-32a =  224638840 (0x0d63b778) → 2 2 4 6 3 8 8 4 0 → 668b7dd84
		//     +cc 0: 3613929080 (0xd7682e78) → 7b57f6f4d4
		//     +cc 3: 4018949083 (0xef8c4bdb) → 845df8f4d7
		name:        "one container",
		template:    `{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}`,
		currentJSON: `{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27","resources":{}}]}}`,
		legacyJSON:  `{"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27","resources":{}}]}}`,
		want: map[string][2]string{
			"nil": {"547f8866c6", "668b7dd84"},
			"0":   {"77d9996668", "7b57f6f4d4"},
			"3":   {"7cf49c666c", "845df8f4d7"},
		},
	},
	{
		// An ephemeral volume holds a second ObjectMeta (its claim
		// template's), which the old libraries also wrote with a null
		// creationTimestamp. Struct order puts volumes before containers.
		//
		//   current: FNV-32a = 2727194497 (0xa28daf81) → 2 7 2 7 1 9 4 4 9 7 → 6c6c5f88fc
		//   legacy:  FNV-32a = 4007359033 (0xeedb7239) → 4 0 0 7 3 5 9 0 3 3 → 844c79f477
		name: "ephemeral volume",
		template: `{"metadata":{"labels":{"app":"cache"},"annotations":{"prometheus.io/scrape":"true"}},"spec":{"containers":[` +
			`{"name":"cache","image":"redis:7","volumeMounts":[{"name":"scratch","mountPath":"/data"}]}],"volumes":[{"name":"scratch",` +
			`"ephemeral":{"volumeClaimTemplate":{"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}}}]}}`,
		currentJSON: `{"metadata":{"labels":{"app":"cache"},"annotations":{"prometheus.io/scrape":"true"}},"spec":{"volumes":[{"name":"scratch",` +
			`"ephemeral":{"volumeClaimTemplate":{"metadata":{},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}}}],` +
			`"containers":[{"name":"cache","image":"redis:7","resources":{},"volumeMounts":[{"name":"scratch","mountPath":"/data"}]}]}}`,
		legacyJSON: `{"metadata":{"creationTimestamp":null,"labels":{"app":"cache"},"annotations":{"prometheus.io/scrape":"true"}},"spec":{"volumes":[{"name":"scratch",` +
			`"ephemeral":{"volumeClaimTemplate":{"metadata":{"creationTimestamp":null},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}}}],` +
			`"containers":[{"name":"cache","image":"redis:7","resources":{},"volumeMounts":[{"name":"scratch","mountPath":"/data"}]}]}}`,
		want: map[string][2]string{
			"nil": {"6c6c5f88fc", "844c79f477"},
		},
	},
}

var collisionCounts = map[string]*int32{"nil": nil, "0": ptr(0), "3": ptr(3)}

func ptr(i int32) *int32 { return &i }

func decode(t *testing.T, s string) *corev1.PodTemplateSpec {
	t.Helper()
	var tmpl corev1.PodTemplateSpec
	if err := json.Unmarshal([]byte(s), &tmpl); err != nil {
		t.Fatalf("decode template: %v", err)
	}
	return &tmpl
}

func TestGolden(t *testing.T) {
	for _, g := range golden {
		t.Run(g.name, func(t *testing.T) {
			tmpl := decode(t, g.template)
			current, err := json.Marshal(tmpl)
			if err != nil {
				t.Fatal(err)
			}
			if string(current) != g.currentJSON {
				t.Errorf("current JSON:\n got %s\nwant %s", current, g.currentJSON)
			}
			legacy, err := legacyJSON(tmpl)
			if err != nil {
				t.Fatal(err)
			}
			if string(legacy) != g.legacyJSON {
				t.Errorf("legacy JSON:\n got %s\nwant %s", legacy, g.legacyJSON)
			}
			for cc, want := range g.want {
				if got := PodTemplateHash(tmpl, collisionCounts[cc]); got != want[0] {
					t.Errorf("PodTemplateHash(collisionCount %s) = %s, want %s", cc, got, want[0])
				}
				if got := LegacyPodTemplateHash(tmpl, collisionCounts[cc]); got != want[1] {
					t.Errorf("LegacyPodTemplateHash(collisionCount %s) = %s, want %s", cc, got, want[1])
				}
			}
		})
	}
}

func TestMatches(t *testing.T) {
	tmpl := decode(t, golden[0].template)
	cases := []struct {
		name      string
		cc        *int32
		hash      string
		wantOK    bool
		wantWhich string
	}{
		{"current", nil, "5cd66ff7ff", true, Current},
		{"legacy", nil, "687d76d795", true, Legacy},
		{"current with collisions", ptr(3), "c8d969888", true, Current},
		{"legacy with collisions", ptr(3), "777958f8bd", true, Legacy},
		{"collision count differs", ptr(0), "5cd66ff7ff", false, ""},
		{"other template", nil, "547f8866c6", false, ""},
		{"empty", nil, "", false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ok, which := Matches(tmpl, c.cc, c.hash)
			if ok != c.wantOK || which != c.wantWhich {
				t.Errorf("Matches(%q) = %v, %q; want %v, %q", c.hash, ok, which, c.wantOK, c.wantWhich)
			}
		})
	}
}

// Given a template that itself contains the first marker time, when the
// legacy JSON is built, then the user's text is left alone and only the
// unset creation time becomes null.
func TestLegacyJSONMarkerInTemplate(t *testing.T) {
	tmpl := decode(t, `{"metadata":{"annotations":{"built":"0001-01-01T00:00:01Z"}},"spec":{"containers":[{"name":"a","image":"a"}]}}`)
	got, err := legacyJSON(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"metadata":{"creationTimestamp":null,"annotations":{"built":"0001-01-01T00:00:01Z"}},"spec":{"containers":[{"name":"a","image":"a","resources":{}}]}}`
	if string(got) != want {
		t.Errorf("legacy JSON:\n got %s\nwant %s", got, want)
	}
}

// Given a template with a creation time set (the API server never sets
// one in a template, but a user may), then both encodings write it, so the
// two hashes agree.
func TestLegacyJSONKeepsSetCreationTime(t *testing.T) {
	tmpl := decode(t, `{"metadata":{"creationTimestamp":"2024-05-01T10:00:00Z"},"spec":{"containers":[{"name":"a","image":"a"}]}}`)
	if c, l := PodTemplateHash(tmpl, nil), LegacyPodTemplateHash(tmpl, nil); c != l {
		t.Errorf("hashes differ with a set creation time: current %s, legacy %s", c, l)
	}
}

// The hash never changes the template it is given.
func TestTemplateUnchanged(t *testing.T) {
	tmpl := decode(t, golden[2].template)
	before, _ := json.Marshal(tmpl)
	LegacyPodTemplateHash(tmpl, ptr(1))
	PodTemplateHash(tmpl, ptr(1))
	if after, _ := json.Marshal(tmpl); string(after) != string(before) {
		t.Errorf("template changed:\n%s\n%s", before, after)
	}
}

// TestStepHash checks the step hash is FNV-32a of the steps' JSON as Argo
// Rollouts writes it (`[{"setWeight":20},{"pause":{}}]`), safe-encoded.
func TestStepHash(t *testing.T) {
	w := int32(20)
	ro := &v1alpha1.Rollout{}
	ro.Spec.Strategy.Canary = &v1alpha1.CanaryStrategy{Steps: []v1alpha1.CanaryStep{{SetWeight: &w}, {Pause: &v1alpha1.RolloutPause{}}}}
	got, err := StepHash(ro)
	if err != nil {
		t.Fatal(err)
	}
	h := fnv.New32a()
	h.Write([]byte(`[{"setWeight":20},{"pause":{}}]`))
	if want := rand.SafeEncodeString(strconv.FormatUint(uint64(h.Sum32()), 10)); got != want {
		t.Errorf("StepHash = %q, want %q", got, want)
	}
	ro.Spec.Strategy = v1alpha1.RolloutStrategy{BlueGreen: &v1alpha1.BlueGreenStrategy{}}
	if got, _ := StepHash(ro); got != "" {
		t.Errorf("blue-green StepHash = %q, want empty", got)
	}
}
