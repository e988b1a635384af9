package health

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tiphys/tiphys/api/v1alpha1"
)

// customizationPrefix is the argocd-cm key prefix of Lua health checks:
// resource.customizations.health.<group>_<kind> (just <kind> for the core group).
const customizationPrefix = "resource.customizations.health."

// luaTimeout bounds one health script.
const luaTimeout = time.Second

// LuaOverrides reads the Lua health checks from argocd-cm data. Each script
// sees the live object as the global obj and returns a table with status
// and message, as in Argo CD. Scripts run in a sandbox: base, string, table
// and math only, no files, no modules, no os, and a time limit. A script
// that does not compile is named in the error and left out; the others are
// returned.
func LuaOverrides(cm map[string]string) (Overrides, error) {
	out := Overrides{}
	var errs []error
	keys := make([]string, 0, len(cm))
	for k := range cm {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		if !strings.HasPrefix(key, customizationPrefix) {
			continue
		}
		gk := parseGroupKind(strings.TrimPrefix(key, customizationPrefix))
		script := cm[key]
		if strings.TrimSpace(script) == "" {
			// An empty check switches the built-in one off: the kind gets
			// the generic check on its conditions.
			out[gk] = genericHealth
			continue
		}
		// Compile once now, so a syntax error is reported with its key.
		if _, err := compileLua(script); err != nil {
			errs = append(errs, fmt.Errorf("argocd-cm %s: %w", key, err))
			continue
		}
		out[gk] = func(obj *unstructured.Unstructured) (*Status, error) { return runLua(script, obj) }
	}
	return out, errors.Join(errs...)
}

func parseGroupKind(s string) schema.GroupKind {
	if i := strings.LastIndex(s, "_"); i >= 0 {
		return schema.GroupKind{Group: s[:i], Kind: s[i+1:]}
	}
	return schema.GroupKind{Kind: s}
}

func compileLua(script string) (*lua.LFunction, error) {
	L := sandbox()
	defer L.Close()
	return L.LoadString(script)
}

// sandbox is a Lua state with only pure libraries.
func sandbox() *lua.LState {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{{lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}, {lua.StringLibName, lua.OpenString}, {lua.MathLibName, lua.OpenMath}} {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	for _, unsafe := range []string{"dofile", "loadfile", "load", "loadstring", "require", "module", "collectgarbage"} {
		L.SetGlobal(unsafe, lua.LNil)
	}
	return L
}

func runLua(script string, obj *unstructured.Unstructured) (*Status, error) {
	L := sandbox()
	defer L.Close()
	ctx, cancel := context.WithTimeout(context.Background(), luaTimeout)
	defer cancel()
	L.SetContext(ctx)
	L.SetGlobal("obj", toLua(L, obj.Object))
	if err := L.DoString(script); err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("lua health check: ran longer than %s", luaTimeout)
		}
		return nil, fmt.Errorf("lua health check: %w", err)
	}
	ret, ok := L.Get(-1).(*lua.LTable)
	if !ok {
		return nil, errors.New("lua health check: did not return a table")
	}
	code := v1alpha1.HealthStatusCode(lua.LVAsString(ret.RawGetString("status")))
	if _, known := order[code]; !known {
		return nil, fmt.Errorf("lua health check: unknown status %q", code)
	}
	return &Status{Code: code, Message: lua.LVAsString(ret.RawGetString("message"))}, nil
}

// toLua converts a JSON-like value into Lua values.
func toLua(L *lua.LState, v any) lua.LValue {
	switch t := v.(type) {
	case map[string]any:
		tbl := L.NewTable()
		for k, val := range t {
			tbl.RawSetString(k, toLua(L, val))
		}
		return tbl
	case []any:
		tbl := L.NewTable()
		for _, val := range t {
			tbl.Append(toLua(L, val))
		}
		return tbl
	case string:
		return lua.LString(t)
	case bool:
		return lua.LBool(t)
	case int64:
		return lua.LNumber(t)
	case float64:
		return lua.LNumber(t)
	case nil:
		return lua.LNil
	}
	return lua.LString(fmt.Sprint(v))
}
