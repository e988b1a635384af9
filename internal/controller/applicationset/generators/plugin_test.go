package generators

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// pluginServer answers as a plugin: it checks the token and echoes the
// input parameters it received next to two sets.
func pluginServer(t *testing.T, seen *map[string]any) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/v1/getparams.execute" {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		if r.Header.Get("Authorization") != "Bearer s3cret" {
			http.Error(w, "bad token", http.StatusForbidden)
			return
		}
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, seen); err != nil {
			t.Error(err)
		}
		_, _ = io.WriteString(w, `{"output": {"parameters": [
			{"name": "a", "replicas": 2, "image": {"tag": "v1"}},
			{"name": "b", "replicas": 1000000, "image": {"tag": "v2"}}]}}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func pluginEnv(cm map[string]string) *Env {
	return &Env{
		ConfigMap: func(_ context.Context, name string) (map[string]string, error) {
			if name != "my-plugin" {
				return nil, fmt.Errorf("configmaps %q not found", name)
			}
			return cm, nil
		},
		Secret: func(_ context.Context, name, key string) (string, error) {
			if name == "plugin-secrets" && key == "token" || name == "argocd-secret" && key == "plugin.token" {
				return "s3cret\n", nil
			}
			return "", fmt.Errorf("secret %s has no key %q", name, key)
		},
	}
}

func TestPlugin(t *testing.T) {
	var seen map[string]any
	srv := pluginServer(t, &seen)
	gen := func() *v1alpha1.PluginGenerator {
		return &v1alpha1.PluginGenerator{
			ConfigMapRef: v1alpha1.PluginConfigMapRef{Name: "my-plugin"},
			Input: v1alpha1.PluginInput{Parameters: v1alpha1.PluginParameters{
				"team": apiextensionsv1.JSON{Raw: []byte(`"payments"`)},
				"list": apiextensionsv1.JSON{Raw: []byte(`["x", "y"]`)},
			}},
			Values: map[string]string{"app": "{{name}}-app"},
		}
	}
	input := map[string]any{"team": "payments", "list": []any{"x", "y"}}
	generator := map[string]any{"input": map[string]any{"parameters": input}}

	t.Run("default language, token of another Secret", func(t *testing.T) {
		env := pluginEnv(map[string]string{"baseUrl": srv.URL + "/", "token": "$plugin-secrets:token", "requestTimeout": "5"})
		mustGenerate(t, v1alpha1.ApplicationSetGenerator{Plugin: gen()}, appSet(false, nil), env, []Params{
			{"name": "a", "replicas": "2", "image.tag": "v1", "generator": generator, "values.app": "a-app"},
			{"name": "b", "replicas": "1e+06", "image.tag": "v2", "generator": generator, "values.app": "b-app"},
		})
		want := map[string]any{"applicationSetName": "platform", "input": map[string]any{"parameters": input}}
		if d := cmp.Diff(want, seen); d != "" {
			t.Fatalf("request (-want +got):\n%s", d)
		}
	})

	t.Run("goTemplate, token of argocd-secret", func(t *testing.T) {
		g := gen()
		g.Values = map[string]string{"app": "{{ .name }}-{{ index .generator.input.parameters.list 1 }}"}
		env := pluginEnv(map[string]string{"baseUrl": srv.URL, "token": "$plugin.token"})
		mustGenerate(t, v1alpha1.ApplicationSetGenerator{Plugin: g}, appSet(true, nil), env, []Params{
			{"name": "a", "replicas": float64(2), "image": map[string]any{"tag": "v1"}, "generator": generator, "values": map[string]any{"app": "a-y"}},
			{"name": "b", "replicas": float64(1000000), "image": map[string]any{"tag": "v2"}, "generator": generator, "values": map[string]any{"app": "b-y"}},
		})
	})
}

func TestPluginErrors(t *testing.T) {
	var seen map[string]any
	srv := pluginServer(t, &seen)
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release // answers only once the test is over
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) })
	empty := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"result": []}`)
	}))
	t.Cleanup(empty.Close)
	tests := []struct {
		name    string
		cm      map[string]string
		env     *Env
		wantErr string
	}{{
		name:    "HTTP error",
		cm:      map[string]string{"baseUrl": srv.URL + "/nowhere", "token": "$plugin.token"},
		wantErr: "plugin " + srv.URL + "/nowhere/api/v1/getparams.execute: HTTP 404 Not Found: not found",
	}, {
		name:    "timeout",
		cm:      map[string]string{"baseUrl": slow.URL, "token": "$plugin.token", "requestTimeout": "1"},
		wantErr: "context deadline exceeded",
	}, {
		name:    "a response without output.parameters",
		cm:      map[string]string{"baseUrl": empty.URL, "token": "$plugin.token"},
		wantErr: `response has no output.parameters: {"result": []}`,
	}, {
		name:    "a token key the Secret lacks",
		cm:      map[string]string{"baseUrl": srv.URL, "token": "$plugin-secrets:other"},
		wantErr: `plugin configMap "my-plugin": token: secret plugin-secrets key "other": secret plugin-secrets has no key "other"`,
	}, {
		name:    "a token that references no Secret",
		cm:      map[string]string{"baseUrl": srv.URL, "token": "s3cret"},
		wantErr: `token: "s3cret" does not reference a Secret key`,
	}, {
		name:    "a bad requestTimeout",
		cm:      map[string]string{"baseUrl": srv.URL, "token": "$plugin.token", "requestTimeout": "1m"},
		wantErr: `requestTimeout "1m" is not a number of seconds`,
	}, {
		name: "a ConfigMap that cannot be read",
		env: &Env{
			ConfigMap: func(context.Context, string) (map[string]string, error) {
				return nil, errors.New("configmaps is forbidden")
			},
			Secret: func(context.Context, string, string) (string, error) { return "", nil },
		},
		wantErr: `plugin configMap "my-plugin": configmaps is forbidden`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := tt.env
			if env == nil {
				env = pluginEnv(tt.cm)
			}
			g := v1alpha1.ApplicationSetGenerator{Plugin: &v1alpha1.PluginGenerator{ConfigMapRef: v1alpha1.PluginConfigMapRef{Name: "my-plugin"}}}
			_, err := generate(t, g, appSet(false, nil), env)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}
