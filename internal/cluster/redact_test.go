package cluster

import (
	"errors"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestWithoutSecretValues(t *testing.T) {
	secret := func(field string, values map[string]any) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Secret",
			"metadata": map[string]any{"name": "db"}, field: values}}
	}
	tests := []struct {
		name string
		obj  *unstructured.Unstructured
		msg  string
		want string
	}{{
		name: "a number the server quotes",
		obj:  secret("stringData", map[string]any{"pin": int64(987654)}),
		msg:  "failed to create typed patch object (ns/db; /v1, Kind=Secret): .stringData.pin: expected string, got &value.valueUnstructured{Value:987654}",
		want: "failed to create typed patch object (ns/db; /v1, Kind=Secret): .stringData.pin: expected string, got &value.valueUnstructured{Value:++++++++}",
	}, {
		name: "a quoted string, and the content of a data value",
		obj:  secret("data", map[string]any{"a": "czNjcjN0", "b": "x"}),
		msg:  `invalid value "czNjcjN0" (s3cr3t)`,
		want: `invalid value "++++++++" (++++++++)`,
	}, {
		name: "a short value is masked only where it stands apart",
		obj:  secret("stringData", map[string]any{"n": int64(1)}),
		msg:  "(ns/db; /v1, Kind=Secret): .stringData.n: got {Value:1}",
		want: "(ns/db; /v1, Kind=Secret): .stringData.n: got {Value:++++++++}",
	}, {
		name: "a message without values is the same",
		obj:  secret("stringData", map[string]any{"password": "s3cr3t"}),
		msg:  `secrets "db" is forbidden`,
		want: `secrets "db" is forbidden`,
	}, {
		name: "not a Secret",
		obj: &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
			"data": map[string]any{"k": "plain"}}},
		msg:  `bad value "plain"`,
		want: `bad value "plain"`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := apierrors.NewBadRequest(tt.msg)
			err := WithoutSecretValues(in, tt.obj)
			if err.Error() != tt.want {
				t.Errorf("message = %q\nwant      %q", err.Error(), tt.want)
			}
			var status apierrors.APIStatus
			if !apierrors.IsBadRequest(err) || !errors.As(err, &status) {
				t.Errorf("the server's error is no longer reachable: %#v", err)
			}
		})
	}
	if WithoutSecretValues(nil, secret("data", nil)) != nil {
		t.Error("no error became an error")
	}
}
