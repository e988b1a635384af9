package diff

import (
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
)

// stepKind tells how a step of a field path finds its node.
type stepKind int

const (
	// fieldStep is a member of a map, by its key.
	fieldStep stepKind = iota
	// keysStep is the list item whose fields have the given values: its
	// name, or the keys server-side apply names it by (k:{...}).
	keysStep
	// valueStep is the list item equal to a value (a set item, v:...).
	valueStep
	// indexStep is the list item at a position, for items without identity.
	indexStep
)

// step is one element of a field path. List items are named by identity
// where they have one, so that a path found in the live object finds the
// same item in the desired object even when the lists differ in length
// or order.
type step struct {
	kind  stepKind
	field string         // fieldStep
	keys  map[string]any // keysStep
	value any            // valueStep
	index int            // indexStep
}

// fieldPath is a path from the root of an object to one node.
type fieldPath []step

// String writes a step in the notation of server-side apply field sets.
func (s step) String() string {
	switch s.kind {
	case keysStep:
		return "k:" + jsonText(s.keys)
	case valueStep:
		return "v:" + jsonText(s.value)
	case indexStep:
		return "i:" + strconv.Itoa(s.index)
	}
	return "f:" + s.field
}

func (p fieldPath) String() string {
	parts := make([]string, len(p))
	for i, s := range p {
		parts[i] = s.String()
	}
	return strings.Join(parts, "/")
}

// hasPrefix reports whether q is p or one of p's ancestors.
func (p fieldPath) hasPrefix(q fieldPath) bool {
	if len(q) > len(p) {
		return false
	}
	for i := range q {
		if compareSteps(p[i], q[i]) != 0 {
			return false
		}
	}
	return true
}

// compareSteps orders steps: by kind, then by field, index or identity.
func compareSteps(a, b step) int {
	if c := cmp.Compare(a.kind, b.kind); c != 0 {
		return c
	}
	switch a.kind {
	case fieldStep:
		return strings.Compare(a.field, b.field)
	case indexStep:
		return cmp.Compare(a.index, b.index)
	}
	return strings.Compare(a.String(), b.String())
}

// comparePaths orders paths shorter first, so an ancestor comes before its
// descendants, and list items by position.
func comparePaths(a, b fieldPath) int {
	if c := cmp.Compare(len(a), len(b)); c != 0 {
		return c
	}
	for i := range a {
		if c := compareSteps(a[i], b[i]); c != 0 {
			return c
		}
	}
	return 0
}

// removedItem marks a list item deleted while paths are still being
// resolved: positions stay valid until compact drops the marks.
type removedItem struct{ _ byte }

var removed = &removedItem{}

// find returns the position of the list item s names, or -1.
func (s step) find(list []any) int {
	if s.kind == indexStep {
		if s.index >= 0 && s.index < len(list) && list[s.index] != any(removed) {
			return s.index
		}
		return -1
	}
	for i, item := range list {
		if item == any(removed) {
			continue
		}
		switch s.kind {
		case keysStep:
			if m, ok := item.(map[string]any); ok && hasKeys(m, s.keys) {
				return i
			}
		case valueStep:
			if jsonText(item) == jsonText(s.value) {
				return i
			}
		}
	}
	return -1
}

// hasKeys reports whether a list item has every one of the key values.
func hasKeys(item, keys map[string]any) bool {
	for k, v := range keys {
		got, ok := item[k]
		if !ok || jsonText(got) != jsonText(v) {
			return false
		}
	}
	return true
}

// jsonText is v as JSON: numbers decoded as float64 and as int64 alike.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// itemStep names the list item at position i by its identity: its name
// when no other item has it (the merge key of containers, env, volumes and
// most Kubernetes lists; volumeMounts repeat names), else its position.
func itemStep(list []any, i int) step {
	name := itemName(list[i])
	if name == "" {
		return step{kind: indexStep, index: i}
	}
	for j, item := range list {
		if j != i && itemName(item) == name {
			return step{kind: indexStep, index: i}
		}
	}
	return step{kind: keysStep, keys: map[string]any{"name": name}}
}

func itemName(item any) string {
	m, _ := item.(map[string]any)
	name, _ := m["name"].(string)
	return name
}

// pathOf turns the tokens of a JSON pointer or of a jq path into a field
// path in obj; ok is false when obj has no node there, and for the root:
// a rule never selects the whole object (the comparison ignores nothing
// for "." or the pointer "", as in Argo CD).
func pathOf(obj any, tokens []any) (fieldPath, bool) {
	if len(tokens) == 0 {
		return nil, false
	}
	p := make(fieldPath, 0, len(tokens))
	node := obj
	for _, tok := range tokens {
		switch n := node.(type) {
		case map[string]any:
			key, isString := tok.(string)
			if !isString {
				return nil, false
			}
			child, ok := n[key]
			if !ok {
				return nil, false
			}
			p = append(p, step{kind: fieldStep, field: key})
			node = child
		case []any:
			i, ok := listPosition(tok, len(n))
			if !ok {
				return nil, false
			}
			p = append(p, itemStep(n, i))
			node = n[i]
		default:
			return nil, false
		}
	}
	return p, true
}

// listPosition reads a list position from a pointer token ("2") or a jq
// path element (2, or -1 for the last item).
func listPosition(tok any, n int) (int, bool) {
	var i int
	switch t := tok.(type) {
	case int:
		i = t
	case float64:
		i = int(t)
		if float64(i) != t {
			return 0, false
		}
	case string:
		v, err := strconv.Atoi(t)
		if err != nil || strings.HasPrefix(t, "+") || (len(t) > 1 && t[0] == '0') {
			return 0, false
		}
		i = v
	default:
		return 0, false
	}
	if i < 0 {
		i += n
	}
	return i, i >= 0 && i < n
}

// pointerTokens splits an RFC 6901 JSON pointer into its unescaped tokens.
func pointerTokens(pointer string) []any {
	if pointer == "" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	tokens := make([]any, len(parts))
	for i, raw := range parts {
		tokens[i] = strings.ReplaceAll(strings.ReplaceAll(raw, "~1", "/"), "~0", "~")
	}
	return tokens
}

// lookup returns the node at p in obj.
func lookup(obj any, p fieldPath) (any, bool) {
	node := obj
	for _, s := range p {
		if s.kind == fieldStep {
			m, ok := node.(map[string]any)
			if !ok {
				return nil, false
			}
			if node, ok = m[s.field]; !ok {
				return nil, false
			}
			continue
		}
		list, _ := node.([]any)
		i := s.find(list)
		if i < 0 {
			return nil, false
		}
		node = list[i]
	}
	return node, true
}

// put gives dst, at p, the value src has there (src must have one) and
// returns dst, which is new where it was missing or a list grew. A list
// item that dst lacks is added: made of its identity (name or keys) and
// the value when it is named, whole when it only has a position or a
// value, so an added item is never a fragment without identity.
func put(dst, src any, p fieldPath) any {
	if len(p) == 0 {
		return runtime.DeepCopyJSONValue(src)
	}
	s := p[0]
	if s.kind == fieldStep {
		sm := src.(map[string]any)
		dm, ok := dst.(map[string]any)
		if !ok {
			dm = map[string]any{}
		}
		dm[s.field] = put(dm[s.field], sm[s.field], p[1:])
		return dm
	}
	sl := src.([]any)
	item := sl[s.find(sl)]
	dl, _ := dst.([]any)
	if i := s.find(dl); i >= 0 {
		dl[i] = put(dl[i], item, p[1:])
		return dl
	}
	if s.kind != keysStep {
		return append(dl, runtime.DeepCopyJSONValue(item))
	}
	seed := make(map[string]any, len(s.keys))
	for k := range s.keys {
		seed[k] = runtime.DeepCopyJSONValue(item.(map[string]any)[k])
	}
	return append(dl, put(seed, item, p[1:]))
}

// remove deletes the node at p from obj, if there is one. A list item is
// only marked (compact drops it), so that other paths' positions hold.
func remove(obj any, p fieldPath) {
	if len(p) == 0 {
		return
	}
	parent, ok := lookup(obj, p[:len(p)-1])
	if !ok {
		return
	}
	last := p[len(p)-1]
	switch n := parent.(type) {
	case map[string]any:
		if last.kind == fieldStep {
			delete(n, last.field)
		}
	case []any:
		if last.kind != fieldStep {
			if i := last.find(n); i >= 0 {
				n[i] = removed
			}
		}
	}
}

// compact drops the list items remove marked and returns v.
func compact(v any) any {
	switch n := v.(type) {
	case map[string]any:
		for k, child := range n {
			n[k] = compact(child)
		}
	case []any:
		n = slices.DeleteFunc(n, func(item any) bool { return item == any(removed) })
		for i, child := range n {
			n[i] = compact(child)
		}
		return n
	}
	return v
}
