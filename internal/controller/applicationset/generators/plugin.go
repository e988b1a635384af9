package generators

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

func init() {
	register("plugin", func(g *v1alpha1.ApplicationSetGenerator) bool { return g.Plugin != nil }, pluginGenerator{})
}

const (
	// pluginSecret holds a plugin token written "$key", as in Argo CD.
	pluginSecret = "argocd-secret"
	// pluginTimeout is the request timeout without requestTimeout.
	pluginTimeout = 30 * time.Second
	// pluginPath is the plugin's one endpoint, under baseUrl.
	pluginPath = "api/v1/getparams.execute"
)

// pluginGenerator asks an HTTP plugin for parameter sets (Argo CD's
// Generators-Plugin.md). The ConfigMap configMapRef.name gives baseUrl,
// token and requestTimeout (seconds, default 30). token is "$<key>" of
// the argocd-secret Secret or "$<secret>:<key>" of another one.
//
// The generator POSTs {"applicationSetName": ..., "input": {"parameters":
// ...}} to <baseUrl>/api/v1/getparams.execute with the token as a bearer
// token, and reads {"output": {"parameters": [objects]}}. Each object is a
// set, flattened in the default language (as the git files generator),
// as it is with goTemplate, plus generator.input.parameters (the input,
// decoded) and the values rendered over it. The plugin's order is kept.
type pluginGenerator struct{}

type pluginRequest struct {
	ApplicationSetName string               `json:"applicationSetName"`
	Input              v1alpha1.PluginInput `json:"input"`
}

type pluginResponse struct {
	Output struct {
		Parameters *[]map[string]any `json:"parameters"`
	} `json:"output"`
}

func (pluginGenerator) Generate(ctx context.Context, g *v1alpha1.ApplicationSetGenerator, set *v1alpha1.ApplicationSet, env *Env) ([]Params, error) {
	pg := g.Plugin
	cmName := pg.ConfigMapRef.Name
	if env.ConfigMap == nil || env.Secret == nil {
		return nil, fmt.Errorf("plugin configMap %q: %w", cmName, ErrNotConfigured)
	}
	cm, err := env.ConfigMap(ctx, cmName)
	if err != nil {
		return nil, fmt.Errorf("plugin configMap %q: %w", cmName, err)
	}
	baseURL := cm["baseUrl"]
	if baseURL == "" {
		return nil, fmt.Errorf("plugin configMap %q: baseUrl is empty", cmName)
	}
	timeout := pluginTimeout
	if s, ok := cm["requestTimeout"]; ok {
		secs, err := strconv.Atoi(s)
		if err != nil || secs < 0 {
			return nil, fmt.Errorf("plugin configMap %q: requestTimeout %q is not a number of seconds", cmName, s)
		}
		if secs > 0 {
			timeout = time.Duration(secs) * time.Second
		}
	}
	token, err := pluginToken(ctx, env, cm["token"])
	if err != nil {
		return nil, fmt.Errorf("plugin configMap %q: token: %w", cmName, err)
	}
	url := strings.TrimSuffix(baseURL, "/") + "/" + pluginPath
	objects, err := callPlugin(ctx, env, url, token, timeout, pluginRequest{ApplicationSetName: set.Name, Input: pg.Input})
	if err != nil {
		return nil, fmt.Errorf("plugin %s: %w", url, err)
	}
	input := map[string]any{}
	for k, v := range pg.Input.Parameters {
		var d any
		if err := json.Unmarshal(v.Raw, &d); err != nil {
			return nil, fmt.Errorf("input parameter %q: %w", k, err)
		}
		input[k] = d
	}
	o := optionsOf(set)
	out := make([]Params, 0, len(objects))
	for i, obj := range objects {
		var p Params
		if o.GoTemplate {
			p = maps.Clone(obj)
			if p == nil {
				p = Params{}
			}
		} else {
			p = flattenObject(obj)
		}
		p["generator"] = map[string]any{"input": map[string]any{"parameters": copyValue(input)}}
		if err := appendValues(pg.Values, p, o); err != nil {
			return nil, fmt.Errorf("plugin %s: set %d: %w", url, i, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// pluginToken reads "$key" (of argocd-secret) or "$secret:key".
func pluginToken(ctx context.Context, env *Env, ref string) (string, error) {
	if !strings.HasPrefix(ref, "$") || len(ref) < 2 {
		return "", fmt.Errorf("%q does not reference a Secret key: write $<key> (of %s) or $<secret>:<key>", ref, pluginSecret)
	}
	name, key := pluginSecret, ref[1:]
	if s, k, ok := strings.Cut(ref[1:], ":"); ok {
		name, key = s, k
	}
	token, err := env.Secret(ctx, name, key)
	if err != nil {
		return "", fmt.Errorf("secret %s key %q: %w", name, key, err)
	}
	return strings.TrimSpace(token), nil
}

// callPlugin POSTs the request and decodes the output parameters.
func callPlugin(ctx context.Context, env *Env, url, token string, timeout time.Duration, req pluginRequest) ([]map[string]any, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Authorization", "Bearer "+token)
	hreq.Header.Set("User-Agent", "tiphys-applicationset")
	client := env.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(hreq)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("read the response: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("HTTP %s: %s", resp.Status, excerpt(data))
	}
	var out pluginResponse
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("response is not {\"output\": {\"parameters\": [...]}}: %w", err)
	}
	if out.Output.Parameters == nil {
		// An empty result must be said, never mistaken for one.
		return nil, fmt.Errorf("response has no output.parameters: %s", excerpt(data))
	}
	return *out.Output.Parameters, nil
}

func excerpt(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	return s
}
