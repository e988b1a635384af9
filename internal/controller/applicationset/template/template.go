// Package template renders ApplicationSet templates with a generator's
// parameters, in Argo CD's two template languages: the default one, where
// {{param}} is replaced by a flattened parameter (fasttemplate, as Argo CD
// uses it), and Go templates (goTemplate: true) with Sprig's functions but
// env, expandenv and getHostByName, and goTemplateOptions such as
// missingkey=error. It follows Argo CD's applicationset/utils.
package template

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	gotemplate "text/template"

	"github.com/Masterminds/sprig/v3"
	"github.com/valyala/fasttemplate"
)

// Params is one parameter set: strings, numbers, booleans, lists and
// nested maps as a generator yields them.
type Params = map[string]any

// Options are the set's template language settings.
type Options struct {
	// GoTemplate selects Go templates.
	GoTemplate bool
	// GoTemplateOptions are text/template options ("missingkey=error").
	GoTemplateOptions []string
}

// Render renders one template string with params. In the default
// language a tag whose parameter is missing stays as written, as in Argo
// CD; in Go templates the options decide. The error names the template's
// fault.
func Render(text string, params Params, o Options) (string, error) {
	if o.GoTemplate {
		return renderGo(text, params, o.GoTemplateOptions)
	}
	return renderFlat(text, Flatten(params))
}

// renderFlat replaces {{ name }} by the flattened parameter name.
func renderFlat(text string, flat map[string]string) (string, error) {
	if !strings.Contains(text, "{{") {
		return text, nil
	}
	return fasttemplate.ExecuteFuncStringWithErr(text, "{{", "}}", func(w io.Writer, tag string) (int, error) {
		if v, ok := flat[strings.TrimSpace(tag)]; ok {
			return w.Write([]byte(v))
		}
		return w.Write([]byte("{{" + tag + "}}"))
	})
}

// funcs are Sprig's functions without those that read the controller's
// environment or the network, as Argo CD removes them.
var funcs = func() gotemplate.FuncMap {
	f := sprig.TxtFuncMap()
	for _, name := range []string{"env", "expandenv", "getHostByName"} {
		delete(f, name)
	}
	return f
}()

func renderGo(text string, params Params, options []string) (string, error) {
	t := gotemplate.New("").Funcs(funcs)
	for _, opt := range options {
		if err := optionOK(opt); err != nil {
			return "", err
		}
		t = t.Option(opt)
	}
	t, err := t.Parse(text)
	if err != nil {
		return "", fmt.Errorf("go template %q: %w", short(text), err)
	}
	var out bytes.Buffer
	if err := t.Execute(&out, params); err != nil {
		return "", fmt.Errorf("go template %q: %w", short(text), err)
	}
	return out.String(), nil
}

// optionOK refuses an option text/template would panic on.
func optionOK(opt string) error {
	switch opt {
	case "missingkey=default", "missingkey=invalid", "missingkey=zero", "missingkey=error":
		return nil
	}
	return fmt.Errorf("goTemplateOptions: unknown option %q", opt)
}

func short(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

// Flatten is the default language's view of a parameter set: nested maps
// become dotted keys ("path.basename"), lists their elements by index
// ("path[0]" as generators name them), other values their string form
// (numbers as Go's %v prints them).
func Flatten(params Params) map[string]string {
	out := make(map[string]string, len(params))
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, vv := range t {
				walk(join(prefix, k), vv)
			}
		case map[string]string:
			for k, vv := range t {
				out[join(prefix, k)] = vv
			}
		case nil:
			out[prefix] = ""
		default:
			out[prefix] = fmt.Sprint(t)
		}
	}
	for k, v := range params {
		walk(k, v)
	}
	return out
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}
