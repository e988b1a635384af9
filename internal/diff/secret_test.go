package diff

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestHideSecretData(t *testing.T) {
	const m8, m12, m16 = "++++++++", "++++++++++++", "++++++++++++++++"
	secret := func(body string) string {
		return "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\n" + body
	}
	tests := []struct {
		name               string
		target, live       string // "" for nil
		wantTarget, wantLv string
	}{{
		name:       "equal values get the same mask",
		target:     secret("data: {password: czNjcjN0}"),
		live:       secret("data: {password: czNjcjN0}"),
		wantTarget: secret("data: {password: " + m8 + "}"),
		wantLv:     secret("data: {password: " + m8 + "}"),
	}, {
		name:       "different values get different masks",
		target:     secret("data: {password: bmV3}"),
		live:       secret("data: {password: b2xk}"),
		wantTarget: secret("data: {password: " + m8 + "}"),
		wantLv:     secret("data: {password: " + m12 + "}"),
	}, {
		name:       "each key has its own masks",
		target:     secret("data: {a: eA==, b: eQ==, c: eg==}"),
		live:       secret("data: {a: eA==, b: eg==}"),
		wantTarget: secret("data: {a: " + m8 + ", b: " + m8 + ", c: " + m8 + "}"),
		wantLv:     secret("data: {a: " + m8 + ", b: " + m12 + "}"),
	}, {
		name:       "a key on one side only",
		target:     secret("data: {token: eA==}"),
		live:       secret("data: {user: eQ==}"),
		wantTarget: secret("data: {token: " + m8 + "}"),
		wantLv:     secret("data: {user: " + m8 + "}"),
	}, {
		name:       "stringData is compared with data by content",
		target:     secret("stringData: {password: s3cr3t, user: admin}"),
		live:       secret("data: {password: czNjcjN0, user: cm9vdA==}"),
		wantTarget: secret("stringData: {password: " + m8 + ", user: " + m8 + "}"),
		wantLv:     secret("data: {password: " + m8 + ", user: " + m12 + "}"),
	}, {
		name:       "empty and null values",
		target:     secret("data: {a: null, b: ''}"),
		live:       secret("data: {a: '', b: eA==}"),
		wantTarget: secret("data: {a: " + m8 + ", b: " + m8 + "}"),
		wantLv:     secret("data: {a: " + m8 + ", b: " + m12 + "}"),
	}, {
		name:       "no live object",
		target:     secret("type: Opaque\ndata: {password: czNjcjN0}"),
		wantTarget: secret("type: Opaque\ndata: {password: " + m8 + "}"),
	}, {
		name:   "the last applied configuration shares the masks",
		target: secret("data: {password: bmV3}"),
		live: strings.Replace(secret("data: {password: b2xk}"), "namespace: shop}",
			`namespace: shop, annotations: {kubectl.kubernetes.io/last-applied-configuration: '{"kind":"Secret","data":{"password":"b2xk"},"stringData":{"pin":"1234"}}'}}`, 1),
		wantTarget: secret("data: {password: " + m8 + "}"),
		wantLv: strings.Replace(secret("data: {password: "+m12+"}"), "namespace: shop}",
			`namespace: shop, annotations: {kubectl.kubernetes.io/last-applied-configuration: '{"data":{"password":"`+m12+`"},"kind":"Secret","stringData":{"pin":"`+m8+`"}}'}}`, 1),
	}, {
		name: "a last applied configuration that does not parse is masked whole",
		live: strings.Replace(secret("data: {password: b2xk}"), "namespace: shop}",
			`namespace: shop, annotations: {kubectl.kubernetes.io/last-applied-configuration: '{"data":{"password":"b2xk"'}}`, 1),
		wantLv: strings.Replace(secret("data: {password: "+m8+"}"), "namespace: shop}",
			`namespace: shop, annotations: {kubectl.kubernetes.io/last-applied-configuration: '`+m8+`'}}`, 1),
	}, {
		name:       "three values of one key",
		target:     secret("data: {k: YQ==}"),
		live:       strings.Replace(secret("data: {k: Yg==}"), "namespace: shop}", `namespace: shop, annotations: {kubectl.kubernetes.io/last-applied-configuration: '{"data":{"k":"Yw=="}}'}}`, 1),
		wantTarget: secret("data: {k: " + m8 + "}"),
		wantLv:     strings.Replace(secret("data: {k: "+m12+"}"), "namespace: shop}", `namespace: shop, annotations: {kubectl.kubernetes.io/last-applied-configuration: '{"data":{"k":"`+m16+`"}}'}}`, 1),
	}, {
		name:       "objects that are not core Secrets are untouched",
		target:     "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {password: s3cr3t}\n",
		live:       "apiVersion: bitnami.com/v1alpha1\nkind: Secret\nmetadata: {name: sealed}\ndata: {password: czNjcjN0}\n",
		wantTarget: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {password: s3cr3t}\n",
		wantLv:     "apiVersion: bitnami.com/v1alpha1\nkind: Secret\nmetadata: {name: sealed}\ndata: {password: czNjcjN0}\n",
	}}
	parse := func(s string) *unstructured.Unstructured {
		if s == "" {
			return nil
		}
		return obj(t, s)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, live := parse(tt.target), parse(tt.live)
			gotTarget, gotLive := HideSecretData(target, live)
			for _, c := range []struct {
				side      string
				in, got   *unstructured.Unstructured
				want, src string
			}{{"target", target, gotTarget, tt.wantTarget, tt.target}, {"live", live, gotLive, tt.wantLv, tt.live}} {
				if c.want == "" {
					if c.got != nil {
						t.Errorf("%s = %v, want nil", c.side, c.got.Object)
					}
					continue
				}
				if d := cmp.Diff(parse(c.want).Object, c.got.Object); d != "" {
					t.Errorf("%s (-want +got):\n%s", c.side, d)
				}
				if d := cmp.Diff(parse(c.src).Object, c.in.Object); d != "" {
					t.Errorf("HideSecretData changed its %s argument:\n%s", c.side, d)
				}
			}
		})
	}
}
