package health

import (
	"fmt"
	"strconv"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// Shapes shared by several API groups of the second half of Argo CD's
// resource_customizations (health-tail-b); the lead unifies them with
// rules.go later.

const (
	codeHealthy     = v1alpha1.HealthStatusHealthy
	codeProgressing = v1alpha1.HealthStatusProgressing
	codeDegraded    = v1alpha1.HealthStatusDegraded
	codeSuspended   = v1alpha1.HealthStatusSuspended
	codeUnknown     = v1alpha1.HealthStatusUnknown
	codeMissing     = v1alpha1.HealthStatusMissing
)

func statusOf(code v1alpha1.HealthStatusCode, msg string) *Status {
	return &Status{Code: code, Message: msg}
}

// condScan reads the conditions in order; the first condition one of the
// Cases matches decides (with ByCase, the first case any condition
// matches). Without a decision the object is Progressing with Waiting,
// or, with Last and at least one condition, with Last of the last
// condition (Argo CD's scripts that keep each condition's message).
type condScan struct {
	Cases   []condCase
	ByCase  bool
	Waiting string
	Last    func(condition) string
}

// condCase matches a condition by type, status and reason (empty: any;
// NotReason excludes one reason) and gives Code with Msg of the condition
// (nil: its message).
type condCase struct {
	Type, Status, Reason, NotReason string
	Code                            v1alpha1.HealthStatusCode
	Msg                             func(condition) string
}

func (c condCase) matches(cond condition) bool {
	return (c.Type == "" || c.Type == cond.Type) && (c.Status == "" || c.Status == cond.Status) &&
		(c.Reason == "" || c.Reason == cond.Reason) && (c.NotReason == "" || c.NotReason != cond.Reason)
}

func (c condCase) status(cond condition) *Status {
	msg := cond.Message
	if c.Msg != nil {
		msg = c.Msg(cond)
	}
	return statusOf(c.Code, msg)
}

// say is a fixed message for a condCase.
func say(text string) func(condition) string { return func(condition) string { return text } }

// condMessage is the condition's message.
func condMessage(c condition) string { return c.Message }

// reasonSpaceMessage is "<reason> <message>".
func reasonSpaceMessage(c condition) string { return c.Reason + " " + c.Message }

func (r condScan) check(obj *unstructured.Unstructured) (*Status, error) {
	return r.over(conditions(obj)), nil
}

func (r condScan) over(conds []condition) *Status {
	if r.ByCase {
		for _, k := range r.Cases {
			for _, c := range conds {
				if k.matches(c) {
					return k.status(c)
				}
			}
		}
	} else {
		for _, c := range conds {
			for _, k := range r.Cases {
				if k.matches(c) {
					return k.status(c)
				}
			}
		}
	}
	if r.Last != nil && len(conds) > 0 {
		return progressing(r.Last(conds[len(conds)-1]))
	}
	return progressing(r.Waiting)
}

// valueRule picks the health from the string field at Path (from the
// object's root): Values by its value, Else for any other value or none.
// With NeedStatus an object without status is Unknown, as Argo CD's
// script then fails reading a field of the missing status.
type valueRule struct {
	Path       []string
	Values     map[string]phaseHealth
	Else       phaseHealth
	NeedStatus bool
}

func (r valueRule) check(obj *unstructured.Unstructured) (*Status, error) {
	if _, ok := obj.Object["status"].(map[string]any); !ok && r.NeedStatus {
		return statusOf(codeUnknown, "no status to read "+pathString(r.Path)), nil
	}
	v, _ := lookStr(obj.Object, r.Path...)
	p, ok := r.Values[v]
	if !ok {
		p = r.Else
	}
	return statusOf(p.Code, p.Message), nil
}

func pathString(p []string) string {
	s := ""
	for i, f := range p {
		if i > 0 {
			s += "."
		}
		s += f
	}
	return s
}

// lookStr is the string at the path, and whether there is one.
func lookStr(m map[string]any, path ...string) (string, bool) {
	v, ok, _ := unstructured.NestedFieldNoCopy(m, path...)
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	return s, ok
}

// lookNum is the number at the path (integers and floats).
func lookNum(m map[string]any, path ...string) (float64, bool) {
	v, ok, _ := unstructured.NestedFieldNoCopy(m, path...)
	if !ok {
		return 0, false
	}
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case int32:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// lookBool is the boolean at the path.
func lookBool(m map[string]any, path ...string) (value, ok bool) {
	v, found, _ := unstructured.NestedFieldNoCopy(m, path...)
	if !found {
		return false, false
	}
	b, ok := v.(bool)
	return b, ok
}

// lookMap is the object at the path.
func lookMap(m map[string]any, path ...string) (map[string]any, bool) {
	v, found, _ := unstructured.NestedFieldNoCopy(m, path...)
	if !found {
		return nil, false
	}
	x, ok := v.(map[string]any)
	return x, ok
}

// lookList is the list at the path.
func lookList(m map[string]any, path ...string) ([]any, bool) {
	v, found, _ := unstructured.NestedFieldNoCopy(m, path...)
	if !found {
		return nil, false
	}
	x, ok := v.([]any)
	return x, ok
}

// lookHas reports whether the path holds a value (not null).
func lookHas(m map[string]any, path ...string) bool {
	v, found, _ := unstructured.NestedFieldNoCopy(m, path...)
	return found && v != nil
}

// luaString renders a field as Lua's tostring and concatenation would:
// integral numbers without a fraction.
func luaString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		if x == float64(int64(x)) {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'g', 14, 64)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return "nil"
	}
	return fmt.Sprint(v)
}

// generationObserved reports whether status.observedGeneration, when both
// it and metadata.generation are set, equals the generation.
func generationObserved(obj *unstructured.Unstructured) bool {
	gen, ok := lookNum(obj.Object, "metadata", "generation")
	if !ok {
		return true
	}
	seen, ok := lookNum(obj.Object, "status", "observedGeneration")
	return !ok || gen == seen
}
