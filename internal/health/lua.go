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
// that does not compile is named in the error, and the objects of its kind
// get Unknown with it; the others are returned.
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
		// Compile once now, so a syntax error is reported with its key;
		// the kind's objects are then Unknown with it, as in Argo CD.
		if _, err := compileLua(script); err != nil {
			err = fmt.Errorf("argocd-cm %s: %w", key, err)
			errs = append(errs, err)
			out[gk] = func(*unstructured.Unstructured) (*Status, error) { return nil, err }
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
	// string.rep builds a string of any size in one call: bounded, so one
	// script cannot take the controller's memory.
	if str, ok := L.GetGlobal(lua.StringLibName).(*lua.LTable); ok {
		rep := str.RawGetString("rep")
		str.RawSetString("rep", L.NewFunction(func(L *lua.LState) int {
			if n := L.CheckInt(2); n > 0 && len(L.CheckString(1))*n > luaMaxString {
				L.RaiseError("string.rep: result longer than %d bytes", luaMaxString)
			}
			L.Push(rep)
			L.Push(L.Get(1))
			L.Push(L.Get(2))
			L.Call(2, 1)
			return 1
		}))
	}
	return L
}

// luaMaxString bounds the strings string.rep makes (1 MiB).
const luaMaxString = 1 << 20

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
	// As Argo CD reads the result (util/lua ExecuteHealthLua): nil or an
	// empty table is no health, so the object does not count; a table
	// whose status is not a health code is Unknown.
	var ret *lua.LTable
	switch v := L.Get(-1).(type) {
	case *lua.LNilType:
		return nil, nil
	case *lua.LTable:
		ret = v
	default:
		return nil, fmt.Errorf("lua health check: expect table output from Lua script, not %s", v.Type())
	}
	if k, _ := ret.Next(lua.LNil); k == lua.LNil {
		return nil, nil
	}
	code := v1alpha1.HealthStatusCode(lua.LVAsString(ret.RawGetString("status")))
	if _, known := order[code]; !known {
		return &Status{Code: v1alpha1.HealthStatusUnknown, Message: "Lua returned an invalid health status"}, nil
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
