package analysis

import (
	"errors"
	"fmt"
	"math"
	"reflect"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

// ErrNoData marks an evaluation that failed on a nil or empty result, so a
// provider can say that its query returned nothing instead of showing an
// expression error. Check it with errors.Is.
var ErrNoData = errors.New("metric result is nil or empty")

// Evaluate judges one measurement's result with a metric's conditions, as
// Argo Rollouts' evaluate.EvaluateResult does:
//
//   - neither condition: Successful;
//   - only successCondition: Successful when it holds, else Failed;
//   - only failureCondition: Failed when it holds, else Successful;
//   - both: Failed when failureCondition holds, Successful when only
//     successCondition holds, Inconclusive when neither does.
//
// Conditions are expr expressions over the variable result and the helpers
// of [conditionEnv]. A condition that does not compile, does not run or is
// not a boolean gives the Error phase and an error naming the condition;
// when the result was nil or empty the error also wraps [ErrNoData].
func Evaluate(successCondition, failureCondition string, result any) (v1alpha1.AnalysisPhase, error) {
	var succeeded, failed bool
	if successCondition != "" {
		ok, err := evalCondition(successCondition, result)
		if err != nil {
			return v1alpha1.AnalysisPhaseError, conditionError("successCondition", successCondition, result, err)
		}
		succeeded = ok
	}
	if failureCondition != "" {
		ok, err := evalCondition(failureCondition, result)
		if err != nil {
			return v1alpha1.AnalysisPhaseError, conditionError("failureCondition", failureCondition, result, err)
		}
		failed = ok
	}
	switch {
	case successCondition == "" && failureCondition == "":
		return v1alpha1.AnalysisPhaseSuccessful, nil
	case failureCondition == "":
		failed = !succeeded
	case successCondition == "":
		succeeded = !failed
	}
	switch {
	case failed:
		return v1alpha1.AnalysisPhaseFailed, nil
	case succeeded:
		return v1alpha1.AnalysisPhaseSuccessful, nil
	default:
		return v1alpha1.AnalysisPhaseInconclusive, nil
	}
}

// conditionError names the condition that could not be evaluated and, for
// a nil or empty result, wraps ErrNoData: that, not the expression, is
// almost always the cause.
func conditionError(field, condition string, result any, err error) error {
	if isNilOrEmpty(result) {
		return fmt.Errorf("evaluate %s %q: %w: %w", field, condition, ErrNoData, err)
	}
	return fmt.Errorf("evaluate %s %q: %w", field, condition, err)
}

// evalCondition runs one condition and requires a boolean.
func evalCondition(condition string, result any) (bool, error) {
	env := conditionEnv(result)
	program, err := expr.Compile(condition, expr.Env(env))
	if err != nil {
		return false, plainExprError(err)
	}
	out, err := expr.Run(program, env)
	if err != nil {
		return false, plainExprError(err)
	}
	ok, isBool := out.(bool)
	if !isBool {
		return false, fmt.Errorf("expected a boolean, got %T", out)
	}
	return ok, nil
}

// plainExprError drops expr's source excerpt (a multi-line caret drawing)
// so the message fits a measurement's one-line status.
func plainExprError(err error) error {
	var fileErr *file.Error
	if errors.As(err, &fileErr) {
		return errors.New(fileErr.Message)
	}
	return err
}

// conditionEnv is what a condition sees, the same names as in Argo:
//
//   - result: the provider's result, a pointer followed to its value;
//   - asInt(x), asFloat(x): numbers and numeric strings as int64 / float64;
//   - isNaN(f), isInf(f): float tests (isInf is true for both infinities);
//   - isNil(x): whether the result is nil;
//   - default(x, d): the result, or d when the result is nil.
//
// As in Argo, isNil and default look at the whole result whatever their
// first argument is (conditions write isNil(result), default(result, 0)).
func conditionEnv(result any) map[string]any {
	value := derefPointer(result)
	resultIsNil := isNil(result)
	return map[string]any{
		"result":  value,
		"asInt":   asInt,
		"asFloat": asFloat,
		"isNaN":   math.IsNaN,
		"isInf":   func(f float64) bool { return math.IsInf(f, 0) },
		"isNil":   func(any) bool { return resultIsNil },
		"default": func(_ any, fallback any) any {
			if resultIsNil {
				return fallback
			}
			return value
		},
	}
}

// isNil reports a nil interface or a nil pointer, map, slice or channel.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Chan:
		return rv.IsNil()
	}
	return false
}

// isNilOrEmpty is isNil, or an empty slice or array.
func isNilOrEmpty(v any) bool {
	if isNil(v) {
		return true
	}
	rv := reflect.ValueOf(derefPointer(v))
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		return rv.Len() == 0
	}
	return false
}

// derefPointer lets providers hand over pointers: a non-nil pointer
// becomes the value it points to, a nil one becomes nil.
func derefPointer(v any) any {
	if isNil(v) {
		return nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer {
		return v
	}
	return rv.Elem().Interface()
}
