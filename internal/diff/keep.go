package diff

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/itchyny/gojq"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// jqTimeout bounds one jq path expression on one object, as Argo CD does.
const jqTimeout = time.Second

// KeepIgnored returns a copy of desired in which every field that the
// ignore rules matching it select has its live value: what a sync with
// RespectIgnoreDifferences=true applies. The rest, list items included,
// comes from desired.
//
// A rule selects paths in both objects: jsonPointers and jqPathExpressions
// (through jq's path()) where they exist in live or in desired, and
// managedFieldsManagers the fields and list items those managers own in
// managed, the live object's managedFields. A selected path that live has
// gets live's value, one that live lacks is removed. List items are matched
// by identity, not position: by their name when it is unique in the list,
// or the keys server-side apply names them by, else by position. A live item that desired lacks is added
// (Argo CD's strategic merge patch adds it too): its name or keys and the
// ignored fields, or the whole item when it has no name. A named item that
// live lacks is new in Git and comes from desired whole, ignored fields
// included: there is no live value to keep (Argo CD removes them, which
// leaves, say, a new container without its image). Live's status and
// server-set metadata are never copied (Argo CD leaves status out too).
//
// The result is never nil. A jq expression that does not parse is reported
// in the error; the result then keeps the live values of every other rule.
// An expression that fails on an object (iterating over a field it lacks)
// selects nothing there.
func KeepIgnored(desired, live *unstructured.Unstructured, rules []v1alpha1.ResourceIgnoreDifferences, managed []metav1.ManagedFieldsEntry) (*unstructured.Unstructured, error) {
	out := desired.DeepCopy()
	if live == nil {
		return out, nil
	}
	src := live.DeepCopy()
	unstructured.RemoveNestedField(src.Object, "status")
	for _, f := range serverSet {
		unstructured.RemoveNestedField(src.Object, "metadata", f)
	}
	var liveDoc, desiredDoc any
	var paths []fieldPath
	var errs []error
	for _, rule := range rules {
		if !Matches(rule, desired) {
			continue
		}
		if liveDoc == nil {
			// gojq takes decoded JSON; values are still copied from live.
			var err error
			if liveDoc, err = jsonDoc(src.Object); err != nil {
				return out, fmt.Errorf("live %s %s: %w", live.GetKind(), live.GetName(), err)
			}
			if desiredDoc, err = jsonDoc(desired.Object); err != nil {
				return out, fmt.Errorf("desired %s %s: %w", desired.GetKind(), desired.GetName(), err)
			}
		}
		for _, pointer := range rule.JSONPointers {
			for _, doc := range []any{liveDoc, desiredDoc} {
				if p, ok := pathOf(doc, pointerTokens(pointer)); ok {
					paths = append(paths, p)
				}
			}
		}
		for _, expr := range rule.JQPathExpressions {
			found, err := jqPaths(expr, liveDoc, desiredDoc)
			if err != nil {
				errs = append(errs, err)
			}
			paths = append(paths, found...)
		}
		paths = append(paths, managedPaths(managed, rule.ManagedFieldsManagers)...)
	}
	if len(paths) == 0 {
		return out, errors.Join(errs...)
	}
	for i, p := range paths {
		paths[i] = throughIdentity(out.Object, p)
	}
	// Ancestors first: a path under one already kept or removed is done.
	slices.SortFunc(paths, comparePaths)
	var done []fieldPath
	var obj any = out.Object
	for _, p := range paths {
		if slices.ContainsFunc(done, p.hasPrefix) {
			continue
		}
		done = append(done, p)
		if _, ok := lookup(src.Object, p); ok {
			obj = put(obj, src.Object, p)
		} else if !namedItemMissing(src.Object, p) {
			remove(obj, p)
		}
	}
	out.Object = compact(obj).(map[string]any)
	return out, errors.Join(errs...)
}

// namedItemMissing reports whether p goes through a named list item that
// live lacks: an item new in Git, which has no live values to keep.
func namedItemMissing(live any, p fieldPath) bool {
	for i, s := range p {
		if _, ok := lookup(live, p[:i+1]); !ok {
			return s.kind == keysStep
		}
	}
	return false
}

// throughIdentity shortens p to the list item desired lacks when that item
// has no name or keys to be added by: such an item is copied whole.
func throughIdentity(desired any, p fieldPath) fieldPath {
	node := desired
	for i, s := range p {
		if s.kind == fieldStep {
			m, _ := node.(map[string]any)
			child, ok := m[s.field]
			if !ok {
				return p
			}
			node = child
			continue
		}
		list, _ := node.([]any)
		j := s.find(list)
		switch {
		case j >= 0:
			node = list[j]
		case s.kind == keysStep:
			return p
		default:
			return p[:i+1]
		}
	}
	return p
}

// jsonDoc is obj decoded from its JSON, as jq sees it.
func jsonDoc(obj map[string]any) (any, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	var doc any
	err = json.Unmarshal(b, &doc)
	return doc, err
}

// jqPaths are the paths a jq path expression selects in each document.
func jqPaths(expr string, docs ...any) ([]fieldPath, error) {
	q, err := gojq.Parse("path(" + expr + ")")
	if err != nil {
		return nil, fmt.Errorf("jq path expression %q: %w", expr, err)
	}
	code, err := gojq.Compile(q)
	if err != nil {
		return nil, fmt.Errorf("jq path expression %q: %w", expr, err)
	}
	var out []fieldPath
	for _, doc := range docs {
		out = append(out, jqRun(code, doc)...)
	}
	return out, nil
}

// jqRun runs a compiled path() query on one document. An error (a field
// that is not there to iterate, a time-out) selects nothing in it, as a
// failing jq rule changes nothing in Argo CD.
func jqRun(code *gojq.Code, doc any) []fieldPath {
	ctx, cancel := context.WithTimeout(context.Background(), jqTimeout)
	defer cancel()
	var out []fieldPath
	iter := code.RunWithContext(ctx, doc)
	for {
		v, ok := iter.Next()
		if !ok {
			return out
		}
		if _, isErr := v.(error); isErr {
			return nil
		}
		tokens, _ := v.([]any)
		if p, ok := pathOf(doc, tokens); ok {
			out = append(out, p)
		}
	}
}

// managedPaths lists the leaf fields and list items the named managers own
// according to a live object's managedFields. A list item a manager added
// ("." owned) is the manager's whole; a map is kept for the members other
// managers may own.
func managedPaths(entries []metav1.ManagedFieldsEntry, managers []string) []fieldPath {
	var out []fieldPath
	var walk func(prefix fieldPath, set map[string]any)
	walk = func(prefix fieldPath, set map[string]any) {
		for pe, child := range set {
			s, ok := parseFieldSetStep(pe)
			if !ok {
				continue
			}
			sub, _ := child.(map[string]any)
			p := append(slices.Clone(prefix), s)
			_, self := sub["."]
			if len(sub) == 0 || (len(sub) == 1 && self) || (s.kind != fieldStep && self) {
				out = append(out, p)
			} else {
				walk(p, sub)
			}
		}
	}
	for _, set := range managedFieldSets(entries, managers) {
		walk(nil, set)
	}
	return out
}

// parseFieldSetStep reads a path element of a managedFields field set:
// "f:name", "k:{...}", "v:value" or "i:N" (not ".", the node itself).
func parseFieldSetStep(pe string) (step, bool) {
	kind, raw, ok := strings.Cut(pe, ":")
	if !ok {
		return step{}, false
	}
	switch kind {
	case "f":
		return step{kind: fieldStep, field: raw}, true
	case "k":
		var keys map[string]any
		if json.Unmarshal([]byte(raw), &keys) != nil || len(keys) == 0 {
			return step{}, false
		}
		return step{kind: keysStep, keys: keys}, true
	case "v":
		var v any
		if json.Unmarshal([]byte(raw), &v) != nil {
			return step{}, false
		}
		return step{kind: valueStep, value: v}, true
	case "i":
		i, err := strconv.Atoi(raw)
		return step{kind: indexStep, index: i}, err == nil
	}
	return step{}, false
}
