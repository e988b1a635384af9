package analysis

import (
	"errors"
	"math"
	"strings"
	"testing"

	v1alpha1 "github.com/tiphys/tiphys/api/v1alpha1"
)

func TestEvaluate(t *testing.T) {
	const (
		ok      = v1alpha1.AnalysisPhaseSuccessful
		failed  = v1alpha1.AnalysisPhaseFailed
		unknown = v1alpha1.AnalysisPhaseInconclusive
		errored = v1alpha1.AnalysisPhaseError
	)
	latency := 0.42
	var nilLatency *float64
	tests := []struct {
		name             string
		success, failure string
		result           any
		want             v1alpha1.AnalysisPhase
		wantErr          string // part of the error; "" for none
		wantNoData       bool
	}{
		{name: "no conditions", result: 3.0, want: ok},
		{name: "no conditions nil result", result: nil, want: ok},
		{name: "success only, holds", success: "result >= 0.95", result: 0.99, want: ok},
		{name: "success only, fails", success: "result >= 0.95", result: 0.5, want: failed},
		{name: "failure only, holds", failure: "result > 10", result: 12, want: failed},
		{name: "failure only, does not hold", failure: "result > 10", result: 3, want: ok},
		{name: "both, success", success: "result < 1", failure: "result > 5", result: 0.5, want: ok},
		{name: "both, failure", success: "result < 1", failure: "result > 5", result: 7.0, want: failed},
		{name: "both, neither", success: "result < 1", failure: "result > 5", result: 3.0, want: unknown},
		{name: "both hold: failure wins", success: "result > 0", failure: "result > 1", result: 2, want: failed},
		{name: "vector first element", success: "result[0] >= 0.95", result: []float64{0.97, 0.1}, want: ok},
		{name: "vector all", success: "all(result, {# < 100})", result: []float64{1, 2, 3}, want: ok},
		{name: "vector empty guarded", success: "len(result) == 0 || result[0] >= 0.95", result: []float64{}, want: ok},
		{
			name: "vector empty unguarded", success: "result[0] >= 0.95", result: []float64{},
			want: errored, wantErr: `evaluate successCondition "result[0] >= 0.95"`, wantNoData: true,
		},
		{name: "NaN detected", failure: "isNaN(result)", result: math.NaN(), want: failed},
		{name: "NaN compares false", success: "result > 0", result: math.NaN(), want: failed},
		{name: "NaN both neither", success: "result > 0", failure: "result < 0", result: math.NaN(), want: unknown},
		{name: "+Inf detected", failure: "isInf(result)", result: math.Inf(1), want: failed},
		{name: "-Inf detected", failure: "isInf(result)", result: math.Inf(-1), want: failed},
		{name: "finite is not Inf", failure: "isInf(result)", result: 1.5, want: ok},
		{name: "isNil on nil", success: "isNil(result)", result: nil, want: ok},
		{name: "isNil on value", success: "isNil(result)", result: 1.0, want: failed},
		{name: "default on nil", success: "default(result, 0) < 10", result: nil, want: ok},
		{name: "default on value", success: "default(result, 0) < 10", result: 12.0, want: failed},
		{name: "nil pointer is nil", success: "default(result, 1) == 1", result: nilLatency, want: ok},
		{name: "pointer followed", success: "result == 0.42", result: &latency, want: ok},
		{name: "asInt of string", success: "asInt(result) == 3", result: "3", want: ok},
		{name: "asInt truncates float", success: "asInt(result) == 3", result: 3.9, want: ok},
		{name: "asFloat of string", success: "asFloat(result) > 0.5", result: "0.75", want: ok},
		{name: "asFloat of NaN string", success: "isNaN(asFloat(result))", result: "NaN", want: ok},
		{
			name: "asInt of word", success: "asInt(result) == 3", result: "three",
			want: errored, wantErr: "asInt",
		},
		{name: "map field", success: "result.ok && result.rate > 0.9", result: map[string]any{"ok": true, "rate": 0.95}, want: ok},
		{name: "string equality", success: `result == "I am OK"`, result: "I am OK", want: ok},
		{
			name: "not a boolean", success: "result + 1", result: 1.0,
			want: errored, wantErr: "expected a boolean, got float64",
		},
		{
			name: "syntax error", failure: "result >", result: 1.0,
			want: errored, wantErr: `evaluate failureCondition "result >"`,
		},
		{
			name: "nil result unguarded", success: "result > 1", result: nil,
			want: errored, wantNoData: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Evaluate(tt.success, tt.failure, tt.result)
			if got != tt.want {
				t.Errorf("phase = %s, want %s (err %v)", got, tt.want, err)
			}
			if tt.want != errored {
				if err != nil {
					t.Errorf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("want an error")
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			if errors.Is(err, ErrNoData) != tt.wantNoData {
				t.Errorf("errors.Is(err, ErrNoData) = %v, want %v (%v)", !tt.wantNoData, tt.wantNoData, err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}
