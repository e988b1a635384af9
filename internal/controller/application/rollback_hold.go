package application

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tiphys/tiphys/api/v1alpha1"
	"github.com/tiphys/tiphys/internal/render"
)

// HoldsConfigMap is the ConfigMap, in the controller's namespace, that
// holds rollback holds: one key per held Application,
// "<namespace>.<name>", whose value is a Hold as JSON. It lives apart from
// the Application so that a parent app-of-apps or an ApplicationSet that
// rewrites the Application does not lift the hold.
const HoldsConfigMap = "tiphys-rollback-holds"

// ConditionRollbackHold is the condition of a held app: it stays at the
// rolled-back revision until its branch renders the same.
const ConditionRollbackHold v1alpha1.ApplicationConditionType = "RollbackHoldWarning"

// Hold pins an Application to the revision a `tiphys app rollback` went
// back to, automated sync included, until its source branch renders what
// that revision renders (the revert commit has reached it); then the hold
// ends by itself and the app follows its branch again, with nothing to
// re-deploy.
type Hold struct {
	// Revision is the rolled-back revision of a single-source app.
	Revision string `json:"revision,omitempty"`
	// Revisions are those of a multi-source app, one per source.
	Revisions []string `json:"revisions,omitempty"`
	// HistoryID is the history entry rolled back to.
	HistoryID int64 `json:"historyID"`
	// By is who rolled back; Reason why.
	By     string `json:"by,omitempty"`
	Reason string `json:"reason,omitempty"`
	// At is when.
	At metav1.Time `json:"at"`
	// Revert is the revert commit pushed to the branch, "" if none; the
	// first of Reverts when there are more.
	Revert string `json:"revert,omitempty"`
	// Reverts are the revert commits of a multi-source app's rollback when
	// there are more than one: one per repository branch its sources read.
	Reverts []string `json:"reverts,omitempty"`
	// Released is when the branch reached the rolled-back content and the
	// hold ended; a released hold is kept as the record of the last
	// rollback (tiphys app history shows it) and holds nothing.
	Released *metav1.Time `json:"released,omitempty"`
}

// Active reports a hold that still pins its app.
func (h *Hold) Active() bool { return h != nil && h.Released == nil }

// RevisionText is the held revision for messages: a single-source app's
// revision, or a multi-source app's revisions joined with commas,
// shortened.
func (h *Hold) RevisionText() string {
	if h.Revision == "" && len(h.Revisions) > 0 {
		out := make([]string, len(h.Revisions))
		for i, r := range h.Revisions {
			out[i] = short(r)
		}
		return strings.Join(out, ",")
	}
	return short(h.Revision)
}

// HoldKey is the key of an Application's hold in HoldsConfigMap.
func HoldKey(namespace, name string) string { return namespace + "." + name }

// ReadHold returns the hold of an Application, nil if it has none. A hold
// that cannot be read is an error naming the key.
func ReadHold(ctx context.Context, c client.Reader, controllerNamespace, appNamespace, appName string) (*Hold, error) {
	var cm corev1.ConfigMap
	err := c.Get(ctx, client.ObjectKey{Namespace: controllerNamespace, Name: HoldsConfigMap}, &cm)
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("rollback holds: %w", err)
	}
	raw, ok := cm.Data[HoldKey(appNamespace, appName)]
	if !ok {
		return nil, nil
	}
	h := &Hold{}
	if err := json.Unmarshal([]byte(raw), h); err != nil {
		return nil, fmt.Errorf("rollback hold %s in ConfigMap %s: %w", HoldKey(appNamespace, appName), HoldsConfigMap, err)
	}
	return h, nil
}

// WriteHold sets (h non-nil) or removes (h nil) an Application's hold.
func WriteHold(ctx context.Context, c client.Client, controllerNamespace, appNamespace, appName string, h *Hold) error {
	key := HoldKey(appNamespace, appName)
	var cm corev1.ConfigMap
	err := c.Get(ctx, client.ObjectKey{Namespace: controllerNamespace, Name: HoldsConfigMap}, &cm)
	if apierrors.IsNotFound(err) {
		if h == nil {
			return nil
		}
		cm = corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: controllerNamespace, Name: HoldsConfigMap,
			Labels: map[string]string{"app.kubernetes.io/part-of": "tiphys"}}}
		raw, _ := json.Marshal(h)
		cm.Data = map[string]string{key: string(raw)}
		err = c.Create(ctx, &cm)
		if !apierrors.IsAlreadyExists(err) {
			if err != nil {
				return fmt.Errorf("rollback holds: %w", err)
			}
			return nil
		}
		// Another writer (a second rollback, the controller) made it
		// meanwhile: add the key to theirs.
		cm = corev1.ConfigMap{}
		err = c.Get(ctx, client.ObjectKey{Namespace: controllerNamespace, Name: HoldsConfigMap}, &cm)
	}
	if err != nil {
		return fmt.Errorf("rollback holds: %w", err)
	}
	patch := client.MergeFrom(cm.DeepCopy())
	if h == nil {
		if _, ok := cm.Data[key]; !ok {
			return nil
		}
		delete(cm.Data, key)
	} else {
		raw, _ := json.Marshal(h)
		if cm.Data == nil {
			cm.Data = map[string]string{}
		}
		cm.Data[key] = string(raw)
	}
	if err := c.Patch(ctx, &cm, patch); err != nil {
		return fmt.Errorf("rollback hold %s: %w", key, err)
	}
	return nil
}

// pinned is spec with its source(s) at the hold's revision(s).
func pinned(spec v1alpha1.ApplicationSpec, h *Hold) v1alpha1.ApplicationSpec {
	out := *spec.DeepCopy()
	if out.Source != nil && h.Revision != "" {
		out.Source.TargetRevision = h.Revision
	}
	for i := range out.Sources {
		if i < len(h.Revisions) && h.Revisions[i] != "" {
			out.Sources[i].TargetRevision = h.Revisions[i]
		}
	}
	return out
}

// renderHeld renders a held app: at the held revision while its branch
// renders something else; once the branch renders the same objects, the
// hold is lifted and the branch's render is returned. A failure to render
// the branch keeps the hold.
func (r *Reconciler) renderHeld(ctx context.Context, st *state, req render.AppRequest, h *Hold) (*render.AppResult, error) {
	head, headErr := render.RenderApp(ctx, req)
	heldReq := req
	heldReq.Spec = pinned(req.Spec, h)
	held, err := render.RenderApp(ctx, heldReq)
	if err != nil {
		return nil, fmt.Errorf("render at the rolled-back revision: %w", err)
	}
	if headErr == nil && sameObjects(managedOnly(st, head.Objects), managedOnly(st, held.Objects)) {
		released := *h
		now := metav1.Now()
		released.Released = &now
		if err := WriteHold(ctx, r.client, r.opts.Namespace, st.app.Namespace, st.app.Name, &released); err != nil {
			return nil, err
		}
		r.events.record(st.app, corev1.EventTypeNormal, "RollbackHoldReleased",
			fmt.Sprintf("branch renders what revision %s rendered: rollback hold released, following the branch again", h.RevisionText()))
		return head, nil
	}
	msg := fmt.Sprintf("Held at revision %s by a rollback", h.RevisionText())
	if h.By != "" {
		msg += " of " + h.By
	}
	if h.Reason != "" {
		msg += " (" + h.Reason + ")"
	}
	msg += "; automated sync resumes once the branch renders the same"
	if h.Revert != "" {
		msg += " (revert commit " + short(h.Revert) + ")"
	}
	st.condition(ConditionRollbackHold, msg+".")
	return held, nil
}

// sameObjects compares two renders object by object, in any order.
func sameObjects(a, b []*unstructured.Unstructured) bool {
	if len(a) != len(b) {
		return false
	}
	enc := func(objs []*unstructured.Unstructured) []string {
		out := make([]string, 0, len(objs))
		for _, o := range objs {
			raw, err := json.Marshal(o.Object)
			if err != nil {
				return nil
			}
			out = append(out, string(raw))
		}
		sort.Strings(out)
		return out
	}
	ea, eb := enc(a), enc(b)
	if ea == nil || eb == nil {
		return false
	}
	for i := range ea {
		if ea[i] != eb[i] {
			return false
		}
	}
	return true
}
