// Package hash computes the pod-template hash that names a Rollout
// revision: the value of the rollouts-pod-template-hash label on its
// ReplicaSet, pods and Services, and of status.currentPodHash and
// status.stableRS.
//
// The hash must be byte-for-byte Argo Rollouts', or Tiphys would not find
// the ReplicaSets Argo Rollouts created and would start a new revision of
// every Rollout it takes over. It is:
//
//  1. the JSON of the pod template as Go's encoding/json writes
//     corev1.PodTemplateSpec (struct field order, map keys sorted, no
//     defaulting);
//  2. hashed with FNV-32a;
//  3. when the Rollout's status.collisionCount is set, followed by 8 more
//     bytes: the count as a little-endian uint32, then four zero bytes (so
//     a count of 0 differs from no count);
//  4. the 32-bit sum written in decimal, then each digit replaced by
//     Kubernetes' rand.SafeEncodeString (0→4 1→5 2→6 3→7 4→8 5→9 6→b 7→c
//     8→d 9→f).
//
// The JSON changed under Argo Rollouts' feet: the Kubernetes libraries of
// Rollouts 1.8 wrote "creationTimestamp":null in every ObjectMeta, later
// ones (apimachinery 0.34 on, Rollouts 1.9) leave an unset time out. The
// same template therefore has two hashes. PodTemplateHash is today's,
// LegacyPodTemplateHash Rollouts 1.8's, and Matches accepts either, so a
// ReplicaSet created by either version is adopted under the name it has.
package hash

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"hash/fnv"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"
)

// The names Matches gives the algorithm that matched.
const (
	// Current is the hash Argo Rollouts 1.9 and later compute (PodTemplateHash).
	Current = "current"
	// Legacy is the hash Argo Rollouts 1.8 and earlier computed (LegacyPodTemplateHash).
	Legacy = "legacy"
)

// PodTemplateHash is the pod-template hash Argo Rollouts 1.9 computes for
// template with the Rollout's status.collisionCount (nil when unset).
//
// It returns "" only if the template cannot be encoded as JSON, which a
// PodTemplateSpec (strings, numbers, booleans, maps and quantities) cannot
// fail; "" matches no ReplicaSet.
func PodTemplateHash(template *corev1.PodTemplateSpec, collisionCount *int32) string {
	b, err := json.Marshal(template)
	if err != nil {
		return ""
	}
	return sum(b, collisionCount)
}

// LegacyPodTemplateHash is the hash Argo Rollouts 1.8 computed for the same
// template: the JSON it hashed has "creationTimestamp":null in every
// ObjectMeta whose creation time is unset (the template's metadata and the
// claim templates of ephemeral volumes).
func LegacyPodTemplateHash(template *corev1.PodTemplateSpec, collisionCount *int32) string {
	b, err := legacyJSON(template)
	if err != nil {
		return ""
	}
	return sum(b, collisionCount)
}

// Matches reports whether hash is template's pod-template hash under
// either algorithm, and which: Current or Legacy ("" when neither).
func Matches(template *corev1.PodTemplateSpec, collisionCount *int32, hash string) (bool, string) {
	if hash == "" {
		return false, ""
	}
	if PodTemplateHash(template, collisionCount) == hash {
		return true, Current
	}
	if LegacyPodTemplateHash(template, collisionCount) == hash {
		return true, Legacy
	}
	return false, ""
}

// sum hashes the template's JSON and the collision count, and encodes the
// result as Argo Rollouts does.
func sum(templateJSON []byte, collisionCount *int32) string {
	h := fnv.New32a()
	_, _ = h.Write(templateJSON) // a hash.Hash never returns an error
	if collisionCount != nil {
		b := make([]byte, 8) // Argo Rollouts hashes 8 bytes; only the first 4 carry the count
		binary.LittleEndian.PutUint32(b, uint32(*collisionCount))
		_, _ = h.Write(b)
	}
	return rand.SafeEncodeString(strconv.FormatUint(uint64(h.Sum32()), 10))
}

// legacyJSON encodes template as the Kubernetes libraries before
// apimachinery 0.34 did. Those wrote an unset metav1.Time as null; today's
// leave the key out. The unset times are set to a marker time the template
// does not contain, and the marker is then replaced by null: the key stays
// where the struct puts it, so the bytes are the old ones.
func legacyJSON(template *corev1.PodTemplateSpec) ([]byte, error) {
	plain, err := json.Marshal(template)
	if err != nil {
		return nil, err
	}
	t := template.DeepCopy()
	metas := []*metav1.ObjectMeta{&t.ObjectMeta}
	for i := range t.Spec.Volumes {
		if e := t.Spec.Volumes[i].Ephemeral; e != nil && e.VolumeClaimTemplate != nil {
			metas = append(metas, &e.VolumeClaimTemplate.ObjectMeta)
		}
	}
	marker := markerTime(plain)
	markerKey, err := json.Marshal(map[string]metav1.Time{"creationTimestamp": marker})
	if err != nil {
		return nil, err
	}
	markerKey = markerKey[1 : len(markerKey)-1] // "creationTimestamp":"0001-01-01T00:00:01Z"
	for _, m := range metas {
		if m.CreationTimestamp.IsZero() {
			m.CreationTimestamp = marker
		}
	}
	b, err := json.Marshal(t)
	if err != nil {
		return nil, err
	}
	return bytes.ReplaceAll(b, markerKey, []byte(`"creationTimestamp":null`)), nil
}

// markerTime is a time, on 1 January of year 1, whose JSON does not occur
// in templateJSON.
func markerTime(templateJSON []byte) metav1.Time {
	for s := 1; ; s++ {
		t := metav1.NewTime(time.Date(1, time.January, 1, 0, 0, s, 0, time.UTC))
		b, _ := t.MarshalJSON() // formatting a valid time cannot fail
		if !bytes.Contains(templateJSON, b) {
			return t
		}
	}
}
