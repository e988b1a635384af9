package render

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"helm.sh/helm/v3/pkg/strvals"
	"sigs.k8s.io/yaml"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// helmValues merges the values as Argo CD passes them to helm template:
// value files in order, then values (or valuesObject, which wins over it),
// then parameters (--set, --set-string) and file parameters (--set-file).
// Build variables expand in parameter values and in file paths.
func helmValues(req Request, env *BuildEnv, dir string, o *v1alpha1.ApplicationSourceHelm) (map[string]any, error) {
	vals := map[string]any{}
	for _, vf := range o.ValueFiles {
		fsys, p, err := valuesFilePath(req, env, dir, vf)
		if err != nil {
			return nil, fmt.Errorf("helm values file %q: %w", vf, err)
		}
		data, err := readLimited(fsys, p, req.Limits.MaxFileSize)
		if errors.Is(err, fs.ErrNotExist) && strings.ContainsAny(p, "*?[") {
			// Argo CD 3.5 expands these; skipping them would drop values silently.
			return nil, fmt.Errorf("helm values file %q: glob patterns are not supported yet", vf)
		}
		if errors.Is(err, fs.ErrNotExist) {
			if o.IgnoreMissingValueFiles {
				continue
			}
			return nil, fmt.Errorf("helm values file %q: %s: %w", vf, p, errNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("helm values file %q: %w", vf, err)
		}
		m := map[string]any{}
		if err := yaml.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("helm values file %q: %w", vf, err)
		}
		mergeValues(vals, m)
	}
	switch {
	case o.ValuesObject != nil && len(o.ValuesObject.Raw) > 0:
		m := map[string]any{}
		if err := yaml.Unmarshal(o.ValuesObject.Raw, &m); err != nil {
			return nil, fmt.Errorf("helm valuesObject: %w", err)
		}
		mergeValues(vals, m)
	case strings.TrimSpace(o.Values) != "":
		m := map[string]any{}
		if err := yaml.Unmarshal([]byte(o.Values), &m); err != nil {
			return nil, fmt.Errorf("helm values: %w", err)
		}
		mergeValues(vals, m)
	}
	// Argo CD passes every --set before every --set-string, and helm applies
	// them in that order whatever the order of the parameters.
	for _, forceString := range []bool{false, true} {
		parse := strvals.ParseInto
		if forceString {
			parse = strvals.ParseIntoString
		}
		for _, p := range o.Parameters {
			if p.ForceString != forceString {
				continue
			}
			if err := parse(p.Name+"="+escapeSetValue(env.Expand(p.Value)), vals); err != nil {
				return nil, fmt.Errorf("helm parameter %q: %w", p.Name, err)
			}
		}
	}
	for _, fp := range o.FileParameters {
		fsys, p, err := valuesFilePath(req, env, dir, fp.Path)
		if err != nil {
			return nil, fmt.Errorf("helm file parameter %q: %w", fp.Name, err)
		}
		data, err := readLimited(fsys, p, req.Limits.MaxFileSize)
		if err != nil {
			return nil, fmt.Errorf("helm file parameter %q: %q: %s: %w", fp.Name, fp.Path, p, err)
		}
		// The reader gets the value after "="; a placeholder keeps a path
		// with commas or braces from being parsed as more than one value.
		reader := func([]rune) (any, error) { return string(data), nil }
		if err := strvals.ParseIntoFile(fp.Name+"=file", vals, reader); err != nil {
			return nil, fmt.Errorf("helm file parameter %q: %w", fp.Name, err)
		}
	}
	return vals, nil
}

// valuesFilePath resolves a values file as Argo CD does: "$ref/path" in the
// source named ref, else relative to the chart directory, or to the
// repository root when absolute; never outside a repository. Build
// variables expand in the path (after the $ref).
func valuesFilePath(req Request, env *BuildEnv, dir, file string) (fs.FS, string, error) {
	if strings.HasPrefix(file, "$") {
		ref, rest, _ := strings.Cut(file[1:], "/")
		if fsys, ok := req.Refs[ref]; ok {
			p, err := rootedRepoPath("/" + env.Expand(rest))
			return fsys, p, err
		}
		if len(req.Refs) > 0 {
			names := make([]string, 0, len(req.Refs))
			for name := range req.Refs {
				names = append(names, name)
			}
			sort.Strings(names)
			return nil, "", fmt.Errorf("no source with ref %q (refs: %s)", ref, strings.Join(names, ", "))
		}
		// No refs: a variable such as $ARGOCD_APP_NAME/values.yaml.
	}
	file = env.Expand(file)
	if strings.Contains(file, "://") {
		return nil, "", errors.New("remote values files are not supported yet")
	}
	if path.IsAbs(file) {
		p, err := rootedRepoPath(file)
		return req.Repo, p, err
	}
	p, err := cleanRepoPath(path.Join(dir, file))
	return req.Repo, p, err
}

// mergeValues merges src into dst; maps merge deeply, everything else is replaced.
func mergeValues(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				mergeValues(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}

// escapeSetValue escapes each comma not preceded by a backslash, so that a
// --set value stays one value, and leaves a {a,b} list alone: what Argo CD
// does to a parameter value before it passes it to helm template (helm's
// parser then takes a backslash as escaping the next character).
func escapeSetValue(v string) string {
	if strings.HasPrefix(v, "{") && strings.HasSuffix(v, "}") {
		return v
	}
	var b strings.Builder
	var prev rune
	for _, r := range v {
		if r == ',' && prev != '\\' {
			b.WriteString(`\,`)
		} else {
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}
