package diff

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Cluster is what a comparison asks of the live cluster (cluster.Writer).
type Cluster interface {
	// DryRunApply returns what a server-side apply of obj, as syncs apply
	// it, would leave; nothing changes. skipValidation is Validate=false.
	DryRunApply(ctx context.Context, obj *unstructured.Unstructured, skipValidation bool) (*unstructured.Unstructured, error)
	// ManagedFields returns the managedFields of a live object.
	ManagedFields(ctx context.Context, live *unstructured.Unstructured) ([]metav1.ManagedFieldsEntry, error)
}

// Differ compares desired objects with live ones by a server-side-apply dry
// run. A result is kept while the desired object, the live object's
// resourceVersion and the ignore rules stay the same, so an unchanged
// resource is never dry-run twice.
type Differ struct {
	// Cluster answers dry runs and managedFields.
	Cluster Cluster

	mu    sync.Mutex
	known map[string]bool
}

// Result is a comparison of one resource.
type Result struct {
	// Modified is true when a sync would change the live object (or create it).
	Modified bool
	// Predicted is the object as the dry run says a sync leaves it (nil when
	// the result came from memory or the object is missing).
	Predicted *unstructured.Unstructured
}

// Options tune a comparison.
type Options struct {
	// Ignore are the ignore rules (the app's and the system-wide ones).
	Ignore []v1alpha1.ResourceIgnoreDifferences
	// SkipValidation dry-runs without strict field validation (Validate=false).
	SkipValidation bool
}

// Diff compares one desired object with its live object (nil when missing).
func (d *Differ) Diff(ctx context.Context, desired, live *unstructured.Unstructured, o Options) (*Result, error) {
	if live == nil {
		return &Result{Modified: true}, nil
	}
	ignore := o.Ignore
	key, err := resultKey(desired, live, ignore)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	modified, ok := d.known[key]
	if !ok && len(ignore) > 0 {
		// A sync left live as desired (Remember, no rules): equal without
		// ignore rules is equal with them.
		if plain, err := resultKey(desired, live, nil); err == nil {
			if m, found := d.known[plain]; found && !m {
				modified, ok = false, true
			}
		}
	}
	d.mu.Unlock()
	if ok {
		return &Result{Modified: modified}, nil
	}
	predicted, err := d.Cluster.DryRunApply(ctx, desired, o.SkipValidation)
	if err != nil {
		return nil, fmt.Errorf("server-side dry run of %s %s: %w", desired.GetKind(), desired.GetName(), err)
	}
	var managed []metav1.ManagedFieldsEntry
	if NeedsManagedFields(ignore, desired) {
		if managed, err = d.Cluster.ManagedFields(ctx, live); err != nil {
			return nil, err
		}
	}
	want, err := Normalize(predicted, ignore, managed)
	if err != nil {
		return nil, err
	}
	got, err := Normalize(live, ignore, managed)
	if err != nil {
		return nil, err
	}
	modified = !reflect.DeepEqual(want, got)
	d.mu.Lock()
	if d.known == nil || len(d.known) > 100000 {
		d.known = map[string]bool{}
	}
	d.known[key] = modified
	d.mu.Unlock()
	return &Result{Modified: modified, Predicted: predicted}, nil
}

// Remember records that live, as a sync of desired just left it, matches
// desired: the comparison after a sync needs no dry run.
func (d *Differ) Remember(desired, live *unstructured.Unstructured, ignore []v1alpha1.ResourceIgnoreDifferences) {
	key, err := resultKey(desired, live, ignore)
	if err != nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.known == nil {
		d.known = map[string]bool{}
	}
	d.known[key] = false
}

// resultKey identifies a comparison: the desired object, the ignore rules
// and the live object's identity. For kinds with a generation the identity
// is the generation and the live values of the labels and annotations the
// desired object sets, so status updates (a rollout progressing) and other
// managers' metadata do not call for another dry run; otherwise the
// resourceVersion.
func resultKey(desired, live *unstructured.Unstructured, ignore []v1alpha1.ResourceIgnoreDifferences) (string, error) {
	if len(ignore) == 0 {
		ignore = nil // no rules, however spelled
	}
	var identity any = live.GetResourceVersion()
	if g := live.GetGeneration(); g > 0 {
		identity = []any{g, desiredKeys(desired.GetLabels(), live.GetLabels()), desiredKeys(desired.GetAnnotations(), live.GetAnnotations())}
	}
	b, err := json.Marshal([]any{desired.Object, ignore, string(live.GetUID()), identity})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// desiredKeys are the live values of the keys the desired object sets. A
// label or annotation the desired object does not set cannot change what a
// sync does (another manager's, such as the deployment controller's
// revision annotation), so it is not part of the identity.
func desiredKeys(desired, live map[string]string) map[string]*string {
	out := make(map[string]*string, len(desired))
	for k := range desired {
		if v, ok := live[k]; ok {
			out[k] = &v
		} else {
			out[k] = nil
		}
	}
	return out
}
